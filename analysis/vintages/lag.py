"""Publication lag: days from the decision date to the first release that shows the entry.

An entry's inclusion date is the date of the ministry's decision. The first release of
the chain that holds the entry bounds its publication from above; the release before
it, which did not hold it, bounds it from below. The lag is therefore known as an
interval ``(lower, upper]`` in days:

* ``upper_days`` = first release showing the entry − decision date;
* ``lower_days`` = previous release − decision date, or 0 when the previous release
  predates the decision (the entry could not have been in it).

The width of the interval is the gap between releases. The weekly ministry PDFs give it
to the day or to the week; a week the copy missed widens it. For a release dated by a
third party's *parse date* (the JSON series), the release date is itself only an upper
bound of the ministry's release, so ``upper_days`` over-states the lag by the days
between the ministry's release and the parse. Entries whose decision precedes the first
release of the chain are left-censored (their first sighting says nothing about their
lag) and are left out.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .history import History

__all__ = ["MAX_GAP_DAYS", "publication_lags", "lag_distribution"]


def publication_lags(history: History) -> pd.DataFrame:
    """One row per entry first seen after the first chain release, with its lag interval.

    Returns
    -------
    DataFrame
        ``entry_id, included_on, year, category, first_release, first_release_date,
        series, release_date_from, lower_days, upper_days`` (registry numbers, dates and
        categories only).
    """
    chain = history.chain
    dates = [pd.Timestamp(lv.vintage.release_date) for lv in chain]
    first_pos = history.observations.groupby("entry_id")["position"].min()
    obs = history.observations.set_index(["entry_id", "position"])
    rows = []
    for eid, pos in first_pos.items():
        if pos == 0:
            continue  # in the first release: left-censored
        r = obs.loc[(eid, pos)]
        decided = pd.Timestamp(r["included_on"])
        upper = (dates[pos] - decided).days
        lower = max(0, (dates[pos - 1] - decided).days + 1) if dates[pos - 1] >= decided else 0
        if upper < 0:
            continue  # cannot happen for a validated frame; kept out rather than guessed
        v = chain[pos].vintage
        rows.append({"entry_id": int(eid), "included_on": decided, "year": decided.year,
                     "category": r["category"], "first_release": v.id, "first_release_date": dates[pos],
                     "series": v.series, "release_date_from": v.release_date_from,
                     "lower_days": int(lower), "upper_days": int(upper),
                     "release_gap_days": int((dates[pos] - dates[pos - 1]).days)})
    cols = ["entry_id", "included_on", "year", "category", "first_release", "first_release_date", "series",
            "release_date_from", "lower_days", "upper_days", "release_gap_days"]
    return pd.DataFrame(rows, columns=cols).sort_values("entry_id", ignore_index=True)


#: Widest gap between two releases (days) across which a first sighting still measures a lag.
MAX_GAP_DAYS = 14


def lag_distribution(lags: pd.DataFrame, *, by: tuple[str, ...] = ("year",),
                     quantiles: tuple[float, ...] = (0.5, 0.9), max_gap_days: int | None = MAX_GAP_DAYS
                     ) -> pd.DataFrame:
    """Quantiles of the lag bounds by group.

    Parameters
    ----------
    lags : DataFrame
        :func:`publication_lags` output.
    by : tuple of str
        Grouping columns (e.g. ``("year",)``, ``("year", "category")``, ``("year", "release_date_from")``).
    quantiles : tuple of float
        Quantiles reported, for both bounds (``upper_q50``, ``lower_q50``, …).
    max_gap_days : int or None, default 14
        Entries first seen after a longer gap between two releases (a missed week, the
        months between two one-off copies) are counted in ``n_too_coarse`` but not used:
        their first sighting bounds the lag only loosely, and, among them, those decided
        shortly before the release would be kept selectively. None uses every entry.

    Returns
    -------
    DataFrame
        ``by… , n_entries, n_too_coarse, upper_q50, upper_q90, lower_q50, lower_q90,
        mean_gap_days`` (mean interval width of the entries used); a group whose every
        entry is too coarse has missing quantiles.

    Notes
    -----
    Quantiles use the lower empirical quantile (``method="inverted_cdf"``), so every
    value reported is a lag that an entry actually had. The true quantile of the lag
    lies between the quantiles of the two bounds.
    """
    if lags.empty:
        return pd.DataFrame(columns=[*by, "n_entries"])
    recs = []
    for key, g_all in lags.groupby(list(by), sort=True):
        key = key if isinstance(key, tuple) else (key,)
        g = g_all[g_all["release_gap_days"] <= max_gap_days] if max_gap_days is not None else g_all
        rec = dict(zip(by, key))
        rec["n_entries"] = len(g)
        rec["n_too_coarse"] = len(g_all) - len(g)
        for bound in ("upper", "lower"):
            vals = g[f"{bound}_days"].to_numpy()
            for q in quantiles:
                rec[f"{bound}_q{int(round(q * 100))}"] = (
                    int(np.quantile(vals, q, method="inverted_cdf")) if len(vals) else pd.NA)
        rec["mean_gap_days"] = round(float((g["upper_days"] - g["lower_days"]).mean()), 2) if len(g) else pd.NA
        recs.append(rec)
    out = pd.DataFrame(recs)
    for c in out.columns:
        if c.startswith(("upper_q", "lower_q")):
            out[c] = out[c].astype("Int64")
    return out
