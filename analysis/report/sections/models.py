"""Section "Count models": the chosen specification and why, effects with their meaning, fit checks, calendar status."""
from __future__ import annotations

from functools import partial

import matplotlib.pyplot as plt
import pandas as pd

from ...plots import style_context
from ...plots.series import new_panel_figure
from ..compute import ReportResults, SeriesResult
from ..document import Figure, Section, Table, Text
from ..figures import call
from ..texts import Texts
from .common import describe_effects, effects_table, engine_note, series_title, source_line, specification_blocks


def _draw(s: SeriesResult, seed: int, tx: Texts):
    with style_context():
        fig, axes = new_panel_figure(1)
        ax = axes[0]
        try:
            call(s.model.result.plot, lang=tx.lang, ax=ax, rng=seed)
        except (ValueError, TypeError, ImportError):
            plt.close(fig)
            raise
        ax.set_title(series_title(s.spec, tx), loc="left")
    return fig


def _december(s: SeriesResult, tx: Texts) -> Table | None:
    dec = s.december
    if dec is None or not len(dec):
        return None
    cols = list(dec.columns)
    frame = pd.DataFrame({tx.t("models.dec_month"): [tx.month(p) for p in dec[cols[0]]],
                          tx.t("models.dec_observed"): [tx.num(v, 0) for v in dec[cols[1]]],
                          tx.t("models.dec_before"): [tx.num(v, 1) for v in dec[cols[2]]],
                          tx.t("models.dec_chosen"): [tx.num(v, 1) for v in dec[cols[3]]]})
    return Table(frame, caption=tx.t("models.dec_caption"), note=tx.t("models.dec_note"))


def _status(s: SeriesResult, results: ReportResults, tx: Texts) -> Table | None:
    st = s.calendar_status
    if st is None or not len(st):
        return None
    mo = results.config.model
    estimated = {i.event for i in s.spec.interventions if i.event}
    rows = []
    for r in st.itertuples(index=False):
        if r.id in estimated:
            status = tx.t("models.status_estimated")
        elif r.status.startswith("could be"):
            status = tx.t("models.status_not_selected")
        else:
            status = tx.t("models.status_annotation", why=engine_note(r.status.split(": ", 1)[-1], tx))
        rows.append({tx.t("models.col_id"): r.id, tx.t("models.col_act"): tx.opt(f"events.name.{r.id}", r.act),
                     tx.t("models.col_in_force"): tx.date(r._2) if r._2 else "", tx.t("models.col_status_cal"): status})
    return Table(pd.DataFrame(rows), caption=tx.t("models.status_caption"),
                 note=tx.t("models.status_note", side=tx.n("counts.months", mo.min_side),
                           gap=tx.n("counts.months", mo.min_gap)),
                 kinds=((tx.t("models.col_id"), "code"),))


def render_models(results: ReportResults, tx: Texts) -> Section:
    """Count models of the registry series."""
    cfg = results.config
    mo = cfg.model
    intro = [tx.t("models.intro_family", family=tx.t(f"labels.family.{mo.family}"))]
    if mo.specification == "rule":
        intro.append(tx.t("models.intro_rule"))
    if mo.pulses == "auto":
        intro.append(tx.t("models.intro_pulses"))
    intro.append(tx.t("models.intro_dynamics", level=tx.pct(1 - cfg.alpha)))
    children = []
    src = source_line(results, tx)
    for s in results.series:
        if s.model is None:
            continue
        title = series_title(s.spec, tx)
        mf = s.model
        if mf.result is None:
            children.append(Section(f"model-{s.spec.id}", title, 3,
                                    (Text(tx.t("models.not_estimated", why=engine_note(mf.message, tx))),)))
            continue
        blocks = list(specification_blocks(mf, tx))
        blocks.append(Figure(f"model-{s.spec.id}", tx.t("models.caption", title=title),
                             partial(_draw, s, cfg.seed, tx), source=src))
        blocks.append(effects_table(mf, s.spec.interventions, tx, cfg.alpha))
        blocks.append(Text(describe_effects(mf, s.spec.interventions, tx, cfg.alpha)))
        for extra in (_december(s, tx), _status(s, results, tx)):
            if extra is not None:
                blocks.append(extra)
        children.append(Section(f"model-{s.spec.id}", title, 3, tuple(blocks)))
    return Section("models", tx.t("sections.models"), 2, (Text(" ".join(intro)),), tuple(children))
