"""Synthetic releases with planted changes, for tests of histories, triangle, lags and nowcast."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from analysis.sources.base import LoadResult, rejects_frame
from analysis.sources.kit.events import _Event, event_frame
from analysis.vintages.store import LoadedVintage, Vintage


def release(vid: str, day: dt.date, rows: list[dict], *, series: str = "minjust_pdf", registry="foreign_agents",
            exclusions_observed: bool = True, artefact_ids=()) -> LoadedVintage:
    """A loaded vintage from rows ``{"id", "name", "in", "out"?, "basis"?, "category"?}``."""
    events = []
    for k, r in enumerate(rows, start=1):
        cat = r.get("category", "individual")
        events.append(_Event(row=k, entry_id=r["id"], name=r["name"], kind="individual" if cat == "individual"
                             else "organisation", category=cat, legal_basis=r.get("basis", "255-FZ art. 7"),
                             included_on=r["in"], excluded_on=r.get("out"), decision_on=None, id_column="id",
                             id_raw=r["id"]))
    frame = event_frame(events, registry=registry, source_id=vid)
    res = LoadResult(frame=frame, rejects=rejects_frame([]), rows_in=len(rows), source_id=vid, file=vid,
                     meta={"exclusions_observed": exclusions_observed, "artefact_entry_ids": list(artefact_ids)})
    v = Vintage(id=vid, registry=registry, series=series, release_date=day, release_date_from="file name",
                loader="minjust_pdf", path=vid, sha256="0" * 64, bound_date=day)
    return LoadedVintage(vintage=v, result=res, seconds=0.0)


def planted_releases() -> list[LoadedVintage]:
    """Five weekly releases with one of each kind of change planted.

    entry 1: included 02.01, excluded in release 3 (event)
    entry 2: inclusion date corrected in release 2 (correction)
    entry 3: name respaced in release 2 (artefact)
    entry 4: renamed in release 4 (correction)
    entry 5: basis unknown in release 3 only, back in release 4 (artefact, twice)
    entry 6: missing from release 3 only, swallowed by a parser artefact (artefact gap)
    entry 7: disappears from release 4 on (disappearance)
    entry 8: renumbered to 9 in release 5 (renumbered)
    entry 10: exclusion in release 4 that is withdrawn in release 5 (undone: artefact)
    """
    d = dt.date
    base = {
        1: dict(id=1, name="Первый Условный Человек", **{"in": d(2024, 1, 2)}),
        2: dict(id=2, name="Второй Условный Человек", **{"in": d(2024, 1, 5)}),
        3: dict(id=3, name="Третий «Условный» фонд", **{"in": d(2024, 1, 5)}),
        4: dict(id=4, name="Четвёртый фонд", **{"in": d(2024, 1, 9)}),
        5: dict(id=5, name="Пятый фонд", **{"in": d(2024, 1, 9)}),
        6: dict(id=6, name="Шестой фонд", **{"in": d(2024, 1, 12)}),
        7: dict(id=7, name="Седьмой фонд", **{"in": d(2024, 1, 12)}),
        8: dict(id=8, name="Восьмой фонд", **{"in": d(2024, 1, 12)}),
        10: dict(id=10, name="Десятый фонд", **{"in": d(2024, 1, 12)}),
    }
    dates = [d(2024, 1, 12), d(2024, 1, 19), d(2024, 1, 26), d(2024, 2, 2), d(2024, 2, 9)]
    out = []
    for k, day in enumerate(dates, start=1):
        rows = {i: dict(r) for i, r in base.items()}
        if k >= 2:
            rows[2]["in"] = d(2024, 1, 4)
            rows[3]["name"] = "Третий «Условный»  фонд"
        if k >= 3:
            rows[1]["out"] = d(2024, 1, 25)
        if k == 3:
            rows[5]["basis"] = "unknown"
            del rows[6]
        if k >= 4:
            rows[4]["name"] = "Четвёртый фонд имени Условного"
            del rows[7]
        if k == 4:
            rows[10]["out"] = d(2024, 2, 1)
        if k == 5:
            r8 = rows.pop(8)
            rows[9] = dict(r8, id=9)
        out.append(release(f"r{k}", day, list(rows.values()), artefact_ids=[6] if k == 3 else []))
    return out
