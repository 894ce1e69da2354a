"""Palette, style context and axis helpers shared by every figure.

Nothing here chooses a matplotlib backend: figures are made with :func:`matplotlib.pyplot.subplots`
under whatever backend the user runs (Jupyter's inline backend, a GUI, or Agg in scripts).

Determinism: figures have a fixed size and DPI, are drawn inside :func:`style_context`
(which fixes the SVG hash salt and font settings) and are written by :func:`save_figure`,
which strips creation dates and software stamps so that two runs give the same bytes.

Every visible string comes from :mod:`analysis.plots.texts` in the language ``lang``;
tick numbers and dates are formatted by the locale (:mod:`analysis.plots.locale`).
Every layer drawn is recorded (:mod:`analysis.plots.drawn`), so that :func:`save_figure`
can write the data of the figure beside it.
"""
from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .drawn import add_note, drawn_csv, record
from .labels import blended, date_x, labels_of, place_all, place_labels
from .locale import apply_locale
from .texts import check_lang, text

#: Okabe–Ito colour-blind-safe palette.
PALETTE: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "grey": "#999999",
}
CYCLE = [PALETTE[k] for k in ("blue", "orange", "green", "vermillion", "purple", "sky", "yellow", "black")]

FIGSIZE = (8.0, 3.6)
DPI = 110
#: Resolution of the PNG written beside each SVG (2× the screen DPI, for slides and messengers).
PNG_DPI = 2 * DPI

#: Drawing order: bands behind bars, bars behind lines, lines behind labels.
Z_BAND, Z_BARS, Z_LINES, Z_LABELS = 0.5, 1.0, 2.0, 3.0

RC: dict[str, Any] = {
    "figure.figsize": FIGSIZE,
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": matplotlib.cycler(color=CYCLE),
    "axes.grid": True,
    "axes.grid.axis": "y",
    "axes.axisbelow": True,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.6,
    "legend.frameon": False,
    "svg.hashsalt": "analysis-toolkit",
    "svg.fonttype": "path",
    "path.simplify": True,
}


@contextlib.contextmanager
def style_context() -> Iterator[None]:
    """Context in which every toolkit figure is drawn."""
    with plt.rc_context(RC):
        yield


def new_axes(ax: plt.Axes | None = None, *, figsize: tuple[float, float] = FIGSIZE) -> plt.Axes:
    """Return ``ax`` or a fresh axes on a new figure of the standard size."""
    if ax is not None:
        return ax
    with style_context():
        fig, ax = plt.subplots(figsize=figsize, dpi=DPI, layout="constrained")
    return ax


def _to_timestamps(index: pd.Index) -> pd.DatetimeIndex:
    if isinstance(index, pd.PeriodIndex):
        return index.to_timestamp(how="start")
    if isinstance(index, pd.DatetimeIndex):
        return index
    return pd.DatetimeIndex(pd.to_datetime(index))


def _bar_width_days(index: pd.Index) -> float:
    """Width of a bar in days: 85% of the period (25 days for months and unknown spacing)."""
    if isinstance(index, pd.PeriodIndex):
        f = index.freqstr.upper()
        if f.startswith("Y") or f.startswith("A"):
            return 310.0
        if f.startswith("W"):
            return 6.0
        if f.startswith("Q"):
            return 78.0
        if f.startswith("D"):
            return 0.85
    return 25.0


def period_centres(index: pd.Index) -> pd.DatetimeIndex:
    """Middle of each period (the x of its bar); dates are taken as they are."""
    if isinstance(index, pd.PeriodIndex):
        start = index.start_time
        end = (index + 1).start_time
        return pd.DatetimeIndex(start + (end - start) / 2)
    return _to_timestamps(index)


def draw_bars(ax: plt.Axes, x: Any, heights: Any, *, width: float | np.ndarray, bottom: Any = None,
              **kw: Any):
    """One ``bar`` call for a whole series, centred on ``x``; NaN and empty bars are not drawn.

    A bar of height 0 draws nothing, so it is not given to the renderer: the SVG holds
    only what is seen. The data are recorded by the caller, zeros included.
    """
    h = np.asarray(heights, dtype=float)
    b = np.zeros_like(h) if bottom is None else np.asarray(bottom, dtype=float)
    keep = np.isfinite(h) & np.isfinite(b) & (h != 0)
    xs = np.asarray(x)[keep]
    w = width[keep] if isinstance(width, np.ndarray) else width
    kw.setdefault("zorder", Z_BARS)
    kw.setdefault("linewidth", 0)
    bars = ax.bar(xs, h[keep], width=w, bottom=b[keep], align="center", **kw)
    if not keep.any() and kw.get("label"):
        bars.set_label(kw["label"])
    return bars


def plot_counts(y: pd.Series, *, ax: plt.Axes | None = None, kind: str = "bar",
                label: str | None = None, color: str | None = None,
                ylabel: str | None = None, title: str | None = None, lang: str = "en") -> plt.Axes:
    """Draw a count series on real dates, as bars (default), steps or a line.

    Bars are centred in their period. Missing values (outside coverage) are left blank,
    never drawn as zero. ``ylabel`` defaults to "count" in ``lang``.
    """
    check_lang(lang)
    ax = new_axes(ax)
    with style_context():
        vals = pd.to_numeric(y, errors="coerce").to_numpy(dtype=float)
        color = color or PALETTE["blue"]
        if kind == "bar":
            draw_bars(ax, period_centres(y.index), vals, width=_bar_width_days(y.index), color=color, label=label)
        elif kind == "step":
            ax.step(_to_timestamps(y.index), vals, where="post", color=color, label=label, linewidth=1.3,
                    zorder=Z_LINES)
        elif kind == "line":
            ax.plot(period_centres(y.index), vals, color=color, label=label, linewidth=1.3, zorder=Z_LINES)
        else:
            raise ValueError(f"kind must be 'bar', 'step' or 'line', not {kind!r}")
        record(ax, pd.Series(vals, index=y.index), name="bars" if kind == "bar" else kind)
        ax.set_ylabel(text("count", lang) if ylabel is None else ylabel)
        if title:
            ax.set_title(title, loc="left")
        apply_locale(ax, lang)
    return ax


def _one_timestamp(x: Any, end: bool = False) -> pd.Timestamp:
    if isinstance(x, pd.Period):
        return x.to_timestamp(how="end" if end else "start")
    return pd.Timestamp(x)


def add_breaks(ax: plt.Axes, breaks: Sequence[Any], *,
               intervals: Sequence[tuple[Any, Any] | None] | None = None,
               color: str = PALETTE["vermillion"], label: str | None = None,
               alpha: float = 0.05, lang: str = "en") -> plt.Axes:
    """Mark breaks (first period of each new regime) as dashed lines, their intervals as bands.

    Bands are drawn behind the bars (they do not tint them) and have their own legend
    entry; the lines stop under the strip of event labels. ``label`` defaults to "break"
    in ``lang``; ``alpha`` is the level of the intervals (for the band's legend entry).
    """
    check_lang(lang)
    label = text("break", lang) if label is None else label
    rows = []
    with style_context():
        banded = False
        for i, b in enumerate(breaks):
            x = _one_timestamp(b)
            line = ax.axvline(x, color=color, linewidth=1.2, linestyle="--", zorder=Z_LINES,
                              label=label if i == 0 else None)
            labels_of(ax).others.append(line)
            lo = hi = None
            if intervals is not None and intervals[i] is not None:
                lo, hi = intervals[i]
                if lo is not None and hi is not None:
                    ax.axvspan(_one_timestamp(lo), _one_timestamp(hi, end=True), color=color, alpha=0.15,
                               linewidth=0, zorder=Z_BAND - 0.1,
                               label=None if banded else text("break_band", lang, level=_pct(1 - alpha)))
                    banded = True
            rows.append({"break": b, "lower": lo, "upper": hi})
    if rows:
        frame = pd.DataFrame(rows).set_index("break")
        frame = frame.apply(lambda c: c.map(lambda v: str(v) if v is not None else None))
        record(ax, frame, name="breaks")
    return ax


def _pct(level: float) -> str:
    return f"{level * 100:.0f}"


def _event_tuple(e: Sequence[Any]) -> tuple[Any, str, str]:
    if len(e) == 2:
        return e[0], str(e[1]), ""
    if len(e) == 3:
        return e[0], str(e[1]), str(e[2] or "")
    raise ValueError(f"an event is (date, label) or (date, label, explanation), not {e!r}")


def add_events(ax: plt.Axes, events: Iterable[Sequence[Any]], *, color: str = PALETTE["grey"],
               lang: str = "en") -> plt.Axes:
    """Annotate dated events (laws in force) with dotted lines and short labels that never collide.

    Parameters
    ----------
    ax : Axes
    events : iterable of (date, label) or (date, label, explanation)
        ``explanation`` says what a shorthand label means ("327-ФЗ media": which law,
        what it changed); each explained label gets one caption note
        (:func:`analysis.plots.drawn.figure_notes`).
    color : str
    lang : str

    Notes
    -----
    Events outside the x range already drawn are skipped. Labels are placed by
    :func:`analysis.plots.labels.place_labels` in a strip at the top of the axes, above
    the data; :func:`save_figure` places them again once the layout is final.
    """
    check_lang(lang)
    reg = labels_of(ax)
    rows, items = [], []
    with style_context():
        lo, hi = ax.get_xlim()
        for e in events:
            when, label, expl = _event_tuple(e)
            x = _one_timestamp(when)
            xn = date_x(x)
            if not (lo <= xn <= hi):
                continue
            if xn in reg.x:  # the same date: one line, one label
                t = reg.texts[reg.x.index(xn)]
                raw = getattr(t, "_analysis_raw", None) or t.get_text()
                if label not in [part.strip() for part in raw.split(" · ")]:
                    t._analysis_raw = raw.rstrip() + " · " + label + " "
                    t.set_text(t._analysis_raw)
            else:
                line = ax.axvline(x, color=color, linewidth=0.8, linestyle=":", zorder=Z_LINES - 0.1)
                t = ax.text(xn, 1.0, " " + label + " ", transform=blended(ax), fontsize=7, color="#444444",
                            va="top", ha="left", zorder=Z_LABELS, clip_on=False)
                reg.x.append(xn)
                reg.lines.append(line)
                reg.texts.append(t)
            rows.append({"x": x, "label": label, "explanation": expl})
            item = text("event_item", lang, label=label, explanation=expl) if expl else ""
            if item and item not in items:
                items.append(item)
        if rows:
            done = getattr(reg, "rows", [])
            reg.rows = done + rows
            record(ax, pd.DataFrame(reg.rows).set_index("x"), name="events")
        if items:
            known = getattr(ax.figure, "_analysis_event_items", [])
            known = known + [i for i in items if i not in known]
            ax.figure._analysis_event_items = known
            add_note(ax, text("events_note", lang, items="; ".join(known)), key="events")
        place_labels(ax)
    return ax


def event_handle(ax: plt.Axes, lang: str = "en"):
    """A legend handle for the dotted event lines of ``ax`` (None when it has none)."""
    from matplotlib.lines import Line2D

    reg = getattr(ax, "_analysis_event_labels", None)
    if reg is None or not reg.lines:
        return None
    return Line2D([], [], color=reg.lines[0].get_color(), linestyle=":", linewidth=0.8,
                  label=text("law_line", lang))


def add_source_line(fig: plt.Figure, text_: str, *, lang: str = "en") -> None:
    """Write the source line ("Source: ...", in ``lang``) under a figure."""
    fig.text(0.01, 0.005, text("source", lang, text=text_), fontsize=7, color="#555555", ha="left",
             va="bottom")


#: What :func:`save_figure` writes for a ``.svg`` path.
PUBLICATION_FORMATS = ("svg", "png", "csv")


def _save_one(fig: plt.Figure, path: Path, fmt: str) -> None:
    if fmt == "csv":
        path.write_bytes(drawn_csv(fig))
        return
    meta: dict[str, Any]
    dpi = DPI
    if fmt == "svg":
        meta = {"Date": None, "Creator": None}
    elif fmt == "pdf":
        meta = {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None}
    elif fmt == "png":
        meta = {"Software": None}
        dpi = PNG_DPI
    else:
        meta = {}
    fig.savefig(path, format=fmt, metadata=meta, dpi=dpi)


def save_figure(fig: plt.Figure, path: str | Path, *, formats: Sequence[str] | None = None) -> Path:
    """Save ``fig`` deterministically; for an SVG path, also its PNG (2×) and the CSV of its data.

    Parameters
    ----------
    fig : Figure
    path : str or Path
        The main file; its suffix gives its format.
    formats : sequence of str, optional
        Formats to write beside one another under the same stem (``svg``, ``png``,
        ``pdf``, ``csv``). Default: :data:`PUBLICATION_FORMATS` for an ``.svg`` path,
        else only the path's own format.

    Returns
    -------
    Path
        ``path``.

    Notes
    -----
    No file carries a date or a software stamp, the SVG hash salt is fixed and the
    PNG is written at :data:`PNG_DPI` without metadata, so two saves of the same figure
    give the same bytes. The CSV is :func:`analysis.plots.drawn.drawn_csv`: exactly the
    data drawn, in machine format (ASCII minus, ``.`` decimals, ISO dates) whatever the
    language of the figure. Event labels are placed again on the final layout first.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    own = path.suffix.lstrip(".").lower()
    if formats is None:
        formats = PUBLICATION_FORMATS if own == "svg" else (own,)
    with style_context():
        place_all(fig)
        for fmt in formats:
            target = path if fmt == own else path.with_suffix("." + fmt)
            _save_one(fig, target, fmt)
    return path
