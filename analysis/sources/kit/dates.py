"""Strict ``DD.MM.YYYY`` dates of registry cells.

Only one spelling is accepted, so a value is never read in a second, ambiguous way;
everything else raises :class:`~analysis.sources.kit.cells.CellError` with the reason.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from .cells import CellError
from .normalise import clean_text

__all__ = ["parse_date", "date_in_text"]


_DATE_FULL = re.compile(r"^(\d{2})\.(\d{2})\.(\d{4})$")
_DATE_SHORT_YEAR = re.compile(r"^\d{1,2}\.\d{1,2}\.\d{2}$")
_DATE_LOOSE = re.compile(r"^\d{1,2}\.\d{1,2}\.\d{4}$")
_NUMBER = re.compile(r"^[-+]?\d+(\.\d+)?$")
#: Excel stores a date as a day count from 1899-12-30; five digits span 1927–2173.
_SERIAL_RANGE = (10_000, 99_999)


def _number_reason(number: float) -> str:
    """Why a number is not a date: an Excel day count that lost its format, or just a number."""
    lo, hi = _SERIAL_RANGE
    if float(number).is_integer() and lo <= number <= hi:
        day = dt.date(1899, 12, 30) + dt.timedelta(days=int(number))
        return f"an Excel serial number (day {int(number)} = {day:%d.%m.%Y}), not a DD.MM.YYYY date"
    return "a number, not a DD.MM.YYYY date"
_DATE_IN_TEXT = re.compile(r"(?<!\d)(\d{2}\.\d{2}\.\d{4})(?!\d)")


def parse_date(value: Any, *, not_before: dt.date | None = None,
               not_after: dt.date | None = None) -> dt.date | None:
    """Parse a strict ``DD.MM.YYYY`` date; empty cells give ``None``.

    Parameters
    ----------
    value : str, date, datetime or None
        The raw cell. Surrounding whitespace (including non-breaking spaces) is
        ignored, and a cell holding only whitespace is empty. A real date cell
        (``datetime.date``, or ``datetime`` at midnight, as a spreadsheet that was
        re-saved with date formatting holds) is accepted as is.
    not_before, not_after : date, optional
        Plausible range (the day the registry came into existence, the snapshot date).

    Returns
    -------
    date or None

    Raises
    ------
    CellError
        With the reason: Excel serial number (a five-digit day count), another
        number, two-digit year, wrong format,
        impossible calendar date (e.g. ``31.02.2024``), or outside the range.

    Notes
    -----
    Only ``DD.MM.YYYY`` with two-digit day and month is accepted, so a value is
    never read in a second, ambiguous way (``01.02.24`` could be 1924 or 2024; a
    number like ``45519`` is an Excel day count that lost its format).
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise CellError(f"not a DD.MM.YYYY date (a {type(value).__name__})")
    if isinstance(value, (int, float)):
        if isinstance(value, float) and value != value:
            return None
        raise CellError(_number_reason(value))
    if isinstance(value, dt.datetime):
        if value.time() != dt.time(0):
            raise CellError("a date with a time of day, not a DD.MM.YYYY date")
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, str):
        text = clean_text(value)
        if not text:
            return None
        m = _DATE_FULL.match(text)
        if m is None:
            if _NUMBER.match(text):
                raise CellError(_number_reason(float(text)))
            if _DATE_SHORT_YEAR.match(text):
                raise CellError("two-digit year, not a DD.MM.YYYY date")
            if _DATE_LOOSE.match(text):
                raise CellError("day and month must have two digits (DD.MM.YYYY)")
            raise CellError("not a DD.MM.YYYY date")
        d, mth, y = (int(g) for g in m.groups())
        try:
            day = dt.date(y, mth, d)
        except ValueError:
            raise CellError("impossible calendar date") from None
    else:
        raise CellError(f"not a DD.MM.YYYY date (a {type(value).__name__})")
    if not_before is not None and day < not_before:
        raise CellError(f"before the registry existed ({not_before:%d.%m.%Y})")
    if not_after is not None and day > not_after:
        raise CellError(f"after the snapshot date ({not_after:%d.%m.%Y})")
    return day


def date_in_text(value: Any) -> str | None:
    """First ``DD.MM.YYYY`` substring of a text such as ``№ 1069-р от 27.08.2024``, or None."""
    m = _DATE_IN_TEXT.search(clean_text(value))
    return m.group(1) if m else None
