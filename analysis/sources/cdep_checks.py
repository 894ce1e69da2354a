"""What a conviction form must satisfy: its year and period, its sections, and its printed totals.

These checks hold every data row of a form to the totals the form itself prints
(see the module docstring of :mod:`analysis.sources.cdep`); a file that fails the
file-level checks is unusable, a row that fails the row-level checks is rejected.
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError
from .base import snapshot_bound
from .cdep_layout import CHAPTER_SHEET, Layout
from .cdep_workbook import Grid, split_source_row, year_from_text

__all__ = ["Row", "resolve_year", "check_period", "check_sections", "check_plausibility"]


def resolve_year(path: str | Path, facts: dict[str, Any], year: int | None) -> tuple[int, str]:
    """The reporting year: from the title sheet, which must agree with ``year`` when both exist."""
    if facts["year"] is not None:
        if year is not None and int(year) != int(facts["year"]):
            raise InputError(str(path), f"the title sheet states the reporting year {facts['year']}, "
                                        f"but {year} was expected (manifest)")
        return int(facts["year"]), "title sheet"
    if year is not None:
        return int(year), "argument"
    from_name = year_from_text(Path(path).name)
    if from_name is not None:
        return from_name, "file name"
    raise InputError(str(path), "reporting year not found on the title sheet or in the file name; pass year=")


def check_period(path: str | Path, year: int, months: int | None, snapshot_date: dt.date | None) -> dt.date:
    """The last day of the reporting period, which must not be after the snapshot date."""
    n = months if months in range(1, 13) else 12
    last = dt.date(year, n, calendar.monthrange(year, n)[1])
    bound = snapshot_bound(str(path), snapshot_date)
    if last > bound:
        raise InputError(str(path), f"the reporting period ({n} months of {year}) ends on {last:%d.%m.%Y}, "
                                    f"after the snapshot date {bound:%d.%m.%Y}")
    return last


def check_sections(path: str | Path, grids: list[Grid], layouts: list[Layout], form: str) -> None:
    """Every «Раздел …» sheet must be a data sheet the loader can read.

    A damaged header (the code or main-charge column no longer recognisable) would
    otherwise make a sheet, and every person in it, vanish without a trace.
    """
    found = {lay.sheet_index for lay in layouts}
    what = "«по основной статье»" if form == "10a" else "«ВСЕГО ОСУЖДЕНО»"
    for i, sheet in enumerate(grids):
        if i not in found and sheet.name.strip().lower().startswith("раздел"):
            raise InputError(str(path), f"sheet {sheet.name!r} is a section of the form but has no article-code "
                                        f"column and {what} column (header missing or reworded)")


@dataclass
class Row:
    """One data row of a parts sheet, with what it contributes to the printed totals."""

    row_id: int
    sheet: int
    kind: str  # candidate | combined | other
    main: int | None
    add: int | None
    offences: int | None
    signature: tuple
    contribution: str = "counted"  # counted | unknown | copy


#: Counts at or beyond 2**53 are not exact in the spreadsheet's floating-point cells.
_EXACT_LIMIT = 2 ** 53


def check_plausibility(file: str, grids: list[Grid], layouts: list[Layout], rows: list[Row],
                        candidates: list[dict[str, Any]], combined: list[dict[str, Any]], log: RejectLog, *,
                        grand_total: int | None, chapter_totals: dict[int, tuple[int, str]]) -> dict[str, Any]:
    """Hold the rows against the totals the form prints; reject rows or refuse the file.

    Checks, in order (a row rejected by one takes no part in the next):

    1. **Repeated rows.** A part row whose code, label and every count equal an earlier
       row of the same sheet is a copy: rejected, and counted as a copy (0) below.
    2. **Magnitude.** No count of a row can exceed the national total of persons
       convicted that the form prints («ВСЕГО ПО РАЗДЕЛАМ» / «Всего по составам УК РФ»,
       main charge: every person convicted has one main charge, and persons convicted
       under an additional charge are among them), nor, on a chapter sheet, that
       chapter's total printed in «Раздел 1». A row over its bound is rejected and its
       true value is unknown.
    3. **Main and additional columns.** Persons with an additional charge
       («по числу лиц») cannot outnumber the additional offences («по количеству
       составов») of the same row. A row that breaks it is rejected (its main count is
       kept for the totals: the main column is not in question); when it is broken on
       most rows with counts, the columns are misread or swapped and the file is refused.
    4. **Chapter totals.** On forms with one sheet per chapter (10-а from 2017), the
       main-charge counts of a chapter sheet's rows (accepted, combined, and rejected
       with a readable count) must add up to the chapter total printed in «Раздел 1».
       When rows of unknown value are left (check 2, or an unreadable count), their sum
       may fall short of it, by what those rows held; it may never exceed it. Otherwise
       the file is refused. On single-sheet forms (10-а to 2016, every 10.3) the chapter
       totals are not enforced: their article ranges leave out rows placed in the
       «введенные в УК РФ после утверждения форм» blocks, so they match the rows only
       approximately.
    5. **National total.** The counted rows cannot add up to more than the national
       total (military crimes and, on 10-а, rows outside the part tables make the rest).

    Returns the figures of checks 4 and 5 for ``meta["total_checks"]``.
    """
    if grand_total is None:
        raise InputError(file, "no national total row («ВСЕГО ПО РАЗДЕЛАМ» / «Всего по составам УК РФ») "
                               "to check the rows against")
    if grand_total >= _EXACT_LIMIT:
        raise InputError(file, f"national total {grand_total:,} is not a plausible number of persons")
    chapter_of_sheet: dict[int, int] = {}
    for lay in layouts:
        m = CHAPTER_SHEET.search(lay.name)
        if m and lay.kind == "parts":
            chapter_of_sheet[lay.sheet_index] = int(m.group(1))
    chapter_sheets = set(chapter_of_sheet.values())
    if chapter_sheets:
        missing = sorted(set(chapter_totals) - chapter_sheets)
        if missing:
            n = missing[0]
            raise InputError(file, f"sheet {chapter_totals[n][1]!r} prints a total for chapter {n} "
                                   f"({chapter_totals[n][0]:,} persons) but no sheet «… (Гл. {n})» holds its rows")
    seen: dict[tuple[int, tuple], int] = {}
    for c in candidates:
        entry: Row = c["entry"]
        key = (entry.sheet, entry.signature)
        if key in seen:
            log.add(entry.row_id, "article_part", c["code"],
                    f"repeats row {split_source_row(seen[key])[1]} of the same sheet (code, label and every "
                    "count equal): a copy, not counted")
            entry.contribution = "copy"
            continue
        seen[key] = entry.row_id
    for entry in rows:
        if entry.contribution == "copy":  # repeats and point rows are not counted
            continue
        chapter = chapter_of_sheet.get(entry.sheet)
        bound, what = grand_total, f"the national total printed in the form ({grand_total:,})"
        if chapter is not None and chapter in chapter_totals:
            bound, what = chapter_totals[chapter][0], (f"the total of chapter {chapter} printed in sheet "
                                                       f"{chapter_totals[chapter][1]!r} ({chapter_totals[chapter][0]:,})")
        for col, value in (("main", entry.main), ("additional", entry.add)):
            if value is not None and value > bound:
                if log.status(entry.row_id) != "rejected":  # a combined row over the bound is rejected too
                    log.add(entry.row_id, col, value, f"{col} count {value:,} exceeds {what}", replace=True)
                entry.contribution = "unknown"
                break
    relation_rows = [e for e in rows if e.kind == "candidate" and e.add is not None and e.offences is not None
                     and (e.add or e.offences) and e.row_id not in log]
    broken = [e for e in relation_rows if e.add > e.offences]
    if relation_rows and 2 * len(broken) > len(relation_rows):
        raise InputError(file, f"additional-charge persons exceed additional offences on {len(broken)} of "
                               f"{len(relation_rows)} rows: the columns are misread or swapped")
    for e in broken:
        log.add(e.row_id, "additional", e.add,
                f"additional-charge persons ({e.add:,}) exceed additional-charge offences ({e.offences:,}) "
                "of the same row; every such person has at least one such offence")

    def counted(entry: Row) -> int | None:
        if entry.contribution == "copy":
            return 0
        if entry.contribution == "unknown" or entry.main is None:
            return None
        return entry.main

    checks: dict[str, Any] = {"chapters": {}}
    for chapter, (printed, _where) in sorted(chapter_totals.items()):
        sheets = [i for i, n in chapter_of_sheet.items() if n == chapter]
        if not sheets:
            continue
        members = [e for e in rows if e.sheet in sheets]
        known = sum(v for v in map(counted, members) if v is not None)
        unknown = sum(1 for e in members if counted(e) is None)
        name = grids[sheets[0]].name
        if (unknown == 0 and known != printed) or known > printed:
            raise InputError(file, f"the rows of sheet {name!r} add up to {known:,} persons (main charge), but "
                                   f"sheet {_where!r} prints {printed:,} for chapter {chapter}")
        checks["chapters"][str(chapter)] = {"printed": printed, "rows": known, "rows_of_unknown_value": unknown}
    known = sum(v for v in map(counted, rows) if v is not None)
    if known > grand_total:
        raise InputError(file, f"the rows add up to {known:,} persons (main charge), more than the national "
                               f"total printed in the form ({grand_total:,})")
    checks["national"] = {"printed": grand_total, "rows": known,
                          "rows_of_unknown_value": sum(1 for e in rows if counted(e) is None)}
    return checks
