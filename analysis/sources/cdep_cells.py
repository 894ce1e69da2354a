"""More cells of the Judicial Department's forms: row labels, chapter totals, punishment columns.

:mod:`analysis.sources.cdep` decides which rows of a workbook are data rows and
which are totals, point-level, combined or unreadable rows, and returns the accepted
rows with their ``source_row``. This module reads further cells of exactly those
rows, so it never re-decides what a row is:

* :func:`row_labels` — the crime name of every accepted row of form 10-а (the
  forms' own label column «Виды преступлений», from 2009 on), for plain-language
  article titles;
* :func:`chapter_totals` — the «ВСЕГО ПО ГЛАВЕ …» rows of form 10-а «Раздел 1»:
  the printed main-charge total per chapter of the Criminal Code and the article
  range it covers;
* :func:`punishment_columns` and :func:`form10_3_punishments` — the main punishment
  columns of form 10.3, found by header text (see :data:`CATEGORIES`).

Form 10.3 column headers, 2009–2024 (what the mapping reads): 2009–2010 print
«Лишение свободы: всего» followed by a breakdown by term (not read), 2011–2014 one
cell per punishment, 2015–2024 a block «ВИДЫ основного НАКАЗАНИЯ» over one column
per punishment; the 2020 copy carries English keys (``primaryImprisonment`` …). Columns
under «ДОПОЛНИТЕЛЬНОЕ НАКАЗАНИЕ», «освобождено», «Оправдано», «ПРЕКРАЩЕНО» and the
later blocks are not main punishments and are not read.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from .base import LoadResult
from .cdep_layout import Layout, find_layout
from .cdep_workbook import ROW_STRIDE, cell_text, count_cell, norm_header, open_workbook, sheet_grids

__all__ = ["CATEGORIES", "chapter_totals", "form10_3_punishments", "punishment_columns", "row_labels"]

#: Main punishments of form 10.3, in the order the forms print them: key → header pattern
#: (normalised lower-case header text of the column's own cell).
CATEGORIES: dict[str, str] = {
    "life_imprisonment": r"^пожизненное лишение свободы$",
    "imprisonment": r"^лишение свободы(?::?\s*всего)?$",
    "suspended_imprisonment": r"^условное осуждение к лишению свободы$",
    "disciplinary_military_unit": r"^содержание в дисциплинарной воинской части$",
    "arrest": r"^арест$",
    "restriction_of_liberty": r"^ограничение свободы(?: \(осн(?:\.|овное) наказание\))?$",
    "military_service_restriction": r"^ограничение по воен(?:\.|ной) службе$",
    "restriction_or_military_2009": r"^ограничение свободы/ограничение по воен",
    "correctional_work": r"^исправительные работы$",
    "compulsory_work": r"^обязательные работы$",
    "forced_labour": r"^принудительные работы(?: \(введение в действие отложено[^)]*\))?$",
    "disqualification": r"^лишение права занимать",
    "fine": r"^штраф(?: \(осн(?:\.|овное) наказание\))?$",
    "suspended_other": r"^условное осуждение к иным мерам$",
}

#: The English keys of the re-headed 2020 copy.
_ENGLISH = {
    "primarylifesentence": "life_imprisonment", "primaryimprisonment": "imprisonment",
    "primarysuspended": "suspended_imprisonment", "primarymilitarydisciplinaryunit": "disciplinary_military_unit",
    "primaryarrest": "arrest", "primaryrestrain": "restriction_of_liberty",
    "primaryrestrictionsinmilitaryservice": "military_service_restriction",
    "primarycorrectionallabour": "correctional_work", "primarycommunityservice": "compulsory_work",
    "primaryforcedlabour": "forced_labour", "primarydisqualification": "disqualification",
    "primaryfine": "fine", "primaryother": "suspended_other",
}

#: Header words of column blocks that are not main punishments.
_NOT_MAIN = ("дополнительн", "освобожд", "оправд", "прекращ", "невменя", "оконч", "исключающ")


def _layouts(grids: list, form: str) -> list[Layout]:
    out = []
    for i, sheet in enumerate(grids):
        lay = find_layout(sheet, i, form)
        if lay is not None:
            out.append(lay)
    return out


def _header_row(sheet: Any, lay: Layout) -> int:
    for r in range(lay.data_start):
        if cell_text(sheet.cell_value(r, lay.main_col)):
            return r
    return max(lay.data_start - 1, 0)


def punishment_columns(path: str | Path) -> pd.DataFrame:
    """Where each main punishment of :data:`CATEGORIES` sits in a form 10.3 workbook.

    Returns
    -------
    DataFrame
        ``category, sheet_index, column, header`` (the header text as printed),
        one row per category the form prints; categories the form lacks are absent.

    Raises
    ------
    InputError
        When two columns match one category, or the workbook has no data sheet.
    """
    grids = sheet_grids(open_workbook(path))
    lays = [lay for lay in _layouts(grids, "10.3") if lay.kind == "parts"]
    if not lays:
        raise InputError(str(path), "no form 10.3 data sheet")
    rows = []
    for lay in lays:
        sheet = grids[lay.sheet_index]
        top = _header_row(sheet, lay)
        context = ""
        found: dict[str, tuple[int, str]] = {}
        for c in range(lay.main_col + 1, sheet.ncols):
            head = norm_header(sheet.cell_value(top, c))
            if head:
                context = head
            cells = [cell_text(sheet.cell_value(r, c)) for r in range(top, lay.data_start)]
            texts = [t for t in cells if t and not re.fullmatch(r"\d+", t)]
            if not texts:
                continue
            leaf = norm_header(texts[-1])
            words = " ".join([context, *(norm_header(t) for t in texts)])
            if leaf in _ENGLISH:
                key = _ENGLISH[leaf]
            elif any(w in words for w in _NOT_MAIN):
                continue
            else:
                key = next((k for k, pat in CATEGORIES.items() if re.search(pat, leaf)), None)
            if key is None:
                continue
            if key in found:
                raise InputError(str(path), f"two columns ({found[key][0] + 1} and {c + 1}) of sheet {sheet.name!r} "
                                            f"read as {key!r}")
            found[key] = (c, " / ".join(texts))
        for key in CATEGORIES:
            if key in found:
                rows.append({"category": key, "sheet_index": lay.sheet_index, "column": found[key][0],
                             "header": found[key][1]})
    return pd.DataFrame(rows, columns=["category", "sheet_index", "column", "header"])


def form10_3_punishments(load: LoadResult) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Main punishments of every accepted row of a loaded form 10.3.

    Parameters
    ----------
    load : LoadResult
        :func:`~analysis.sources.cdep.load_cdep_form10_3` of one workbook.

    Returns
    -------
    (DataFrame, DataFrame)
        Wide frame ``article, part, year, source_row, convicted, <categories…>`` (one
        row per accepted row; a category the form does not print is missing, a cell
        that is not a whole number is missing too) and the column table of
        :func:`punishment_columns` with ``year``.
    """
    cols = punishment_columns(load.file)
    grids = sheet_grids(open_workbook(load.file))
    f = load.frame[load.frame["charge"] == "main"]
    year = int(load.meta["year"])
    records = []
    for art, part, value, src in zip(f["article"], f["part"], f["value"], f["source_row"]):
        sheet_i, excel_row = divmod(int(src), ROW_STRIDE)
        sheet = grids[sheet_i]
        rec: dict[str, Any] = {"article": art, "part": part, "year": year, "source_row": int(src),
                               "convicted": int(value)}
        for cat, col in zip(cols["category"], cols["column"]):
            v = count_cell(sheet.cell_value(excel_row - 1, int(col)))
            rec[cat] = np.nan if v is None else v
        records.append(rec)
    out = pd.DataFrame.from_records(records, columns=["article", "part", "year", "source_row", "convicted",
                                                      *CATEGORIES])
    return out, cols.assign(year=year)


def row_labels(load: LoadResult) -> pd.DataFrame:
    """Crime name (label column) of every accepted row of a loaded form 10-а.

    Returns ``article, part, year, source_row, code, label`` with the code and label
    cells as printed (whitespace collapsed).
    """
    grids = sheet_grids(open_workbook(load.file))
    lays = {lay.sheet_index: lay for lay in _layouts(grids, "10a")}
    f = load.frame.drop_duplicates("source_row")
    rows = []
    for art, part, src in zip(f["article"], f["part"], f["source_row"]):
        sheet_i, excel_row = divmod(int(src), ROW_STRIDE)
        lay = lays[sheet_i]
        sheet = grids[sheet_i]
        label = cell_text(sheet.cell_value(excel_row - 1, lay.label_col)) if lay.label_col is not None else ""
        rows.append({"article": art, "part": part, "year": int(load.meta["year"]), "source_row": int(src),
                     "code": cell_text(sheet.cell_value(excel_row - 1, lay.code_col)), "label": label})
    return pd.DataFrame(rows, columns=["article", "part", "year", "source_row", "code", "label"])


_CHAPTER_RE = re.compile(r"^ВСЕГО ПО ГЛАВЕ\s*(\d+)?\.?\s*(.*)$", re.IGNORECASE)
_RANGE_RE = re.compile(r"(\d{3}(?:\.\d+)?)\s*-\s*(\d{3}(?:\.\d+)?)")


def chapter_totals(load: LoadResult) -> pd.DataFrame:
    """The chapter total rows («ВСЕГО ПО ГЛАВЕ …») of a loaded form 10-а.

    Returns
    -------
    DataFrame
        ``year, order, chapter, chapter_title, first_article, last_article, code,
        main, source_row``: ``order`` counts the chapter rows from 1 in the order
        printed; ``chapter`` is the number the label prints (missing in 2009–2012,
        whose labels give only the title); ``first_article``/``last_article`` the
        article range of the code cell; ``main`` the printed main-charge total.
    """
    grids = sheet_grids(open_workbook(load.file))
    lays = {lay.sheet_index: lay for lay in _layouts(grids, "10a")}
    rej = load.rejects
    rej = rej[rej["reason"].str.startswith("total row")]
    rows = []
    for src in rej["source_row"]:
        sheet_i, excel_row = divmod(int(src), ROW_STRIDE)
        lay = lays.get(sheet_i)
        if lay is None or lay.label_col is None:
            continue
        sheet = grids[sheet_i]
        label = cell_text(sheet.cell_value(excel_row - 1, lay.label_col))
        m = _CHAPTER_RE.match(label)
        if m is None:
            continue
        code = cell_text(sheet.cell_value(excel_row - 1, lay.code_col))
        rng = _RANGE_RE.search(code)
        rows.append({"year": int(load.meta["year"]), "chapter": int(m.group(1)) if m.group(1) else None,
                     "chapter_title": m.group(2).strip().rstrip(".").strip(),
                     "first_article": rng.group(1) if rng else None, "last_article": rng.group(2) if rng else None,
                     "code": code, "main": count_cell(sheet.cell_value(excel_row - 1, lay.main_col)),
                     "source_row": int(src)})
    out = pd.DataFrame(rows, columns=["year", "chapter", "chapter_title", "first_article", "last_article", "code",
                                      "main", "source_row"])
    out = out.sort_values("source_row", kind="stable").reset_index(drop=True)
    out.insert(1, "order", np.arange(1, len(out) + 1))
    out["chapter"] = out["chapter"].astype("Int64")
    out["main"] = out["main"].astype("Int64")
    return out
