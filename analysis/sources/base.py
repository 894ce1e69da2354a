"""What every loader returns, and the small helpers they share.

A loader reads one file of one upstream format and returns a :class:`LoadResult`:
a validated frame (events or convictions) plus a rejects table with exactly one row
per input row that did not become part of the frame. Every input row is accounted
for once: ``rows_in == accepted + rejected`` where ``accepted`` counts distinct
source rows in the frame.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import stat
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import AnalysisWarning, InputError
from ..schemas import RejectSchema

REJECT_COLUMNS = ["source_id", "source_row", "column", "raw_value", "reason", "status"]

#: Longest raw value kept in a rejects table (longer cells are cut and marked).
MAX_RAW_VALUE = 200

#: Largest input file any loader reads (256 MiB). The largest raw file of the manifest is
#: about 1.3 MB; a bigger file is refused before it is read, and no loader reads more.
MAX_INPUT_BYTES = 256 * 1024 * 1024

#: Longest cell a text table may hold (the ``csv`` module's own default limit). A longer
#: cell rejects its row; it does not make the file unreadable.
MAX_CELL_CHARS = 131_072

#: Classes of personal data a registry file may hold. A column of one of these classes
#: is never shown in a rejects table, whatever its cell holds.
PERSONAL_CLASSES = ("inn", "snils", "ogrn", "registration_number", "birth_date", "address",
                    "members", "bank_account")

# Column names (header wording or JSON key, lower case) → personal class.
_PERSONAL_COLUMN = (
    (re.compile(r"инн|\binn\b"), "inn"),
    (re.compile(r"снилс|snils"), "snils"),
    (re.compile(r"огрн|ogrn"), "ogrn"),
    (re.compile(r"регистрационн|regnum|reg_num|registration"), "registration_number"),
    (re.compile(r"рождени|\bdob\b|birth"), "birth_date"),
    (re.compile(r"адрес|местонахожд|место нахожд|address"), "address"),
    (re.compile(r"участник|members"), "members"),
    (re.compile(r"сч[её]т|банк|bank|account|\bбик\b"), "bank_account"),
)
# Values that look like personal data, whatever their column: six or more digits in a
# row, also when grouped by spaces or dashes (INN 10/12, OGRN 13/15, SNILS 999-999-999 99,
# registration numbers of 6–11 digits, bank accounts, BIC, postcodes, telephone numbers);
# an e-mail address; a street address.
_LOOKS_LIKE_NUMBER_ID = re.compile(r"\d(?:[ \t\-]?\d){5,}")
_LOOKS_LIKE_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_LOOKS_LIKE_ADDRESS = re.compile(r"(?:^|[\s,])(?:ул|улица|просп|пр-т|пер|д|кв|корп|стр|обл|р-н|г)\.\s*\w",
                                 re.IGNORECASE)
_DATE_VALUE = re.compile(r"^\s*(\d{1,2})\.(\d{1,2})\.(\d{4})\s*$|^\s*(\d{4})-(\d{2})-(\d{2})")


def personal_class(column: str | None) -> str | None:
    """The personal-data class a column name belongs to (see :data:`PERSONAL_CLASSES`), or None.

    Examples
    --------
    >>> personal_class("ИНН"), personal_class("dob"), personal_class("fullName")
    ('inn', 'birth_date', None)
    """
    if not column:
        return None
    key = str(column).lower()
    for pattern, cls in _PERSONAL_COLUMN:
        if pattern.search(key):
            return cls
    return None


def _value_date(text: str) -> dt.date | None:
    m = _DATE_VALUE.match(text)
    if m is None:
        return None
    g = m.groups()
    try:
        if g[0] is not None:
            return dt.date(int(g[2]), int(g[1]), int(g[0]))
        return dt.date(int(g[3]), int(g[4]), int(g[5]))
    except ValueError:
        return None


def redact(value: Any, *, column: str | None = None, personal_columns: frozenset[str] = frozenset(),
           dates_before: dt.date | None = None) -> str | None:
    """A raw cell as a rejects table may show it, with personal data replaced.

    Parameters
    ----------
    value : any
        The raw cell.
    column : str, optional
        Its column (header wording or JSON key).
    personal_columns : frozenset of str
        Further column names the loader classifies as personal (e.g. ``field_9_s``).
    dates_before : date, optional
        A date-like value before this day is redacted (in a registry, a date before the
        registry existed is most likely a date of birth in the wrong column).

    Returns
    -------
    str or None
        The clipped text (:func:`clip_value`), or a marker such as
        ``<redacted: personal column (inn)>``.

    Notes
    -----
    Redaction is by column (:func:`personal_class`, ``personal_columns``) and by value:
    six or more digits in a row (also grouped by spaces or dashes), an e-mail address, a
    street address, or an early date. It errs on the side of hiding: a rejected cell that
    merely resembles an identifier is hidden too; the reason and the row still say what
    was wrong.
    """
    text = clip_value(value)
    if text is None:
        return None
    full = str(value)[: 4 * MAX_RAW_VALUE]  # the patterns look at the cell, not at the clipping note
    cls = personal_class(column) or ("personal" if column in personal_columns else None)
    if cls is not None:
        return f"<redacted: personal column ({cls})>"
    if _LOOKS_LIKE_NUMBER_ID.search(full):
        return "<redacted: looks like an identifier>"
    if _LOOKS_LIKE_EMAIL.search(full):
        return "<redacted: looks like an e-mail address>"
    if _LOOKS_LIKE_ADDRESS.search(full):
        return "<redacted: looks like an address>"
    if dates_before is not None:
        day = _value_date(full)
        if day is not None and day < dates_before:
            return f"<redacted: a date before {dates_before:%d.%m.%Y}>"
    return text


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


_SURROGATES = re.compile("[\udc80-\udcff]")


def clip_value(value: Any) -> str | None:
    """Text form of a raw cell for the rejects table, cut to :data:`MAX_RAW_VALUE` characters."""
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    text = _SURROGATES.sub("\ufffd", str(value))  # undecodable bytes kept by surrogateescape
    if len(text) > MAX_RAW_VALUE:
        text = text[:MAX_RAW_VALUE] + f"… [{len(text)} characters]"
    return text


_FILE_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
               (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
               (stat.S_ISSOCK, "a socket"))


def read_bytes(path: str | Path, *, limit: int = MAX_INPUT_BYTES) -> bytes:
    """Read a regular file of at most ``limit`` bytes, turning every problem into :class:`InputError`.

    Parameters
    ----------
    path : str or Path
    limit : int
        Largest size read (default :data:`MAX_INPUT_BYTES`, 256 MiB).

    Raises
    ------
    InputError
        Missing file, not a regular file (a directory, FIFO, device or socket: refused
        before anything is read, so a pipe never blocks and ``/dev/zero`` is never read),
        larger than ``limit``, unreadable, or empty.
    """
    p = str(path)
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused just below.
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise InputError(p, "file not found") from None
    except IsADirectoryError:
        raise InputError(p, "is a directory, not a file") from None
    except OSError as exc:
        raise InputError(p, f"cannot be read ({exc.strerror})") from None
    try:
        st = os.fstat(fd)
        for test, what in _FILE_KINDS:
            if test(st.st_mode):
                raise InputError(p, f"is {what}, not a regular file")
        if not stat.S_ISREG(st.st_mode):
            raise InputError(p, "is not a regular file")
        if st.st_size > limit:
            raise InputError(p, f"is {st.st_size:,} bytes, more than the {limit:,} bytes a loader reads")
        chunks, got = [], 0
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
            if got > limit:
                raise InputError(p, f"grew beyond the {limit:,} bytes a loader reads while being read")
        data = b"".join(chunks)
    except OSError as exc:
        raise InputError(p, f"cannot be read ({exc.strerror})") from None
    finally:
        os.close(fd)
    if not data.strip():
        raise InputError(p, "file is empty")
    return data


def looks_like_html(data: bytes) -> bool:
    """True when the bytes look like an HTML page (e.g. an error page saved under another name)."""
    head = data[:512].lstrip().lower()
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:].lstrip()
    return head.startswith(b"<!doctype html") or head.startswith(b"<html") or b"<html" in head[:200]


# ---------------------------------------------------------------------------
# Text tables (CSV): decoding and the row-level problems found while reading
# ---------------------------------------------------------------------------

_BINARY_SIGNATURES = ((b"PK\x03\x04", "a zip archive (an .xlsx workbook?)"),
                      (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old binary Excel (.xls) or Word file"),
                      (b"%PDF", "a PDF document"), (b"\x89PNG", "a PNG image"), (b"GIF8", "a GIF image"),
                      (b"\x1f\x8b", "a gzip archive"))


def decode_text(data: bytes, file: str, *, allow_cp1251: bool = True) -> tuple[str, str]:
    """Text of a table file and its encoding (``utf-8`` or ``cp1251``).

    Raises
    ------
    InputError
        For a binary file (zip, OLE, PDF, images, UTF-16, or NUL bytes on most lines)
        and for bytes that are neither UTF-8 nor Windows-1251.

    Notes
    -----
    A file is UTF-8 when it decodes as UTF-8, or when its valid multi-byte characters
    outnumber the bytes that are not valid UTF-8: Windows-1251 Cyrillic almost never
    forms valid UTF-8 sequences, so a majority of valid ones means a UTF-8 file with a
    few damaged bytes. Those bytes are kept as lone surrogates (``surrogateescape``) so
    that :func:`text_row_problems` rejects the rows that hold them, one by one.
    Otherwise the file is read as Windows-1251 when that is allowed.
    """
    for magic, what in _BINARY_SIGNATURES:
        if data.startswith(magic):
            raise InputError(file, f"is {what}, not a text table")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(file, "is UTF-16 text; save it as UTF-8")
    lines = data.splitlines()
    if data.count(b"\x00") and sum(b"\x00" in ln for ln in lines) * 2 > max(len(lines), 1):
        raise InputError(file, "is a binary file, not a text table (NUL bytes on most lines)")
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    text = body.decode("utf-8", errors="surrogateescape")
    bad = len(_SURROGATES.findall(text))
    good = sum(1 for ch in text if ord(ch) > 0x7F) - bad
    if good > bad:
        return text, "utf-8"
    if not allow_cp1251:
        raise InputError(file, f"is not UTF-8 text (invalid byte at offset {first_bad})")
    try:
        return data.decode("cp1251"), "cp1251"
    except UnicodeDecodeError as exc:
        raise InputError(file, f"is neither UTF-8 text (invalid byte at offset {first_bad}) nor Windows-1251 "
                               f"(byte 0x{data[exc.start]:02x} at offset {exc.start})") from None


def read_csv_records(text: str, file: str, *, delimiter: str = ",") -> list[list[str]]:
    """All records of a CSV text (quoted line breaks kept inside cells).

    Cells of any length up to the file size are read, so that an over-long cell
    rejects its row (:func:`text_row_problems`) instead of stopping the parser.
    """
    previous = csv.field_size_limit()
    csv.field_size_limit(max(previous, MAX_INPUT_BYTES))
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise InputError(file, f"is not a well-formed CSV table ({exc})") from None
    finally:
        csv.field_size_limit(previous)


def text_row_problems(records: list[list[str]], text: str, *, first: int = 1,
                      header: list[str] | None = None) -> dict[int, tuple[str | None, str]]:
    """Rows found unusable while reading a text table: record number → (column, reason).

    ``first`` is the record number of ``records[0]``; ``header`` names the columns (a
    cell beyond it is named by its position). A row is unusable when a cell holds bytes
    that are not valid in the file's encoding, a NUL byte, or more than
    :data:`MAX_CELL_CHARS` characters; and the last record is unusable when the file
    does not end with a line break, because a file cut short ends exactly so (a record
    cut after its last delimiter reads as a row with an empty last cell, e.g. no
    exclusion).
    """
    def name(j: int) -> str:
        return header[j].strip() if header is not None and j < len(header) else f"cell {j + 1}"

    bad: dict[int, tuple[str | None, str]] = {}
    for k, cells in enumerate(records):
        number = first + k
        for j, cell in enumerate(cells):
            if _SURROGATES.search(cell):
                bad[number] = (name(j), "cell holds bytes that are not valid text in the file's encoding")
                break
            if "\x00" in cell:
                bad[number] = (name(j), "cell holds a NUL byte (binary data)")
                break
            if len(cell) > MAX_CELL_CHARS:
                bad[number] = (name(j), f"cell has {len(cell):,} characters, more than {MAX_CELL_CHARS:,}")
                break
    if records and records[-1] and text and not text.endswith(("\n", "\r")):
        last = first + len(records) - 1
        bad.setdefault(last, (name(len(records[-1]) - 1),
                              "the file does not end with a line break, so its last record may have been cut short"))
    return bad
