"""The revision triangle: monthly counts of month *m* as seen in each release *v*.

A release is a point-in-time copy of the registry. Counting its entries by the month of
their inclusion (or exclusion) date gives the monthly series *as that release saw it*;
stacking the releases gives a triangle whose diagonal edge is the first time each month
was seen. Reading along a month's row shows how its count changed in later releases.

Conventions:

* a month is *seen* by a release when the release date is on or after the month's first
  day; months after the release date are not part of that release's row (missing, not 0);
* ``lag_months`` is the number of calendar months from *m* to the month of the release
  (0 = the release falls inside *m*, so *m* was still running);
* inclusions count entries (rows), a re-inclusion being a second entry, as in
  :mod:`analysis.series`; exclusions count entries with an exclusion date in *m*, and are
  missing for a release whose loader found it does not show exclusions.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from .store import LoadedVintage

__all__ = ["revision_triangle", "triangle_matrix", "revisions_by_lag", "MEASURES"]

MEASURES = ("inclusions", "exclusions")


def revision_triangle(releases: Sequence[LoadedVintage], *, registry: str,
                      start: str | pd.Period | None = None) -> pd.DataFrame:
    """Long table of the triangle: one row per (measure, month, release).

    Parameters
    ----------
    releases : sequence of LoadedVintage
        The releases to use (e.g. :attr:`History.chain`, or every loaded vintage).
    registry : str
        Registry of the releases kept.
    start : str or Period, optional
        First month kept (default: the month of the earliest release, so that every row
        starts with the month's first sighting or later).

    Returns
    -------
    DataFrame
        ``registry, measure, month`` (``YYYY-MM``), ``release_id, release_date, series,
        lag_months, value`` (``Int64``), sorted by measure, month and release date.
    """
    rel = [lv for lv in releases if lv.vintage.registry == registry]
    if not rel:
        raise ValueError(f"no release of {registry!r}")
    first = min(lv.vintage.release_date for lv in rel)
    start_p = pd.Period(start, freq="M") if start is not None else pd.Period(first, freq="M")
    rows = []
    for lv in rel:
        v = lv.vintage
        rp = pd.Period(v.release_date, freq="M")
        months = pd.period_range(start_p, rp, freq="M")
        if len(months) == 0:
            continue
        for measure in MEASURES:
            col = "included_on" if measure == "inclusions" else "excluded_on"
            if measure == "exclusions" and not lv.exclusions_observed:
                counts = pd.Series(pd.NA, index=months, dtype="Int64")
            else:
                d = lv.frame[col].dropna()
                d = d[d <= pd.Timestamp(v.release_date)]
                per = pd.PeriodIndex(pd.DatetimeIndex(d), freq="M")
                counts = pd.Series(1, index=per).groupby(level=0).sum().reindex(months, fill_value=0)
                counts = counts.astype("Int64")
            for m, val in counts.items():
                rows.append((registry, measure, str(m), v.id, pd.Timestamp(v.release_date), v.series,
                             int((rp - m).n), val))
    out = pd.DataFrame(rows, columns=["registry", "measure", "month", "release_id", "release_date", "series",
                                      "lag_months", "value"])
    out["value"] = out["value"].astype("Int64")
    return out.sort_values(["measure", "month", "release_date", "release_id"], kind="stable", ignore_index=True)


def triangle_matrix(triangle: pd.DataFrame, *, measure: str = "inclusions") -> pd.DataFrame:
    """The triangle as a matrix: rows = months, columns = releases (by date), cells = counts."""
    t = triangle[triangle["measure"] == measure]
    order = t.drop_duplicates("release_id").sort_values(["release_date", "release_id"])["release_id"].tolist()
    m = t.pivot(index="month", columns="release_id", values="value")
    return m.reindex(columns=order)


def revisions_by_lag(triangle: pd.DataFrame, *, measure: str = "inclusions", max_lag: int = 24) -> pd.DataFrame:
    """How the count of a month changes after its first complete release, by lag in months.

    A month is *complete* in a release dated after its last day. For each month *m*, the
    base count is the value in the earliest such release; at lag *k* (calendar months
    from *m* to the release) the value is that of the last release with that lag, or the
    latest one before it when no release fell in that month. The revision at lag *k* is
    value(*k*) − base. Lag 0 is reported separately as the *fill-in*: the count in the
    last release inside the month itself minus the count in the first, i.e. how much a
    running month still grows.

    Returns
    -------
    DataFrame
        ``measure, lag_months, n_months, mean_revision, mean_abs_revision,
        share_revised`` (months whose count differs from the base), ``total_revision``,
        for lag 0 (fill-in) and lags 1 … ``max_lag``. Months first seen complete only at
        a lag above 1 (a gap in the releases) are left out of lags ≥ 1.
    """
    t = triangle[(triangle["measure"] == measure) & triangle["value"].notna()]
    t = t.sort_values(["month", "release_date", "release_id"], kind="stable")
    recs = []
    for month, g in t.groupby("month", sort=True):
        inside = g[g["lag_months"] == 0]
        if len(inside) >= 2:
            recs.append((month, 0, int(inside["value"].iloc[-1]) - int(inside["value"].iloc[0])))
        done = g[g["lag_months"] >= 1]
        if done.empty or int(done["lag_months"].iloc[0]) != 1:
            continue
        base = int(done["value"].iloc[0])
        last_at = done.groupby("lag_months")["value"].last()
        latest_lag = int(done["lag_months"].max())
        val = base
        for k in range(1, min(max_lag, latest_lag) + 1):
            if k in last_at.index:
                val = int(last_at.loc[k])
            recs.append((month, k, val - base))
    cols = ["measure", "lag_months", "n_months", "mean_revision", "mean_abs_revision", "share_revised",
            "total_revision"]
    df = pd.DataFrame(recs, columns=["month", "lag_months", "revision"])
    if df.empty:
        return pd.DataFrame(columns=cols)
    g = df.groupby("lag_months")["revision"]
    out = pd.DataFrame({
        "n_months": g.size(),
        "mean_revision": g.mean().round(4),
        "mean_abs_revision": g.apply(lambda s: float(np.abs(s).mean())).round(4),
        "share_revised": g.apply(lambda s: float((s != 0).mean())).round(4),
        "total_revision": g.sum().astype("int64"),
    }).reset_index()
    out.insert(0, "measure", measure)
    return out[cols]
