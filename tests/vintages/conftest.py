"""Fixtures of the vintage tests: the mock ministry server on 127.0.0.1, and a few real vintages."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(scope="session")
def few_vintages(mirror, tmp_path_factory):
    """A few real vintages loaded once: 3 PDFs, 3 fz255 JSON, the CSV and the export of the same registry.

    The PDF cache goes to a fresh folder so the PDFs are really parsed.
    """
    import os
    import warnings

    from analysis.vintages.store import load_vintages, read_vintages

    keep = {"fa_pdf_2023_11_17", "fa_pdf_2023_11_24", "fa_pdf_2024_02_02", "fa_csv_2024_02_02",
            "fa_fz255_2024_06_15_bc7d3b8", "fa_fz255_2024_06_22_718c5e1", "fa_fz255_2024_07_07_72614cc",
            "fa_export_2025_08_15", "uo_fz255_2024_08_16_a985816", "uo_fz255_2024_09_05_c2b4eec"}
    vs = [v for v in read_vintages() if v.id in keep]
    old = os.environ.get("ANALYSIS_CACHE_DIR")
    os.environ["ANALYSIS_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            loaded = load_vintages(vs, raw_dir=Path("/nonexistent"), mirror=mirror)
    finally:
        if old is None:
            os.environ.pop("ANALYSIS_CACHE_DIR", None)
        else:
            os.environ["ANALYSIS_CACHE_DIR"] = old
    return {lv.vintage.id: lv for lv in loaded}
