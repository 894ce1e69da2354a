"""A cell that cannot be used, and the registry number (``№ п/п``) of a row.

:class:`CellError` carries the reason that the rejects table records; every cell
parser of the kit (dates, registry numbers) raises it.
"""
from __future__ import annotations

import re
from typing import Any

from .normalise import clean_text

__all__ = ["CellError", "parse_entry_id"]


class CellError(ValueError):
    """A cell that cannot be used; carries the reason written to the rejects table."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse_entry_id(value: Any) -> int | None:
    """Registry number (``№ п/п``) as a positive integer; empty gives None.

    Raises
    ------
    CellError
        For anything but a whole number ≥ 1 (``12``, ``"12"``, ``12.0`` pass).
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise CellError("registry number is not a whole number")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if value != value:
            return None
        if not value.is_integer():
            raise CellError("registry number is not a whole number")
        number = int(value)
    elif isinstance(value, str):
        text = clean_text(value)
        if not text:
            return None
        if not re.fullmatch(r"\d{1,7}", text):
            raise CellError("registry number is not a whole number")
        number = int(text)
    else:
        raise CellError(f"registry number is not a whole number (a {type(value).__name__})")
    if number < 1:
        raise CellError("registry number is below 1")
    return number
