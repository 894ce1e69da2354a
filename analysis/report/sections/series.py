"""Section "The series": flow and the number in the registry, breakdowns by kind, category and legal basis."""
from __future__ import annotations

from functools import partial

import numpy as np

from ...plots.series import plot_breakdown, plot_flow_and_stock
from ..compute import ReportResults, SeriesResult
from ..document import Bullets, Figure, Section, Text
from ..figures import call
from ..texts import Texts
from .common import (cap, category_name, event_name, event_short, figure_events, per_month, registry_name,
                     series_title, source_line)


def _draw_series(s: SeriesResult, tx: Texts):
    stock_label = tx.t("labels.stock" if s.stock_observable else "labels.listed_to_date")
    ax = call(plot_flow_and_stock, s.y_full, s.stock, lang=tx.lang, title=series_title(s.spec, tx),
              flow_label=per_month(s.spec.measure, tx), stock_label=stock_label,
              ylabel=per_month(s.spec.measure, tx), events=figure_events(s.annotations, tx, s.y_full.index),
              incomplete=s.y_full.attrs.get("incomplete", []))
    if s.spec.measure == "net":  # flows can be negative: never clip them at zero
        lo = float(np.nanmin(s.y_full.to_numpy()))
        if lo < 0:
            ax.set_ylim(bottom=lo * 1.1)
    return ax.figure


def _draw_breakdown(s: SeriesResult, dim: str, frame, tx: Texts):
    ax = call(plot_breakdown, frame, lang=tx.lang, ylabel=per_month(s.spec.measure, tx),
              title=tx.t("series.breakdown_title", registry=cap(registry_name(s.spec.registry, tx)),
                         measure=per_month(s.spec.measure, tx), dim=tx.t(f"labels.dim.{dim}")),
              labels={c: category_name(c, tx) for c in frame.columns},
              events=figure_events(s.annotations, tx, frame.index))
    return ax.figure


def describe_series(s: SeriesResult, year: int | None, tx: Texts) -> str:
    y = s.y_full
    parts = [tx.t("series.coverage", start=tx.month(y.index[0], genitive=True), end=tx.month(y.index[-1]),
                  total=tx.n(f"counts.{s.spec.measure}", float(np.nansum(y.to_numpy()))))]
    if year is not None:
        yr = y[y.index.year == year]
        prev = y[y.index.year == year - 1]
        if len(yr) == 12 and yr.notna().all():
            if len(prev) == 12 and prev.notna().all():
                parts.append(tx.t("series.in_year_prev", year=year, n=tx.int(yr.sum()), prev_year=year - 1,
                                  prev=tx.int(prev.sum())))
            else:
                parts.append(tx.t("series.in_year", year=year, n=tx.int(yr.sum())))
    mx = y.idxmax()
    parts.append(tx.t("series.busiest", month=tx.month(mx), n=tx.int(y[mx])))
    return " ".join(parts)


def render_series(results: ReportResults, tx: Texts) -> Section:
    """Each configured series as bars and the number in the registry, with its breakdowns."""
    src = source_line(results, tx)
    children = []
    shorthand: dict[str, str] = {}
    for s in results.series:
        for a in s.annotations:
            shorthand.setdefault(event_short(a, tx), tx.t("series.shorthand_item", short=event_short(a, tx),
                                                          name=event_name(a, tx), date=tx.date(a.date)))
        title = series_title(s.spec, tx)
        if s.y_full.notna().sum() == 0:
            children.append(Section(f"series-{s.spec.id}", title, 3, (Text(tx.t("series.no_values")),)))
            continue
        blocks = [Figure(f"series-{s.spec.id}", tx.t("series.caption", title=title, start=tx.month(s.y_full.index[0], genitive=True),
                                                     end=tx.month(s.y_full.index[-1])),
                         partial(_draw_series, s, tx), source=src),
                  Text(describe_series(s, results.headline_year, tx))]
        for dim, frame in s.breakdowns:
            totals = frame.sum().astype(int)
            parts = "; ".join(f"{category_name(c, tx)}: {tx.int(totals[c])}" for c in frame.columns)
            caption = tx.t("series.breakdown_caption", title=title, dim=tx.t(f"labels.dim.{dim}"), parts=parts)
            if dim == "basis":
                caption += " " + tx.t("series.basis_unknown_note")
            blocks.append(Figure(f"breakdown-{s.spec.id}-{dim}", caption, partial(_draw_breakdown, s, dim, frame, tx),
                                 source=src))
        children.append(Section(f"series-{s.spec.id}", title, 3, tuple(blocks)))
    intro = [Text(tx.t("series.intro"))]
    if shorthand:
        intro.append(Text(tx.t("series.shorthand_intro")))
        intro.append(Bullets(tuple(shorthand[k] for k in sorted(shorthand))))
    return Section("series", tx.t("sections.series"), 2, tuple(intro), tuple(children))
