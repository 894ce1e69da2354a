"""Section "Count models": the chosen specification and why, effects with their meaning, fit checks, calendar status."""
from __future__ import annotations

import dataclasses
from functools import partial

import pandas as pd

from ..compute import ReportResults, SeriesResult
from ..document import Figure, Section, Table, Text
from ..texts import Texts
from .common import describe_effects, effects_table, engine_note, figure_events, item_for, series_title, source_line, \
    specification_blocks


class _ShortNames:
    """A fitted count model seen with its fixed-date interventions under their short labels (drawing only)."""

    def __init__(self, result, spec):
        self._result = result
        self.spec = spec

    def __getattr__(self, name):
        return getattr(self._result, name)


def _short_named(res, items: tuple, tx: Texts):
    """``res`` with each fixed-date intervention named by its short label, and the marks that explain them.

    The plot labels a fixed-date intervention by its name in the model; the report's
    names are long, so the figure gets the short label (an act number) and, at the same
    date, a mark with its explanation, which the plot gives once in the caption notes.
    """
    ivs = res.spec.interventions
    rename, marks = {}, []
    for name, iv in ivs.items():
        item = item_for(items, name)
        if iv.estimated or item is None:
            continue
        _, short, expl = figure_events((item,), tx)[0]
        if short in ivs or short in rename.values():
            continue
        rename[name] = short
        marks.append((iv.effective_start, short, expl))
    if not rename:
        return res, []
    spec = dataclasses.replace(res.spec, interventions={rename.get(n, n): iv for n, iv in ivs.items()})
    return _ShortNames(res, spec), marks


def _draw(s: SeriesResult, results: ReportResults, tx: Texts):
    import matplotlib.pyplot as plt

    from ...plots import style_context
    from ...plots.models import plot_count_model
    from ...plots.series import new_panel_figure
    cfg = results.config
    with style_context():
        fig, axes = new_panel_figure(1)
        result, marks = _short_named(s.model.result, s.spec.interventions, tx)
        try:
            plot_count_model(result, ax=axes[0], events=marks, alpha=cfg.alpha,
                             n_sim=cfg.model.counterfactual_draws, rng=cfg.seed, title=series_title(s.spec, tx),
                             lang=tx.lang)
        except (ValueError, TypeError, ImportError):
            plt.close(fig)
            raise
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
                             partial(_draw, s, results, tx), source=src))
        blocks.append(effects_table(mf, s.spec.interventions, tx, cfg.alpha))
        blocks.append(Text(describe_effects(mf, s.spec.interventions, tx, cfg.alpha)))
        for extra in (_december(s, tx), _status(s, results, tx)):
            if extra is not None:
                blocks.append(extra)
        children.append(Section(f"model-{s.spec.id}", title, 3, tuple(blocks)))
    return Section("models", tx.t("sections.models"), 2, (Text(" ".join(intro)),), tuple(children))
