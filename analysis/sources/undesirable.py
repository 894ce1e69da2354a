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

import bisect
import datetime as dt
import warnings

import numpy as np
from pathlib import Path
from typing import Any

from ..errors import AnalysisWarning, InputError
from ..registries import UNDESIRABLE_START
from .base import LoadResult, snapshot_bound
from .kit.cells import CellError
from .kit.dates import date_in_text, parse_date
from .kit.events import EventBuilder
from .kit.json_input import json_records, read_json, text_cell
from .kit.normalise import clean_text, name_key

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
        Date of the pull; later dates are rejected (default: today, with a warning).

    Returns
    -------
    LoadResult
        ``meta["entry_id_from_position"]`` says whether registry numbers were
        assigned (see Notes); ``meta["out_of_order_rows"]`` and
        ``meta["repeated_rows"]`` count the rows left out of the numbering.

    Raises
    ------
    InputError
        Unusable file, a required key (``name``, ``dateIn``) missing from every
        object, entries whose ``type`` says they belong to another registry, or
        no usable row.

    Notes
    -----
    The pull keeps no registry numbers, but the array is in registry order: its
    dates are non-decreasing and, position by position, its first 188 dates equal
    those of the ministry's HTML table with its ``№`` column
    (``fz255_undesirable``). So ``entry_id`` is the position among the rows that
    are registry entries, found in two steps:

    * a row with the same normalised name and inclusion date as an earlier row is
      the same listing event repeated; it is left to
      :class:`~analysis.sources.kit.events.EventBuilder`, which records it as a
      duplicate, and takes no number;
    * the registry order is the longest run of rows, in file order, whose dates
      never decrease. A row outside it (e.g. rows appended out of date order) is
      rejected as out of registry order and takes no number. When that run holds
      no more than half of the dated rows, the file is not in registry order at
      all: no row is rejected for its order, ``entry_id`` is left empty, and a
      warning says so.

    Every other row, rejected or not, takes the next number. A row out of order that
    has a problem of its own (a blank name …) is rejected with that reason.
    ``source_row`` is the array index + 1.
    """
    file = str(path)
    sid = source_id or "undesirable_rest_json"
    items = read_json(path)
    bound = snapshot_bound(file, snapshot_date)
    builder = EventBuilder(registry=REGISTRY, source_id=sid, file=file,
                           not_before=UNDESIRABLE_START, not_after=bound)
    records = json_records(items, file, builder, required=("name", "dateIn"))
    types = {rec.get("type") for _, rec in records if "type" in rec}
    if types and "undesirable" not in types:
        raise InputError(file, "entries are not undesirable organisations "
                               f"(type {', '.join(sorted(map(str, types)))})", column="type")
    own: list[tuple[int, dict[str, Any]]] = []
    for row, rec in records:
        if "type" in rec and rec["type"] != "undesirable":
            shown = rec["type"] if isinstance(rec["type"], str) else None
            builder.reject(row, "type", shown, "entry of another registry")
        else:
            own.append((row, rec))
    dates = {row: _plain_date(rec.get("dateIn"), bound) for row, rec in own}
    first_of: dict[tuple[str, dt.date], int] = {}
    repeats: set[int] = set()
    for row, rec in own:
        name = rec.get("name")
        if not isinstance(name, str) or dates[row] is None or not name_key(name):
            continue
        key = (name_key(name), dates[row])
        if key in first_of:
            repeats.add(row)
        else:
            first_of[key] = row
    dated = [(row, dates[row]) for row, _ in own if dates[row] is not None and row not in repeats]
    order = _longest_non_decreasing(dated)
    in_order = 2 * len(order) > len(dated) if dated else True
    out_of_order: dict[int, str] = {}
    if in_order:
        out_of_order = _order_breaks(dated, order)
    else:
        warnings.warn(f"{file}: dates are not in registry order; registry numbers are left empty",
                      AnalysisWarning, stacklevel=2)
    number = 0
    for row, rec in own:
        entry_id = None
        if row not in repeats and row not in out_of_order:
            number += 1
            entry_id = number if in_order else None
        kept = builder.add(
            row,
            entry_id=("position", entry_id),
            name=("name", text_cell(rec, "name")),
            included=("dateIn", rec.get("dateIn")),
            excluded=("dateOut", rec.get("dateOut")),
            legal_basis=LEGAL_BASIS, category="unknown", kind="organisation",
        )
        if kept and row in out_of_order:  # a row with a problem of its own keeps that reason
            builder.drop(row, "dateIn", rec.get("dateIn"), out_of_order[row])
    meta = {"format": "undesirable_rest_json", "entry_id_from_position": in_order,
            "out_of_order_rows": len(out_of_order), "repeated_rows": len(repeats),
            "snapshot_date": bound.isoformat()}
    return builder.result(rows_in=len(items), meta=meta)


def _plain_date(value: Any, bound: dt.date) -> dt.date | None:
    """The date of a ``dateIn`` cell when it is a valid one in range, else None (judged later)."""
    if not isinstance(value, str):
        return None
    try:
        return parse_date(value, not_before=UNDESIRABLE_START, not_after=bound)
    except CellError:
        return None


def _longest_non_decreasing(dated: list[tuple[int, dt.date]]) -> set[int]:
    """Rows of the longest subsequence (in file order) whose dates never decrease.

    Among the longest ones, the one that takes the earliest rows is chosen (so rows
    appended out of order at the end are the ones left out, not the rows they
    contradict). O(n log n): the length of the longest such run *starting* at each row
    is found by patience sorting from the end, then rows are taken greedily from the
    start whenever a run of the remaining length can still start there.
    """
    if not dated:
        return set()
    days = [d.toordinal() for _, d in dated]
    start_len = [0] * len(days)
    tails: list[int] = []  # patience piles over the reversed sequence, on negated days
    for i in range(len(days) - 1, -1, -1):
        k = bisect.bisect_right(tails, -days[i])
        if k == len(tails):
            tails.append(-days[i])
        else:
            tails[k] = -days[i]
        start_len[i] = k + 1
    need, last, keep = len(tails), None, set()
    for i, day in enumerate(days):
        if need and start_len[i] == need and (last is None or day >= last):
            keep.add(dated[i][0])
            last, need = day, need - 1
    return keep


def _order_breaks(dated: list[tuple[int, dt.date]], order: set[int]) -> dict[int, str]:
    """Reason for every dated row outside the registry order, naming a row it contradicts."""
    chain = [(r, d) for r, d in dated if r in order]
    rows = [r for r, _ in chain]
    out = {}
    for row, d in dated:
        if row in order:
            continue
        i = bisect.bisect_left(rows, row)
        before = chain[i - 1] if i else None
        after = chain[i] if i < len(chain) else None
        if before is not None and before[1] > d:
            other = f"row {before[0]} before it is dated {before[1]:%d.%m.%Y}"
        elif after is not None:
            other = f"row {after[0]} after it is dated {after[1]:%d.%m.%Y}"
        else:  # pragma: no cover - a row outside the order always contradicts a neighbour
            other = "its neighbours contradict it"
        out[row] = (f"out of registry order: dated {d:%d.%m.%Y}, but {other} "
                    "(the list is in order of the listing date); it takes no registry number")
    return out


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
        Date of the scrape; later dates are rejected (default: today, with a warning).

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
    Minjust date is rejected as impossible. One that precedes it by more than the
    file's own lags make usual (Tukey's far-out fence) is kept and flagged: the
    listing itself is the Ministry's record and no law bounds the lag, so the row is
    not dropped; a warning names the rows and ``meta["long_lags"]`` lists them (see
    ``_flag_long_lags``; ``meta["lag_fence"]``). ``source_row`` is the array index + 1.
    """
    file = str(path)
    sid = source_id or "undesirable_scrape_json"
    items = read_json(path)
    bound = snapshot_bound(file, snapshot_date)
    builder = EventBuilder(registry=REGISTRY, source_id=sid, file=file,
                           not_before=UNDESIRABLE_START, not_after=bound)
    records = json_records(items, file, builder,
                           required=("id", "fullName", "decisionInMinjust", "decisionInGenproc"))
    decision_cells = {row: rec.get("decisionInGenproc") for row, rec in records}
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
    fence, long_lags = _flag_long_lags(builder, file)
    meta = {"format": "undesirable_scrape_json", "snapshot_date": bound.isoformat(), "lag_fence": fence,
            "long_lags": long_lags}
    return builder.result(rows_in=len(items), meta=meta)


def _flag_long_lags(builder: EventBuilder, file: str) -> tuple[dict[str, float] | None, list[dict[str, int]]]:
    """Flag rows whose decision precedes the listing by unusually long (Tukey's far-out fence).

    The lag from the Prosecutor-General's decision to the Minjust listing is a property
    of the procedure, so the file's own lags say what is usual: a lag beyond the third
    quartile plus three interquartile ranges is flagged. The row is kept: its listing is
    the Ministry's record, and a fence computed from one file's quartiles would accept an
    entry in the full list and drop the same entry in an earlier, shorter release. The
    quartiles (linear interpolation) need at least four lags. Returns the quartiles and
    fence, and the flagged rows with their lags.
    """
    included = dict(builder.dated("included_on"))
    lags = {row: (included[row] - d).days for row, d in builder.dated("decision_on") if d is not None}
    if len(lags) < 4:
        return None, []
    q1, q3 = (float(x) for x in np.percentile(list(lags.values()), [25, 75]))
    fence = q3 + 3 * (q3 - q1)
    flagged = [{"row": int(row), "lag_days": int(lag)} for row, lag in sorted(lags.items()) if lag > fence]
    if flagged:
        rows = ", ".join(f"row {f['row']} ({f['lag_days']} days)" for f in flagged[:5])
        more = f" and {len(flagged) - 5} more" if len(flagged) > 5 else ""
        warnings.warn(f"{file}: {len(flagged)} Prosecutor-General decision(s) precede the listing by more than "
                      f"{fence:g} days (Tukey's far-out fence of this file's lags): {rows}{more}; kept and flagged",
                      AnalysisWarning, stacklevel=3)
    return {"q1_days": q1, "q3_days": q3, "fence_days": fence}, flagged
