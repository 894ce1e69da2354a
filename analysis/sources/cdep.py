"""Loaders for the Judicial Department's annual conviction forms 10-а and 10.3 (``.xls``).

The Judicial Department at the Supreme Court of the Russian Federation (Судебный
департамент при Верховном Суде РФ, cdep.ru) publishes, for every year, national
tables of persons convicted by Criminal Code article and part:

* **form 10-а** (K3 from 2023), «Отчет о числе осужденных по всем составам
  преступлений …»: per article part, persons convicted with it as the *main*
  charge («Число осужденных по основной статье») and persons convicted with it as
  an *additional* charge («Дополнительная квалификация. Осуждено», by persons);
* **form 10.3** (K7 from 2023), «Отчет о видах наказания по наиболее тяжкому
  преступлению»: per article part of the most serious (= main) charge, the total
  convicted («ВСЕГО ОСУЖДЕНО») and the punishments.

Layouts change from year to year, so nothing is read by position: data sheets are
found by their header text, rows by the article/part code they carry and columns
by their header text.

What counts as a row
--------------------
A *data sheet* is any sheet whose header block names a code column («Статьи
Уголовного кодекса …», «Статьи УК РФ», «Составы преступлений по статьям УК РФ»)
and a main-charge column. Up to 2016 form 10-а has one such sheet («Раздел 1»);
from 2017 «Раздел 1» holds only chapter totals and the article parts sit in one
sheet per chapter («Раздел 15 (Гл. 29)» …), followed by «Раздел 21» (parts broken
down by point) and, in 2022–2023, «Раздел 22»/«Раздел 23» (the same parts
restricted to offences committed online / against minors). Form 10.3 has one data
sheet.

A *data row* is a row below a data sheet's header block that holds a count in
the main-charge or additional-charge column, or whose code cell reads as an
article code or a total. Blank rows, the column-number row («А | Б | 1 | 2 …»),
footnotes, signatures and phone numbers are not data rows (they are counted in
``meta["non_data_rows"]``). Every data row ends up exactly once either in the
frame (accepted) or in the rejects table:

* accepted: part-level rows (``280 ч. 2``) and rows of articles without parts
  (``275``, ``106.0``) in a part table. Rows of an old edition of a part
  (``213 ч.1 стар. ред.``, ``134 ч. 1 (в редакции ФЗ от 29.02.2012 № 14-ФЗ)``)
  are accepted too, under the same article and part: the forms count the persons
  convicted under each edition in its own row, so the frame may hold the same
  (article, part, charge, year) more than once and users sum them;
* skipped, with the reason: total rows (``ВСЕГО ПО ГЛАВЕ …``, ``ИТОГО ПО
  РАЗДЕЛУ …``, ranges such as ``275 - 284.1``, the military-crimes total
  «Воинские преступления» of form 10.3 and its gravity classes), point-level rows
  (``282 ч. 2 п. <<а>>`` and the ``п. <<б>>`` rows that follow), combined rows
  (``280.4 ч. 1, … 282.4 ч. 2``, ``284.1 ч. 2; 284.1 ч. 3``; their counts and
  article parts are kept in ``meta["combined_rows"]``), every row of a point or
  subset section (they repeat part rows), rows without a readable code whose
  counts are zero (headings such as «Составы преступлений, введенные в УК РФ в
  2021 году», «Резервная строка»), and a bare article row (``116``) that equals
  the sum of the same article's part rows (an article total; none occur in the
  2009–2024 forms, where a bare row next to part rows is another edition with
  its own persons);
* rejected: rows whose code cannot be read but which carry counts, rows whose
  count is not a non-negative whole number, and rows that contradict the totals
  the form prints (see below).

Sections and totals
-------------------
Nothing is dropped without a trace: every sheet named «Раздел …» must be a data
sheet the loader can read, and every chapter whose total «Раздел 1» prints must
have its sheet; otherwise the file is unusable. Each row is then held to the
totals the form itself prints (:func:`analysis.sources.cdep_checks.check_plausibility`): no count above the
national total of persons convicted (or above its chapter's printed total, on a
chapter sheet), no repeat of an earlier row of the sheet, no more persons with an
additional charge than additional offences; and on the 2017–2024 forms 10-а the
rows of each chapter sheet must add up to the chapter total (``meta["total_checks"]``).
The forms print no article row above its parts (a bare article row beside part rows
is either their sum, skipped as a total, or another edition with persons of its own),
so "a part is at most its article" is held as "a row is at most the totals that
contain it". The part rows of a rejected row are listed in ``meta["rejected_parts"]`` so that an
article sum short of them is never published (:mod:`analysis.convictions`). On the
real forms the only row these checks reject is 10-а 2018, «Раздел 5 (Гл. 19)», Excel
row 52 (art. 144.1: 5 additional-charge persons, 0 additional offences).

On the 2017–2024 forms 10-а the accepted, combined and rejected rows of each
chapter sheet add up exactly to the chapter total printed in «Раздел 1», so the
accounting neither drops nor double counts persons. In 29 of the 32 workbooks
the national total («ВСЕГО ПО РАЗДЕЛАМ», «Всего по составам УК РФ») minus those
rows is exactly the military-crimes total, which the forms give only as one
number; in 10-а 2011, 10.3 2013 and 10.3 2018 the national total is 1, 1 and 2
persons larger.

``source_row`` numbers a row inside the workbook as
``ROW_STRIDE * sheet_index + excel_row`` (sheet index counted from 0 in workbook
order, Excel row from 1), so 150042 is Excel row 42 of the sixteenth sheet;
:func:`split_source_row` undoes it and ``meta["sheets"]`` lists the sheet names.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import InputError
from ..schemas import ConvictionSchema
from .base import LoadResult, RejectLog
from .cdep_checks import Row, check_period, check_plausibility, check_sections, resolve_year
from .cdep_codes import ArticleCode, is_bare_article, parse_article_code, range_components
from .cdep_layout import CHAPTER_SHEET, CHAPTER_TOTAL, NATIONAL_TOTAL, find_layout, is_total_label
from .cdep_workbook import (
    ROW_STRIDE,
    Grid,
    cell_text,
    count_cell,
    open_workbook,
    sheet_grids,
    split_source_row,
    title_facts,
)

__all__ = ["load_cdep_form10_3", "load_cdep_form10a"]

CONVICTION_COLUMNS = ["article", "part", "charge", "year", "value", "source_id", "source_row"]


def _load_form(path: str | Path, form: str, source_id: str | None, year: int | None,
               snapshot_date: dt.date | None = None) -> LoadResult:
    return _parse_grids(sheet_grids(open_workbook(path)), path, form, source_id, year, snapshot_date)


def _parse_grids(grids: list[Grid], path: str | Path, form: str, source_id: str | None,
                 year: int | None, snapshot_date: dt.date | None = None) -> LoadResult:
    """Parse the sheets of one workbook (form ``'10a'`` or ``'10.3'``) into a :class:`LoadResult`."""
    sid = source_id or ("cdep_form10a" if form == "10a" else "cdep_form10_3")
    file = str(path)
    facts = title_facts(grids)
    year_value, year_source = resolve_year(path, facts, year)
    period_end = check_period(path, year_value, facts["months"], snapshot_date)

    layouts = []
    for i, sheet in enumerate(grids):
        if sheet.nrows >= ROW_STRIDE:
            raise InputError(file, f"sheet {sheet.name!r} has {sheet.nrows} rows, more than this loader numbers")
        layout = find_layout(sheet, i, form)
        if layout is not None:
            layouts.append(layout)
    if not any(lay.kind == "parts" for lay in layouts):
        what = "«по основной статье»" if form == "10a" else "«ВСЕГО ОСУЖДЕНО»"
        raise InputError(file, f"no data sheet with an article-code column and a {what} column")
    check_sections(path, grids, layouts, form)
    if form == "10a":
        missing = [lay.name for lay in layouts if lay.kind == "parts" and lay.add_col is None]
        if missing:
            raise InputError(file, f"sheet {missing[0]!r} has no additional-charge column "
                                   "(«Дополнительная квалификация …»)")

    log = RejectLog(sid)
    candidates: list[dict[str, Any]] = []
    combined: list[dict[str, Any]] = []
    rows: list[Row] = []
    rows_in = 0
    non_data = 0
    grand_total: int | None = None
    chapter_totals: dict[int, tuple[int, str]] = {}
    unspecified: list[dict[str, Any]] = []

    for lay in layouts:
        sheet = grids[lay.sheet_index]
        section = lay.title.split(".")[0] if lay.title else lay.name
        for r in range(lay.data_start, sheet.nrows):
            raw_code = sheet.cell_value(r, lay.code_col)
            code_text = cell_text(raw_code)
            label = cell_text(sheet.cell_value(r, lay.label_col)) if lay.label_col is not None else ""
            raw_main = sheet.cell_value(r, lay.main_col)
            raw_add = sheet.cell_value(r, lay.add_col) if lay.add_col is not None else ""
            has_values = count_cell(raw_main) is not None or count_cell(raw_add) is not None
            code = parse_article_code(raw_code)
            if code.kind == "unknown" and not code_text and ":" in label:
                # «Преступления, введенные в УК РФ после утверждения форм …: ст.151.1 …; ст.171.2 ч.1 …»
                code = parse_article_code(label.split(":", 1)[1])
            is_total = is_total_label(label) or is_total_label(code_text)
            if code.kind == "range" and not is_total:
                if lay.label_col is not None and label and not code_text.lower().startswith("сумма"):
                    # «159.1-159.6» under a label naming the offences: several articles lumped together
                    code = ArticleCode("combined", components=range_components(code_text))
                else:
                    is_total = True
            if not has_values and code.kind == "unknown" and not is_total:
                non_data += 1
                continue
            rows_in += 1
            row_id = ROW_STRIDE * lay.sheet_index + r + 1
            col_name = "code" if lay.label_col is None else "article_part"
            if lay.kind == "points":
                log.add(row_id, col_name, code_text or label,
                        f"point-level section ({section}): repeats parts broken down by point", "skipped")
                continue
            if lay.kind == "subset":
                log.add(row_id, col_name, code_text or label,
                        f"subset section ({section}): repeats article parts for a sub-population", "skipped")
                continue
            if is_total:
                heading = (label or code_text).upper()
                if grand_total is None and NATIONAL_TOTAL.match(heading):
                    grand_total = count_cell(raw_main)
                m = CHAPTER_TOTAL.match(heading)
                if (m and not CHAPTER_SHEET.search(lay.name) and int(m.group(1)) not in chapter_totals
                        and count_cell(raw_main) is not None):  # the summary's chapter totals
                    chapter_totals[int(m.group(1))] = (count_cell(raw_main), lay.name)
                log.add(row_id, col_name, code_text or label, "total row (chapter, section or range of articles)",
                        "skipped")
                continue
            signature = (code_text, label) + tuple(cell_text(v) for v in sheet.row_values(r)[lay.main_col:])
            offences = count_cell(sheet.cell_value(r, lay.offences_col)) if lay.offences_col is not None else None
            entry = Row(row_id, lay.sheet_index, "other", count_cell(raw_main), count_cell(raw_add), offences, signature)
            rows.append(entry)
            if code.kind == "point":
                log.add(row_id, col_name, code_text, "point-level row: a point of a part listed in its own row",
                        "skipped")
                entry.contribution = "copy"  # repeats a part row
                continue
            if code.kind == "combined":
                entry.kind = "combined"
                log.add(row_id, col_name, code_text,
                        "combined row: several articles or parts in one row, not separable", "skipped")
                combined.append({
                    "source_row": row_id, "code": code_text, "components": code.components,
                    "main": count_cell(raw_main),
                    "additional": count_cell(raw_add) if lay.add_unit == "persons" else None,
                })
                continue
            if code.kind != "part":
                if count_cell(raw_main) == 0 and count_cell(raw_add) in (0, None):
                    log.add(row_id, col_name, code_text or label or None,
                            "no readable article code and zero counts (heading or placeholder line)", "skipped")
                else:
                    log.add(row_id, col_name, code_text or label, "article code not recognised", "rejected")
                    if entry.main is None:
                        entry.contribution = "unknown"
                continue
            main = count_cell(raw_main)
            if main is None:
                log.add(row_id, "main", cell_text(raw_main) or None,
                        "main-charge count missing or not a non-negative whole number", "rejected")
                entry.contribution = "unknown"
                continue
            add = None
            if lay.add_col is not None:
                add = count_cell(raw_add)
                if add is None:
                    log.add(row_id, "additional", cell_text(raw_add) or None,
                            "additional-charge count missing or not a non-negative whole number", "rejected")
                    continue
            entry.kind = "candidate"
            candidates.append({
                "article": code.article, "part": code.part, "main": main,
                "additional": add if lay.add_unit == "persons" else None,
                "unspecified": add if lay.add_unit == "unspecified" else None,
                "source_row": row_id, "code": code_text, "sheet": lay.name, "entry": entry,
            })

    checks = check_plausibility(file, grids, layouts, rows, candidates, combined, log,
                                 grand_total=grand_total, chapter_totals=chapter_totals)
    candidates = [c for c in candidates if c["source_row"] not in log]

    # A bare article row next to rows for the same article's parts is the article total when
    # it equals their sum; otherwise (another edition of the article) it is a population of its own.
    by_article: dict[str, list[dict[str, Any]]] = {}
    for c in candidates:
        by_article.setdefault(c["article"], []).append(c)
    accepted = []
    for c in candidates:
        parts = [o for o in by_article[c["article"]] if o["part"] is not None]
        bare = c["part"] is None and parse_article_code(c["code"]).article is not None and is_bare_article(c["code"])
        if bare and parts and all(
            c[k] == sum(o[k] for o in parts) for k in ("main", "additional", "unspecified")
            if c[k] is not None
        ):
            log.add(c["source_row"], "article_part", c["code"],
                    "article total row: equals the sum of the article's part rows", "skipped")
            continue
        accepted.append(c)

    records = []
    for c in accepted:
        records.append((c["article"], c["part"], "main", year_value, c["main"], sid, c["source_row"]))
        if c["additional"] is not None:
            records.append((c["article"], c["part"], "additional", year_value, c["additional"], sid, c["source_row"]))
        if c["unspecified"] is not None:
            unspecified.append({"article": c["article"], "part": c["part"], "year": year_value,
                                "value": c["unspecified"], "source_row": c["source_row"]})
    if not records:
        raise InputError(file, f"no usable row: all {rows_in} data rows were rejected or skipped")
    frame = pd.DataFrame.from_records(records, columns=CONVICTION_COLUMNS)
    frame = frame.astype({"article": str, "charge": str, "year": "int64", "value": "int64",
                          "source_id": str, "source_row": "int64"})
    frame["part"] = pd.Series(frame["part"].tolist(), index=frame.index, dtype="str")  # missing: NaN
    frame = ConvictionSchema.validate(frame, lazy=True)

    rejects = log.frame()
    rejected_parts = []
    for sr, raw in zip(rejects.loc[rejects["status"] == "rejected", "source_row"],
                       rejects.loc[rejects["status"] == "rejected", "raw_value"]):
        sheet_i, excel_row = split_source_row(sr)
        lay = next(lay for lay in layouts if lay.sheet_index == sheet_i)
        code = parse_article_code(grids[sheet_i].cell_value(excel_row - 1, lay.code_col))
        if code.kind == "part":
            rejected_parts.append({"article": code.article, "part": code.part, "source_row": int(sr)})

    add_units = sorted({lay.add_unit for lay in layouts if lay.kind == "parts" and lay.add_unit})
    meta = {
        "form": "10-а" if form == "10a" else "10.3",
        "year": year_value,
        "year_source": year_source,
        "year_in_file": facts["year"],
        "months": facts["months"],
        "period_end": period_end.isoformat(),
        "title": facts["title"],
        "sheets": [g.name for g in grids],
        "data_sheets": {lay.name: lay.kind for lay in layouts},
        "additional_unit": add_units[0] if add_units else None,
        "non_data_rows": non_data,
        "grand_total_main": grand_total,
        "chapter_totals_main": {n: t for n, (t, _) in sorted(chapter_totals.items())},
        "total_checks": checks,
        "combined_rows": combined,
        "rejected_parts": rejected_parts,
        "additional_unit_unspecified": pd.DataFrame(
            unspecified, columns=["article", "part", "year", "value", "source_row"]),
    }
    result = LoadResult(frame=frame, rejects=rejects, rows_in=rows_in, source_id=sid,
                        file=file, meta=meta)
    return result


def load_cdep_form10a(path: str | Path, *, source_id: str | None = None,
                      year: int | None = None, snapshot_date: dt.date | None = None) -> LoadResult:
    """Load one annual form 10-а (K3) workbook: persons convicted by main and additional charge.

    Parameters
    ----------
    path : str or Path
        The ``.xls`` file (e.g. ``ExcelFiles/Add/2015add.xls``).
    source_id : str, optional
        Identifier written into ``source_id``; default ``'cdep_form10a'``.
    year : int, optional
        Expected reporting year (the manifest's). The year is read from the title
        sheet («за 12 месяцев 2015 г.»); when the title sheet states another year the
        file is refused. Without a year on the title sheet, ``year`` is used, else
        the year in the file name.
    snapshot_date : date, optional
        Date of the copy (the manifest's snapshot date, or ``validate --as-of``);
        a reporting period that ends after it is refused. Default: today, with a
        warning.

    Returns
    -------
    LoadResult
        ``frame`` follows :class:`analysis.schemas.ConvictionSchema`: one row per
        accepted article part and charge (``main``; ``additional`` = persons with
        the part as an additional charge). ``rejects`` holds every other data row
        (status ``skipped`` for total, point-level, combined and repeated rows,
        ``rejected`` for unreadable ones). ``meta`` has ``form``, ``year``,
        ``year_source`` (argument, title sheet or file name), ``year_in_file``,
        ``months``, ``title``, ``sheets`` (all sheet names, for
        :func:`split_source_row`), ``data_sheets`` (name → ``parts``, ``points``
        or ``subset``), ``additional_unit`` (``persons``, or ``unspecified`` in
        2009), ``non_data_rows``, ``grand_total_main`` (the printed national
        total), ``combined_rows`` (source row, code, lumped article parts and
        counts of each combined row) and ``additional_unit_unspecified`` (2009
        only, see Notes).

    Raises
    ------
    InputError
        When the file is missing, empty, an HTML page, not a readable ``.xls``
        workbook, has no data sheet, a «Раздел» sheet it cannot read, a chapter
        printed in «Раздел 1» without its sheet, rows that contradict the printed
        totals (see ``check_plausibility``), no national total, no reporting year, a
        year other than ``year``, a reporting period ending after ``snapshot_date``,
        or no usable row.

    Notes
    -----
    The unit is persons whose sentence entered into legal force in the year.
    Additional-charge persons exclude persons counted under the same row as main
    charge (form footnote), so main + additional = persons convicted with the part
    anywhere in the verdict.

    The 2009 form has a single «по дополнительной квалификации» column whose unit
    (persons or offences) is not stated. Its national total (237,156) is close to
    the 2010 count of additional *offences* (262,838), not persons (91,481), so it
    is probably offences. It is therefore kept out of ``additional`` and returned
    in ``meta["additional_unit_unspecified"]`` instead.
    """
    return _load_form(path, "10a", source_id, year, snapshot_date)


def load_cdep_form10_3(path: str | Path, *, source_id: str | None = None,
                       year: int | None = None, snapshot_date: dt.date | None = None) -> LoadResult:
    """Load one annual form 10.3 (K7) workbook: persons convicted by main charge.

    Parameters
    ----------
    path : str or Path
        The ``.xls`` file (e.g. ``ExcelFiles/Main/2015main.xls``).
    source_id : str, optional
        Identifier written into ``source_id``; default ``'cdep_form10_3'``.
    year : int, optional
        Expected reporting year, as for :func:`load_cdep_form10a`.
    snapshot_date : date, optional
        As for :func:`load_cdep_form10a`.

    Returns
    -------
    LoadResult
        ``frame`` follows :class:`analysis.schemas.ConvictionSchema` with charge
        ``main`` only («ВСЕГО ОСУЖДЕНО» by the most serious offence, which equals
        column 1 of form 10-а). Rows are accounted for as in
        :func:`load_cdep_form10a`.

    Raises
    ------
    InputError
        As for :func:`load_cdep_form10a`.

    Notes
    -----
    In the 2020 copy the data sheet was re-headed with English keys (``clause``,
    ``totalConvicted``, …); the values are the official ones and the loader reads
    those headers too.
    """
    return _load_form(path, "10.3", source_id, year, snapshot_date)
