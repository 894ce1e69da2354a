"""The report's one door to the plotting layer: language passed where a plot accepts it, files saved one way.

Plot functions gain a keyword-only ``lang`` as they are translated; :func:`call` passes
``lang`` only to those whose signature has it, so the report works with either. Every
figure is written by :func:`analysis.plots.style.save_figure` (which also writes whatever
companion files that function writes), with the report's source line under it.
"""
from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any


@lru_cache(maxsize=None)
def _accepts_lang(fn: Callable[..., Any]) -> bool:
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
    return "lang" in params and params["lang"].kind in (inspect.Parameter.KEYWORD_ONLY,
                                                        inspect.Parameter.POSITIONAL_OR_KEYWORD)


def call(fn: Callable[..., Any], *args: Any, lang: str, **kwargs: Any) -> Any:
    """``fn(*args, **kwargs)``, with ``lang=lang`` when ``fn`` takes a ``lang`` argument."""
    if _accepts_lang(fn):
        kwargs["lang"] = lang
    return fn(*args, **kwargs)


def save(fig: Any, path: Path, source_line: str) -> Path:
    """Write ``fig`` (a matplotlib figure) to ``path`` with ``source_line`` under it, and close it.

    matplotlib and the plotting layer are imported here, not with the module: a report whose
    figures are all kept from an earlier run draws nothing and needs neither.
    """
    import matplotlib.pyplot as plt

    from ..plots import save_figure

    engine = fig.get_layout_engine()
    if engine is not None and hasattr(engine, "set"):
        try:  # keep a strip at the bottom for the source line
            engine.set(rect=(0.0, 0.045, 1.0, 0.955))
        except TypeError:
            pass
    if source_line:
        fig.text(0.01, 0.005, source_line, fontsize=7, color="#555555", ha="left", va="bottom")
    try:
        save_figure(fig, path)
    finally:
        plt.close(fig)
    return path


def draw_figures(jobs: Sequence[tuple[Any, str | Path]]) -> list[tuple[str, tuple[str, ...]]]:
    """Draw and save each ``(figure, path)`` of ``jobs``; return ``(name, caption notes)`` for each, in order.

    A job is pure: a :class:`~analysis.report.document.Figure` (its ``draw`` reads the
    computed record only) and the path of its file; what it leaves is that file and its
    companions, which no other job writes. So the jobs can run in any order and in any
    process (:func:`analysis.report.compute.map_jobs`), each drawing on matplotlib
    state of its own, and the files are the same bytes either way.
    """
    from ..plots import figure_notes

    out = []
    for fig, path in jobs:
        drawn = fig.draw()
        notes = tuple(figure_notes(drawn))
        save(drawn, Path(path), fig.source)
        out.append((fig.name, notes))
    return out
