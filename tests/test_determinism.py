"""``build`` and ``report`` give the same bytes every time, and record what they were made from.

* two builds from the mirror into fresh folders are byte-identical, file by file
  (the audit tables included), and a rebuild over an existing output folder gives
  the same bytes again;
* the committed ``data/processed/`` equals a fresh rebuild byte for byte;
* ``build_info.json`` records every input's sha256 (equal to the manifest and to the
  file actually read), the counting options and the package version, and no
  output carries the date of the day it was built;
* two reports from the same processed data are byte-identical (HTML, Markdown,
  figures) and the report states the input hashes and the versions.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import json
import subprocess
import warnings
from pathlib import Path

import pytest

from analysis.manifest import PROCESSED_DIR, load_manifest

pytestmark = pytest.mark.raw  # needs the raw-data mirror

ROOT = Path(__file__).resolve().parents[1]


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _diff(a: dict[str, bytes], b: dict[str, bytes]) -> list[str]:
    return sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))


def _build(mirror: Path, out: Path) -> None:
    from analysis.build import build_processed

    with contextlib.redirect_stderr(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        build_processed(raw_dir=out.parent / "no-raw", mirror=mirror, out_dir=out, progress=False)


@pytest.fixture(scope="module")
def two_builds(mirror, mirror_build_dir, tmp_path_factory):
    """The shared build from the mirror (once per pytest run) and a second, independent one."""
    first = mirror_build_dir / "processed"
    second = tmp_path_factory.mktemp("build-b") / "processed"
    _build(mirror, second)
    return first, second


def test_two_fresh_builds_are_byte_identical(two_builds):
    a, b = (_tree(p) for p in two_builds)
    assert "monthly_series.csv" in a and "build_info.json" in a
    assert any(k.startswith("audit/") for k in a), "the audit tables are compared too"
    assert _diff(a, b) == []


def test_rebuild_over_existing_output_gives_the_same_bytes(two_builds, mirror):
    a, b = two_builds
    before = _tree(b)
    (b / "monthly_series.csv").write_text("stale\n", encoding="utf-8")
    (b / "calendar.csv").unlink()
    _build(mirror, b)
    assert _diff(before, _tree(b)) == []
    assert _diff(_tree(a), _tree(b)) == []


def _committed(path: Path) -> bool:
    if not path.is_file():
        return False
    try:
        proc = subprocess.run(["git", "ls-files", "--error-unmatch", str(path.relative_to(ROOT))], cwd=ROOT,
                              capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return True  # no git: a present file is taken as the committed one
    return proc.returncode == 0


def test_committed_processed_data_equals_a_fresh_rebuild(two_builds):
    from analysis.build import PUBLIC_FILES

    if not _committed(PROCESSED_DIR / "monthly_series.csv"):
        pytest.skip("data/processed/monthly_series.csv is not committed yet: nothing to compare")
    fresh, _ = two_builds
    mismatched = [name for name in PUBLIC_FILES
                  if not (PROCESSED_DIR / name).is_file()
                  or (PROCESSED_DIR / name).read_bytes() != (fresh / name).read_bytes()]
    assert mismatched == [], f"committed files differ from a fresh rebuild: {mismatched}"


def test_build_info_records_inputs_options_and_versions(two_builds, mirror):
    out, _ = two_builds
    info = json.loads((out / "build_info.json").read_text(encoding="utf-8"))
    entries = {e.id: e for e in load_manifest()}
    sources = {s["id"]: s for s in info["sources"]}
    assert set(sources) == set(entries)
    for sid, s in sources.items():
        e = entries[sid]
        assert s["sha256"] == e.sha256
        actual = hashlib.sha256((mirror / e.path).read_bytes()).hexdigest()
        assert s["sha256"] == actual, f"{sid}: recorded hash is not the hash of the file read"
        assert s["rows_in"] == s["accepted"] + s["rejected"]
    options = info["options"]
    for key in ("foreign_agents_date_basis", "undesirable_date_basis", "reinclusions",
                "incomplete_last_month", "months_outside_coverage", "undesirable_exclusions"):
        assert options.get(key), key
    from analysis import __version__

    assert info["versions"]["analysis"] == __version__


def test_no_output_carries_the_build_date(two_builds):
    today = dt.date.today()
    stamps = {today.isoformat().encode(), today.strftime("%d.%m.%Y").encode(), today.strftime("%Y%m%d").encode()}
    for name, data in _tree(two_builds[0]).items():
        for s in stamps:
            assert s not in data, f"{name} contains today's date {s.decode()}"


# --------------------------------------------------------------------------- report


@pytest.fixture(scope="module")
def two_reports(two_builds, mirror_report_dir, fast_config, tmp_path_factory):
    from analysis.report import run_report

    processed, _ = two_builds
    first = mirror_report_dir / "report"
    root = tmp_path_factory.mktemp("report-b")
    cfg = fast_config
    with contextlib.redirect_stderr(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        run_report(cfg, root / "out", progress=False, data_dir=processed)
    return processed, [first, root / "out"]


def test_two_reports_are_byte_identical(two_reports):
    _, (a, b) = two_reports
    ta, tb = _tree(a), _tree(b)
    assert "index.html" in ta and "report.md" in ta
    assert _diff(ta, tb) == []


def test_report_records_input_hashes_and_versions(two_reports):
    processed, (a, _) = two_reports
    info = json.loads((processed / "build_info.json").read_text(encoding="utf-8"))
    page = (a / "index.html").read_text(encoding="utf-8") + (a / "report.md").read_text(encoding="utf-8")
    missing = [s["id"] for s in info["sources"] if s["sha256"] not in page and s["sha256"][:16] not in page]
    assert missing == [], f"input hashes not stated in the report: {missing}"
    import numpy
    import pandas

    for what in (pandas.__version__, numpy.__version__):
        assert what in page, f"version {what} not recorded in the report"
