"""The release chain of a registry, entry histories, changes between releases, disappearances.

**The chain.** Releases are ordered by release date. Where an official series (the
ministry's PDFs, its export) and a third-party parse cover the same period, the
official releases are used and the third-party ones inside the official series' date
span are left out of the chain (they remain loaded, and serve as cross-checks). A
release without registry numbers cannot take part in entry histories and is left out
too (it still counts in the revision triangle).

**Changes.** For every registry number present in two consecutive chain releases,
each of inclusion date, exclusion date, name, legal basis and category is compared.
Each difference is one change, classified as

* ``event`` — an exclusion appears (empty → date): the registry recorded a real event;
* ``correction`` — the registry changed what it says about the past: a new inclusion
  date, a changed or withdrawn exclusion date, a renaming, a different legal basis or
  category;
* ``artefact`` — the difference comes from reading the file, not from the registry: a
  name that differs only in spacing, quotes, case or a word split across lines
  (:func:`analysis.sources.kit.normalise.name_key` with ``compact=True``); a legal basis or
  category that one of the two releases could not determine (``unknown``); or a change
  that is undone at the very next release (a value that flips and flips back).

Exclusion dates are not compared across a release whose loader found it does not show
exclusions (``exclusions_observed`` false).

**Disappearances.** A registry number present in one chain release and absent from
the next is, in order of checking: an ``artefact`` when the loader of the next release
recorded that its row was swallowed by a parser artefact; ``renumbered`` when the next
release holds a new number with the same compact name and inclusion date; otherwise a
``disappearance``, with the release in which it came back, if any. The registry keeps
excluded entries with their exclusion date, so an entry that vanishes is a finding, and
every one is listed.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd

from ..sources.kit.normalise import name_key
from .store import LoadedVintage

__all__ = ["release_chain", "observations", "entry_changes", "entry_histories", "disappearances",
           "changes_by_kind", "CHANGE_FIELDS", "CHANGE_KINDS", "History", "build_history"]

CHANGE_FIELDS = ("included_on", "excluded_on", "name", "legal_basis", "category")
CHANGE_KINDS = ("event", "correction", "artefact")


def release_chain(loaded: Sequence[LoadedVintage], *, registry: str) -> list[LoadedVintage]:
    """The chain of releases of ``registry`` used for histories (see the module docstring)."""
    items = [lv for lv in loaded if lv.vintage.registry == registry and lv.has_entry_ids]
    spans: dict[int, list[tuple[object, object]]] = {}
    by_series: dict[str, list[LoadedVintage]] = {}
    for lv in items:
        by_series.setdefault(lv.vintage.series, []).append(lv)
    for series, lvs in by_series.items():
        dates = [x.vintage.release_date for x in lvs]
        spans.setdefault(lvs[0].vintage.rank, []).append((min(dates), max(dates)))
    chain = []
    for lv in items:
        v = lv.vintage
        covered = any(lo <= v.release_date <= hi for rank, ss in spans.items() if rank < v.rank for lo, hi in ss)
        if not covered:
            chain.append(lv)
    return sorted(chain, key=lambda x: (x.vintage.release_date, x.vintage.rank, x.vintage.id))


def observations(chain: Sequence[LoadedVintage]) -> pd.DataFrame:
    """One row per (release, registry number): the entry as that release shows it.

    Columns: ``position`` (0-based place in the chain), ``release_id``, ``release_date``,
    ``series``, ``entry_id``, ``name``, ``name_key`` (compact), ``included_on``,
    ``excluded_on``, ``legal_basis``, ``category``, ``exclusions_observed``.
    """
    parts = []
    for pos, lv in enumerate(chain):
        f = lv.frame[lv.frame["entry_id"].notna()]
        parts.append(pd.DataFrame({
            "position": pos,
            "release_id": lv.vintage.id,
            "release_date": pd.Timestamp(lv.vintage.release_date),
            "series": lv.vintage.series,
            "entry_id": f["entry_id"].astype("int64").to_numpy(),
            "name": f["name"].to_numpy(),
            "name_key": [name_key(n, compact=True) for n in f["name"]],
            "included_on": f["included_on"].to_numpy(),
            "excluded_on": f["excluded_on"].to_numpy(),
            "legal_basis": f["legal_basis"].to_numpy(),
            "category": f["category"].to_numpy(),
            "exclusions_observed": lv.exclusions_observed,
        }))
    if not parts:
        raise ValueError("the chain holds no release with registry numbers")
    return pd.concat(parts, ignore_index=True).sort_values(["entry_id", "position"], kind="stable",
                                                             ignore_index=True)


def _same(a, b) -> bool:
    if pd.isna(a) and pd.isna(b):
        return True
    if pd.isna(a) or pd.isna(b):
        return False
    return a == b


def _classify(field: str, old, new, old_key: str, new_key: str) -> tuple[str, str]:
    if field == "excluded_on":
        if pd.isna(old):
            return "event", "exclusion recorded"
        if pd.isna(new):
            return "correction", "exclusion date withdrawn"
        return "correction", "exclusion date changed"
    if field == "included_on":
        return "correction", "inclusion date changed"
    if field == "name":
        if old_key == new_key:
            return "artefact", "spacing, quotes, case or a split word only"
        return "correction", "name changed"
    if "unknown" in (old, new):
        return "artefact", f"{field.replace('_', ' ')} undetermined in one release"
    return "correction", f"{field.replace('_', ' ')} changed"


def entry_changes(obs: pd.DataFrame, chain: Sequence[LoadedVintage]) -> pd.DataFrame:
    """Every difference between consecutive chain releases for a registry number in both.

    Returns
    -------
    DataFrame
        ``entry_id, from_release, to_release, from_date, to_date, to_position, field,
        old, new, kind, reason`` — ``old``/``new`` as text (dates ``YYYY-MM-DD``), sorted
        by entry and release. Names appear in ``old``/``new`` of name changes: this table
        is audit output.
    """
    nxt = obs.copy()
    nxt["position"] = nxt["position"] - 1
    pair = obs.merge(nxt, on=["entry_id", "position"], suffixes=("", "_new"))
    rows = []
    for r in pair.itertuples(index=False):
        for fld in CHANGE_FIELDS:
            if fld == "excluded_on" and not (r.exclusions_observed and r.exclusions_observed_new):
                continue
            old, new = getattr(r, fld), getattr(r, fld + "_new")
            if fld == "name":
                same = old == new
            else:
                same = _same(old, new)
            if same:
                continue
            kind, reason = _classify(fld, old, new, r.name_key, r.name_key_new)
            rows.append({
                "entry_id": int(r.entry_id), "from_release": r.release_id, "to_release": r.release_id_new,
                "from_date": r.release_date, "to_date": r.release_date_new, "to_position": int(r.position) + 1,
                "field": fld, "old": _text(old), "new": _text(new), "kind": kind, "reason": reason,
            })
    cols = ["entry_id", "from_release", "to_release", "from_date", "to_date", "to_position", "field", "old",
            "new", "kind", "reason"]
    ch = pd.DataFrame(rows, columns=cols)
    if ch.empty:
        return ch
    ch = ch.sort_values(["entry_id", "field", "to_position"], kind="stable", ignore_index=True)
    # a change undone at the very next release is an artefact of one reading
    prev = ch.groupby(["entry_id", "field"]).shift(1)
    old_, new_ = ch["old"].fillna(""), ch["new"].fillna("")
    flip = ((prev["to_position"] == ch["to_position"] - 1) & (prev["old"].fillna("") == new_)
            & (prev["new"].fillna("") == old_))
    undone = flip | flip.shift(-1, fill_value=False) & (ch["entry_id"] == ch["entry_id"].shift(-1)) \
        & (ch["field"] == ch["field"].shift(-1))
    ch.loc[undone & (ch["kind"] != "artefact"), "reason"] = "undone at the next release"
    ch.loc[undone, "kind"] = "artefact"
    return ch.sort_values(["to_position", "entry_id", "field"], kind="stable", ignore_index=True)


def _text(v) -> str | None:
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return None
    if isinstance(v, (pd.Timestamp, np.datetime64)):
        return pd.Timestamp(v).date().isoformat()
    return str(v)


def disappearances(obs: pd.DataFrame, chain: Sequence[LoadedVintage]) -> pd.DataFrame:
    """Registry numbers that are absent from a chain release after being in the one before.

    Returns
    -------
    DataFrame
        ``entry_id, last_seen_release, last_seen_date, missing_from_release, missing_from_date,
        status`` (``artefact``, ``renumbered``, ``disappearance``), ``returned_in`` (release
        id or empty), ``new_entry_id`` (for ``renumbered``). Registry numbers only: no names.
    """
    ids_at = [set(obs.loc[obs["position"] == p, "entry_id"]) for p in range(len(chain))]
    key_at = [obs.loc[obs["position"] == p].set_index("entry_id")[["name_key", "included_on"]]
              for p in range(len(chain))]
    rows = []
    for p in range(len(chain) - 1):
        gone = sorted(ids_at[p] - ids_at[p + 1])
        if not gone:
            continue
        new_ids = ids_at[p + 1] - ids_at[p]
        new_keys = {}
        for nid in sorted(new_ids):
            k = key_at[p + 1].loc[nid]
            new_keys.setdefault((k["name_key"], k["included_on"]), nid)
        swallowed = set(chain[p + 1].artefact_entry_ids)
        for eid in gone:
            k = key_at[p].loc[eid]
            returned = next((chain[q].vintage.id for q in range(p + 2, len(chain)) if eid in ids_at[q]), None)
            new_id = None
            if eid in swallowed:
                status = "artefact"
            elif (k["name_key"], k["included_on"]) in new_keys:
                status, new_id = "renumbered", new_keys[(k["name_key"], k["included_on"])]
            else:
                status = "disappearance"
            rows.append({
                "entry_id": int(eid), "last_seen_release": chain[p].vintage.id,
                "last_seen_date": pd.Timestamp(chain[p].vintage.release_date),
                "missing_from_release": chain[p + 1].vintage.id,
                "missing_from_date": pd.Timestamp(chain[p + 1].vintage.release_date),
                "status": status, "returned_in": returned, "new_entry_id": new_id,
            })
    cols = ["entry_id", "last_seen_release", "last_seen_date", "missing_from_release", "missing_from_date",
            "status", "returned_in", "new_entry_id"]
    out = pd.DataFrame(rows, columns=cols)
    out["new_entry_id"] = pd.array(out["new_entry_id"], dtype="Int64")
    return out


def entry_histories(obs: pd.DataFrame, changes: pd.DataFrame) -> pd.DataFrame:
    """One row per registry number: first and last release seen, and how often it changed.

    Columns: ``entry_id, name`` (as last seen; audit output), ``first_release,
    first_release_date, last_release, last_release_date, n_releases, included_on_first,
    included_on_last, excluded_on_last, n_corrections, n_events, n_artefacts``.
    """
    g = obs.groupby("entry_id", sort=True)
    first = g.head(1).set_index("entry_id")
    last = g.tail(1).set_index("entry_id")
    out = pd.DataFrame({
        "name": last["name"],
        "first_release": first["release_id"], "first_release_date": first["release_date"],
        "last_release": last["release_id"], "last_release_date": last["release_date"],
        "n_releases": g.size(),
        "included_on_first": first["included_on"], "included_on_last": last["included_on"],
        "excluded_on_last": last["excluded_on"],
    })
    for kind in CHANGE_KINDS:
        n = changes.loc[changes["kind"] == kind].groupby("entry_id").size() if len(changes) else pd.Series(dtype=int)
        out[f"n_{kind}s" if kind != "correction" else "n_corrections"] = n.reindex(out.index, fill_value=0).astype(
            "int64")
    return out.reset_index()


def changes_by_kind(changes: pd.DataFrame, *, registry: str) -> pd.DataFrame:
    """Counts of changes by field, kind and reason (no names): ``registry, field, kind, reason, n_changes, n_entries``."""
    if changes.empty:
        return pd.DataFrame(columns=["registry", "field", "kind", "reason", "n_changes", "n_entries"])
    g = changes.groupby(["field", "kind", "reason"], sort=True)
    out = pd.DataFrame({"n_changes": g.size(), "n_entries": g["entry_id"].nunique()}).reset_index()
    out.insert(0, "registry", registry)
    return out


@dataclass(frozen=True)
class History:
    """Everything the release chain of one registry shows."""

    registry: str
    chain: tuple[LoadedVintage, ...]
    observations: pd.DataFrame
    changes: pd.DataFrame
    entries: pd.DataFrame
    disappearances: pd.DataFrame

    def summary(self) -> str:
        kinds = self.changes["kind"].value_counts().to_dict() if len(self.changes) else {}
        st = self.disappearances["status"].value_counts().to_dict() if len(self.disappearances) else {}
        return (f"{self.registry}: {len(self.chain)} releases in the chain, {len(self.entries)} registry numbers; "
                f"changes {dict(sorted(kinds.items()))}; missing from a release {dict(sorted(st.items()))}")


def build_history(loaded: Sequence[LoadedVintage], *, registry: str) -> History:
    """Chain, observations, changes, entry histories and disappearances of ``registry``."""
    chain = release_chain(loaded, registry=registry)
    obs = observations(chain)
    changes = entry_changes(obs, chain)
    return History(registry=registry, chain=tuple(chain), observations=obs, changes=changes,
                   entries=entry_histories(obs, changes), disappearances=disappearances(obs, chain))
