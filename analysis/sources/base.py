"""What every loader returns: a validated frame, its rejects, and the row accounting.

A loader reads one file of one upstream format and returns a :class:`LoadResult`:
a validated frame (events or convictions) plus a rejects table with exactly one row
per input row that did not become part of the frame. Every input row is accounted
for once: ``rows_in == accepted + rejected`` where ``accepted`` counts distinct
source rows in the frame.

The helpers the loaders share live in :mod:`analysis.sources.kit`, one module a job
(file reading, redaction, text, dates, legal bases, categories, events, JSON).
"""
from __future__ import annotations

import datetime as dt
import warnings
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..errors import AnalysisWarning
from ..schemas import RejectSchema
from .kit.redaction import redact

__all__ = ["REJECT_COLUMNS", "LoadResult", "RejectLog", "rejects_frame", "snapshot_bound"]

REJECT_COLUMNS = ["source_id", "source_row", "column", "raw_value", "reason", "status"]


@dataclass(frozen=True)
class LoadResult:
    """A validated frame, its rejects, and the row accounting.

    Attributes
    ----------
    frame : DataFrame
        Accepted rows, validated against the loader's schema.
    rejects : DataFrame
        One row per input row that was rejected or skipped (columns
        ``source_id, source_row, column, raw_value, reason, status``).
    rows_in : int
        Number of data rows read from the file.
    source_id : str
        Identifier of the source (manifest id or loader name).
    file : str
        Path of the file as given.
    meta : dict
        Loader-specific facts (snapshot date, sheet, header row...).
    """

    frame: pd.DataFrame
    rejects: pd.DataFrame
    rows_in: int
    source_id: str
    file: str
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def accepted(self) -> int:
        """Number of distinct input rows represented in ``frame``."""
        if "source_row" not in self.frame or self.frame.empty:
            return 0
        return int(self.frame["source_row"].nunique())

    @property
    def rejected(self) -> int:
        """Number of input rows in the rejects table (rejected or skipped)."""
        return int(len(self.rejects))

    def check_accounting(self) -> None:
        """Raise ``AssertionError`` unless every input row is accounted for exactly once."""
        acc = set(self.frame["source_row"].tolist()) if len(self.frame) else set()
        rej = self.rejects["source_row"].tolist()
        assert len(rej) == len(set(rej)), "an input row is rejected twice"
        assert not (acc & set(rej)), "an input row is both accepted and rejected"
        assert len(acc) + len(rej) == self.rows_in, (
            f"{self.file}: rows_in={self.rows_in} but accepted={len(acc)} + rejected={len(rej)}"
        )


class RejectLog:
    """Collects rejected input rows, one entry per row (the first reason wins).

    Parameters
    ----------
    source_id : str
    personal_columns : iterable of str, optional
        Column names (besides those :func:`personal_class` recognises) whose cells are
        personal data.
    dates_before : date, optional
        Date-like raw values before this day are not shown (see :func:`redact`).

    Notes
    -----
    Every raw value passes through :func:`redact`, so no personal identifier reaches a
    rejects table, whatever column it was found in.
    """

    def __init__(self, source_id: str, *, personal_columns: frozenset[str] | set[str] = frozenset(),
                 dates_before: dt.date | None = None) -> None:
        self.source_id = source_id
        self.personal_columns = frozenset(personal_columns)
        self.dates_before = dates_before
        self._rows: dict[int, dict[str, Any]] = {}

    def add(self, row: int, column: str | None, raw_value: Any, reason: str,
            status: str = "rejected", *, replace: bool = False) -> None:
        """Record input row ``row`` as rejected (or skipped) unless it already is.

        With ``replace=True`` an earlier entry of the row is replaced (a row first
        skipped, e.g. a combined row, that a later check rejects).
        """
        if row in self._rows and not replace:
            return
        self._rows[row] = {
            "source_id": self.source_id,
            "source_row": int(row),
            "column": column,
            "raw_value": redact(raw_value, column=column, personal_columns=self.personal_columns,
                                dates_before=self.dates_before),
            "reason": reason,
            "status": status,
        }

    def __contains__(self, row: int) -> bool:
        return row in self._rows

    def status(self, row: int) -> str | None:
        """Status recorded for ``row`` (``rejected`` or ``skipped``), or None."""
        entry = self._rows.get(row)
        return None if entry is None else entry["status"]

    def first_reason(self) -> str | None:
        """Reason of the lowest-numbered rejected row (for messages), or None."""
        for k in sorted(self._rows):
            if self._rows[k]["status"] == "rejected":
                return self._rows[k]["reason"]
        return None

    def rejected_count(self) -> int:
        """Number of rows with status ``rejected``."""
        return sum(1 for r in self._rows.values() if r["status"] == "rejected")

    def __len__(self) -> int:
        return len(self._rows)

    def frame(self) -> pd.DataFrame:
        """The rejects as a validated frame sorted by source row."""
        rows = [self._rows[k] for k in sorted(self._rows)]
        return rejects_frame(rows)


def rejects_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """A validated rejects frame from row dicts (an empty list gives an empty, typed frame)."""
    df = pd.DataFrame(rows, columns=REJECT_COLUMNS)
    for col in ("source_id", "reason", "status"):
        df[col] = df[col].astype(object).astype(str) if len(df) else pd.Series([], dtype=str)
    df["source_row"] = df["source_row"].astype("int64")
    for col in ("column", "raw_value"):
        df[col] = (df[col].astype(object).where(df[col].notna(), None) if len(df)
                   else pd.Series([], dtype=str))
    return RejectSchema.validate(df)


def snapshot_bound(file: str, snapshot_date: dt.date | None) -> dt.date:
    """The latest date a file may hold: ``snapshot_date``, else today with a warning.

    Loaders call this when the file itself states no snapshot date; the command line
    passes ``--as-of`` and ``build`` the manifest's snapshot date.
    """
    if snapshot_date is not None:
        return snapshot_date
    today = dt.date.today()
    warnings.warn(f"{file}: no snapshot date given (--as-of) and the file states none; "
                  f"dates up to today ({today:%Y-%m-%d}) are accepted", AnalysisWarning, stacklevel=3)
    return today
