"""One event history per registry from several snapshots, with a conflicts table.

Foreign agents
    The official XLSX export (15.08.2025) is the base: it has registry numbers and keeps
    re-inclusions as separate rows. The REST pull (July 2026) extends it: its entries
    included after the export's snapshot date are added, and exclusions it records
    after that date are applied to the matching export entries. Entries are matched by
    registry number where both sides have one, otherwise by normalised name plus
    inclusion date. Older PDF snapshots are checked against the base by registry
    number. Every disagreement goes to the conflicts table.

Undesirable organizations
    The REST pull (July 2026) is the base; its array order is the registry order, so
    its entry number is the position. The legacy scrape (05.09.2024) adds the
    Prosecutor-General decision date for entries 1–188, matched by entry number (a
    name match would miss spelling variants and double-count them).

The conflicts table names entries and is an audit table: it is written beside the
processed data but never committed; only counts by kind are.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from .registries import FOREIGN_AGENTS_START, UNDESIRABLE_START
from .schemas import EventSchema
from .series import Coverage
from .sources.kit.normalise import name_key

CONFLICT_COLUMNS = ["registry", "kind", "entry_id", "source_a", "row_a", "source_b", "row_b",
                    "value_a", "value_b", "resolution"]


@dataclass(frozen=True)
class Reconciled:
    """A registry's event history and what the snapshots disagreed on.

    Attributes
    ----------
    registry : str
    events : DataFrame
        Validated event frame (``EventSchema``), one row per listing event.
    conflicts : DataFrame
        One row per disagreement (columns :data:`CONFLICT_COLUMNS`); names entries.
    coverage : Coverage
        Days the history observes (listing-date basis).
    contributions : DataFrame
        Per source: events taken from it, exclusions applied from it.
    """

    registry: str
    events: pd.DataFrame
    conflicts: pd.DataFrame
    coverage: Coverage
    contributions: pd.DataFrame = field(default_factory=pd.DataFrame)

    def conflict_counts(self) -> pd.DataFrame:
        """Counts of conflicts by kind and resolution (no names)."""
        return conflict_counts(self.conflicts)


def conflict_counts(conflicts: pd.DataFrame) -> pd.DataFrame:
    """Counts of a conflicts table (:data:`CONFLICT_COLUMNS`) by registry, source, kind and resolution."""
    cols = ["registry", "source", "kind", "resolution", "n"]
    if conflicts.empty:
        return pd.DataFrame(columns=cols)
    df = conflicts.assign(source=conflicts["source_b"].fillna(conflicts["source_a"]))
    g = (df.groupby(["registry", "source", "kind", "resolution"], sort=True)
         .size().rename("n").reset_index())
    return g[cols]


def loader_conflicts(result) -> pd.DataFrame:
    """Conflicts a loader found inside one file: one listing event under two registry numbers.

    The loader keeps one row (see :class:`analysis.sources.kit.events.EventBuilder`) and
    rejects the other; the pair is recorded here so that the reconciliation table
    shows it beside the conflicts between files.
    """
    pairs = result.meta.get("same_event_two_numbers", [])
    registry = str(result.frame["registry"].iat[0]) if "registry" in result.frame and len(result.frame) else "?"
    c = _Conflicts(registry)
    for pair in pairs:
        a = {"source_id": result.source_id, "source_row": pair["kept_row"]}
        b = {"source_id": result.source_id, "source_row": pair["dropped_row"]}
        c.add("same_name_and_date_under_two_numbers", entry_id=pair["kept_entry_id"], a=a, b=b,
              value_a=pair["kept_entry_id"], value_b=pair["dropped_entry_id"],
              resolution="kept the number that fits the registry order; the other row is rejected")
    return c.frame()


class _Conflicts:
    def __init__(self, registry: str) -> None:
        self.registry = registry
        self.rows: list[dict] = []

    def add(self, kind: str, *, entry_id=None, a=None, b=None, value_a=None, value_b=None,
            resolution: str) -> None:
        self.rows.append({
            "registry": self.registry, "kind": kind,
            "entry_id": entry_id if entry_id is not None and not pd.isna(entry_id) else None,
            "source_a": None if a is None else a["source_id"],
            "row_a": None if a is None else int(a["source_row"]),
            "source_b": None if b is None else b["source_id"],
            "row_b": None if b is None else int(b["source_row"]),
            "value_a": None if value_a is None else str(value_a),
            "value_b": None if value_b is None else str(value_b),
            "resolution": resolution,
        })

    def frame(self) -> pd.DataFrame:
        df = pd.DataFrame(self.rows, columns=CONFLICT_COLUMNS)
        df["entry_id"] = df["entry_id"].astype("Int64")
        df["row_a"] = df["row_a"].astype("Int64")
        df["row_b"] = df["row_b"].astype("Int64")
        return df


def _d(x) -> str | None:
    return None if pd.isna(x) else pd.Timestamp(x).strftime("%Y-%m-%d")


def _finish(events: pd.DataFrame) -> pd.DataFrame:
    events = events.copy()
    events["entry_id"] = events["entry_id"].astype("Int64")
    for col in ("included_on", "excluded_on", "decision_on"):
        events[col] = pd.to_datetime(events[col]).astype("datetime64[ns]")
    events["source_row"] = events["source_row"].astype("int64")
    events = events.sort_values(["included_on", "entry_id", "source_id", "source_row"],
                                kind="stable", na_position="last").reset_index(drop=True)
    return EventSchema.validate(events[list(EventSchema.to_schema().columns)])


def reconcile_foreign_agents(base: pd.DataFrame, *, base_snapshot: pd.Timestamp,
                             extension: pd.DataFrame | None = None,
                             extension_snapshot: pd.Timestamp | None = None,
                             checks: Sequence[tuple[pd.DataFrame, pd.Timestamp]] = (),
                             registry_start: pd.Timestamp = pd.Timestamp(FOREIGN_AGENTS_START)) -> Reconciled:
    """Merge foreign-agent snapshots into one event history.

    Parameters
    ----------
    base : DataFrame
        Event frame of the official export (with registry numbers).
    base_snapshot : Timestamp
        Its snapshot date.
    extension : DataFrame, optional
        Event frame of a later pull without registry numbers (REST JSON).
    extension_snapshot : Timestamp, optional
        Its snapshot date; becomes the coverage end.
    checks : sequence of (DataFrame, Timestamp)
        Older snapshots with registry numbers, compared with the base only.
    registry_start : Timestamp
        First day of the registry (law 121-FZ in force 21.11.2012).

    Returns
    -------
    Reconciled
    """
    base_snapshot = pd.Timestamp(base_snapshot)
    c = _Conflicts("foreign_agents")
    ev = base.copy()
    ev["_key"] = ev["name"].map(name_key)
    contrib = [{"source_id": _sid(base), "events": len(ev), "exclusions_applied": 0, "role": "base"}]
    end = base_snapshot
    if extension is not None and len(extension):
        ext = extension.copy()
        ext["_key"] = ext["name"].map(name_key)
        end = pd.Timestamp(extension_snapshot)
        # 1. exact matches on (name, inclusion date)
        base_idx = {}
        for i, (k, d) in enumerate(zip(ev["_key"], ev["included_on"])):
            base_idx.setdefault((k, d), []).append(i)
        matched_base: set[int] = set()
        unmatched_ext = []
        n_new, n_excl = 0, 0
        new_rows = []
        for _, r in ext.iterrows():
            cands = [i for i in base_idx.get((r["_key"], r["included_on"]), []) if i not in matched_base]
            if cands:
                i = cands[0]
                matched_base.add(i)
                b = ev.iloc[i]
                bo, ro = b["excluded_on"], r["excluded_on"]
                if pd.isna(bo) and not pd.isna(ro):
                    if ro > base_snapshot:
                        ev.iat[i, ev.columns.get_loc("excluded_on")] = ro
                        n_excl += 1
                    else:
                        c.add("exclusion_only_in_later_pull_before_base_snapshot", entry_id=b["entry_id"], a=b, b=r,
                              value_a=None, value_b=_d(ro), resolution="kept base (no exclusion)")
                elif not pd.isna(bo) and pd.isna(ro):
                    c.add("exclusion_missing_in_later_pull", entry_id=b["entry_id"], a=b, b=r,
                          value_a=_d(bo), value_b=None, resolution="kept base exclusion")
                elif not pd.isna(bo) and not pd.isna(ro) and bo != ro:
                    c.add("exclusion_date_differs", entry_id=b["entry_id"], a=b, b=r,
                          value_a=_d(bo), value_b=_d(ro), resolution="kept base date")
            elif r["included_on"] > base_snapshot:
                new_rows.append(r)
                n_new += 1
            else:
                unmatched_ext.append(r)
        # 2. the rest: same name, other date — the later pull keeps one row per name
        for r in unmatched_ext:
            same = [i for i in range(len(ev)) if ev["_key"].iat[i] == r["_key"] and i not in matched_base]
            if same:
                i = same[0]
                matched_base.add(i)
                b = ev.iloc[i]
                c.add("inclusion_date_differs_same_name", entry_id=b["entry_id"], a=b, b=r,
                      value_a=_d(b["included_on"]), value_b=_d(r["included_on"]),
                      resolution="kept base date (later pull deduplicates by name)")
            else:
                c.add("only_in_later_pull_before_base_snapshot", a=None, b=r,
                      value_b=_d(r["included_on"]), resolution="dropped: base is authoritative up to its snapshot")
        for i in range(len(ev)):
            if i not in matched_base:
                b = ev.iloc[i]
                c.add("missing_from_later_pull", entry_id=b["entry_id"], a=b, b=None,
                      value_a=_d(b["included_on"]),
                      resolution="kept (later pull deduplicates re-inclusions by name)")
        if new_rows:
            add = pd.DataFrame(new_rows)
            ev = pd.concat([ev, add[ev.columns]], ignore_index=True)
        contrib.append({"source_id": _sid(extension), "events": n_new, "exclusions_applied": n_excl,
                        "role": "extension"})
    for frame, snap in checks:
        _check_against(ev, frame, pd.Timestamp(snap), c)
        contrib.append({"source_id": _sid(frame), "events": 0, "exclusions_applied": 0, "role": "check"})
    ev = ev.drop(columns="_key")
    return Reconciled("foreign_agents", _finish(ev), c.frame(),
                      Coverage(registry_start.date(), end.date()), pd.DataFrame(contrib))


def _sid(frame: pd.DataFrame) -> str:
    return str(frame["source_id"].iat[0]) if len(frame) else "?"


def name_difference(a: str, b: str) -> str | None:
    """How two (whitespace-normalised) names of the same entry differ, or None if equal.

    ``name_differs_in_whitespace_only``: equal once all whitespace is removed (e.g. a
    space lost in PDF extraction); ``name_differs_in_punctuation_or_case``: equal under
    the matching key (case, quotes, punctuation folded); ``name_differs``: otherwise
    (e.g. the registry reworded a pseudonym or added a former name).
    """
    if a == b:
        return None
    if "".join(a.split()) == "".join(b.split()):
        return "name_differs_in_whitespace_only"
    if name_key(a) == name_key(b):
        return "name_differs_in_punctuation_or_case"
    return "name_differs"


def _check_against(base: pd.DataFrame, snap: pd.DataFrame, snapshot: pd.Timestamp, c: _Conflicts) -> None:
    """Compare an older snapshot with registry numbers against the base, by number."""
    by_id = {int(k): i for i, k in enumerate(base["entry_id"]) if not pd.isna(k)}
    for _, r in snap.iterrows():
        if pd.isna(r["entry_id"]) or int(r["entry_id"]) not in by_id:
            c.add("missing_in_base", entry_id=r["entry_id"], a=None, b=r, value_b=_d(r["included_on"]),
                  resolution="ignored (check only)")
            continue
        b = base.iloc[by_id[int(r["entry_id"])]]
        kind = name_difference(b["name"], r["name"])
        if kind:
            c.add(kind, entry_id=b["entry_id"], a=b, b=r, value_a=b["name"], value_b=r["name"],
                  resolution="kept base name")
        if b["included_on"] != r["included_on"]:
            c.add("inclusion_date_differs", entry_id=b["entry_id"], a=b, b=r, value_a=_d(b["included_on"]),
                  value_b=_d(r["included_on"]), resolution="kept base date")
        bo = b["excluded_on"] if (not pd.isna(b["excluded_on"]) and b["excluded_on"] <= snapshot) else pd.NaT
        ro = r["excluded_on"]
        if not (pd.isna(bo) and pd.isna(ro)) and (pd.isna(bo) or pd.isna(ro) or bo != ro):
            c.add("exclusion_date_differs", entry_id=b["entry_id"], a=b, b=r, value_a=_d(bo), value_b=_d(ro),
                  resolution="kept base date")


def reconcile_undesirable(base: pd.DataFrame, *, base_snapshot: pd.Timestamp,
                          decisions: pd.DataFrame | None = None,
                          registry_start: pd.Timestamp = pd.Timestamp(UNDESIRABLE_START)) -> Reconciled:
    """Attach Prosecutor-General decision dates to the undesirable-organizations list.

    Parameters
    ----------
    base : DataFrame
        Event frame of the REST pull (entry number = registry order).
    base_snapshot : Timestamp
        Its snapshot date (coverage end).
    decisions : DataFrame, optional
        Event frame of the legacy scrape with ``decision_on``; matched by entry number.
        A decision date is attached only when both files give the entry the same
        listing date; base entries within the scrape's numbers that get none are listed
        as ``decision_date_missing`` conflicts (they are absent from the decision-date
        series).
    registry_start : Timestamp
        First day of the list (law 129-FZ in force 03.06.2015).
    """
    c = _Conflicts("undesirable")
    ev = base.copy()
    contrib = [{"source_id": _sid(base), "events": len(ev), "exclusions_applied": 0, "role": "base"}]
    if decisions is not None and len(decisions):
        by_id = {int(k): i for i, k in enumerate(ev["entry_id"]) if not pd.isna(k)}
        n_dec = 0
        for _, r in decisions.iterrows():
            eid = None if pd.isna(r["entry_id"]) else int(r["entry_id"])
            if eid is None or eid not in by_id:
                c.add("missing_in_base", entry_id=eid, b=r, value_b=r["name"], resolution="ignored")
                continue
            i = by_id[eid]
            b = ev.iloc[i]
            kind = name_difference(b["name"], r["name"])
            if kind:
                c.add(kind, entry_id=eid, a=b, b=r, value_a=b["name"], value_b=r["name"],
                      resolution="matched by entry number; kept base name")
            if b["included_on"] != r["included_on"]:
                # the same number with another listing date is not the same entry (the two
                # files are out of step): its decision date would belong to another listing
                c.add("inclusion_date_differs", entry_id=eid, a=b, b=r, value_a=_d(b["included_on"]),
                      value_b=_d(r["included_on"]), resolution="kept base date; decision date not attached")
                continue
            if not pd.isna(r["decision_on"]):
                ev.iat[i, ev.columns.get_loc("decision_on")] = r["decision_on"]
                n_dec += 1
        last = max((int(k) for k in decisions["entry_id"] if not pd.isna(k)), default=0)
        for i in range(len(ev)):
            eid = ev["entry_id"].iat[i]
            if not pd.isna(eid) and int(eid) <= last and pd.isna(ev["decision_on"].iat[i]):
                c.add("decision_date_missing", entry_id=int(eid), a=ev.iloc[i], value_a=_d(ev["included_on"].iat[i]),
                      resolution="left out of the decision-date series")
        contrib.append({"source_id": _sid(decisions), "events": 0, "exclusions_applied": 0,
                        "decision_dates": n_dec, "role": "decision dates"})
    return Reconciled("undesirable", _finish(ev), c.frame(),
                      Coverage(registry_start.date(), pd.Timestamp(base_snapshot).date()), pd.DataFrame(contrib))


def first_listings_only(events: pd.DataFrame) -> pd.DataFrame:
    """Drop re-inclusions: keep each entity's first listing (same normalised name)."""
    key = events["name"].map(name_key)
    order = events.sort_values(["included_on", "source_row"], kind="stable").index
    first = ~key.loc[order].duplicated(keep="first")
    keep = first.reindex(events.index)
    return events[keep.to_numpy()].reset_index(drop=True)
