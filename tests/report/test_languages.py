"""The Russian edition is Russian prose and the English edition English, measured on the real processed data.

Both editions are rendered from one computed record (the data are those committed under
``data/processed``; the draw counts of the fast configuration do not change the words).
The measure is :func:`script_share.shares`: words of three letters or more in the visible
text of ``index.html``, outside script, style, code, pre, cite and details, URLs removed.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from analysis.report.builder import write_report
from analysis.report.compute import compute
from analysis.report.config import load_config
from analysis.report.inputs import load_inputs
from analysis.report.progress import Progress

from script_share import latin_words, shares

WORD = re.compile(r"[^\W\d_]{3,}")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")

PROCESSED = Path(__file__).resolve().parents[2] / "data" / "processed"


@pytest.fixture(scope="module")
def built(tmp_path_factory, fast_config):
    """Both editions written from one record of the real processed data: ``{lang: folder}``."""
    if not (PROCESSED / "monthly_series.csv").is_file():
        pytest.skip("no processed data in this checkout")
    results = compute(load_config(fast_config), load_inputs(PROCESSED), config_text="", progress=Progress(False))
    out = {}
    for lang in ("en", "ru"):
        folder = tmp_path_factory.mktemp(f"edition_{lang}")
        write_report(results, lang, folder, Progress(False))
        out[lang] = folder
    return out


@pytest.fixture(scope="module")
def editions(built):
    return {lang: (folder / "index.html").read_text(encoding="utf-8") for lang, folder in built.items()}


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


def _figure_stems(folder: Path) -> dict[str, set[str]]:
    by_suffix: dict[str, set[str]] = {}
    for p in (folder / "figures").iterdir():
        by_suffix.setdefault(p.suffix, set()).add(p.stem)
    return by_suffix


def test_every_figure_has_svg_png_and_csv(built, editions):
    for lang, folder in built.items():
        stems = _figure_stems(folder)
        n_figures = editions[lang].count("<figure")
        assert n_figures > 10
        assert len(stems[".svg"]) == n_figures
        assert stems[".svg"] == stems[".png"] == stems[".csv"], lang
        assert set(stems) == {".svg", ".png", ".csv"}
        for stem in stems[".svg"]:
            assert (folder / "figures" / f"{stem}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
            head = (folder / "figures" / f"{stem}.csv").read_text(encoding="utf-8").splitlines()
            assert len(head) > 1 and "," in head[0], stem


#: Words of a figure that are identifiers, not prose: paths and snake_case names.
_IDENT = re.compile(r"\S*[/_]\S*")


def _svg_texts(path: Path) -> list[str]:
    """The strings drawn in an SVG: matplotlib writes each text as a comment before its glyphs."""
    return [t.strip() for t in re.findall(r"<!-- (.*?) -->", path.read_text(encoding="utf-8"), re.S)]


def test_russian_figure_texts_are_russian(built):
    """Titles, axes, legends and labels of every Russian figure: Cyrillic words, no English text of the plots."""
    from analysis.plots.texts import TEXTS

    english = {v for k, v in TEXTS["en"].items() if "{" not in v and len(v.split()) >= 2 and v != TEXTS["ru"].get(k)}
    bad = {}
    for svg in sorted((built["ru"] / "figures").glob("*.svg")):
        texts = _svg_texts(svg)
        words = WORD.findall(_IDENT.sub(" ", " ".join(texts)))
        latin = [w for w in words if not CYRILLIC.search(w)]
        leaked = sorted(english & set(texts))
        if leaked or not words or len(latin) > 0.1 * len(words):
            bad[svg.name] = (leaked, latin[:12])
    assert not bad, bad


def test_english_figures_explain_their_shorthands_in_the_caption(editions):
    captions = re.findall(r"<figcaption>(.*?)</figcaption>", editions["en"], re.S)
    breaks = [c for c in captions if "breaks (dashed" in c]
    assert breaks and all("Dotted lines:" in c for c in breaks)
    basis = [c for c in captions if "by legal basis" in c]
    assert basis and all("carry no legal basis" in c for c in basis)
    # the date is the official export's last entry, as build_info states it
    import json

    info = json.loads((PROCESSED / "build_info.json").read_text(encoding="utf-8"))
    export = max(s["last_event"] for s in info["sources"] if s["loader"] == "foreign_agents_xlsx")
    day = pd.Timestamp(export)
    assert all(f"{day.strftime('%B')} {day.day}, {day.year}" in c for c in basis)
