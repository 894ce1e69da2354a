"""Shared fixtures: where the raw-data mirror is, and skipping when it is absent."""
from __future__ import annotations

import contextlib
import io
import os
import warnings
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]


def mirror_dir() -> Path | None:
    """The raw-data mirror (``ANALYSIS_MIRROR`` or ``../shared/data``), or None."""
    env = os.environ.get("ANALYSIS_MIRROR")
    candidates = [Path(env)] if env else []
    candidates.append(ROOT.parent / "shared" / "data")
    for c in candidates:
        if c.is_dir():
            return c
    return None


@pytest.fixture(scope="session")
def mirror() -> Path:
    """Path of the raw-data mirror; skips the test when there is none."""
    m = mirror_dir()
    if m is None:
        pytest.skip("no raw-data mirror: set ANALYSIS_MIRROR to a folder laid out like shared/data")
    return m


@pytest.fixture(scope="session")
def cdep_forms(mirror) -> dict:
    """The 32 court-statistics workbooks parsed once per session.

    ``{"10a": {year: LoadResult}, "10.3": {year: LoadResult}, "files": {relpath: LoadResult},
    "seconds": parse time}``.
    """
    import datetime as dt
    import time

    from analysis.sources.cdep import load_cdep_form10_3, load_cdep_form10a

    base = mirror / "cdep_annual_forms" / "ExcelFiles"
    out: dict = {"10a": {}, "10.3": {}, "seconds": 0.0, "files": {}}
    start = time.perf_counter()
    for sub, key, loader in (("Add", "10a", load_cdep_form10a), ("Main", "10.3", load_cdep_form10_3)):
        for path in sorted((base / sub).glob("*.xls")):
            res = loader(path, snapshot_date=dt.date(2025, 7, 20))  # the copy's date (PROVENANCE)
            out[key][res.meta["year"]] = res
            out["files"][f"ExcelFiles/{sub}/{path.name}"] = res
    out["seconds"] = time.perf_counter() - start
    return out


def _capture(root: Path, tag: str, fn) -> object:
    """Run ``fn`` with stderr and warnings captured into ``root/logs`` (scanned by the privacy test)."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = fn()
    logs = root / "logs"
    logs.mkdir(exist_ok=True)
    (logs / f"{tag}-stderr.log").write_text(err.getvalue(), encoding="utf-8")
    (logs / f"{tag}-warnings.log").write_text("\n".join(str(w.message) for w in caught), encoding="utf-8")
    return result


def write_fast_config(folder: Path) -> Path:
    """The packaged report configuration with few bootstrap and Monte Carlo draws."""
    from analysis.report.config import DEFAULT_CONFIG

    text = DEFAULT_CONFIG.read_text(encoding="utf-8")
    text = text.replace("conf_int_draws = 49", "conf_int_draws = 9")
    text = text.replace("counterfactual_draws = 1000", "counterfactual_draws = 100")
    path = folder / "fast.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def fast_config(tmp_path_factory) -> Path:
    """Path of a fast report configuration (few bootstrap draws)."""
    return write_fast_config(tmp_path_factory.mktemp("config"))


@pytest.fixture(scope="session")
def mirror_build_run(mirror, tmp_path_factory):
    """One ``build`` from the mirror per session: (root with processed/ and logs/, BuildOutputs)."""
    from analysis.build import build_processed

    root = tmp_path_factory.mktemp("mirror-build")
    outputs = _capture(root, "build", lambda: build_processed(raw_dir=root / "no-raw", mirror=mirror,
                                                               out_dir=root / "processed", progress=True))
    return root, outputs


@pytest.fixture(scope="session")
def mirror_build_dir(mirror_build_run) -> Path:
    """Folder with ``processed/`` (a fresh build from the mirror) and ``logs/``."""
    return mirror_build_run[0]


@pytest.fixture(scope="session")
def mirror_report_dir(mirror_build_dir, fast_config, tmp_path_factory) -> Path:
    """One fast ``report`` on the mirror build per session: folder with ``report/`` and ``logs/``."""
    from analysis.report import run_report

    root = tmp_path_factory.mktemp("mirror-report")
    _capture(root, "report", lambda: run_report(fast_config, root / "report", progress=True,
                                                data_dir=mirror_build_dir / "processed"))
    return root


@pytest.fixture(scope="session")
def built(mirror_build_run):
    """The session's build from the mirror: (processed folder, BuildOutputs)."""
    root, outputs = mirror_build_run
    return root / "processed", outputs
