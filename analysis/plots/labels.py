"""A small deterministic placer for the labels of dated events (laws, political events).

The labels of an axes sit in a strip at the top of the plot area, in rows ("tiers").
Each event's dotted line rises from the bottom of the axes to the top of its own label.
Events are placed left to right; each takes the highest row in which

1. its label does not overlap a label already placed in that row,
2. its line does not cross a label already placed lower down, and
3. its label does not cover the line of an event already placed higher up,

so that no two labels overlap and no line runs through a label. Rule 1 is never given
up; rules 3 and then 2 are, only when no row keeps them (a label written leftwards over
earlier lines). Events on the same date share one label. A label that would
leave the axes on the right is wrapped onto several lines to fit, or, when even that
does not fit, written to the left of its line. The data limits of the
axes (and of its twins) are then raised so that every bar, line and band stays under the
strip: labels never overlap the data. Placement is measured with the figure's renderer
on the current layout, and :func:`place_all` re-runs it at save time, after the layout
is final. No randomness, no iteration to convergence: the same figure gives the same
placement.
"""
from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from typing import Any

import matplotlib.dates as mdates
import matplotlib.transforms as mtransforms
import numpy as np

__all__ = ["EventLabels", "place_all", "place_labels"]

_ATTR = "_analysis_event_labels"
PAD_PX = 3.0  # gap kept between a label and its neighbours, in pixels


@dataclass
class EventLabels:
    """The event lines and labels of one axes, and the full-height lines kept under the strip."""

    x: list[float] = field(default_factory=list)  # data x of each event
    lines: list[Any] = field(default_factory=list)
    texts: list[Any] = field(default_factory=list)
    others: list[Any] = field(default_factory=list)  # break lines: stopped under the strip
    rows: list[dict] = field(default_factory=list)  # the events drawn, for the record
    headroom: float = 0.0  # axes fraction taken by the strip at the last placement


def labels_of(ax: Any) -> EventLabels:
    """The :class:`EventLabels` of ``ax`` (created empty on first use)."""
    reg = getattr(ax, _ATTR, None)
    if reg is None:
        reg = EventLabels()
        setattr(ax, _ATTR, reg)
    return reg


def _renderer(fig: Any):
    get = getattr(fig.canvas, "get_renderer", None)
    if get is not None:
        return get()
    return fig._get_renderer()


def _twins(ax: Any) -> list:
    return [a for a in ax._twinned_axes.get_siblings(ax)]


def place_labels(ax: Any) -> None:
    """Place the event labels of ``ax`` (see the module notes); a no-op without labels."""
    reg = getattr(ax, _ATTR, None)
    if reg is None or not reg.texts:
        return
    fig = ax.figure
    renderer = _renderer(fig)
    box = ax.get_window_extent(renderer)
    if box.width <= 0 or box.height <= 0:
        return
    order = sorted(range(len(reg.x)), key=lambda i: (reg.x[i], i))
    placed: list[tuple[int, float, float, float]] = []  # (tier, left, right, x line) in pixels
    tiers: dict[int, int] = {}
    heights = []
    for i in order:
        t = reg.texts[i]
        raw = getattr(t, "_analysis_raw", None)
        if raw is None:
            raw = t.get_text()
            t._analysis_raw = raw
        t.set_text(raw)
        t.set_horizontalalignment("left")
        ext = t.get_window_extent(renderer)
        xp = ax.transData.transform((reg.x[i], 0.0))[0]
        room = box.x1 - xp - PAD_PX
        if ext.width > room:  # too long for the space on the right: wrap it to fit, else write it leftwards
            core = raw.strip()
            chars = max(10, int(len(core) * room / ext.width))
            t.set_text(" " + textwrap.fill(core, chars).replace("\n", " \n ") + " ")
            ext = t.get_window_extent(renderer)
            if ext.width > room:
                t.set_text(" " + textwrap.fill(core, 24).replace("\n", " \n ") + " ")
                t.set_horizontalalignment("right")
                ext = t.get_window_extent(renderer)
        w, h = ext.width, ext.height
        heights.append(h)
        if t.get_horizontalalignment() == "right":
            left, right = xp - w, xp
        else:
            left, right = xp, xp + w
        tier = _choose_tier(placed, left, right, xp)
        placed.append((tier, left, right, xp))
        tiers[i] = tier
    row = (max(heights) + PAD_PX) / box.height  # one row, in axes fraction
    top_pad = PAD_PX / box.height
    for i, tier in tiers.items():
        y_top = 1.0 - top_pad - tier * row
        reg.texts[i].set_position((reg.x[i], y_top))
        reg.texts[i].set_verticalalignment("top")
        reg.lines[i].set_ydata([0.0, y_top])
    n_rows = max(tiers.values()) + 1
    strip = top_pad + n_rows * row + top_pad
    for line in reg.others:
        line.set_ydata([0.0, 1.0 - strip])
    _make_room(ax, strip)
    reg.headroom = strip


def _make_room(ax: Any, strip: float) -> None:
    """Raise the upper y limit of ``ax`` and its twins so that their data stay under the strip.

    The data top is read from each axes' data limits (bars, lines, bands; not the event
    or break lines, which span the axes), plus a 5% margin.
    """
    strip = min(strip, 0.9)
    for a in _twins(ax):
        if a.get_yscale() != "linear":
            continue
        lo = a.get_ylim()[0]
        y1 = a.dataLim.y1
        if not np.isfinite(y1) or y1 <= lo:
            continue
        top = y1 + 0.05 * (y1 - lo)
        a.set_ylim(lo, lo + (top - lo) / (1.0 - strip))


def _choose_tier(placed: list[tuple[int, float, float, float]], left: float, right: float, xp: float) -> int:
    """The highest row that keeps rules 1–3; if none can (a label written leftwards over earlier
    lines), the highest that keeps rules 1–2, else rule 1 alone, which a new row always keeps."""
    def same_row(t: int) -> bool:
        return any(tt == t and left < r2 + PAD_PX and l2 < right + PAD_PX for tt, l2, r2, _ in placed)

    def crosses_lower(t: int) -> bool:
        return any(tt > t and l2 - PAD_PX <= xp <= r2 + PAD_PX for tt, l2, r2, _ in placed)

    def covers_higher_line(t: int) -> bool:
        return any(tt < t and left - PAD_PX <= x2 <= right + PAD_PX for tt, _, _, x2 in placed)

    rows = range(len(placed) + 1)
    for rules in ((same_row, crosses_lower, covers_higher_line), (same_row, crosses_lower), (same_row,)):
        for t in rows:
            if not any(rule(t) for rule in rules):
                return t
    return len(placed)  # not reached: a new row has no label in it


def place_all(fig: Any) -> None:
    """Re-run :func:`place_labels` on every axes of ``fig`` with labels, after the layout is final."""
    axes = [a for a in fig.axes if getattr(a, _ATTR, None) is not None and getattr(a, _ATTR).texts]
    if not axes:
        return
    engine = fig.get_layout_engine()
    if engine is not None:
        engine.execute(fig)  # the final layout, without rendering the figure
    else:
        fig.draw_without_rendering()
    for a in axes:
        place_labels(a)


def blended(ax: Any) -> mtransforms.Transform:
    """Data x, axes-fraction y."""
    return mtransforms.blended_transform_factory(ax.transData, ax.transAxes)


def date_x(value: Any) -> float:
    """A date as matplotlib's float day number."""
    return float(mdates.date2num(value))
