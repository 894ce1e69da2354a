"""Section "Annual convictions": main and additional charge by article, breaks, steps and their meaning."""
from __future__ import annotations

from functools import partial

import pandas as pd

from ..compute import ConvictionResult, ReportResults
from ..document import Figure, Section, Table, Text
from ..texts import Texts
from .common import describe_breaks, describe_effects, effects_table, engine_note, event_name, figure_events, \
    source_line, specification_blocks


def _draw(c: ConvictionResult, results: ReportResults, tx: Texts):
    from ...plots.series import plot_convictions
    cfg = results.config
    bf = c.breaks
    fit = c.model.result if c.model is not None else None
    ax = plot_convictions(c.main, c.additional, title=tx.t("convictions.figure_title", article=c.article),
                          ylabel=tx.t("labels.convicted_per_year"), main_label=tx.t("labels.charge.main"),
                          additional_label=tx.t("labels.charge.additional"),
                          breaks=list(bf.breaks) if bf else None,
                          intervals=list(bf.intervals) if bf and bf.intervals else None,
                          events=figure_events(c.interventions, tx, c.main.index), fit=fit, alpha=cfg.alpha,
                          n_sim=cfg.model.counterfactual_draws, rng=cfg.seed, lang=tx.lang)
    return ax.figure


def _steps(results: ReportResults, tx: Texts) -> str:
    co = results.config.convictions
    items = [tx.n("convictions.step_item", i.lag, event=event_name(i, tx), date=tx.date(i.date)) for i in co.interventions]
    text = "; ".join(items) or tx.t("common.none")
    for art, extra in co.article_interventions:
        text += "; " + tx.t("convictions.step_article", article=art, items="; ".join(
            tx.n("convictions.step_item", i.lag, event=event_name(i, tx), date=tx.date(i.date)) for i in extra))
    return text


def _described(results: ReportResults, tx: Texts) -> Section | None:
    d = results.described
    if d is None or not len(d):
        return None
    years = sorted(d["year"].unique())
    rows = []
    for art, g in d.groupby("article", sort=False):
        cells = {}
        for r in g.itertuples(index=False):
            m, a = tx.int(r.main), tx.int(r.all)
            cells[str(r.year)] = f"{m} / {a}" if a else m
        rows.append({tx.t("convictions.col_article"): art, **{str(y): cells.get(str(y), "") for y in years}})
    frame = pd.DataFrame(rows)
    # articles with too few annual points for a search or a model, from the data
    short = [a for a, g in d.groupby("article", sort=True) if g["main"].notna().sum() < results.config.convictions.min_years_for_breaks]
    npts = d[d["main"].notna()].groupby("article")["year"].count()
    text = tx.t("convictions.described_intro", articles=", ".join(short) or tx.t("common.none"),
                min_points=tx.int(npts[short].min()) if short else "", max_points=tx.int(npts[short].max()) if short else "",
                min_years=tx.n("counts.years", results.config.convictions.min_years_for_breaks))
    return Section("conv-described", tx.t("convictions.described_title"), 3, (
        Text(text), Table(frame, caption=tx.t("convictions.described_caption"), note=tx.t("convictions.described_note"),
                          kinds=tuple((str(y), "num") for y in years))))


def render_convictions(results: ReportResults, tx: Texts) -> Section:
    """Annual convictions of the modelled articles, and those described only."""
    cfg = results.config
    co = cfg.convictions
    event_years = sorted({pd.Timestamp(i.date).year for i in co.interventions})
    intro = Text(tx.t("convictions.intro", min_years=tx.n("counts.years", co.min_years_for_breaks),
                      steps=_steps(results, tx), event_year=", ".join(str(y) for y in event_years) or "—"))
    if results.conviction_years is None:
        return Section("convictions", tx.t("sections.convictions"), 2,
                       (intro, Text(tx.t("common.not_available"))))
    src = source_line(results, tx, "convictions")
    children = []
    for c in results.convictions:
        blocks = [Figure(f"convictions-{c.article.replace('.', '_')}", tx.t("convictions.caption", article=c.article),
                         partial(_draw, c, results, tx), source=src)]
        y, main = c.y, c.main
        txt = [tx.t("convictions.span", first=str(y.index[0]), last=str(y.index[-1]), n_first=tx.int(main.iloc[0]),
                    y_first=str(main.index[0]), n_last=tx.int(main.iloc[-1]), y_last=str(main.index[-1]))]
        if c.breaks is not None:
            txt += describe_breaks(c.breaks, None, tx)
        mf = c.model
        if mf is None or mf.result is None:
            txt.append(tx.t("models.not_estimated", why=engine_note(mf.message if mf else "", tx)))
        else:
            blocks += specification_blocks(mf, tx)
            blocks.append(effects_table(mf, c.interventions, tx, cfg.alpha))
            txt.append(describe_effects(mf, c.interventions, tx, cfg.alpha, annual=True))
        blocks.append(Text(" ".join(txt)))
        children.append(Section(f"conv-{c.article}", tx.t("convictions.title", article=c.article), 3, tuple(blocks)))
    for art in results.missing_articles:
        children.append(Section(f"conv-missing-{art}", tx.t("convictions.title", article=art), 3,
                                (Text(tx.t("convictions.missing", article=art)),)))
    d = _described(results, tx)
    if d is not None:
        children.append(d)
    return Section("convictions", tx.t("sections.convictions"), 2, (intro,), tuple(children))
