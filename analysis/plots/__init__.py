"""One plotting style for every figure of the toolkit.

:mod:`analysis.plots.style` holds the palette, the style context, the axis helpers
(real dates, bars for counts, break lines with interval bands, law annotations, the
source line) and deterministic saving (SVG, PNG at 2× and the CSV of the data drawn).
:mod:`analysis.plots.texts` holds every visible string per language,
:mod:`analysis.plots.locale` the locale tick formatters, :mod:`analysis.plots.drawn` the
record of the data drawn and the caption notes, :mod:`analysis.plots.labels` the event
label placer. Figure kinds live in sibling modules. No backend is chosen on import.
"""
from .drawn import drawn_csv, drawn_data, figure_notes, record
from .style import (
    PALETTE,
    PNG_DPI,
    PUBLICATION_FORMATS,
    add_breaks,
    add_events,
    add_source_line,
    new_axes,
    plot_counts,
    save_figure,
    style_context,
)
from .texts import LANGS, text

__all__ = [
    "LANGS",
    "PALETTE",
    "PNG_DPI",
    "PUBLICATION_FORMATS",
    "add_breaks",
    "add_events",
    "add_source_line",
    "drawn_csv",
    "drawn_data",
    "figure_notes",
    "new_axes",
    "plot_counts",
    "record",
    "save_figure",
    "style_context",
    "text",
]
