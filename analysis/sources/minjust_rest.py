"""Loader for the ministry's own paged REST response of the registry of foreign agents.

``POST https://reestrs.minjust.gov.ru/rest/registry/39b95df9-9a68-6b6d-e1e3-e6388507067e/values``
with ``{"offset": 0, "limit": 500, "search": "", "facets": {}, "sort": []}`` answers
``{"size": N, "values": [{"field_1_i": …, "field_2_s": …, …}, …]}`` and is paged with
``offset`` (see ``UPSTREAM.md`` of the data mirror). This loader reads one saved
page, or a JSON array of saved pages, so that a live refresh has a place to land.
"""
from __future__ import annotations

import datetime as dt
import re
import warnings
from pathlib import Path
from typing import Any

from ..errors import AnalysisWarning, InputError
from ..registries import FOREIGN_AGENTS_START
from .base import LoadResult, snapshot_bound
from .kit.categories import category_from_type, kind_from_category
from .kit.events import EventBuilder
from .kit.json_input import json_records, json_type, read_json, text_cell
from .kit.legal_basis import legal_basis_code
from .kit.normalise import clean_text

#: Meaning of the fields used, as third-party clients of the endpoint read them.
#: ``field_6_s`` (domains), ``field_8_s`` (registration number), ``field_9_s`` (INN)
#: and every further field (identifiers, addresses, bank accounts) are never read.
FIELDS = {
    "field_1_i": "registry number (№ п/п)",
    "field_2_s": "name",
    "field_3_s": "legal basis",
    "field_4_s": "inclusion decision date",
    "field_5_s": "exclusion decision date",
    "field_7_s": "type of foreign agent",
}

#: Fields that hold personal data (registration number, INN and everything after the
#: type); never read, and never shown in a rejects table.
PERSONAL_FIELDS = frozenset({"field_8_s", "field_9_s"} | {f"field_{i}_{t}" for i in range(10, 41) for t in "si"})

_LOOKS_LIKE_DATE = re.compile(r"^\s*\d{2}\.\d{2}\.\d{4}\s*$")


def _values(obj: Any, file: str) -> tuple[list[Any], list[int]]:
    """All ``values`` entries of one page or of an array of pages, and each page's ``size``."""
    pages = obj if isinstance(obj, list) and obj and all(isinstance(p, dict) for p in obj) \
        and all("values" in p for p in obj) else [obj]
    values: list[Any] = []
    sizes: list[int] = []
    for k, page in enumerate(pages, start=1):
        where = f"page {k}: " if len(pages) > 1 else ""
        if not isinstance(page, dict) or "values" not in page:
            raise InputError(file, f"{where}expected a registry response "
                                   f'{{"size": N, "values": [...]}}, found {json_type(page)}'
                                   + (" without 'values'" if isinstance(page, dict) else ""))
        if not isinstance(page["values"], list):
            raise InputError(file, f"{where}'values' is {json_type(page['values'])}, not an array")
        size = page.get("size")
        if isinstance(size, int) and not isinstance(size, bool):
            sizes.append(size)
        values.extend(page["values"])
    return values, sizes


def load_minjust_rest_values(path: str | Path, *, source_id: str | None = None,
                             snapshot_date: dt.date | None = None) -> LoadResult:
    """Load a saved ``/values`` response of the ministry's foreign-agents registry.

    Parameters
    ----------
    path : str or Path
        A JSON file holding one response ``{"size": N, "values": [...]}`` or an
        array of such responses (consecutive pages).
    source_id : str, optional
        Identifier written into the result (default ``"minjust_rest_values"``).
    snapshot_date : date, optional
        Date of the download; later dates are rejected (default: today, with a warning).

    Returns
    -------
    LoadResult
        ``meta`` has ``size`` (the registry size the server reported), ``pages``
        and ``complete`` (whether the file holds ``size`` entries).

    Raises
    ------
    InputError
        Unusable file, a response without ``values``, a required field
        (``field_1_i``, ``field_2_s``, ``field_4_s``) missing from every entry,
        or a ``field_4_s`` that never holds a date (a different registry's layout,
        such as the undesirable organisations, whose fields are numbered otherwise).

    Warns
    -----
    AnalysisWarning
        When the file holds fewer entries than the reported ``size`` (a missing page).

    Notes
    -----
    Field meanings (:data:`FIELDS`) follow third-party clients of the endpoint; the
    response carries no column titles, so the loader checks that ``field_4_s``
    holds dates before trusting the layout. ``source_row`` is the position of the
    entry in ``values`` + 1, counted across pages in file order. Category comes
    from ``field_7_s`` with the same wording as the XLSX export; an entry without
    a type is an organisation of ``unknown`` category (all such rows of the
    15.08.2025 export are media outlets).
    """
    file = str(path)
    sid = source_id or "minjust_rest_values"
    values, sizes = _values(read_json(path), file)
    bound = snapshot_bound(file, snapshot_date)
    builder = EventBuilder(registry="foreign_agents", source_id=sid, file=file,
                           not_before=FOREIGN_AGENTS_START, not_after=bound,
                           personal_columns=PERSONAL_FIELDS)
    records = json_records(values, file, builder, what="entries that are JSON objects",
                           required=("field_1_i", "field_2_s", "field_4_s"))
    dated = [rec.get("field_4_s") for _, rec in records
             if isinstance(rec.get("field_4_s"), str) and clean_text(rec.get("field_4_s"))]
    if dated and not any(_LOOKS_LIKE_DATE.match(v) for v in dated):
        raise InputError(file, "field_4_s never holds a DD.MM.YYYY date: not the foreign-agents "
                               "registry layout", column="field_4_s")
    for row, rec in records:
        type_raw = text_cell(rec, "field_7_s")
        type_text = (clean_text(type_raw) if isinstance(type_raw, str)
                     else (str(type_raw) if type_raw is not None else ""))
        category = category_from_type(type_text)
        if category is None:
            builder.note_unrecognised("category", type_text)
            category = "unknown"
        basis_raw = text_cell(rec, "field_3_s")
        basis_text = (clean_text(basis_raw) if isinstance(basis_raw, str)
                      else (str(basis_raw) if basis_raw is not None else ""))
        basis = legal_basis_code(basis_text)
        if basis == "unknown" and basis_text:
            builder.note_unrecognised("legal_basis", basis_text)
        builder.add(
            row,
            entry_id=("field_1_i", rec.get("field_1_i")),
            name=("field_2_s", text_cell(rec, "field_2_s")),
            included=("field_4_s", rec.get("field_4_s")),
            excluded=("field_5_s", rec.get("field_5_s")),
            legal_basis=basis, category=category,
            kind=kind_from_category(category) or "organisation",
        )
    size = max(sizes) if sizes else None
    complete = size is None or size <= len(values)
    if not complete:
        warnings.warn(f"{file}: holds {len(values)} of the {size} entries the server reported "
                      "(a page is missing)", AnalysisWarning, stacklevel=2)
    meta = {"format": "minjust_rest_values", "size": size,
            "pages": len(sizes) if sizes else 1, "complete": complete,
            "snapshot_date": bound.isoformat()}
    return builder.result(rows_in=len(values), meta=meta)
