"""Section "The series": flow and the number in the registry, breakdowns by kind, category and legal basis."""
from __future__ import annotations

from functools import partial

import numpy as np

from ..compute import ReportResults, SeriesResult
from ..document import Bullets, Figure, Section, Text
from ..texts import Texts
from .common import (axis_label, cap, category_name, event_name, event_short, figure_events, per_month,
                     registry_name, series_title, source_line)


def _draw_series(s: SeriesResult, tx: Texts):
    from ...plots.series import plot_breakdown, plot_flow_and_stock
    stock_label = tx.t("labels.stock" if s.stock_observable else "labels.listed_to_date")
    ax = plot_flow_and_stock(s.y_full, s.stock, title=series_title(s.spec, tx),
                             flow_label=per_month(s.spec.measure, tx), stock_label=stock_label,
                             ylabel=axis_label(s.spec.measure, tx),
                             events=figure_events(s.annotations, tx, s.y_full.index),
                             incomplete=s.y_full.attrs.get("incomplete", []), lang=tx.lang)
    return ax.figure


#: The category of entries whose legal basis no source gives.
UNKNOWN_BASIS = "basis:unknown"


def basis_known_until(results: ReportResults, registry: str) -> str | None:
    """The last date for which the sources of ``registry`` give a legal basis, or None.

    From ``build_info``: when a primary source of the registry is a REST pull (a loader
    named ``<registry>_rest_…``), which carries no legal basis, the date is the latest
    ``last_event`` of the registry's other primary sources (the official export the pull
    extends). None when the registry has no REST pull.

    Notes
    -----
    Loader names start with the registry (``foreign_agents_xlsx``,
    ``foreign_agents_rest_json``); this is how a source is tied to its registry here.
    """
    primary = [src for src in results.build_info.get("sources", [])
               if src.get("role") == "primary" and str(src.get("loader", "")).startswith(registry + "_")]
    if not any("_rest" in str(src.get("loader", "")) for src in primary):
        return None
    dates = sorted(str(src.get("last_event") or "") for src in primary if "_rest" not in str(src.get("loader", "")))
    dates = [d for d in dates if d]
    return dates[-1] if dates else None


def _unknown_note(results: ReportResults, s: SeriesResult, frame, tx: Texts) -> str | None:
    """Why entries have no legal basis, with the date from the data (None when it does not apply)."""
    if UNKNOWN_BASIS not in frame.columns:
        return None
    until = basis_known_until(results, s.spec.registry)
    return tx.t("series.basis_unknown_note", date=tx.date(until)) if until else None


def _draw_breakdown(s: SeriesResult, dim: str, frame, note: str | None, tx: Texts):
    from ...plots.series import plot_breakdown, plot_flow_and_stock
    ax = plot_breakdown(frame, ylabel=axis_label(s.spec.measure, tx),
                        title=tx.t("series.breakdown_title", registry=cap(registry_name(s.spec.registry, tx)),
                                   measure=per_month(s.spec.measure, tx), dim=tx.t(f"labels.dim.{dim}")),
                        labels={c: category_name(c, tx) for c in frame.columns},
                        events=figure_events(s.annotations, tx, frame.index),
                        unknown=UNKNOWN_BASIS if UNKNOWN_BASIS in frame.columns else None,
                        unknown_explanation=note, lang=tx.lang)
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
            note = _unknown_note(results, s, frame, tx) if dim == "basis" else None
            blocks.append(Figure(f"breakdown-{s.spec.id}-{dim}", caption,
                                 partial(_draw_breakdown, s, dim, frame, note, tx), source=src))
        children.append(Section(f"series-{s.spec.id}", title, 3, tuple(blocks)))
    intro = [Text(tx.t("series.intro"))]
    if shorthand:
        intro.append(Text(tx.t("series.shorthand_intro")))
        intro.append(Bullets(tuple(shorthand[k] for k in sorted(shorthand))))
    return Section("series", tx.t("sections.series"), 2, tuple(intro), tuple(children))
