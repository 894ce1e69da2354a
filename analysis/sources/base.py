"""What every loader returns, and the small helpers they share.

A loader reads one file of one upstream format and returns a :class:`LoadResult`:
a validated frame (events or convictions) plus a rejects table with exactly one row
per input row that did not become part of the frame. Every input row is accounted
for once: ``rows_in == accepted + rejected`` where ``accepted`` counts distinct
source rows in the frame.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import InputError
from ..schemas import RejectSchema

REJECT_COLUMNS = ["source_id", "source_row", "column", "raw_value", "reason", "status"]

#: Longest raw value kept in a rejects table (longer cells are cut and marked).
MAX_RAW_VALUE = 200


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
    """Collects rejected input rows, one entry per row (the first reason wins)."""

    def __init__(self, source_id: str) -> None:
        self.source_id = source_id
        self._rows: dict[int, dict[str, Any]] = {}

    def add(self, row: int, column: str | None, raw_value: Any, reason: str,
            status: str = "rejected") -> None:
        """Record input row ``row`` as rejected (or skipped) unless it already is."""
        if row in self._rows:
            return
        self._rows[row] = {
            "source_id": self.source_id,
            "source_row": int(row),
            "column": column,
            "raw_value": clip_value(raw_value),
            "reason": reason,
            "status": status,
        }

    def __contains__(self, row: int) -> bool:
        return row in self._rows

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


def clip_value(value: Any) -> str | None:
    """Text form of a raw cell for the rejects table, cut to :data:`MAX_RAW_VALUE` characters."""
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    text = str(value)
    if len(text) > MAX_RAW_VALUE:
        text = text[:MAX_RAW_VALUE] + f"… [{len(text)} characters]"
    return text


def read_bytes(path: str | Path) -> bytes:
    """Read a file, turning OS errors into :class:`InputError` and refusing empty files."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise InputError(str(path), "file not found") from None
    except IsADirectoryError:
        raise InputError(str(path), "is a directory, not a file") from None
    except OSError as exc:
        raise InputError(str(path), f"cannot be read ({exc.strerror})") from None
    if not data.strip():
        raise InputError(str(path), "file is empty")
    return data


def looks_like_html(data: bytes) -> bool:
    """True when the bytes look like an HTML page (e.g. an error page saved under another name)."""
    head = data[:512].lstrip().lower()
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:].lstrip()
    return head.startswith(b"<!doctype html") or head.startswith(b"<html") or b"<html" in head[:200]
