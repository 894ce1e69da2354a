"""Section "Breaks": change points with date intervals, the Bayesian panel, and the cost comparison."""
from __future__ import annotations

from functools import partial

import pandas as pd

from ..compute import ReportResults, SeriesResult
from ..document import Figure, Section, Table, Text
from ..texts import Texts
from .common import axis_label, describe_breaks, figure_events, per_month, series_title, source_line


def _draw(s: SeriesResult, alpha: float, tx: Texts):
    from ...plots.series import new_panel_figure, plot_breaks
    y = s.y.dropna()
    bf, bayes = s.breaks, s.bayes
    prob = bayes.break_probability if bayes is not None else None
    fig, axes = new_panel_figure(2 if prob is not None else 1)
    plot_breaks(y, bf.result, ax=axes[0], ax_prob=axes[1] if prob is not None else None, breaks=list(bf.breaks),
                intervals=list(bf.intervals) if bf.intervals else None, probability=prob,
                events=figure_events(s.annotations, tx, y.index), title=series_title(s.spec, tx),
                flow_label=per_month(s.spec.measure, tx), ylabel=axis_label(s.spec.measure, tx), alpha=alpha,
                lang=tx.lang)
    return fig


def render_breaks(results: ReportResults, tx: Texts) -> Section:
    """Breaks of every searched series, the posterior panel, and Poisson against negative-binomial cost."""
    cfg = results.config
    cp = cfg.changepoint
    intro = Text(tx.t("breaks.intro", method=tx.code(cp.method.upper()), penalty=tx.code(str(cp.penalty).upper()),
                      min_size=tx.n("counts.months", cp.min_size), cost=tx.t(f"labels.cost.{cp.cost}"),
                      level=tx.pct(1 - cfg.alpha), draws=tx.int(cp.conf_int_draws),
                      max_breaks=tx.int(cp.bayes_max_breaks) if cp.bayes_max_breaks else "∞"))
    children, rows = [], []
    src = source_line(results, tx)
    for s in results.series:
        if s.breaks is None:
            continue
        title = series_title(s.spec, tx)
        below = " " + tx.t("breaks.caption_below") if s.bayes is not None and s.bayes.break_probability is not None else ""
        children.append(Section(f"breaks-{s.spec.id}", title, 3, (
            Figure(f"breaks-{s.spec.id}", tx.t("breaks.caption", title=title) + below, partial(_draw, s, cfg.alpha, tx),
                   source=src),
            Text(" ".join(describe_breaks(s.breaks, s.bayes, tx))))))
        if s.poisson_breaks is not None:
            row = {tx.t("breaks.col_series"): tx.code(s.spec.id)}
            for cost, bf in (("poisson", s.poisson_breaks), ("negbin", s.breaks)):
                text = (", ".join(str(b) for b in bf.breaks) or tx.t("common.none")) if bf.result is not None \
                    else tx.t("breaks.not_estimated_short")
                row[tx.t("breaks.col_cost_breaks", cost=tx.t(f"labels.cost.{cost}"))] = text
                row[tx.t("breaks.col_cost_n", cost=tx.t(f"labels.cost.{cost}"))] = tx.int(len(bf.breaks))
            rows.append(row)
    blocks = [intro]
    if rows:
        blocks.append(Table(pd.DataFrame(rows), caption=tx.t("breaks.cost_caption"), note=tx.t("breaks.cost_note")))
    return Section("breaks", tx.t("sections.breaks"), 2, tuple(blocks), tuple(children))
