"""The calendar of laws and political events, as data with citations.

The calendar lives in ``analysis/data/events.csv``, one row per law or event:

``id``
    Short stable identifier (``fz255_2022``), used as the intervention name.
``kind``
    ``law`` or ``event``.
``date_signed``, ``date_in_force``
    ISO dates. For an event (not a law) ``date_in_force`` is the day it happened.
    A field left empty is one the calendar does not assert.
``title_en``, ``title_ru``
    Short English title; official Russian title of the act.
``act``, ``act_number``
    The legal act with its official number (``Federal Law of 14.07.2022 No. 255-FZ``).
``applies_to``
    ``foreign_agents``, ``undesirable``, ``criminal_code`` or ``all``: which series the
    law is about (used to pick candidate interventions).
``what_changed``
    One or two sentences.
``official_publication``
    Where and when the act was officially published, when recorded.
``date_note``
    Why a date is left empty (no citation found for it), or how it was established.

A date is left empty rather than guessed when no citation for it was found; a model that
needs it must give a dated override with its reason (see
:func:`analysis.models.interventions_from_events`).

This module is data and reading only: :func:`load_events` reads and checks the file,
:func:`list_events` filters it, :func:`get_event` returns one row, and
:func:`event_annotations` gives ``(date, label)`` pairs for figures. Which events can
serve as interventions on a series is decided with the models
(:func:`analysis.models.events_for_series`, :func:`analysis.models.interventions_for_series`).
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path

import pandas as pd

from .errors import InputError

EVENTS_FILE = "events.csv"
COLUMNS = ["id", "kind", "date_signed", "date_in_force", "title_en", "title_ru", "act", "act_number",
           "applies_to", "what_changed", "official_publication", "date_note"]
#: Columns a calendar file may lack (older files); they are read as empty.
OPTIONAL = ("date_note",)
KINDS = ("law", "event")
APPLIES = ("foreign_agents", "undesirable", "criminal_code", "all")


#: The checked calendar of each file read in this process, by (path, size, modification time).
_READ: dict[tuple[str, int, int], pd.DataFrame] = {}


def load_events(path: str | None = None) -> pd.DataFrame:
    """Read the calendar of laws and events.

    Parameters
    ----------
    path : str, optional
        Another file with the same columns; by default the calendar shipped with the
        package.

    Returns
    -------
    DataFrame
        One row per event, sorted by ``date_in_force`` (events without one last), with
        ``date_signed`` and ``date_in_force`` as datetimes (NaT where the calendar does
        not assert a date) and empty text fields as ``""``.

    Raises
    ------
    InputError
        Missing columns, duplicated ids, unknown ``kind`` or ``applies_to``, unreadable
        dates, or a law in force before it was signed.

    Notes
    -----
    A file is read and checked once per process while its size and modification time stay
    the same (every series of a report asks for the calendar); each call gets its own copy.
    """
    if path is None:
        ref = resources.files("analysis") / "data" / EVENTS_FILE
        with resources.as_file(ref) as p:
            return _read_checked(Path(p), f"analysis/data/{EVENTS_FILE}")
    return _read_checked(Path(path), str(path))


def _read_checked(path: Path, name: str) -> pd.DataFrame:
    """:func:`load_events` of one file: read and checked once per process while the file is unchanged
    (a copy each time, so that callers may modify what they get)."""
    st = path.stat()
    key = (str(path.resolve()), st.st_size, st.st_mtime_ns)
    if key not in _READ:
        _READ.clear()  # one calendar at a time is all a process uses
        _READ[key] = _check(pd.read_csv(path, dtype=str, keep_default_na=False), name)
    return _READ[key].copy()


def _check(raw: pd.DataFrame, name: str) -> pd.DataFrame:
    for c in OPTIONAL:
        if c not in raw.columns:
            raw[c] = ""
    missing = [c for c in COLUMNS if c not in raw.columns]
    if missing:
        raise InputError(name, f"missing column(s) {missing}")
    df = raw[COLUMNS].copy()
    for i, row in df.iterrows():
        line = int(i) + 2
        if not row["id"]:
            raise InputError(name, "empty id", row=line, column="id")
        if row["kind"] not in KINDS:
            raise InputError(name, f"kind must be one of {KINDS}", row=line, column="kind")
        if row["applies_to"] not in APPLIES:
            raise InputError(name, f"applies_to must be one of {APPLIES}", row=line, column="applies_to")
        if row["kind"] == "law" and not row["act_number"]:
            raise InputError(name, "a law needs its official number", row=line, column="act_number")
    dup = df["id"][df["id"].duplicated()]
    if len(dup):
        raise InputError(name, f"duplicated id {dup.iloc[0]!r}", column="id")
    for col in ("date_signed", "date_in_force"):
        try:
            df[col] = pd.to_datetime(df[col].replace("", None), format="%Y-%m-%d")
        except (ValueError, TypeError) as exc:
            raise InputError(name, f"unreadable date ({exc})", column=col) from exc
    bad = df["date_in_force"].notna() & df["date_signed"].notna() & (df["date_in_force"] < df["date_signed"])
    if bad.any():
        raise InputError(name, "in force before signed", row=int(bad.to_numpy().argmax()) + 2,
                         column="date_in_force")
    return df.sort_values(["date_in_force", "id"], kind="stable", na_position="last").reset_index(drop=True)


def list_events(*, applies_to: str | list[str] | None = None, kind: str | None = None,
                events: pd.DataFrame | None = None) -> pd.DataFrame:
    """The calendar, optionally only the events about some series and of one kind.

    ``applies_to="foreign_agents"`` keeps the foreign-agent laws and the events that
    apply to all series; ``kind`` is ``"law"`` or ``"event"``.
    """
    ev = _select(events, applies_to)
    if kind is not None:
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
        ev = ev[ev["kind"] == kind]
    return ev.reset_index(drop=True)


def get_event(event_id: str, *, events: pd.DataFrame | None = None) -> pd.Series:
    """The calendar row of ``event_id``.

    Raises
    ------
    InputError
        When the calendar has no such id.
    """
    ev = load_events() if events is None else events
    hit = ev[ev["id"] == event_id]
    if hit.empty:
        raise InputError(f"analysis/data/{EVENTS_FILE}", f"no event with id {event_id!r}", column="id")
    return hit.iloc[0]


def _select(events: pd.DataFrame | None, applies_to: str | list[str] | None) -> pd.DataFrame:
    ev = load_events() if events is None else events
    if applies_to is None:
        return ev
    wanted = {applies_to} if isinstance(applies_to, str) else set(applies_to)
    return ev[ev["applies_to"].isin(wanted | {"all"})]


def event_annotations(*, applies_to: str | list[str] | None = None,
                      events: pd.DataFrame | None = None) -> list[tuple[pd.Timestamp, str]]:
    """``(date in force, short label)`` pairs for :func:`analysis.plots.style.add_events`."""
    ev = _select(events, applies_to)
    ev = ev[ev["date_in_force"].notna()]
    return [(r["date_in_force"], r["act_number"] or r["title_en"]) for _, r in ev.iterrows()]
