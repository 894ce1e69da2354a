"""Event marks for figures with their shorthand explained, from the law calendar.

:func:`explained_marks` turns ``(date, short label, event id)`` items (as the report's
configuration gives them) into the ``(date, label, explanation)`` triples that
:func:`analysis.plots.style.add_events` draws and explains once in the figure's caption
notes. The explanation is read from the calendar (:mod:`analysis.events`): the act and
its number with its English title, or the official Russian title, by language.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from ..events import get_event, load_events
from .texts import check_lang

__all__ = ["explained_marks"]


def _explanation(row: pd.Series, lang: str) -> str:
    number = str(row.get("act_number", "") or "").replace("-FZ", "-ФЗ")
    if lang == "ru":
        title = str(row.get("title_ru", "") or "")
        return f"{number} «{title}»" if number and title else (title or number)
    title = str(row.get("title_en", "") or "")
    act = str(row.get("act", "") or "")
    if act and title:
        return f"{act} ({title.lower() if title[:1].isupper() and title[1:2].islower() else title})"
    return title or act


def explained_marks(items: Iterable[Sequence[Any]], *, lang: str = "en",
                    events: pd.DataFrame | None = None) -> list[tuple[pd.Timestamp, str, str]]:
    """``(date, label, event_id)`` items as ``(date, label, explanation)`` marks for figures.

    Parameters
    ----------
    items : iterable of (date, label, event_id)
        ``event_id`` may be empty: the mark then has no explanation.
    lang : str, default "en"
    events : DataFrame, optional
        The calendar (default: the one shipped with the package).

    Returns
    -------
    list of (Timestamp, str, str)

    Notes
    -----
    An explanation is given only where the label differs from it, so a label that is
    already the full title is not explained twice.
    """
    check_lang(lang)
    cal = load_events() if events is None else events
    out = []
    for date, label, event_id in items:
        expl = _explanation(get_event(event_id, events=cal), lang) if event_id else ""
        out.append((pd.Timestamp(date), str(label), "" if expl.strip() == str(label).strip() else expl))
    return out
