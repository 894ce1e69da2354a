"""Loaders for the list of undesirable organisations, one per upstream format.

=============================  ============================================  ===============
loader                         format                                        ``source_row``
=============================  ============================================  ===============
load_undesirable_rest_json     REST pull reduced to ``name``, ``dateIn``      array index + 1
                               (Minjust listing date), in registry order
load_undesirable_scrape_json   scrape of the ministry's HTML table with      array index + 1
                               the Minjust order and the Prosecutor-
                               General's decision
=============================  ============================================  ===============

The legal act that makes an organisation undesirable is the Prosecutor-General's
decision (art. 3.1 of Federal Law No. 272-FZ, inserted by Federal Law No. 129-FZ
of 23.05.2015); the ministry lists it some days later. In the event frame
``included_on`` is always the Minjust listing date and ``decision_on`` the
Prosecutor-General's decision date where the source has it, so the two date
bases are never mixed. Every entry is an ``organisation`` of ``unknown`` category
(the list does not use the foreign-agent categories) with legal basis
``129-FZ``.
"""
from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path
from typing import Any

from ..errors import AnalysisWarning, InputError
from .base import LoadResult
from ._text import (
    UNDESIRABLE_START,
    EventBuilder,
    clean_text,
    date_in_text,
    json_records,
    read_json,
    text_cell,
)

REGISTRY = "undesirable"
LEGAL_BASIS = "129-FZ"


def _date_cell(rec: dict[str, Any], key: str) -> tuple[str, Any]:
    """(key, date text) for a cell that holds a date inside other text, or the raw cell.

    A cell of whitespace only (the scrape writes a non-breaking space for an
    empty cell) becomes None; a cell with a ``DD.MM.YYYY`` substring gives that
    substring; anything else is passed on unchanged so that the date parser
    rejects it with its own reason.
    """
    value = rec.get(key)
    if isinstance(value, str):
        if not clean_text(value):
            return key, None
        found = date_in_text(value)
        return key, found if found is not None else value
    return key, value


def load_undesirable_rest_json(path: str | Path, *, source_id: str | None = None,
                               snapshot_date: dt.date | None = None) -> LoadResult:
    """Load a reduced REST pull of the list of undesirable organisations.

    The file is a JSON array of objects with ``name``, ``dateIn`` (the Minjust
    inclusion decision, ``DD.MM.YYYY``), optionally ``dateOut``, and plugin
    fields (``type`` = ``undesirable``, ``aliases``, ``is_person``) as written by
    the ``chekazoid/legal-entity-marks`` update script.

    Parameters
    ----------
    path : str or Path
        The ``undesirable-orgs.json`` file.
    source_id : str, optional
        Identifier written into the result (default ``"undesirable_rest_json"``).
    snapshot_date : date, optional
        Date of the pull; later dates are rejected (default: today).

    Returns
    -------
    LoadResult
        ``meta["entry_id_from_position"]`` says whether registry numbers were
        assigned (see Notes).

    Raises
    ------
    InputError
        Unusable file, a required key (``name``, ``dateIn``) missing from every
        object, or entries whose ``type`` says they belong to another registry.

    Notes
    -----
    The pull keeps no registry numbers, but the array is in registry order: its
    dates are non-decreasing and, position by position, its first 188 dates equal
    those of the ministry's HTML table with its ``№`` column
    (``fz255_undesirable``). So ``entry_id`` is the array index + 1. If the dates
    of the file are not in non-decreasing order that premise fails, and
    ``entry_id`` is left empty with a warning. ``source_row`` is the array index + 1.
    """
    file = str(path)
    sid = source_id or "undesirable_rest_json"
    items = read_json(path)
    bound = snapshot_date or dt.date.today()
    builder = EventBuilder(registry=REGISTRY, source_id=sid, file=file,
                           not_before=UNDESIRABLE_START, not_after=bound)
    records = json_records(items, file, builder, required=("name", "dateIn"))
    types = {rec.get("type") for _, rec in records if "type" in rec}
    if types and "undesirable" not in types:
        raise InputError(file, "entries are not undesirable organisations "
                               f"(type {', '.join(sorted(map(str, types)))})", column="type")
    in_order = _dates_in_order([rec.get("dateIn") for _, rec in records])
    if not in_order:
        warnings.warn(f"{file}: dates are not in registry order; registry numbers are left empty",
                      AnalysisWarning, stacklevel=2)
    for row, rec in records:
        if "type" in rec and rec["type"] != "undesirable":
            shown = rec["type"] if isinstance(rec["type"], str) else None
            builder.reject(row, "type", shown, "entry of another registry")
            continue
        builder.add(
            row,
            entry_id=("position", row if in_order else None),
            name=("name", text_cell(rec, "name")),
            included=("dateIn", rec.get("dateIn")),
            excluded=("dateOut", rec.get("dateOut")),
            legal_basis=LEGAL_BASIS, category="unknown", kind="organisation",
        )
    meta = {"format": "undesirable_rest_json", "entry_id_from_position": in_order,
            "snapshot_date": bound.isoformat()}
    return builder.result(rows_in=len(items), meta=meta)


def _dates_in_order(values: list[Any]) -> bool:
    """Whether the parseable ``DD.MM.YYYY`` values are non-decreasing (unparseable ones ignored)."""
    last = None
    for v in values:
        if not isinstance(v, str):
            continue
        try:
            d = dt.datetime.strptime(clean_text(v), "%d.%m.%Y").date()
        except ValueError:
            continue
        if last is not None and d < last:
            return False
        last = d
    return True


def load_undesirable_scrape_json(path: str | Path, *, source_id: str | None = None,
                                 snapshot_date: dt.date | None = None) -> LoadResult:
    """Load the scrape of the ministry's HTML table of undesirable organisations.

    The file is a JSON array of objects with string values: ``id`` (``№ п/п``),
    ``fullName``, ``decisionInMinjust`` (``№ 1069-р от 27.08.2024``),
    ``decisionInGenproc`` (``14.08.2024`` or ``№1 от 28.07.2015``),
    ``decisionOutMinjust``, ``decisionOutGenproc``, and the scraper's ``dateIn``
    and ``dateOut`` (the first date found in the Minjust decisions), as written by
    ``fz255/undesirable-organizations``.

    Parameters
    ----------
    path : str or Path
        The ``registry.json`` file.
    source_id : str, optional
        Identifier written into the result (default ``"undesirable_scrape_json"``).
    snapshot_date : date, optional
        Date of the scrape; later dates are rejected (default: today).

    Returns
    -------
    LoadResult
        ``included_on`` = Minjust inclusion decision date, ``decision_on`` =
        Prosecutor-General's decision date, ``excluded_on`` = Minjust exclusion
        decision date (empty throughout this source).

    Raises
    ------
    InputError
        Unusable file or a required key (``id``, ``fullName``,
        ``decisionInMinjust``, ``decisionInGenproc``) missing from every object.

    Notes
    -----
    Dates are taken from the decision texts with the pattern ``DD.MM.YYYY``
    (the first match); a cell holding only a non-breaking space is empty. When
    the Minjust decision has no date, the scraper's ``dateIn`` is used; when both
    exist and differ, the row is rejected. A Prosecutor-General's date after the
    Minjust date is rejected as impossible. ``source_row`` is the array index + 1.
    """
    file = str(path)
    sid = source_id or "undesirable_scrape_json"
    items = read_json(path)
    bound = snapshot_date or dt.date.today()
    builder = EventBuilder(registry=REGISTRY, source_id=sid, file=file,
                           not_before=UNDESIRABLE_START, not_after=bound)
    records = json_records(items, file, builder,
                           required=("id", "fullName", "decisionInMinjust", "decisionInGenproc"))
    for row, rec in records:
        included = _date_cell(rec, "decisionInMinjust")
        scraped = _date_cell(rec, "dateIn")
        if included[1] is None:
            included = scraped if scraped[1] is not None else included
        elif (isinstance(included[1], str) and isinstance(scraped[1], str)
              and date_in_text(included[1]) and scraped[1] != included[1]):
            builder.reject(row, "dateIn", scraped[1],
                           f"differs from the date of decisionInMinjust ({included[1]})")
            continue
        excluded = _date_cell(rec, "decisionOutMinjust")
        if excluded[1] is None:
            excluded = _date_cell(rec, "dateOut")
        builder.add(
            row,
            entry_id=("id", rec.get("id")),
            name=("fullName", text_cell(rec, "fullName")),
            included=included,
            excluded=excluded,
            decision=_date_cell(rec, "decisionInGenproc"),
            legal_basis=LEGAL_BASIS, category="unknown", kind="organisation",
        )
    meta = {"format": "undesirable_scrape_json", "snapshot_date": bound.isoformat()}
    return builder.result(rows_in=len(items), meta=meta)
