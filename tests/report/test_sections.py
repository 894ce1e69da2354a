"""Each section renderer on its own: plain functions of the computed record and a language.

The record is computed once on the synthetic processed data; the vintage and screen
sections get the committed aggregate tables of ``data/processed`` (no names), whose
numbers are recomputed here from the CSV files independently of the renderers.
"""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pytest

from analysis.report.builder import RENDERERS, render_document
from analysis.report.compute import compute
from analysis.report.config import load_config
from analysis.report.document import Figure, Section, Table, Text, walk
from analysis.report.inputs import load_inputs
from analysis.report.progress import Progress
from analysis.report.sections.screen import render_screen
from analysis.report.sections.vintages import render_vintages
from analysis.report.texts import Texts

PROCESSED = Path(__file__).resolve().parents[2] / "data" / "processed"


@pytest.fixture(scope="module")
def results(synthetic_dir, fast_config):
    return compute(load_config(fast_config), load_inputs(synthetic_dir), progress=Progress(False))


@pytest.fixture(scope="module")
def real_results(results):
    if not (PROCESSED / "vintages" / "vintages.csv").is_file():
        pytest.skip("no committed vintage tables")
    from analysis.report.compute import _screen

    real = load_inputs(PROCESSED)
    top, severity = _screen(results.config, real)
    return dataclasses.replace(results, vintages=real.vintages, screen=real.screen, screen_meta=real.screen_meta,
                               screen_top=top, severity=severity)


def _text(section: Section) -> str:
    out = []
    for s in walk([section]):
        for b in s.blocks:
            if isinstance(b, Text):
                out.append(b.text)
    return "\n".join(out)


def test_renderers_are_pure_and_order_free(results):
    """Rendering in reverse order gives the same sections: no renderer depends on another."""
    tx = Texts("en")
    forward = [r(results, tx) for r in RENDERERS]
    backward = [r(results, tx) for r in reversed(RENDERERS)][::-1]
    assert [repr(s) for s in forward] == [repr(s) for s in backward]


def test_results_are_frozen(results):
    with pytest.raises(dataclasses.FrozenInstanceError):
        results.headline_year = 1999


def test_each_series_is_searched_once(results):
    """The cost comparison and the default counting choice reuse the series' own search."""
    for s in results.series:
        if s.variants:
            assert s.variants[0].breaks is s.breaks


def test_headline_year_is_the_latest_complete_year(results, synthetic_dir):
    m = pd.read_csv(synthetic_dir / "monthly_series.csv", dtype={"month": str})
    years = None
    for reg in ("foreign_agents", "undesirable"):
        sel = m[(m.registry == reg) & (m.measure == "inclusions") & (m.category == "all") & m.value.notna()
                & m.complete.astype(bool)]
        full = {int(y) for y, g in sel.groupby(sel.month.str[:4]) if len(g) == 12}
        years = full if years is None else years & full
    assert results.headline_year == max(years)


def test_build_stamp_comes_from_the_environment_not_the_clock(results, monkeypatch):
    from analysis.report.compute import build_stamp

    monkeypatch.delenv("ANALYSIS_BUILD_STAMP", raising=False)
    assert build_stamp(results.config) is None
    monkeypatch.setenv("ANALYSIS_BUILD_STAMP", "release 2026-12")
    assert build_stamp(results.config) == "release 2026-12"
    doc = render_document(dataclasses.replace(results, build_stamp="release 2026-12"), "ru")
    assert ("Сборка", "`release 2026-12`") in doc.header.items


def test_every_figure_has_a_drawing(results):
    for lang in ("en", "ru"):
        doc = render_document(results, lang)
        figs = doc.figures()
        assert figs and all(isinstance(f, Figure) and callable(f.draw) for f in figs)
        assert len({f.name for f in figs}) == len(figs)


def test_vintages_section_numbers(real_results):
    v = real_results.vintages
    sec = render_vintages(real_results, Texts("en"))
    text = _text(sec)
    dis = v["disappearances"]
    for reg, g in dis.groupby("registry"):
        for i in sorted(set(g["entry_id"].astype(str))):
            assert f"`{i}`" in text
    bt = v["nowcast_backtest"]
    bt = bt[bt["months_before"] >= 0]
    share = (bt["coverage"] * bt["n"]).sum() / bt["n"].sum()
    assert f"in {round(100 * share)}% of {int(bt['n'].sum()):,}" in text
    ru = _text(render_vintages(real_results, Texts("ru")))
    assert "исчезнувшие" in ru


def test_screen_section_lists_the_smallest_adjusted_pvalues(real_results):
    sec = render_screen(real_results, Texts("en"))
    table = next(b for b in sec.blocks if isinstance(b, Table))
    scr = pd.read_csv(PROCESSED / "screen_convictions.csv", dtype={"article": str, "part": str})
    scr = scr[scr["testable"].astype(bool)]
    expected = scr.sort_values(["p_bh", "p_value"], kind="stable").head(len(table.frame))
    assert list(table.frame["article"]) == list(expected["article"])
    # the severity panel names every configured article, tested or with the reason it is not
    sev = [b for b in sec.blocks if isinstance(b, Table)][1]
    assert list(sev.frame["article"]) == list(real_results.config.screen.severity_articles)
    text = _text(sec)
    assert "Article 205.2: the pooled share of real imprisonment" in text
