"""The toolkit as a user installs it: a built wheel, run from a folder outside the checkout.

How it is installed: ``python -m build`` makes the sdist and then the wheel *from the
sdist* (so the sdist is proven to hold what a rebuild needs); the wheel is installed with
``pip install --no-deps --target DIR``, and every command runs with this environment's
interpreter, ``PYTHONPATH=DIR`` and a temporary current folder. That is a real,
non-editable install of the package (only what the wheel holds is importable from DIR,
which comes first on ``sys.path``), while the dependencies come from the current
environment, so the test needs no network beyond the build backend. A fresh virtual
environment would have to download every dependency.

Writes into the installed package are detected by a snapshot of its whole tree (path,
size, sha256) before and after; it is also made read-only, although that alone proves
nothing when the tests run as root.

The build backend is the setuptools version pinned in ``pyproject.toml``: used from
this environment when it is installed here (offline), otherwise fetched by an isolated
build. When neither works (no ``build`` frontend, or no network for the backend), the
tests are skipped with that reason.
"""
from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import stat
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
PROCESSED = ROOT / "data" / "processed"

pytestmark = [pytest.mark.install, pytest.mark.slow]


def _committed_processed() -> dict[str, bytes]:
    """The checkout's committed processed files (relative path → bytes), audit folders excluded."""
    try:
        out = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z", "data/processed"], capture_output=True,
                             check=True, timeout=30).stdout.decode().split("\0")
        rels = [Path(p).relative_to("data/processed") for p in out if p]
    except (OSError, subprocess.SubprocessError):
        rels = [p.relative_to(PROCESSED) for p in PROCESSED.rglob("*") if p.is_file()]
    return {r.as_posix(): (PROCESSED / r).read_bytes() for r in sorted(rels) if "audit" not in r.parts}


def _pinned_setuptools() -> str:
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["build-system"]["requires"]
    pin = next(r for r in requires if r.startswith("setuptools"))
    return pin.split("==", 1)[1] if "==" in pin else ""


def _tree(folder: Path) -> dict[str, tuple[int, str]]:
    return {p.relative_to(folder).as_posix(): (p.stat().st_size, hashlib.sha256(p.read_bytes()).hexdigest())
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _read_only(folder: Path) -> None:
    for p in [folder, *folder.rglob("*")]:
        mode = p.stat().st_mode
        p.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


def _writable(folder: Path) -> None:
    for p in [folder, *folder.rglob("*")]:
        p.chmod(p.stat().st_mode | stat.S_IWUSR)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """sdist and wheel, built from the checkout (the wheel from the sdist)."""
    try:
        import build  # noqa: F401
    except ImportError:
        pytest.skip("the `build` frontend is not installed (pip install build)")
    out = tmp_path_factory.mktemp("dist")
    import setuptools

    offline = setuptools.__version__ == _pinned_setuptools()
    cmd = [sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)] + (["--no-isolation"] if offline else [])
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if res.returncode != 0:
        if not offline and re.search(r"(?i)network|connection|resolve|index|could not find a version", res.stdout
                                     + res.stderr):
            pytest.skip(f"the build backend setuptools=={_pinned_setuptools()} is not installed here and cannot "
                        "be fetched (no network)")
        pytest.fail(f"python -m build failed:\n{res.stdout[-3000:]}\n{res.stderr[-3000:]}")
    log = res.stdout + res.stderr
    wheel = next(out.glob("*.whl"))
    sdist = next(out.glob("*.tar.gz"))
    return {"wheel": wheel, "sdist": sdist, "log": log}


@pytest.fixture(scope="module")
def installed(built, tmp_path_factory):
    """The wheel installed into a --target folder, made read-only; yields the folder."""
    site = tmp_path_factory.mktemp("site")
    res = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
                          "--target", str(site), str(built["wheel"])], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    before = _tree(site)
    _read_only(site)
    yield site
    _writable(site)
    assert _tree(site) == before, "something was written into the installed package"


def _env(site: Path, tmp: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANALYSIS_") and k != "PYTHONPATH"}
    cache = os.environ.get("ANALYSIS_CACHE_DIR")
    if cache:  # keep a kernel cache the suite was told to use (warm compiled kernels)
        env["ANALYSIS_CACHE_DIR"] = cache
    env.update(PYTHONPATH=str(site), XDG_DATA_HOME=str(tmp / "xdg-data"), MPLBACKEND="Agg", **extra)
    return env


def _run(args: list[str], *, cwd: Path, env: dict[str, str], timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def test_wheel_ships_the_committed_processed_data_byte_for_byte(built):
    committed = _committed_processed()
    assert "monthly_series.csv" in committed
    prefix = "analysis/data/processed/"
    with zipfile.ZipFile(built["wheel"]) as zf:
        shipped = {n[len(prefix):]: zf.read(n) for n in zf.namelist() if n.startswith(prefix) and not n.endswith("/")}
        names = zf.namelist()
        metadata = zf.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert sorted(shipped) == sorted(committed)
    for rel, data in committed.items():
        assert hashlib.sha256(shipped[rel]).hexdigest() == hashlib.sha256(data).hexdigest(), rel
    assert "analysis/_source_commit.txt" in names
    assert "analysis/config/default.toml" in names and "analysis/data/events.csv" in names
    assert not [n for n in names if "__pycache__" in n or "/audit/" in n]
    assert re.search(r"^License-Expression: MIT$", metadata, re.M)
    assert re.search(r"^Classifier: ", metadata, re.M)


def test_build_prints_no_setuptools_deprecation_warning(built):
    assert not re.search(r"(?i)SetuptoolsDeprecationWarning|deprecated", built["log"]), built["log"][-3000:]


def test_sdist_holds_what_a_rebuild_needs(built):
    with tarfile.open(built["sdist"]) as tf:
        names = {n.split("/", 1)[1] for n in tf.getnames() if "/" in n}
    for need in ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "analysis/__init__.py",
                 "analysis/_source_commit.txt", "data/raw/manifest.toml", "tests/test_install.py"):
        assert need in names, need
    assert {f"data/processed/{rel}" for rel in _committed_processed()} <= names


def test_installed_package_reads_its_own_data_from_any_folder(installed, tmp_path):
    code = ("import analysis, analysis.processed as P\n"
            "y = analysis.monthly_series('foreign_agents', 'inclusions')\n"
            "print(P.processed_dir()); print(analysis.__file__)\n"
            "print(analysis.__version__); print(analysis.source_commit())\n"
            "from analysis.report.config import load_config\n"
            "print(len(load_config().series))\n"
            "y.to_csv('series.csv')\n")
    res = _run([sys.executable, "-c", code], cwd=tmp_path, env=_env(installed, tmp_path))
    assert res.returncode == 0, res.stderr
    data_dir, init, version, commit, n_series = res.stdout.split("\n")[:5]
    assert int(n_series) >= 4  # the packaged default configuration, read from the installed package
    assert Path(data_dir) == installed / "analysis" / "data" / "processed"
    assert Path(init).parent == installed / "analysis"
    assert version == tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    import analysis

    assert commit == str(analysis.source_commit())
    # independent reference: the checkout's long table filtered by hand
    long = pd.read_csv(io.BytesIO(_committed_processed()["monthly_series.csv"]), dtype=str)
    sel = long[(long.registry == "foreign_agents") & (long.measure == "inclusions") & (long.category == "all")]
    sel = sel[sel.value.notna()]
    got = pd.read_csv(tmp_path / "series.csv", dtype=str)
    assert got["month"].tolist() == sel["month"].tolist()
    assert [float(v) for v in got.iloc[:, 1]] == [float(v) for v in sel["value"]]


#: Series of the default configuration the installed report keeps: one count model (with its
#: counting choices, so the sensitivity section is there) and the Gaussian-cost series.
SMALL_SERIES = ("fa_net", "und_inclusions")


def _small_config(text: str) -> str:
    """The default configuration cut to every section at a third of the cost: two series, one article, few draws.

    Every section of the default report is still written (series, breaks, models,
    convictions, headlines, sensitivity, vintages, screen, data), each kind of search
    cost and the count models run, so the comparison proves for the installed package
    what the full report would; the full report's own bytes are compared in
    ``tests/test_determinism.py`` (two reports of every series on a fresh rebuild).
    """
    blocks = re.findall(r"(?ms)^\[\[series\]\]\n.*?(?=^\[|^# ----|\Z)", text)
    kept = [b for b in blocks if re.search(r'(?m)^id = "(%s)"' % "|".join(SMALL_SERIES), b)]
    assert len(kept) == len(SMALL_SERIES), "the default configuration no longer has the series this test keeps"
    for b in blocks:
        if b not in kept:
            text = text.replace(b, "")
    for key, value in (("articles", '["275"]'), ("described", '["207.3"]'), ("severity_articles", '["275"]'),
                       ("conf_int_draws", "9"), ("counterfactual_draws", "100"), ("placebo_max_dates", "8"),
                       ("bootstrap", "19")):
        text, n = re.subn(rf"(?m)^{key} = .*$", f"{key} = {value}", text, count=1)
        assert n == 1, key
    return text


def test_installed_report_is_byte_identical_to_the_checkout_report(installed, tmp_path):
    inst_out, co_out = tmp_path / "installed" / "report", tmp_path / "checkout" / "report"
    work = tmp_path / "work"
    work.mkdir()
    config = tmp_path / "small.toml"
    config.write_text(_small_config((ROOT / "analysis" / "config" / "default.toml").read_text(encoding="utf-8")),
                      encoding="utf-8")
    env_co = {k: v for k, v in os.environ.items() if not k.startswith("ANALYSIS_") or k == "ANALYSIS_CACHE_DIR"}
    env_co.update(PYTHONPATH=str(ROOT), MPLBACKEND="Agg")
    report = [sys.executable, "-m", "analysis", "report", "--config", str(config), "--quiet", "--out"]
    jobs = [([*report, str(inst_out)], work, _env(installed, tmp_path)),
            ([*report, str(co_out)], ROOT, env_co)]
    before = _tree(installed)
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda j: _run(j[0], cwd=j[1], env=j[2]), jobs))
    assert _tree(installed) == before, "the report wrote into the installed package (kernel cache, tables?)"
    for res in results:
        assert res.returncode == 0, res.stderr
        assert "Traceback" not in res.stderr
    inst, co = _tree(inst_out), _tree(co_out)
    assert "index.html" in inst and len(inst) > 3
    assert inst == co
    page = (inst_out / "index.html").read_text(encoding="utf-8")
    for section in ("series", "breaks", "models", "convictions", "sensitivity", "vintages", "screen", "data"):
        assert f'id="{section}"' in page, section
    assert not list(work.iterdir()), "the report wrote into the current folder although --out was given"


def test_installed_report_without_data_is_one_line_and_exit_2(installed, tmp_path):
    bare = tmp_path / "site-without-data"
    shutil.copytree(installed, bare, ignore=shutil.ignore_patterns("processed"))
    _writable(bare)
    assert not (bare / "analysis" / "data" / "processed").exists()
    res = _run([sys.executable, "-m", "analysis", "report"], cwd=tmp_path, env=_env(bare, tmp_path))
    assert res.returncode == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, res.stderr
    assert lines[0].startswith("error: processed data: not found; looked in")
    for where in ("--data", "$ANALYSIS_PROCESSED", str(bare / "analysis" / "data" / "processed")):
        assert where in lines[0]
    assert not (tmp_path / "xdg-data").exists(), "a report folder was created although nothing could be read"


def test_installed_console_script_and_version(installed, tmp_path):
    script = installed / "bin" / "repression-analysis"
    assert script.is_file()
    res = _run([sys.executable, str(script), "--version"], cwd=tmp_path, env=_env(installed, tmp_path))
    assert res.returncode == 0, res.stderr
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert res.stdout.startswith(f"analysis {version}")
