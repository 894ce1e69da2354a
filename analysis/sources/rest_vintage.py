"""Loader for a registry vintage stored by ``python -m analysis refresh``.

The file is the JSON written by :mod:`analysis.vintages.refresh`::

    {"format": "minjust_rest_vintage", "registry": "foreign_agents" | "undesirable",
     "registry_id": "…", "requested_at": "…Z", "fields": {"name": "field_2_s", …},
     "titles": {"field_2_s": "…", …}, "size": N, "values": [{"field_2_s": …, …}, …]}

``fields`` maps each meaning the toolkit reads (``entry_id``, ``name``, ``basis``,
``included``, ``excluded``, ``type``, ``decision``, ``status``) to the field that holds it,
as resolved from the registry's own column titles when the pull was made (or, when the
titles could not be read, from the documented field meanings, which the file then says in
``fields_from``). Only those fields are stored: identifiers never reach the file.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..registries import FOREIGN_AGENTS_START, UNDESIRABLE_START
from .base import LoadResult
from .kit.categories import category_from_type, kind_from_category
from .kit.dates import date_in_text
from .kit.events import EventBuilder
from .kit.json_input import json_records, read_json, text_cell
from .kit.legal_basis import legal_basis_code
from .kit.normalise import clean_text

__all__ = ["load_minjust_rest_vintage"]


def _date_text(value: Any) -> Any:
    if isinstance(value, str):
        if not clean_text(value):
            return None
        found = date_in_text(value)
        return found if found is not None else value
    return value


def load_minjust_rest_vintage(path: str | Path, *, source_id: str | None = None,
                              snapshot_date: dt.date | None = None) -> LoadResult:
    """Load a vintage written by ``refresh`` (either registry).

    Parameters
    ----------
    path : str or Path
        The stored ``rest-<time>.json``.
    source_id : str, optional
        Identifier written into the result (default ``"minjust_rest_vintage"``).
    snapshot_date : date, optional
        Latest plausible date (default: the request date in the file).

    Returns
    -------
    LoadResult
        ``meta``: ``registry``, ``requested_at``, ``size``, ``fields_from``.

    Raises
    ------
    InputError
        Not such a file, or a required meaning (name, inclusion date) not mapped.
    """
    file = str(path)
    sid = source_id or "minjust_rest_vintage"
    obj = read_json(path)
    if not isinstance(obj, dict) or obj.get("format") != "minjust_rest_vintage":
        raise InputError(file, "is not a vintage written by `refresh` (format 'minjust_rest_vintage')")
    registry = obj.get("registry")
    fields = obj.get("fields") or {}
    if registry not in ("foreign_agents", "undesirable"):
        raise InputError(file, f"unknown registry {registry!r}")
    for need in ("name", "included"):
        if need not in fields:
            raise InputError(file, f"no field is mapped to {need!r}")
    requested = str(obj.get("requested_at", ""))[:10]
    bound = snapshot_date or (dt.date.fromisoformat(requested) if requested else dt.date.today())
    start = FOREIGN_AGENTS_START if registry == "foreign_agents" else UNDESIRABLE_START
    builder = EventBuilder(registry=registry, source_id=sid, file=file, not_before=start, not_after=bound)
    values = obj.get("values")
    records = json_records(values, file, builder, required=(fields["name"],), what="an array of registry values")
    for row, rec in records:
        def cell(meaning: str) -> tuple[str, Any] | None:
            f = fields.get(meaning)
            return (f, rec.get(f)) if f else None

        entry = cell("entry_id")
        if registry == "foreign_agents":
            type_text = clean_text(rec.get(fields["type"])) if "type" in fields else ""
            category = category_from_type(type_text)
            if category is None:
                builder.note_unrecognised("category", type_text)
                category = "unknown"
            basis_text = clean_text(rec.get(fields["basis"])) if "basis" in fields else ""
            basis = legal_basis_code(basis_text)
            if basis == "unknown" and basis_text:
                builder.note_unrecognised("legal_basis", basis_text)
            kind = kind_from_category(category) or "organisation"
            builder.add(row, entry_id=entry, name=(fields["name"], text_cell(rec, fields["name"])),
                        included=cell("included"), excluded=cell("excluded"),
                        legal_basis=basis, category=category, kind=kind)
        else:
            inc = cell("included")
            exc = cell("excluded")
            dec = cell("decision")
            builder.add(row, entry_id=entry, name=(fields["name"], text_cell(rec, fields["name"])),
                        included=(inc[0], _date_text(inc[1])),
                        excluded=(exc[0], _date_text(exc[1])) if exc else None,
                        decision=(dec[0], _date_text(dec[1])) if dec else None,
                        legal_basis="129-FZ", category="unknown", kind="organisation")
    meta = {"format": "minjust_rest_vintage", "registry": registry, "requested_at": obj.get("requested_at"),
            "size": obj.get("size"), "fields_from": obj.get("fields_from", "titles"),
            "snapshot_date": bound.isoformat()}
    return builder.result(rows_in=len(values), meta=meta)
