"""The event builder: parsed rows in, a validated event frame plus rejects out.

Every registry loader reads its own file layout and then hands each input row to an
:class:`EventBuilder`, which parses the cells with the rest of the kit, rejects the
row with a reason when a cell is unusable, settles repeated rows, and assembles the
frame (:func:`event_frame`, validated against :class:`~analysis.schemas.EventSchema`).
"""
from __future__ import annotations

import bisect
import datetime as dt
import warnings
from dataclasses import dataclass
from typing import Any, Sequence

import pandas as pd

from ...errors import AnalysisWarning, InputError, SchemaError
from ...schemas import CATEGORIES, LEGAL_BASES, EventSchema
from ..base import LoadResult, RejectLog
from .categories import kind_from_category
from .cells import CellError, parse_entry_id
from .dates import parse_date
from .json_input import WrongType, json_type
from .normalise import clean_text, name_key
from .redaction import clip_value

__all__ = ["EVENT_COLUMNS", "Cell", "EventBuilder", "event_frame"]


EVENT_COLUMNS = [
    "registry", "entry_id", "name", "kind", "category", "legal_basis",
    "included_on", "excluded_on", "decision_on", "source_id", "source_row",
]


#: A cell as (column name as the source spells it, raw value).
Cell = tuple[str, Any]


@dataclass
class _Event:
    row: int
    entry_id: int | None
    name: str
    kind: str
    category: str
    legal_basis: str
    included_on: dt.date
    excluded_on: dt.date | None
    decision_on: dt.date | None
    id_column: str | None
    id_raw: Any

    def content(self) -> tuple:
        return (name_key(self.name), self.kind, self.category, self.legal_basis,
                self.included_on, self.excluded_on, self.decision_on)


class EventBuilder:
    """Turns parsed rows into a validated event frame plus a rejects log.

    Parameters
    ----------
    registry : {"foreign_agents", "undesirable"}
    source_id : str
        Written into every event and reject row.
    file : str
        The path as given, for messages and :class:`LoadResult`.
    not_before, not_after : date, optional
        Plausible date range (start of the registry, snapshot date).

    Notes
    -----
    Each call of :meth:`add` accounts for one input row: it either keeps an event
    or records the first problem found in the rejects log. :meth:`result` then
    settles repeats, in two steps.

    1. Rows that reuse a registry number. An exact repeat (same content) is
       ``skipped``. Rows with the same number and different content are decided by
       the registry order: registry numbers are given in order of the inclusion
       decision, so dates never decrease with the number (true of every numbered
       file in the data mirror). The row whose inclusion date lies between those of
       the neighbouring numbers is kept and the others are ``rejected``; when none
       or several fit (or the file as a whole is not in that order), every row with
       that number is ``rejected``, because which is the registry's cannot be told.
       File order plays no part, so a conflicting row placed first cannot push out
       the genuine one.
    2. Rows with the same normalised name (:func:`name_key`) and the same inclusion
       date are one listing event (a re-inclusion has a later date). In a file
       without registry numbers the repeat is ``skipped`` when identical and
       ``rejected`` when other fields differ (the first row is kept). Under two
       registry numbers the row that fits the registry order is kept (the lower
       number when both do), the other is ``rejected``, and the pair is listed in
       ``meta["same_event_two_numbers"]`` for the reconciliation table.

    Raw values shown in the rejects table pass through
    :func:`analysis.sources.kit.redaction.redact` (columns named in ``personal_columns`` and
    date-like values before ``not_before`` are never shown).
    """

    def __init__(self, *, registry: str, source_id: str, file: str,
                 not_before: dt.date | None, not_after: dt.date | None,
                 personal_columns: Sequence[str] = ()) -> None:
        self.registry = registry
        self.source_id = source_id
        self.file = file
        self.not_before = not_before
        self.not_after = not_after
        self.log = RejectLog(source_id, personal_columns=frozenset(personal_columns),
                             dates_before=not_before)
        self._events: list[_Event] = []
        self.same_event_two_numbers: list[dict[str, Any]] = []
        self.unrecognised: dict[str, dict[str, int]] = {}

    def reject(self, row: int, column: str | None, raw_value: Any, reason: str,
               status: str = "rejected") -> None:
        """Record input row ``row`` as not usable."""
        self.log.add(row, column, raw_value, reason, status)

    def add(self, row: int, *, name: Cell, included: Cell, excluded: Cell | None = None,
            entry_id: Cell | None = None, decision: Cell | None = None,
            legal_basis: str = "unknown", category: str = "unknown",
            kind: str | None = None) -> bool:
        """Parse and check one input row; return True when it became an event.

        ``kind`` defaults to the kind of ``category``; a row whose kind can be
        determined neither way is a programming error of the calling loader.
        Exclusion and decision dates share the registry's date range; the
        decision date may not follow the inclusion (listing) date.
        """
        number = None
        if entry_id is not None:
            try:
                number = parse_entry_id(entry_id[1])
            except CellError as exc:
                self.reject(row, entry_id[0], _shown(entry_id[1]), exc.reason)
                return False
        raw_name = name[1]
        if raw_name is not None and not isinstance(raw_name, str):
            self.reject(row, name[0], _type_note(raw_name), "name is not text")
            return False
        clean_name = clean_text(raw_name)
        if not clean_name:
            self.reject(row, name[0], raw_name, "blank name")
            return False
        dates: dict[str, dt.date | None] = {}
        for label, cell in (("included", included), ("excluded", excluded),
                            ("decision", decision)):
            if cell is None:
                dates[label] = None
                continue
            if isinstance(cell[1], (list, dict, WrongType)):
                self.reject(row, cell[0], _type_note(cell[1]),
                            f"not a DD.MM.YYYY date ({_type_name(cell[1])})")
                return False
            try:
                dates[label] = parse_date(cell[1], not_before=self.not_before,
                                          not_after=self.not_after)
            except CellError as exc:
                self.reject(row, cell[0], cell[1], exc.reason)
                return False
        if dates["included"] is None:
            self.reject(row, included[0], included[1], "inclusion date missing")
            return False
        if dates["excluded"] is not None and dates["excluded"] < dates["included"]:
            assert excluded is not None
            self.reject(row, excluded[0], excluded[1],
                        f"exclusion before inclusion ({dates['included']:%d.%m.%Y})")
            return False
        if dates["decision"] is not None and dates["decision"] > dates["included"]:
            assert decision is not None
            self.reject(row, decision[0], decision[1],
                        f"decision after the listing date ({dates['included']:%d.%m.%Y})")
            return False
        if category not in CATEGORIES:
            raise ValueError(f"unknown category {category!r}")
        kind = kind or kind_from_category(category)
        if kind is None:
            raise ValueError("the loader must give a kind when the category is unknown")
        if legal_basis not in LEGAL_BASES:
            raise ValueError(f"unknown legal basis code {legal_basis!r}")
        self._events.append(_Event(
            row=row, entry_id=number, name=clean_name, kind=kind, category=category,
            legal_basis=legal_basis, included_on=dates["included"],
            excluded_on=dates["excluded"], decision_on=dates["decision"],
            id_column=entry_id[0] if entry_id else None,
            id_raw=entry_id[1] if entry_id else None,
        ))
        return True

    def dated(self, attr: str = "included_on") -> list[tuple[int, dt.date | None]]:
        """(row, date) of every event kept so far, in row order (``attr`` names the date)."""
        return [(ev.row, getattr(ev, attr)) for ev in sorted(self._events, key=lambda e: e.row)]

    def drop(self, row: int, column: str | None, raw_value: Any, reason: str) -> None:
        """Reject an event that :meth:`add` kept, for a reason only the whole file shows."""
        self._events = [ev for ev in self._events if ev.row != row]
        self.reject(row, column, raw_value, reason)

    def note_unrecognised(self, field: str, wording: str) -> None:
        """Count a non-empty wording of ``field`` that maps to no code (reported in meta and a warning)."""
        counts = self.unrecognised.setdefault(field, {})
        counts[wording] = counts.get(wording, 0) + 1

    # ----------------------------------------------------------- repeats and conflicts

    def _registry_order_holds(self, unique: dict[int, _Event]) -> bool:
        """Whether inclusion dates never decrease with the registry number (among unique numbers)."""
        dates = [unique[n].included_on for n in sorted(unique)]
        return all(a <= b for a, b in zip(dates, dates[1:]))

    @staticmethod
    def _fits_order(ev: _Event, numbers: list[int], unique: dict[int, _Event]) -> bool:
        """Whether ``ev``'s inclusion date lies between those of its neighbouring registry numbers."""
        i = bisect.bisect_left(numbers, ev.entry_id)
        lower = [unique[n] for n in numbers[:i] if unique[n] is not ev][-1:]
        j = bisect.bisect_right(numbers, ev.entry_id)
        upper = [unique[n] for n in numbers[j:j + 2] if unique[n] is not ev][:1]
        return ((not lower or lower[0].included_on <= ev.included_on)
                and (not upper or ev.included_on <= upper[0].included_on))

    def _resolve_numbers(self, events: list[_Event]) -> list[_Event]:
        """Rows that reuse a registry number: exact repeats are skipped, conflicts decided or rejected."""
        groups: dict[int, list[_Event]] = {}
        for ev in events:
            if ev.entry_id is not None:
                groups.setdefault(ev.entry_id, []).append(ev)
        unique = {n: g[0] for n, g in groups.items() if len({e.content() for e in g}) == 1}
        numbers = sorted(unique)
        ordered = self._registry_order_holds(unique)
        drop: set[int] = set()
        for n, group in sorted(groups.items()):
            first_of: dict[tuple, _Event] = {}
            distinct: list[_Event] = []
            for ev in group:
                seen = first_of.get(ev.content())
                if seen is not None:
                    self.reject(ev.row, ev.id_column, ev.id_raw,
                                f"repeats row {seen.row} (same registry number and content)", status="skipped")
                    drop.add(ev.row)
                else:
                    first_of[ev.content()] = ev
                    distinct.append(ev)
            if len(distinct) == 1:
                continue
            fitting = [ev for ev in distinct if ordered and self._fits_order(ev, numbers, unique)]
            rows = ", ".join(str(ev.row) for ev in distinct)
            if len(fitting) == 1:
                keep = fitting[0]
                for ev in distinct:
                    if ev is not keep:
                        self.reject(ev.row, ev.id_column, ev.id_raw,
                                    f"registry number {n} already used by row {keep.row} with different content; "
                                    f"row {keep.row}'s inclusion date fits the registry order, this row's does not")
                        drop.add(ev.row)
            else:
                why = ("the file's registry numbers are not in order of inclusion date" if not ordered
                       else ("neither" if not fitting else "each") + " fits the registry order by inclusion date")
                for ev in distinct:
                    self.reject(ev.row, ev.id_column, ev.id_raw,
                                f"registry number {n} is used by rows {rows} with different content, and {why}; "
                                "which row is the registry's cannot be told")
                    drop.add(ev.row)
        return [ev for ev in events if ev.row not in drop]

    def _resolve_same_events(self, events: list[_Event]) -> list[_Event]:
        """Rows with the same normalised name and inclusion date: one listing event, kept once."""
        numbered = {ev.entry_id: ev for ev in events if ev.entry_id is not None}
        numbers = sorted(numbered)
        ordered = self._registry_order_holds(numbered)
        chosen: dict[tuple, _Event] = {}
        drop: set[int] = set()
        for ev in events:
            key = (name_key(ev.name), ev.included_on)
            first = chosen.get(key)
            if first is None:
                chosen[key] = ev
                continue
            if first.entry_id is not None and ev.entry_id is not None:
                # one event under two registry numbers: keep the one that fits the registry
                # order (the lower number when both or neither do)
                lo, hi = sorted((first, ev), key=lambda e: e.entry_id)
                keep, other = lo, hi
                if ordered and not self._fits_order(lo, numbers, numbered) and self._fits_order(hi, numbers, numbered):
                    keep, other = hi, lo
                self.reject(other.row, other.id_column, other.id_raw,
                            f"same name and inclusion date as registry number {keep.entry_id} (row {keep.row}): "
                            f"one listing event under two registry numbers")
                self.same_event_two_numbers.append({
                    "kept_entry_id": int(keep.entry_id), "kept_row": int(keep.row),
                    "dropped_entry_id": int(other.entry_id), "dropped_row": int(other.row),
                    "included_on": keep.included_on.isoformat()})
                chosen[key] = keep
                drop.add(other.row)
                continue
            keep, other = (first, ev) if first.entry_id is not None or ev.entry_id is None else (ev, first)
            if keep.content() == other.content():
                self.reject(other.row, other.id_column, None,
                            f"duplicate of row {keep.row}: same name and inclusion date "
                            "(one listing event; the repeat is not counted)", status="skipped")
            else:
                self.reject(other.row, other.id_column, None,
                            f"duplicate of row {keep.row}: same name and inclusion date but other content "
                            "(one listing event; the first row is kept)")
            chosen[key] = keep
            drop.add(other.row)
        return [ev for ev in events if ev.row not in drop]

    def result(self, *, rows_in: int, meta: dict[str, Any] | None = None) -> LoadResult:
        """Validated :class:`LoadResult` with every input row accounted for.

        Raises
        ------
        InputError
            When no input row became an event (nothing usable).
        """
        events = sorted(self._events, key=lambda e: e.row)
        events = self._resolve_same_events(self._resolve_numbers(events))
        if not events:
            raise InputError(self.file, f"no usable row: all {rows_in} data rows were rejected "
                                        f"(first reason: {self.log.first_reason() or 'none'})")
        frame = event_frame(events, registry=self.registry, source_id=self.source_id)
        meta = dict(meta or {})
        meta["same_event_two_numbers"] = list(self.same_event_two_numbers)
        for fld, counts in sorted(self.unrecognised.items()):
            n = sum(counts.values())
            meta[f"unrecognised_{fld}"] = dict(sorted(counts.items()))
            shown = "; ".join(sorted(counts))
            warnings.warn(
                f"{self.file}: {n} rows have a {fld} wording that maps to no code "
                f"({clip_value(shown)}); they are kept with {fld} 'unknown'",
                AnalysisWarning, stacklevel=3,
            )
        res = LoadResult(frame=frame, rejects=self.log.frame(), rows_in=rows_in,
                         source_id=self.source_id, file=self.file, meta=meta)
        res.check_accounting()
        return res


def _type_name(value: Any) -> str:
    return value.type if isinstance(value, WrongType) else json_type(value)


def _type_note(value: Any) -> str:
    """Stand-in for a value of the wrong type (its type, not its content)."""
    return f"<{_type_name(value)}>"


def _shown(value: Any) -> Any:
    """A raw value as the rejects table may show it (containers only by their type)."""
    return _type_note(value) if isinstance(value, (list, dict, WrongType)) else value


def event_frame(events: list[_Event], *, registry: str, source_id: str) -> pd.DataFrame:
    """Event frame in :class:`~analysis.schemas.EventSchema` column order, validated."""
    def dates(attr: str) -> pd.Series:
        return pd.Series(pd.to_datetime([getattr(e, attr) for e in events]),
                         dtype="datetime64[ns]")

    df = pd.DataFrame({
        "registry": pd.Series([registry] * len(events), dtype=str),
        "entry_id": pd.array([e.entry_id for e in events], dtype="Int64"),
        "name": pd.Series([e.name for e in events], dtype=str),
        "kind": pd.Series([e.kind for e in events], dtype=str),
        "category": pd.Series([e.category for e in events], dtype=str),
        "legal_basis": pd.Series([e.legal_basis for e in events], dtype=str),
        "included_on": dates("included_on"),
        "excluded_on": dates("excluded_on"),
        "decision_on": dates("decision_on"),
        "source_id": pd.Series([source_id] * len(events), dtype=str),
        "source_row": pd.Series([e.row for e in events], dtype="int64"),
    })
    try:
        return EventSchema.validate(df, lazy=True)
    except Exception as exc:  # pandera SchemaErrors: a bug in a loader, not bad input
        raise SchemaError(f"event frame of {source_id} failed validation: {exc}") from exc
