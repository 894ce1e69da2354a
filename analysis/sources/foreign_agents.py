"""Loaders for the registry of foreign agents, one per upstream format.

=============================  ============================================  ======================
loader                         format                                        ``source_row``
=============================  ============================================  ======================
load_foreign_agents_xlsx       the ministry's XLSX export (title rows,       spreadsheet row number
                               header row with ``№ п/п``, dates as text)
load_foreign_agents_csv        the PDF registry parsed to CSV (header row),  CSV record number
                               or the ``;``-separated CSV export             (header = 1)
load_foreign_agents_pdf_json   the PDF registry parsed to a JSON array       array index + 1
                               (``id``, ``fullName``, ``law``, ``dateIn``)
load_foreign_agents_rest_json  a REST pull reduced to ``name``,              array index + 1
                               ``is_person``, ``dateIn``, ``dateOut``
=============================  ============================================  ======================

The ministry's own paged REST response has its loader in :mod:`.minjust_rest`.

Every loader returns a :class:`~analysis.sources.base.LoadResult` whose frame
follows :class:`~analysis.schemas.EventSchema` (one row per registry entry, i.e.
per inclusion; a re-inclusion is a separate entry) and whose rejects table holds
one row per input row that did not become an event. Personal identifiers (INN,
SNILS, OGRN, registration number, date of birth, address, members, bank
accounts) and domain names are never read into the result: where the category
is inferred from them, only whether a cell is filled is used.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import warnings
import zipfile
from pathlib import Path
from typing import Any, Sequence

from ..errors import AnalysisWarning, InputError
from ..registries import FOREIGN_AGENTS_START
from .base import LoadResult, snapshot_bound
from .kit.categories import category_from_type, infer_category, kind_from_category
from .kit.events import EventBuilder
from .kit.files import decode_text, looks_like_html, read_bytes, read_csv_records, text_row_problems
from .kit.json_input import json_records, json_type, read_json, text_cell
from .kit.legal_basis import legal_basis_code
from .kit.normalise import clean_text, name_key

REGISTRY = "foreign_agents"

#: Largest uncompressed size accepted for an XLSX workbook (protection against zip bombs).
MAX_XLSX_UNCOMPRESSED = 300 * 1024 * 1024
#: How many rows of each sheet are searched for the header row.
HEADER_SEARCH_ROWS = 50

# Fields read from a tabular layout; every other column (identifiers, addresses,
# members, domains, bank accounts, publication date) is ignored.
_REQUIRED = ("entry_id", "name", "basis", "included", "excluded")
#: Header fields that hold personal data: never read, never shown in a rejects table.
_PERSONAL_FIELDS = frozenset({"birth_date", "snils", "ogrn", "inn", "registration_number", "address",
                              "members", "bank"})
_DESCRIPTION = {
    "entry_id": "'№ п/п'",
    "name": "'Полное наименование … / ФИО …'",
    "basis": "'Основания для включения'",
    "included": "'Дата принятия … решения о включении …'",
    "excluded": "'Дата принятия … решения об исключении …'",
    "type": "'Тип иностранного агента'",
}


def _header_field(text: Any) -> str | None:
    """Which field a header cell names, from its wording (None when it is not one we read)."""
    key = name_key(text)
    if not key:
        return None
    compact = key.replace(" ", "")
    if compact in {"пп", "noпп", "nпп"}:  # "№ п/п" ("№" and "/" fold away), "No п/п"
        return "entry_id"
    if "участник" in key:
        return "members"
    if "банк" in key or "счет" in key:
        return "bank"
    if key.startswith(("полное наименование", "фио")) or key == "наименование":
        return "name"
    if key.startswith("основани"):
        return "basis"
    if key.startswith("дата"):
        if "опубликовани" in key:
            return "published"
        if "рождени" in key:
            return "birth_date"
        if "исключени" in key:
            return "excluded"
        if "включени" in key:
            return "included"
        return None
    if key.startswith("тип"):
        return "type"
    if key.startswith("снилс"):
        return "snils"
    if key.startswith("огрн"):
        return "ogrn"
    if key.startswith("инн"):
        return "inn"
    if key.startswith("регистрационн"):
        return "registration_number"
    if key.startswith("адрес"):
        return "address"
    return None


def _is_header_row(cells: Sequence[Any]) -> bool:
    fields = {_header_field(c) for c in cells}
    return "entry_id" in fields and "name" in fields and "included" in fields


def _map_columns(cells: Sequence[Any], file: str, row: int, *,
                 need_type: bool) -> dict[str, int]:
    """Column index of each field in a header row; InputError when one is missing or repeated."""
    cols: dict[str, int] = {}
    for j, cell in enumerate(cells):
        fld = _header_field(cell)
        if fld is None:
            continue
        if fld in cols and fld in (*_REQUIRED, "type"):
            raise InputError(file, f"two columns look like {_DESCRIPTION[fld]}", row=row,
                             column=clean_text(cell))
        cols.setdefault(fld, j)
    needed = (*_REQUIRED, "type") if need_type else _REQUIRED
    for fld in needed:
        if fld not in cols:
            raise InputError(file, f"required column {_DESCRIPTION[fld]} missing from the header row",
                             row=row)
    return cols


def _is_blank(cells: Sequence[Any]) -> bool:
    return all(c is None or (isinstance(c, str) and not clean_text(c)) for c in cells)


def _add_table_rows(builder: EventBuilder, rows: list[Sequence[Any]], *, first_row: int,
                    header: Sequence[Any], cols: dict[str, int],
                    bad_rows: dict[int, tuple[str | None, str]] | None = None) -> int:
    """Turn the data rows below a header into events; return the number of input rows.

    Trailing blank rows are not input rows; a blank row between data rows is
    recorded as skipped. ``bad_rows`` maps a row number to (column, reason) for rows
    already found unusable while reading the text (they are rejected as they are).
    """
    bad_rows = bad_rows or {}
    last = len(rows)
    while last and _is_blank(rows[last - 1]):
        last -= 1
    has_type = "type" in cols

    def col_name(fld: str) -> str:
        return clean_text(header[cols[fld]])

    for k, cells in enumerate(rows[:last]):
        row_no = first_row + k
        if row_no in bad_rows:
            builder.reject(row_no, bad_rows[row_no][0], None, bad_rows[row_no][1])
            continue
        if _is_blank(cells):
            builder.reject(row_no, None, None, "blank row", status="skipped")
            continue

        def get(fld: str) -> Any:
            j = cols.get(fld)
            if j is None or j >= len(cells):
                return None
            return cells[j]

        filled = {f: bool(clean_text(get(f))) for f in ("birth_date", "snils", "ogrn")}
        basis_text = clean_text(get("basis"))
        basis = legal_basis_code(basis_text)
        if basis == "unknown" and basis_text:
            builder.note_unrecognised("legal_basis", basis_text)
        if has_type:
            type_text = clean_text(get("type"))
            category = category_from_type(type_text)
            if category is None:
                builder.note_unrecognised("category", type_text)
                category = "unknown"
        else:
            category = infer_category(has_birth_date=filled["birth_date"],
                                      has_snils=filled["snils"], has_ogrn=filled["ogrn"],
                                      legal_basis=basis)
        kind = kind_from_category(category) or _kind_without_category(filled)
        name = get("name")
        if isinstance(name, (int, float)) and not isinstance(name, bool):
            name = str(name)
        builder.add(
            row_no,
            entry_id=(col_name("entry_id"), get("entry_id")),
            name=(col_name("name"), name),
            included=(col_name("included"), get("included")),
            excluded=(col_name("excluded"), get("excluded")),
            legal_basis=basis, category=category, kind=kind,
        )
    return last


def _kind_without_category(filled: dict[str, bool]) -> str:
    """Kind of a row whose category is unknown.

    In the official export of 15.08.2025 every individual has a date of birth, and
    every row without a type is a media outlet (registry numbers 167–174), so a
    row with neither a date of birth nor a SNILS is an organisation.
    """
    return "individual" if filled["birth_date"] or filled["snils"] else "organisation"


_TIMESTAMP = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}(?::\d{2})?))?$")


def _export_timestamp(title_rows: Sequence[Sequence[Any]]) -> dt.datetime | None:
    """The export time written above the header (cell A2 of the ministry's export), if any.

    Accepts a date cell or text ``YYYY-MM-DD[ HH:MM[:SS]]`` (the form a CSV copy holds).
    """
    for cells in title_rows:
        for c in cells:
            if isinstance(c, dt.datetime):
                return c
            if isinstance(c, str):
                m = _TIMESTAMP.match(clean_text(c))
                if m:
                    try:
                        return dt.datetime.fromisoformat(clean_text(c).replace(" ", "T"))
                    except ValueError:
                        continue
    return None


def _snapshot_bound(file: str, snapshot_date: dt.date | None, stamp: dt.datetime | None = None) -> dt.date:
    """Latest plausible date: the snapshot date, checked against the file's own export stamp.

    The stamp (cell A2 of the ministry's export) may not be later than the given
    snapshot date (the manifest's, or ``validate --as-of``), nor later than today when no
    snapshot date is given. Without either, today is the bound, with a warning.
    """
    if stamp is not None:
        if snapshot_date is not None and stamp.date() > snapshot_date:
            raise InputError(file, f"export stamp {stamp:%Y-%m-%d %H:%M} is after the snapshot date "
                                   f"{snapshot_date:%Y-%m-%d}")
        if snapshot_date is None and stamp.date() > dt.date.today():
            raise InputError(file, f"export stamp {stamp:%Y-%m-%d %H:%M} is in the future")
        return stamp.date()
    return snapshot_bound(file, snapshot_date)


# ---------------------------------------------------------------------------
# XLSX
# ---------------------------------------------------------------------------


def _open_workbook(data: bytes, file: str):
    """Open XLSX bytes with openpyxl, refusing anything that is not a safe workbook."""
    import openpyxl
    from openpyxl.xml import DEFUSEDXML

    if looks_like_html(data):
        raise InputError(file, "is an HTML page, not an XLSX workbook")
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise InputError(file, "is an old binary Excel (.xls) file, not an XLSX workbook")
    if not data.startswith(b"PK"):
        raise InputError(file, "is not an XLSX workbook (not a zip archive)")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            size = sum(i.file_size for i in zf.infolist())
    except Exception:  # BadZipFile, NotImplementedError (unsupported zip features), ...
        raise InputError(file, "is not an XLSX workbook (corrupt zip archive)") from None
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        raise InputError(file, "is a zip archive but not an XLSX workbook")
    if size > MAX_XLSX_UNCOMPRESSED:
        raise InputError(file, f"unpacks to {size:,} bytes, more than an export can hold")
    if not DEFUSEDXML:  # openpyxl parses with defusedxml only when it is installed
        raise InputError(file, "refusing to parse XLSX without the 'defusedxml' package installed")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged package
        raise InputError(file, f"is not a readable XLSX workbook ({type(exc).__name__})") from None


def _read_sheets(wb, file: str):
    """Yield (sheet title, list of row tuples) for each worksheet."""
    for ws in wb.worksheets:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)
                if hasattr(ws, "reset_dimensions"):
                    ws.reset_dimensions()  # exports often declare a wrong sheet size
                rows = [tuple(r) for r in ws.iter_rows(values_only=True)]
        except Exception as exc:  # entity expansion (defusedxml), damaged sheet XML
            raise InputError(file, f"sheet {ws.title!r} cannot be read ({type(exc).__name__})") from None
        yield ws.title, rows


def load_foreign_agents_xlsx(path: str | Path, *, source_id: str | None = None,
                             snapshot_date: dt.date | None = None) -> LoadResult:
    """Load the ministry's XLSX export of the registry of foreign agents.

    Parameters
    ----------
    path : str or Path
        The ``export.xlsx`` file.
    source_id : str, optional
        Identifier written into the result (default ``"foreign_agents_xlsx"``).
    snapshot_date : date, optional
        Date of the export (the manifest's snapshot date, or ``validate --as-of``);
        dates after it are rejected, and an export timestamp above the header row
        (cell A2 of the official export) later than it makes the file unusable.
        Defaults to that timestamp, else today (with a warning).

    Returns
    -------
    LoadResult
        ``frame``: one event per registry row; ``rejects``: one row per rejected
        input row; ``meta``: ``sheet``, ``header_row``, ``exported_at``,
        ``snapshot_date``, ``trailing_blank_rows``, ``same_event_two_numbers`` and
        counts of unrecognised wordings.

    Raises
    ------
    InputError
        Empty file, HTML page, not a workbook (or an old ``.xls``), damaged or
        unsafe XML, no sheet with a ``№ п/п`` header row, a required column
        missing (number, name, legal basis, inclusion date, exclusion date, type),
        no data rows below the header, an export stamp after the snapshot date (or
        in the future), or no usable row at all.

    Notes
    -----
    The header row is searched for (the first row of the first sheet that has
    cells reading ``№ п/п``, a name and an inclusion date within its first
    50 rows, :data:`HEADER_SEARCH_ROWS`); it is not assumed to be row 3, and columns are
    found by their header text, not by position. ``source_row`` is the
    spreadsheet row number as Excel shows it (the first data row of the official
    export is row 4). Dates must be text ``DD.MM.YYYY`` (real date cells are
    accepted too); see :func:`analysis.sources.kit.dates.parse_date`. Category comes
    from ``Тип иностранного агента``; the 8 rows without a type are ``unknown``
    and counted as organisations (see ``_kind_without_category``).

    The workbook is parsed by openpyxl, which uses ``defusedxml`` (a dependency
    of this package) against entity-expansion attacks; the loader refuses to run
    without it and refuses archives that unpack to more than
    :data:`MAX_XLSX_UNCOMPRESSED` bytes.
    """
    file = str(path)
    sid = source_id or "foreign_agents_xlsx"
    wb = _open_workbook(read_bytes(path), file)
    try:
        found = None
        for title, rows in _read_sheets(wb, file):
            for i, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
                if _is_header_row(cells):
                    found = (title, rows, i)
                    break
            if found:
                break
    finally:
        try:
            wb.close()
        except Exception:  # closing a damaged archive must not hide the real outcome
            pass
    if found is None:
        raise InputError(file, "no sheet has a header row with '№ п/п', a name and an inclusion date")
    title, rows, h = found
    return _load_table(rows, h, file=file, source_id=sid, snapshot_date=snapshot_date, need_type=True,
                       meta={"format": "xlsx", "sheet": title})


def _load_table(rows: Sequence[Sequence[Any]], h: int, *, file: str, source_id: str,
                snapshot_date: dt.date | None, need_type: bool, meta: dict[str, Any],
                bad_rows: dict[int, tuple[str | None, str]] | None = None) -> LoadResult:
    """Events from a table whose header is ``rows[h]`` (XLSX export or CSV): the shared tail of both loaders."""
    header = rows[h]
    cols = _map_columns(header, file, h + 1, need_type=need_type)
    exported_at = _export_timestamp(rows[:h])
    bound = _snapshot_bound(file, snapshot_date, exported_at)
    builder = EventBuilder(registry=REGISTRY, source_id=source_id, file=file,
                           not_before=FOREIGN_AGENTS_START, not_after=bound,
                           personal_columns=[clean_text(c) for j, c in enumerate(header)
                                             if _header_field(c) in _PERSONAL_FIELDS])
    data_rows = rows[h + 1:]
    n = _add_table_rows(builder, data_rows, first_row=h + 2, header=header, cols=cols,
                        bad_rows=bad_rows or {})
    if n == 0:
        raise InputError(file, "has a header row but no data rows", row=h + 1)
    meta = {**meta, "header_row": h + 1,
            "exported_at": exported_at.isoformat() if exported_at else None,
            "snapshot_date": bound.isoformat(), "trailing_blank_rows": len(data_rows) - n}
    return builder.result(rows_in=n, meta=meta)


# ---------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------


def load_foreign_agents_csv(path: str | Path, *, source_id: str | None = None,
                            snapshot_date: dt.date | None = None) -> LoadResult:
    """Load a CSV table of the registry of foreign agents.

    Two layouts are understood, both found by header text: the columns of the
    ministry's PDF registry (``№ п/п``, ``Полное наименование/ФИО``, ``Дата рождения``,
    ``ОГРН``, ``ИНН``, ``Регистрационный номер``, ``СНИЛС``, ``Адрес``,
    ``Информационный ресурс``, ``… участников``, ``Основания включения``, the two
    decision dates), as in a camelot parse of the PDF, and the ``;``-separated CSV
    form of the XLSX export (with a ``Тип иностранного агента`` column).

    Parameters
    ----------
    path : str or Path
        The CSV file.
    source_id : str, optional
        Identifier written into the result (default ``"foreign_agents_csv"``).
    snapshot_date : date, optional
        Date of the snapshot; later dates are rejected. Defaults to an export
        timestamp above the header row (the export layout), else today.

    Returns
    -------
    LoadResult
        ``meta`` has ``encoding``, ``delimiter``, ``header_row``, ``exported_at``
        and ``snapshot_date``.

    Raises
    ------
    InputError
        Empty, HTML, binary (:func:`~analysis.sources.kit.files.decode_text`),
        undecodable or malformed file; no header row with ``№ п/п``; a required
        column missing; no data rows below the header; no usable row.

    Warns
    -----
    AnalysisWarning
        When the file is not UTF-8 and was read as Windows-1251 (noted in
        ``meta["encoding"]`` as well).

    Notes
    -----
    ``source_row`` is the CSV record number with the header as record 1, i.e. the
    row number a spreadsheet shows when it opens the file (a quoted line break
    inside a cell does not start a new row). A row with bytes that are not valid in
    the file's encoding, a NUL byte or an over-long cell is rejected on its own, and
    so is the last record when the file does not end with a line break (it may have
    been cut short: a record cut after its last comma reads as "not excluded").
    Without a type column, the category
    is inferred only when unambiguous (:func:`analysis.sources.kit.categories.infer_category`):
    the identifier columns are tested for being filled and then discarded.
    """
    file = str(path)
    sid = source_id or "foreign_agents_csv"
    data = read_bytes(path)
    if looks_like_html(data):
        raise InputError(file, "is an HTML page, not a CSV table")
    text, encoding = decode_text(data, file)
    if encoding != "utf-8":
        warnings.warn(f"{file}: not UTF-8; read as Windows-1251 (cp1251)", AnalysisWarning,
                      stacklevel=2)
    found = None
    for delimiter in (",", ";", "\t"):
        records = read_csv_records(text, file, delimiter=delimiter)
        for i, cells in enumerate(records[:HEADER_SEARCH_ROWS]):
            if _is_header_row(cells):
                found = (delimiter, records, i)
                break
        if found:
            break
    if found is None:
        raise InputError(file, "no header row with '№ п/п', a name and an inclusion date")
    delimiter, records, h = found
    bad_rows = text_row_problems(records, text, header=[clean_text(c) for c in records[h]])
    meta = {"format": "csv", "encoding": encoding, "delimiter": delimiter}
    if encoding != "utf-8":
        meta["note"] = "file is not UTF-8; decoded as Windows-1251"
    return _load_table(records, h, file=file, source_id=sid, snapshot_date=snapshot_date, need_type=False,
                       meta=meta, bad_rows=bad_rows)


# ---------------------------------------------------------------------------
# JSON: PDF parse and REST pull
# ---------------------------------------------------------------------------


def load_foreign_agents_pdf_json(path: str | Path, *, source_id: str | None = None,
                                 snapshot_date: dt.date | None = None) -> LoadResult:
    """Load a JSON array parsed from the ministry's PDF registry of foreign agents.

    Each object has string values under ``id`` (``№ п/п``), ``fullName``, ``law``,
    ``dateIn``, ``dateOut`` and identifier keys (``dob``, ``ogrn``, ``inn``,
    ``regNum``, ``snils``, ``address``, ``resources``, ``members``, ``datePubl``), as
    written by the ``fz255/foreign-agents`` and ``inoagent-info/script`` parsers.

    Parameters
    ----------
    path : str or Path
        The ``registry.json`` file.
    source_id : str, optional
        Identifier written into the result (default ``"foreign_agents_pdf_json"``).
    snapshot_date : date, optional
        Date of the snapshot; later dates are rejected (default: today).

    Returns
    -------
    LoadResult

    Raises
    ------
    InputError
        Empty, HTML, not UTF-8, truncated or corrupt JSON, not an array of
        objects, or a required key (``id``, ``fullName``, ``law``, ``dateIn``,
        ``dateOut``) missing from every object.

    Notes
    -----
    ``source_row`` is the array index + 1. A cell holding only whitespace (one
    ``dateOut`` is a single space) is empty. PDF artefacts in the legal basis
    (``No`` for ``№``, missing spaces) are normalised. The category is inferred
    from which identifier fields are filled, only when unambiguous
    (:func:`analysis.sources.kit.categories.infer_category`); the identifier values are
    never kept.
    """
    file = str(path)
    sid = source_id or "foreign_agents_pdf_json"
    items = read_json(path)
    bound = _snapshot_bound(file, snapshot_date)
    builder = EventBuilder(registry=REGISTRY, source_id=sid, file=file,
                           not_before=FOREIGN_AGENTS_START, not_after=bound,
                           personal_columns=_PDF_JSON_PERSONAL)
    records = json_records(items, file, builder,
                           required=("id", "fullName", "law", "dateIn", "dateOut"))
    for row, rec in records:
        law = text_cell(rec, "law")
        basis_text = clean_text(law) if isinstance(law, str) else (str(law) if law is not None else "")
        basis = legal_basis_code(basis_text)
        if basis == "unknown" and basis_text:
            builder.note_unrecognised("legal_basis", basis_text)
        filled = {
            "birth_date": _filled(rec.get("dob")),
            "snils": _filled(rec.get("snils")),
            "ogrn": _filled(rec.get("ogrn")),
        }
        category = infer_category(has_birth_date=filled["birth_date"], has_snils=filled["snils"],
                                  has_ogrn=filled["ogrn"], legal_basis=basis)
        kind = kind_from_category(category) or _kind_without_category(filled)
        builder.add(
            row,
            entry_id=("id", rec.get("id")),
            name=("fullName", text_cell(rec, "fullName")),
            included=("dateIn", rec.get("dateIn")),
            excluded=("dateOut", rec.get("dateOut")),
            legal_basis=basis, category=category, kind=kind,
        )
    return builder.result(rows_in=len(items), meta={"format": "pdf_json",
                                                    "snapshot_date": bound.isoformat()})


#: Keys of the PDF-parsed JSON that hold personal data (never read beyond "is it filled").
_PDF_JSON_PERSONAL = ("dob", "ogrn", "inn", "regNum", "snils", "address", "members")


def _filled(value: Any) -> bool:
    """Whether an identifier cell holds anything (its content is not looked at further)."""
    if value is None:
        return False
    if isinstance(value, str):
        return bool(clean_text(value))
    return True


def load_foreign_agents_rest_json(path: str | Path, *, source_id: str | None = None,
                                  snapshot_date: dt.date | None = None) -> LoadResult:
    """Load a reduced REST pull of the registry of foreign agents.

    The file is a JSON array of objects with ``name``, ``is_person`` (1/0 or
    true/false), ``dateIn`` and optionally ``dateOut`` (``DD.MM.YYYY``), as written
    by the ``chekazoid/legal-entity-marks`` update script.

    Parameters
    ----------
    path : str or Path
        The ``foreign-agents-raw.json`` file.
    source_id : str, optional
        Identifier written into the result (default ``"foreign_agents_rest_json"``).
    snapshot_date : date, optional
        Date of the pull; later dates are rejected (default: today).

    Returns
    -------
    LoadResult
        ``entry_id`` is null throughout: the pull does not keep registry numbers.

    Raises
    ------
    InputError
        Unusable file, or a required key (``name``, ``is_person``, ``dateIn``)
        missing from every object.

    Notes
    -----
    ``source_row`` is the array index + 1. ``is_person`` was derived from the
    registry's type column (``Физические лица``), so a person is category
    ``individual``; every other row is an ``organisation`` of ``unknown``
    category. The legal basis is not in the file (``unknown``). The pull was
    deduplicated by name upstream, so re-inclusions are missing (see PROVENANCE).
    """
    file = str(path)
    sid = source_id or "foreign_agents_rest_json"
    items = read_json(path)
    bound = _snapshot_bound(file, snapshot_date)
    builder = EventBuilder(registry=REGISTRY, source_id=sid, file=file,
                           not_before=FOREIGN_AGENTS_START, not_after=bound)
    records = json_records(items, file, builder, required=("name", "is_person", "dateIn"))
    for row, rec in records:
        flag = rec.get("is_person")
        if flag in (1, True) and not isinstance(flag, float):
            category, kind = "individual", "individual"
        elif flag in (0, False) and not isinstance(flag, float):
            category, kind = "unknown", "organisation"
        else:
            shown = flag if isinstance(flag, (int, float, bool)) else f"<{json_type(flag)}>"
            builder.reject(row, "is_person", shown, "is_person is not 0/1 or true/false")
            continue
        builder.add(
            row,
            name=("name", text_cell(rec, "name")),
            included=("dateIn", rec.get("dateIn")),
            excluded=("dateOut", rec.get("dateOut")),
            category=category, kind=kind,
        )
    return builder.result(rows_in=len(items), meta={"format": "rest_json",
                                                    "snapshot_date": bound.isoformat()})
