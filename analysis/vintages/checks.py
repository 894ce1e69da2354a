"""Cross-checks between releases: inclusion-date agreement, and one year's entries across releases."""
from __future__ import annotations

from typing import Sequence

import pandas as pd

from .history import History
from .store import LoadedVintage

__all__ = ["inclusion_date_agreement", "year_across_releases"]


def inclusion_date_agreement(a: LoadedVintage, b: LoadedVintage) -> dict:
    """For every registry number in both releases, whether the inclusion dates agree.

    Returns
    -------
    dict
        ``release_a, release_b, n_common, n_agree, rate, only_in_a, only_in_b`` and
        ``disagreeing`` (registry numbers, sorted).
    """
    fa = a.frame[a.frame["entry_id"].notna()].set_index("entry_id")["included_on"]
    fb = b.frame[b.frame["entry_id"].notna()].set_index("entry_id")["included_on"]
    common = fa.index.intersection(fb.index).sort_values()
    same = fa.loc[common].to_numpy() == fb.loc[common].to_numpy()
    return {"release_a": a.vintage.id, "release_b": b.vintage.id, "n_common": int(len(common)),
            "n_agree": int(same.sum()), "rate": float(same.mean()) if len(common) else float("nan"),
            "only_in_a": int(len(fa.index.difference(fb.index))), "only_in_b": int(len(fb.index.difference(fa.index))),
            "disagreeing": [int(x) for x in common[~same]]}


def year_across_releases(loaded: Sequence[LoadedVintage], history: History, *, year: int) -> pd.DataFrame:
    """How the entries dated in ``year`` look in every release from that year on.

    For each release (all loaded vintages of the history's registry with a release date in
    or after ``year``): ``n_dated_in_year`` (entries whose inclusion date falls in the year,
    up to the release date), and, from the chain's history, how many registry numbers
    dated in the year were later removed (``n_disappeared``), renumbered
    (``n_renumbered``) or redated (``n_redated``: an inclusion-date correction into or out
    of the year). Registry numbers only.
    """
    rows = []
    for lv in loaded:
        v = lv.vintage
        if v.registry != history.registry or v.release_date.year < year:
            continue
        d = pd.to_datetime(lv.frame["included_on"])
        rows.append({"release_id": v.id, "release_date": pd.Timestamp(v.release_date), "series": v.series,
                     "has_entry_ids": lv.has_entry_ids, "n_dated_in_year": int((d.dt.year == year).sum())})
    out = pd.DataFrame(rows)
    obs = history.observations
    in_year = set(obs.loc[pd.to_datetime(obs["included_on"]).dt.year == year, "entry_id"])
    dis = history.disappearances
    ch = history.changes
    red = ch[(ch["field"] == "included_on")] if len(ch) else ch
    red_ids = set()
    for r in red.itertuples(index=False):
        if (r.old and r.old.startswith(str(year))) or (r.new and r.new.startswith(str(year))):
            red_ids.add(r.entry_id)
    out["n_disappeared"] = int(dis[(dis["status"] == "disappearance") & dis["entry_id"].isin(in_year)]
                               ["entry_id"].nunique()) if len(dis) else 0
    out["n_renumbered"] = int(dis[(dis["status"] == "renumbered") & dis["entry_id"].isin(in_year)]
                              ["entry_id"].nunique()) if len(dis) else 0
    out["n_redated"] = len(red_ids)
    out.insert(0, "year", year)
    return out
