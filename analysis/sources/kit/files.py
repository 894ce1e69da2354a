"""Reading a raw file safely: size and kind checks, HTML error pages, text decoding, CSV rows.

Every problem becomes an :class:`~analysis.errors.InputError` naming the file (or a
row-level reason for :func:`text_row_problems`), never a traceback from deep inside
a parser.
"""
from __future__ import annotations

import csv
import io
import os
import re
import stat
from pathlib import Path

from ...errors import InputError

__all__ = ["MAX_INPUT_BYTES", "MAX_CELL_CHARS", "read_bytes", "looks_like_html", "decode_text",
           "read_csv_records", "text_row_problems"]


#: Largest input file any loader reads (256 MiB). The largest raw file of the manifest is
#: about 1.3 MB; a bigger file is refused before it is read, and no loader reads more.
MAX_INPUT_BYTES = 256 * 1024 * 1024

#: Longest cell a text table may hold (the ``csv`` module's own default limit). A longer
#: cell rejects its row; it does not make the file unreadable.
MAX_CELL_CHARS = 131_072


#: Undecodable bytes kept by ``surrogateescape``.
SURROGATES = re.compile("[\udc80-\udcff]")


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
    bad = len(SURROGATES.findall(text))
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
            if SURROGATES.search(cell):
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
