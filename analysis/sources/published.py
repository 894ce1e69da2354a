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

import csv
import io
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from ..errors import InputError
from .base import LoadResult, RejectLog, looks_like_html, read_bytes

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


def _decode(path: str | Path, data: bytes) -> str:
    if looks_like_html(data):
        raise InputError(str(path), "is an HTML page, not a CSV file")
    if data[:4] == b"PK\x03\x04" or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise InputError(str(path), "is a spreadsheet workbook, not a CSV file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(str(path), f"is not UTF-8 text (byte {exc.start})") from None


def _parse_date(text: str) -> pd.Timestamp | None:
    if not _DATE_RE.match(text):
        return None
    try:
        return pd.Timestamp(text)
    except (ValueError, OverflowError):
        return None


def _check_row(rec: dict[str, str]) -> tuple[dict[str, Any] | None, tuple[str, str, str] | None]:
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
    measure = rec["measure"].strip()
    if not _MEASURE_RE.match(measure):
        return None, ("measure", rec["measure"], "measure is not a snake_case name")
    raw_value = rec["value"].strip().replace("\u202f", "").replace("\xa0", "")
    if not re.fullmatch(r"\d+", raw_value):
        return None, ("value", rec["value"], "value is not a non-negative whole number")
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


def load_published_convictions(path: str | Path, *, source_id: str | None = None) -> LoadResult:
    """Load the published-figures table ``convictions_by_article.csv``.

    Parameters
    ----------
    path : str or Path
        The CSV file (UTF-8, comma-separated, header row).
    source_id : str, optional
        Identifier written into ``source_id``; default ``'published_convictions_csv'``.

    Returns
    -------
    LoadResult
        ``frame`` follows :class:`PublishedFigureSchema` (dates as timestamps,
        ``value`` as int, empty ``source_url``/``source_quote`` as None); ``rejects``
        has one row per record with an empty required field, a malformed date, a
        period that ends before it starts, a measure that is not a snake_case name,
        a value that is not a non-negative whole number, or the wrong number of
        fields. ``meta`` lists ``ignored_columns`` (extra columns, not kept).

    Raises
    ------
    InputError
        When the file is missing, empty, an HTML page or a workbook, not UTF-8,
        not parseable as CSV, or lacks one of :data:`PUBLISHED_COLUMNS`.

    Notes
    -----
    The table mixes units on purpose (persons convicted, verdicts, criminal cases
    opened, protocols, stocks of prisoners); ``measure`` says which. Nothing is
    summed or converted here.
    """
    sid = source_id or "published_convictions_csv"
    text = _decode(path, read_bytes(path))
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise InputError(str(path), f"cannot be parsed as CSV ({exc})") from None
    if not rows:
        raise InputError(str(path), "file is empty")
    header = [h.strip() for h in rows[0]]
    missing = [c for c in PUBLISHED_COLUMNS if c not in header]
    if missing:
        raise InputError(str(path), f"required column missing: {', '.join(missing)}", row=1)
    index = {c: header.index(c) for c in PUBLISHED_COLUMNS}
    ignored = [h for h in header if h not in PUBLISHED_COLUMNS]

    log = RejectLog(sid)
    kept: list[dict[str, Any]] = []
    rows_in = 0
    for number, fields in enumerate(rows[1:], start=2):
        if not any(f.strip() for f in fields):
            continue  # blank line: not a data row
        rows_in += 1
        if len(fields) != len(header):
            log.add(number, None, ",".join(fields),
                    f"record has {len(fields)} fields, the header has {len(header)}")
            continue
        rec = {c: fields[i] for c, i in index.items()}
        clean, problem = _check_row(rec)
        if problem is not None:
            log.add(number, *problem)
            continue
        clean["source_id"] = sid
        clean["source_row"] = number
        kept.append(clean)

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
                      file=str(path), meta={"ignored_columns": ignored, "columns": header})
