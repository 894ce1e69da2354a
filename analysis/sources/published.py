"""Loader for the curated table of published conviction and prosecution figures.

``convictions_published/convictions_by_article.csv`` holds one published figure per
row: official annual rows of forms 10-а/10.3 read from the Judicial Department's
tables, figures reported by the media, Investigative Committee counts of cases
opened, OVD-Info counts and so on. Each row names the article (or a pseudo-code such
as ``ch29`` or ``antiwar``), the period it covers, what was counted (``measure``),
the value, and where it was read.

Rows are numbered as in a text editor: the header is line 1, so the first figure
has ``source_row`` 2 (the file has no line breaks inside quoted fields; if one
appears, the row number is that of the record, counted the same way).
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from ..errors import InputError
from .base import LoadResult, RejectLog, snapshot_bound
from .kit.files import decode_text, looks_like_html, read_bytes, read_csv_records, text_row_problems

__all__ = ["PUBLISHED_COLUMNS", "PublishedFigureSchema", "load_published_convictions"]

#: Columns the file must have, in the order the frame keeps them.
PUBLISHED_COLUMNS = [
    "article", "code", "period_start", "period_end", "measure", "value",
    "source_name", "source_url", "source_quote", "retrieved_from",
]
_REQUIRED = ["article", "code", "period_start", "period_end", "measure", "value", "source_name",
             "retrieved_from"]
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MEASURE_RE = re.compile(r"^[a-z][a-z0-9_]*$")


class PublishedFigureSchema(pa.DataFrameModel):
    """One published figure: what was counted, over which period, and where it was read."""

    article: Series[str] = pa.Field(str_length={"min_value": 1})
    code: Series[str] = pa.Field(str_length={"min_value": 1})
    period_start: Series[pa.DateTime] = pa.Field(nullable=False)
    period_end: Series[pa.DateTime] = pa.Field(nullable=False)
    measure: Series[str] = pa.Field(str_matches=r"^[a-z][a-z0-9_]*$")
    value: Series[int] = pa.Field(ge=0)
    source_name: Series[str] = pa.Field(str_length={"min_value": 1})
    source_url: Series[str] = pa.Field(nullable=True)
    source_quote: Series[str] = pa.Field(nullable=True)
    retrieved_from: Series[str] = pa.Field(str_length={"min_value": 1})
    source_id: Series[str]
    source_row: Series[int] = pa.Field(ge=1, unique=True)

    class Config:
        strict = True
        ordered = True

    @pa.dataframe_check
    def period_is_ordered(cls, df: pd.DataFrame) -> Series[bool]:
        return df["period_end"] >= df["period_start"]


def _parse_date(text: str) -> pd.Timestamp | None:
    if not _DATE_RE.match(text):
        return None
    try:
        return pd.Timestamp(text)
    except (ValueError, OverflowError):
        return None


_INT64_MAX = 2 ** 63 - 1


def _check_row(rec: dict[str, str], bound: dt.date) -> tuple[dict[str, Any] | None, tuple[str, str, str] | None]:
    """Validate one record; return (clean row, None) or (None, (column, raw value, reason))."""
    for col in _REQUIRED:
        if not rec[col].strip():
            return None, (col, rec[col], f"{col} is empty")
    start = _parse_date(rec["period_start"].strip())
    if start is None:
        return None, ("period_start", rec["period_start"], "not a date in YYYY-MM-DD form")
    end = _parse_date(rec["period_end"].strip())
    if end is None:
        return None, ("period_end", rec["period_end"], "not a date in YYYY-MM-DD form")
    if end < start:
        return None, ("period_end", rec["period_end"], "period ends before it starts")
    if end.date() > bound:
        return None, ("period_end", rec["period_end"],
                      f"period ends after the date the figures were collected ({bound:%d.%m.%Y})")
    measure = rec["measure"].strip()
    if not _MEASURE_RE.match(measure):
        return None, ("measure", rec["measure"], "measure is not a snake_case name")
    raw_value = rec["value"].strip().replace("\u202f", "").replace("\xa0", "")
    if not re.fullmatch(r"\d+", raw_value):
        return None, ("value", rec["value"], "value is not a non-negative whole number")
    if len(raw_value) > 18 and int(raw_value) > _INT64_MAX:
        return None, ("value", rec["value"], f"value has {len(raw_value)} digits, more than any count can")
    clean = {
        "article": rec["article"].strip(),
        "code": rec["code"].strip(),
        "period_start": start,
        "period_end": end,
        "measure": measure,
        "value": int(raw_value),
        "source_name": rec["source_name"].strip(),
        "source_url": rec["source_url"].strip() or None,
        "source_quote": rec["source_quote"].strip() or None,
        "retrieved_from": rec["retrieved_from"].strip(),
    }
    return clean, None


def load_published_convictions(path: str | Path, *, source_id: str | None = None,
                                snapshot_date: dt.date | None = None) -> LoadResult:
    """Load the published-figures table ``convictions_by_article.csv``.

    Parameters
    ----------
    path : str or Path
        The CSV file (UTF-8, comma-separated, header row).
    source_id : str, optional
        Identifier written into ``source_id``; default ``'published_convictions_csv'``.
    snapshot_date : date, optional
        Date the figures were collected (the manifest's snapshot date, or
        ``validate --as-of``): a figure whose period ends later is rejected.
        Default: today, with a warning.

    Returns
    -------
    LoadResult
        ``frame`` follows :class:`PublishedFigureSchema` (dates as timestamps,
        ``value`` as int, empty ``source_url``/``source_quote`` as None); ``rejects``
        has one row per record with an empty required field, a malformed date, a
        period that ends before it starts or after ``snapshot_date``, a measure
        that is not a snake_case name, a value that is not a non-negative whole
        number (or too long to be one), the wrong number of fields, a cell that is
        not valid UTF-8 or holds a NUL byte, or that is the cut last record of a
        file without a final line break; and rows that fail the checks between
        rows (``_cross_row_checks``: exact repeats, a part larger than its whole). ``meta`` lists ``ignored_columns`` (extra columns, not kept).

    Raises
    ------
    InputError
        When the file is missing, empty, an HTML page, a workbook or other binary
        file, not UTF-8 text, not parseable as CSV, lacks one of
        :data:`PUBLISHED_COLUMNS`, or has no usable row.

    Notes
    -----
    The table mixes units on purpose (persons convicted, verdicts, criminal cases
    opened, protocols, stocks of prisoners); ``measure`` says which. Nothing is
    summed or converted here.
    """
    sid = source_id or "published_convictions_csv"
    file = str(path)
    data = read_bytes(path)
    if looks_like_html(data):
        raise InputError(file, "is an HTML page, not a CSV file")
    text, _ = decode_text(data, file, allow_cp1251=False)
    rows = read_csv_records(text, file)
    if not rows:
        raise InputError(file, "file is empty")
    header = [h.strip() for h in rows[0]]
    missing = [c for c in PUBLISHED_COLUMNS if c not in header]
    if missing:
        raise InputError(file, f"required column missing: {', '.join(missing)}", row=1)
    index = {c: header.index(c) for c in PUBLISHED_COLUMNS}
    ignored = [h for h in header if h not in PUBLISHED_COLUMNS]
    bound = snapshot_bound(file, snapshot_date)
    text_problems = text_row_problems(rows, text, header=header)

    log = RejectLog(sid)
    kept: list[dict[str, Any]] = []
    rows_in = 0
    for number, fields in enumerate(rows[1:], start=2):
        if not any(f.strip() for f in fields):
            continue  # blank line: not a data row
        rows_in += 1
        if number in text_problems:
            log.add(number, text_problems[number][0], None, text_problems[number][1])
            continue
        if len(fields) != len(header):
            log.add(number, None, ",".join(fields),
                    f"record has {len(fields)} fields, the header has {len(header)}")
            continue
        rec = {c: fields[i] for c, i in index.items()}
        clean, problem = _check_row(rec, bound)
        if problem is not None:
            log.add(number, *problem)
            continue
        clean["source_id"] = sid
        clean["source_row"] = number
        kept.append(clean)
    kept = _cross_row_checks(kept, log)
    if not kept:
        raise InputError(file, f"no usable row: all {rows_in} data rows were rejected "
                               f"(first reason: {log.first_reason() or 'none'})")

    frame = pd.DataFrame(kept, columns=PUBLISHED_COLUMNS + ["source_id", "source_row"])
    frame = frame.astype({
        "article": str, "code": str, "measure": str, "value": "int64", "source_name": str,
        "retrieved_from": str, "source_id": str, "source_row": "int64",
        "period_start": "datetime64[ns]", "period_end": "datetime64[ns]",
    })
    for col in ("source_url", "source_quote"):
        frame[col] = pd.Series(frame[col].tolist(), index=frame.index, dtype="str")
    frame = PublishedFigureSchema.validate(frame, lazy=True)
    return LoadResult(frame=frame, rejects=log.frame(), rows_in=rows_in, source_id=sid,
                      file=file, meta={"ignored_columns": ignored, "columns": header,
                                       "snapshot_date": bound.isoformat()})


#: Measures that count persons among those convicted under the main charge (form 10.3
#: punishment columns), so none can exceed ``convicted_main_charge`` for the same figure.
_PARTS_OF_MAIN = ("sentenced_real_imprisonment_main_charge", "sentenced_life_imprisonment_main_charge",
                  "sentenced_suspended_main_charge", "fined_main_charge")
#: (part, whole): measures of which the first can never exceed the second for the same
#: article, article code and period (main or additional charge ⊂ main + additional).
_PART_OF = tuple((m, "convicted_main_charge") for m in _PARTS_OF_MAIN) + (
    ("convicted_main_charge", "convicted_total_main_or_additional"),
    ("convicted_additional_charge_persons", "convicted_total_main_or_additional"),
)


def _cross_row_checks(kept: list[dict[str, Any]], log: RejectLog) -> list[dict[str, Any]]:
    """Checks between rows that passed the row checks; returns the rows still kept.

    * An exact repeat (same article, code, period, measure, value and source) is
      skipped: the figure is listed once.
    * A figure that is part of another (:data:`_PART_OF`: a punishment within the
      persons convicted under the main charge, main or additional charge within the
      total) cannot exceed it for the same article, code and period. When it does,
      both rows are rejected: which one is wrong cannot be told.

    Only rows that passed the row checks take part, so a row rejected for its format
    never drags a correct partner down with it.
    """
    out: list[dict[str, Any]] = []
    seen: dict[tuple, int] = {}
    for row in kept:
        key = (row["article"], row["code"], row["period_start"], row["period_end"], row["measure"],
               row["value"], row["source_name"])
        if key in seen:
            log.add(row["source_row"], None, None, f"repeats row {seen[key]} (same figure, period and source)",
                    "skipped")
            continue
        seen[key] = row["source_row"]
        out.append(row)
    by_figure: dict[tuple, dict[str, list[dict[str, Any]]]] = {}
    for row in out:
        fig = (row["article"], row["code"], row["period_start"], row["period_end"])
        by_figure.setdefault(fig, {}).setdefault(row["measure"], []).append(row)
    bad: set[int] = set()
    for fig, measures in by_figure.items():
        for part, whole in _PART_OF:
            for p in measures.get(part, []):
                for w in measures.get(whole, []):
                    if p["value"] > w["value"]:
                        for a, b in ((p, w), (w, p)):
                            log.add(a["source_row"], "value", a["value"],
                                    f"{part} ({p['value']:,}) exceeds {whole} ({w['value']:,}) of row "
                                    f"{b['source_row']} for the same article and period")
                            bad.add(a["source_row"])
    return [row for row in out if row["source_row"] not in bad]
