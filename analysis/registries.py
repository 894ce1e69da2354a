"""Facts about the two Ministry of Justice registries, defined once.

The first day each registry could hold an entry is the in-force date of the law that
created it, read from the law calendar (``analysis/data/events.csv``) so that the date and
its citation live in one place:

* foreign agents: Federal Law of 20.07.2012 No. 121-FZ (calendar id ``fz121_2012``);
* undesirable organisations: Federal Law of 23.05.2015 No. 129-FZ (``fz129_2015``).

Everything else that needs these dates (loaders, reconciliation, the monthly axis, the
report) imports them from here.
"""
from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from importlib import resources

__all__ = ["REGISTRIES", "Registry", "FOREIGN_AGENTS_START", "UNDESIRABLE_START", "AXIS_START",
           "registry_start"]


@dataclass(frozen=True)
class Registry:
    """One registry: its id, the calendar id of its founding law, and that law's in-force date."""

    id: str
    founding_event: str
    start: dt.date


def _in_force(event_id: str) -> dt.date:
    # Read with the standard library: this module is imported by every loader and must stay light.
    with resources.files("analysis").joinpath("data/events.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["id"] == event_id:
                return dt.date.fromisoformat(row["date_in_force"])
    raise LookupError(f"law calendar has no event {event_id!r}")


REGISTRIES: dict[str, Registry] = {
    "foreign_agents": Registry("foreign_agents", "fz121_2012", _in_force("fz121_2012")),
    "undesirable": Registry("undesirable", "fz129_2015", _in_force("fz129_2015")),
}

#: First day the foreign-agent registry could hold an entry (121-FZ in force).
FOREIGN_AGENTS_START: dt.date = REGISTRIES["foreign_agents"].start
#: First day the list of undesirable organisations could hold an entry (129-FZ in force).
UNDESIRABLE_START: dt.date = REGISTRIES["undesirable"].start
#: First month of the common monthly axis: the month the earlier registry began.
AXIS_START: dt.date = min(r.start for r in REGISTRIES.values()).replace(day=1)


def registry_start(registry: str) -> dt.date:
    """First day ``registry`` ("foreign_agents" or "undesirable") could hold an entry."""
    try:
        return REGISTRIES[registry].start
    except KeyError:
        raise ValueError(f"unknown registry {registry!r}; expected one of {sorted(REGISTRIES)}") from None
