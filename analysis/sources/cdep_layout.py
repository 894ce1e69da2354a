"""Where things are on a data sheet of forms 10-а and 10.3, found by header text, never by position.

:func:`find_layout` finds the code, label, main-charge and additional-charge columns
and the first data row below the header block; the total labels («ВСЕГО ПО ГЛАВЕ …»,
the military-crimes total, gravity classes) are recognised here too.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .cdep_codes import parse_article_code
from .cdep_workbook import Grid, cell_text, norm_header

__all__ = ["Layout", "find_layout", "is_column_number_row", "is_total_label", "GROUP_LABELS",
           "CHAPTER_SHEET", "CHAPTER_TOTAL", "NATIONAL_TOTAL"]


#: How many rows below the main header may still belong to the header block.
HEADER_DEPTH = 5
#: How many rows from the top of a sheet are searched for the header.
HEADER_SEARCH = 25


@dataclass
class Layout:
    """Where things are on one data sheet."""

    sheet_index: int
    name: str
    kind: str  # parts | points | subset
    title: str
    code_col: int
    label_col: int | None
    main_col: int
    add_col: int | None
    add_unit: str | None  # persons | unspecified | None
    data_start: int  # 0-based first row after the header block
    offences_col: int | None = None  # «по количеству составов преступлений» (additional charge)


def find_layout(sheet: Grid, index: int, form: str) -> Layout | None:
    code_col = label_col = main_col = add_header_col = None
    code_header = ""
    header_row = None
    title = ""
    for r in range(min(sheet.nrows, HEADER_SEARCH)):
        for c, value in enumerate(sheet.row_values(r)):
            h = norm_header(value)
            if not h:
                continue
            if not title and h.startswith("раздел") and len(h) > 12:
                title = cell_text(value)
            if code_col is None and (
                "статьи уголовного кодекса" in h or h.startswith("статьи ук")
                or "составы преступлений по статьям" in h or h == "clause"
            ):
                code_col, code_header = c, h
            elif label_col is None and h.startswith("виды преступлений"):
                label_col = c
            elif main_col is None and (
                (form == "10a" and "по основной статье" in h and "осужд" in h and "оправ" not in h)
                or (form == "10.3" and (h.startswith("всего осуждено") or h == "totalconvicted"))
            ):
                main_col, header_row = c, r
            elif (form == "10a" and add_header_col is None and "дополнительн" in h
                  and not any(w in h for w in ("оправд", "прекращ", "невменя"))):
                add_header_col = c
        if header_row is not None and r > header_row + 1:
            break
    if code_col is None or main_col is None or header_row is None:
        return None
    if "по составам" in code_header or "по пунктам" in title.lower():
        kind = "points"
    elif "составы преступлений по статьям" in code_header:
        kind = "subset"
    else:
        kind = "parts"

    add_col, add_unit, offences_col = None, None, None
    if add_header_col is not None:
        top = [c for c, v in enumerate(sheet.row_values(header_row)) if cell_text(v) and c > add_header_col]
        bound = min(top) if top else sheet.ncols
        for r in range(header_row, min(sheet.nrows, header_row + HEADER_DEPTH)):
            for c in range(add_header_col, bound):
                if "по числу лиц" in norm_header(sheet.cell_value(r, c)):
                    add_col, add_unit = c, "persons"
                    break
            if add_col is not None:
                break
        if add_col is None:
            add_col, add_unit = add_header_col, "unspecified"
        else:
            for r in range(header_row, min(sheet.nrows, header_row + HEADER_DEPTH)):
                for c in range(add_header_col, bound):
                    if "по количеству составов" in norm_header(sheet.cell_value(r, c)):
                        offences_col = c
                        break
                if offences_col is not None:
                    break

    # Header block: rows below the main header that carry no counts, plus the column-number row.
    start = header_row + 1
    for r in range(header_row + 1, min(sheet.nrows, header_row + 1 + HEADER_DEPTH)):
        main = cell_text(sheet.cell_value(r, main_col))
        code = parse_article_code(sheet.cell_value(r, code_col))
        label = cell_text(sheet.cell_value(r, label_col)) if label_col is not None else ""
        if code.kind != "unknown" or is_total_label(label) or is_total_label(
            cell_text(sheet.cell_value(r, code_col))
        ):
            break
        if main == "" or not re.fullmatch(r"\d+", main) or is_column_number_row(sheet, r, main_col):
            start = r + 1
            continue
        break
    return Layout(index, sheet.name, kind, title, code_col, label_col, main_col, add_col, add_unit, start,
                   offences_col)


def is_column_number_row(sheet: Grid, r: int, main_col: int) -> bool:
    """True for the «1 | 2 | 3 …» row that numbers the columns under the header."""
    values = [cell_text(sheet.cell_value(r, c)) for c in range(main_col, min(sheet.ncols, main_col + 3))]
    return len(values) >= 2 and values[0] == "1" and values[1] == "2"


def is_total_label(text: str) -> bool:
    t = text.strip().upper()
    return t.startswith(("ВСЕГО", "ИТОГО")) or t in GROUP_LABELS


#: Rows that total a group of articles without naming them (military crimes, gravity classes).
GROUP_LABELS = frozenset({"ВОИНСКИЕ ПРЕСТУПЛЕНИЯ", "НЕБОЛЬШОЙ ТЯЖЕСТИ", "СРЕДНЕЙ ТЯЖЕСТИ", "ТЯЖКИЕ", "ОСОБО ТЯЖКИЕ"})


CHAPTER_SHEET = re.compile(r"\(\s*Гл\.?\s*(\d+)\s*\)")
CHAPTER_TOTAL = re.compile(r"^(?:ВСЕГО|ИТОГО)\s+ПО\s+(?:РАЗДЕЛУ\s+\S+\s+И\s+)?ГЛАВЕ\s+(\d+)")  # «… XII И ГЛАВЕ 34»
NATIONAL_TOTAL = re.compile(r"ВСЕГО (?:ЛИЦ )?ПО (?:РАЗДЕЛАМ|СОСТАВАМ)")
