"""One plotting style for every figure of the toolkit.

:mod:`analysis.plots.style` holds the palette, the style context, the axis helpers
(real dates, bars for counts, break lines with interval bands, law annotations, the
source line) and deterministic saving. Figure kinds live in sibling modules.
"""
from .style import (
    PALETTE,
    add_breaks,
    add_events,
    add_source_line,
    new_axes,
    plot_counts,
    save_figure,
    style_context,
)

__all__ = [
    "PALETTE",
    "add_breaks",
    "add_events",
    "add_source_line",
    "new_axes",
    "plot_counts",
    "save_figure",
    "style_context",
]
