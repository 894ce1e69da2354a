"""The Russian edition is Russian prose and the English edition English, measured on the real processed data.

Both editions are rendered from one computed record (the data are those committed under
``data/processed``; the draw counts of the fast configuration do not change the words).
The measure is :func:`script_share.shares`: words of three letters or more in the visible
text of ``index.html``, outside script, style, code, pre, cite and details, URLs removed.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from analysis.report.builder import write_report
from analysis.report.compute import compute
from analysis.report.config import load_config
from analysis.report.inputs import load_inputs
from analysis.report.progress import Progress

from script_share import latin_words, shares

PROCESSED = Path(__file__).resolve().parents[2] / "data" / "processed"


@pytest.fixture(scope="module")
def editions(tmp_path_factory, fast_config):
    if not (PROCESSED / "monthly_series.csv").is_file():
        pytest.skip("no processed data in this checkout")
    results = compute(load_config(fast_config), load_inputs(PROCESSED), config_text="", progress=Progress(False))
    out = {}
    for lang in ("en", "ru"):
        folder = tmp_path_factory.mktemp(f"edition_{lang}")
        index, _, _ = write_report(results, lang, folder, Progress(False))
        out[lang] = index.read_text(encoding="utf-8")
    return out


def test_russian_edition_is_russian(editions):
    s = shares(editions["ru"])
    assert s["words"] > 2000
    assert s["cyrillic"] >= 0.80, sorted(set(latin_words(editions["ru"])))[:80]


def test_english_edition_is_english(editions):
    s = shares(editions["en"])
    assert s["words"] > 2000
    assert s["latin"] >= 0.95


def test_russian_numbers_use_russian_formatting(editions):
    html = editions["ru"]
    assert "1\u00a0231 включение" in html  # the foreign-agent inclusions over the whole coverage
    assert "запас" not in html.lower()
    assert "в реестре (всего)" in html or "число в реестре" in html


def test_identifiers_are_code_and_sources_are_links(editions):
    for html in editions.values():
        assert '<a href="https://' in html
        assert "<code>fa_export_2025_08_15</code>" in html
        assert "<details>" in html
        assert "white-space:nowrap" in html and "overflow-wrap:normal" in html
