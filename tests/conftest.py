"""Shared fixtures: where the raw-data mirror is, and skipping when it is absent."""
from __future__ import annotations

import os
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
def built(mirror, tmp_path_factory):
    """One build of data/processed from the mirror into a temporary folder, shared by the session."""
    from analysis.build import build_processed

    out = tmp_path_factory.mktemp("processed")
    outputs = build_processed(raw_dir=out / "no-raw", mirror=mirror, out_dir=out, progress=False)
    return out, outputs
