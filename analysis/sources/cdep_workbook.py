"""Reading a Judicial Department workbook (``.xls``): sheets as plain grids, cells as text and counts.

The parser of :mod:`analysis.sources.cdep` reads a workbook only through
:class:`Grid` (one sheet as a table of cell values), so tests can hand it plain
tables. ``source_row`` numbers a row inside the workbook as
``ROW_STRIDE * sheet_index + excel_row`` (:func:`split_source_row` undoes it).
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import xlrd

from ..errors import InputError
from .kit.files import looks_like_html, read_bytes

__all__ = ["ROW_STRIDE", "split_source_row", "open_workbook", "Grid", "sheet_grids", "cell_text", "count_cell",
           "norm_header", "year_from_text", "title_facts"]


#: Multiplier that turns (sheet index, Excel row) into one ``source_row`` number.
ROW_STRIDE = 10_000


def split_source_row(source_row: int) -> tuple[int, int]:
    """Return ``(sheet_index, excel_row)`` for a ``source_row`` number of these loaders."""
    return int(source_row) // ROW_STRIDE, int(source_row) % ROW_STRIDE


_WS_RE = re.compile(r"\s+")


def cell_text(value: Any) -> str:
    """A cell as one line of text: numbers without a spurious ``.0``, whitespace collapsed."""
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        if value.is_integer():
            return str(int(value))
        return repr(value)
    text = str(value).replace("\xa0", " ").replace("\u00ad", "")
    return _WS_RE.sub(" ", text).strip()


def count_cell(value: Any) -> int | None:
    """A count cell as a non-negative int, or None when it is not one."""
    if isinstance(value, float):
        if value != value or value < 0 or not value.is_integer():
            return None
        return int(value)
    text = cell_text(value).replace(" ", "")
    if re.fullmatch(r"\d+", text):
        return int(text)
    return None


def open_workbook(path: str | Path) -> xlrd.book.Book:
    data = read_bytes(path)
    if looks_like_html(data):
        raise InputError(str(path), "is an HTML page, not an .xls workbook")
    if data[:4] == b"PK\x03\x04":
        raise InputError(str(path), "is a zip/.xlsx file, not an .xls (BIFF) workbook")
    try:
        return xlrd.open_workbook(file_contents=data, logfile=_NullLog())
    except Exception as exc:  # xlrd raises many types on damaged files
        reason = str(exc).strip() or type(exc).__name__
        raise InputError(str(path), f"is not a readable .xls workbook ({reason[:120]})") from None


class _NullLog:
    """Swallows xlrd's diagnostic printing (it writes warnings to stdout otherwise)."""

    def write(self, _text: str) -> None:  # pragma: no cover - trivial
        pass


class Grid:
    """One sheet as a plain table of cell values (what the parser reads)."""

    def __init__(self, name: str, rows: list[list[Any]]) -> None:
        self.name = name
        self.rows = rows
        self.nrows = len(rows)
        self.ncols = max((len(r) for r in rows), default=0)

    def row_values(self, r: int) -> list[Any]:
        row = self.rows[r]
        return list(row) + [""] * (self.ncols - len(row))

    def cell_value(self, r: int, c: int) -> Any:
        row = self.rows[r]
        return row[c] if c < len(row) else ""


def sheet_grids(book: xlrd.book.Book) -> list[Grid]:
    return [Grid(sh.name, [sh.row_values(r) for r in range(sh.nrows)]) for sh in book.sheets()]


def norm_header(value: Any) -> str:
    text = cell_text(value).lower().replace("ё", "е")
    text = re.sub(r"-\s*", "", text) if re.search(r"[а-я]-\s*[а-я]", text) else text
    return text


def year_from_text(text: str) -> int | None:
    m = re.search(r"(?<!\d)(20\d{2})(?!\d)", text)
    return int(m.group(1)) if m else None


def title_facts(grids: list[Grid]) -> dict[str, Any]:
    """Year, months covered and report title from the title sheet («Титул …»)."""
    facts: dict[str, Any] = {"year": None, "months": None, "title": None}
    for sheet in grids:
        if not sheet.name.lower().startswith("титул"):
            continue
        for r in range(min(sheet.nrows, 40)):
            cells = [cell_text(v) for v in sheet.row_values(r)]
            lowered = [c.lower() for c in cells]
            if facts["title"] is None:
                for c in cells:
                    if c.upper().startswith(("ОТЧЕТ", "ПРИЛОЖЕНИЕ")):
                        facts["title"] = c
            if "месяцев" in lowered and facts["year"] is None:
                i = lowered.index("месяцев")
                before = [c for c in cells[:i] if c.isdigit()]
                after = [c for c in cells[i + 1:] if re.fullmatch(r"20\d{2}", c)]
                if before:
                    facts["months"] = int(before[-1])
                if after:
                    facts["year"] = int(after[0])
        break
    return facts
