# Two entry points for a fresh machine: `make report` (the main job) and `make test`.
# Both create .venv on first use and install the package with the pinned versions in constraints.txt.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
MIRROR ?= $(if $(ANALYSIS_MIRROR),$(ANALYSIS_MIRROR),../shared/data)

.PHONY: setup report test build fetch bench dist clean-report

$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[test,bench,cluster]'
	touch $(STAMP)

setup: $(STAMP)

## The main job: build both editions of the report from the committed data/processed (no download).
report: $(STAMP)
	$(PY) -m analysis report --lang en --out reports/latest
	$(PY) -m analysis report --lang ru --out reports/latest-ru

## The test suite (raw-data tests use the mirror in ANALYSIS_MIRROR, skipped when absent).
test: $(STAMP)
	$(PY) -m pytest -q -n 2

## Download raw inputs (or copy from MIRROR) into data/raw/, then rebuild data/processed/.
fetch: $(STAMP)
	$(PY) -m analysis fetch --mirror $(MIRROR)

build: $(STAMP)
	$(PY) -m analysis build

## sdist and wheel in dist/ (the wheel carries data/processed; see setup.py).
dist: $(STAMP)
	$(PY) -m build --outdir dist .

bench: $(STAMP)
	for f in bench/bench_*.py; do $(PY) $$f; done
