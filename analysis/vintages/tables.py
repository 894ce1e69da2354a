"""The frames a report section on vintages needs, computed from the loaded vintages (pure functions).

:func:`vintage_tables` returns every aggregate table (no names, registry numbers at most);
:func:`audit_tables` the per-entry tables that name entries (audit output only). Both are
what ``python -m analysis vintages`` writes, and what a report calls.
"""
from __future__ import annotations

from typing import Any, Sequence

import pandas as pd

from .checks import inclusion_date_agreement, year_across_releases
from .history import History, build_history, changes_by_kind
from .lag import lag_distribution, publication_lags
from .nowcast import backtest_nowcast, nowcast_monthly
from .store import LoadedVintage
from .triangle import revision_triangle, revisions_by_lag

__all__ = ["histories", "vintage_tables", "audit_tables", "AGREEMENT_PAIRS", "YEAR_CHECKED"]

#: Releases compared on inclusion dates: (release, release) ids.
AGREEMENT_PAIRS = (("fa_pdf_2024_02_02", "fa_csv_2024_02_02"), ("fa_pdf_2024_02_02", "fa_export_2025_08_15"),
                   ("fa_csv_2024_02_02", "fa_export_2025_08_15"))
#: The year whose entries are followed across releases (published counts differ for it).
YEAR_CHECKED = 2024


def _iso(col: pd.Series) -> pd.Series:
    """Dates as ``YYYY-MM-DD`` text (missing stays missing), whatever the column's dtype."""
    return pd.to_datetime(col).dt.strftime("%Y-%m-%d").astype(object)


def histories(loaded: Sequence[LoadedVintage]) -> dict[str, History]:
    """The history of each registry present in ``loaded``."""
    regs = sorted({lv.vintage.registry for lv in loaded})
    return {r: build_history(loaded, registry=r) for r in regs}


def _vintage_list(loaded: Sequence[LoadedVintage], hist: dict[str, History]) -> pd.DataFrame:
    in_chain = {lv.vintage.id for h in hist.values() for lv in h.chain}
    rows = []
    for lv in loaded:
        v, r = lv.vintage, lv.result
        rej = r.rejects
        n_rej = int((rej["status"] == "rejected").sum()) if len(rej) else 0
        rows.append({"id": v.id, "registry": v.registry, "series": v.series,
                     "release_date": v.release_date.isoformat(), "release_date_from": v.release_date_from,
                     "pin": v.pin, "sha256": v.sha256, "rows_in": r.rows_in, "accepted": r.accepted,
                     "rejected": n_rej, "skipped": r.rejected - n_rej,
                     "exclusions_observed": lv.exclusions_observed, "has_entry_ids": lv.has_entry_ids,
                     "in_chain": v.id in in_chain})
    return pd.DataFrame(rows)


def _rejects_by_reason(loaded: Sequence[LoadedVintage]) -> pd.DataFrame:
    rows = []
    for lv in loaded:
        rej = lv.result.rejects
        for (reason, status), n in rej.groupby(["reason", "status"]).size().items() if len(rej) else []:
            rows.append({"id": lv.vintage.id, "registry": lv.vintage.registry, "reason": reason,
                         "status": status, "n_rows": int(n)})
    return pd.DataFrame(rows, columns=["id", "registry", "reason", "status", "n_rows"])


def vintage_tables(loaded: Sequence[LoadedVintage], *, hist: dict[str, History] | None = None,
                   level: float = 0.9, n_draws: int = 1000, rng: Any = 0) -> dict[str, pd.DataFrame]:
    """Every aggregate table of ``data/processed/vintages/``, by file stem.

    ========================  ==================================================================
    table                     content
    ========================  ==================================================================
    ``vintages``              every vintage: dates, how known, pin, sha256, row accounting
    ``rejects_by_reason``     rejected and skipped rows by vintage and reason
    ``changes_by_kind``       entry changes by field, kind (event/correction/artefact), reason
    ``changes_by_release``    the same by release of the chain
    ``disappearances``        registry numbers missing from a release after the one before
    ``revision_triangle``     monthly inclusions and exclusions of each month in each release
    ``revisions_by_lag``      fill-in of the running month and revisions after it, by lag
    ``publication_lag``       lag quantiles by registry, year and category (and all categories)
    ``nowcast``               nowcast of the last three months at the latest chain release
    ``nowcast_backtest``      back-test coverage by months before the cutoff, per registry
    ``agreement``             inclusion-date agreement of the releases in :data:`AGREEMENT_PAIRS`
    ``year_check``            entries dated :data:`YEAR_CHECKED` across the releases
    ========================  ==================================================================
    """
    hist = hist or histories(loaded)
    by_id = {lv.vintage.id: lv for lv in loaded}
    t: dict[str, pd.DataFrame] = {"vintages": _vintage_list(loaded, hist),
                                  "rejects_by_reason": _rejects_by_reason(loaded)}
    kinds, by_rel, dis, tri, rev, lags, now, bt, year = [], [], [], [], [], [], [], [], []
    for reg, h in hist.items():
        kinds.append(changes_by_kind(h.changes, registry=reg))
        if len(h.changes):
            g = h.changes.groupby(["to_release", "to_date", "field", "kind"], sort=False).size()
            g = g.rename("n_changes").reset_index().sort_values(["to_date", "to_release", "field", "kind"],
                                                                   kind="stable")
            g.insert(0, "registry", reg)
            g["to_date"] = _iso(g["to_date"])
            by_rel.append(g)
        d = h.disappearances.copy()
        d.insert(0, "registry", reg)
        for c in ("last_seen_date", "missing_from_date"):
            d[c] = _iso(d[c])
        dis.append(d)
        tri_r = revision_triangle([lv for lv in loaded if lv.vintage.registry == reg], registry=reg)
        chain_ids = {lv.vintage.id for lv in h.chain}
        tri_r["in_chain"] = tri_r["release_id"].isin(chain_ids)
        tri_r["release_date"] = _iso(tri_r["release_date"])
        tri.append(tri_r)
        chain_tri = tri_r[tri_r["in_chain"]]
        for measure in ("inclusions", "exclusions"):
            r = revisions_by_lag(chain_tri, measure=measure)
            r.insert(0, "registry", reg)
            rev.append(r)
        pl = publication_lags(h)
        for by in (("year",), ("year", "category")):
            q = lag_distribution(pl, by=by)
            if "category" not in q.columns:
                q.insert(1, "category", "all")
            q.insert(0, "registry", reg)
            lags.append(q)
        n = nowcast_monthly(h, level=level, n_draws=n_draws, rng=rng).to_frame()
        n.insert(0, "registry", reg)
        n.insert(1, "snapshot_release", h.chain[-1].vintage.id)
        now.append(n)
        b = backtest_nowcast(h, level=level, n_draws=n_draws, rng=rng)
        cb = b.coverage_by_month()
        cb.insert(0, "registry", reg)
        cb.insert(1, "truth_release", b.truth_release)
        cb.loc[len(cb)] = {"registry": reg, "truth_release": b.truth_release, **b.overall()}
        bt.append(cb)
        if reg == "foreign_agents":
            year.append(year_across_releases(loaded, h, year=YEAR_CHECKED))
    t["changes_by_kind"] = pd.concat(kinds, ignore_index=True)
    t["changes_by_release"] = pd.concat(by_rel, ignore_index=True) if by_rel else pd.DataFrame()
    t["disappearances"] = pd.concat(dis, ignore_index=True)
    t["revision_triangle"] = pd.concat(tri, ignore_index=True)
    t["revisions_by_lag"] = pd.concat(rev, ignore_index=True)
    t["publication_lag"] = pd.concat(lags, ignore_index=True)
    t["nowcast"] = pd.concat(now, ignore_index=True)
    t["nowcast_backtest"] = pd.concat(bt, ignore_index=True)
    agree = []
    for a, b_ in AGREEMENT_PAIRS:
        if a in by_id and b_ in by_id:
            r = inclusion_date_agreement(by_id[a], by_id[b_])
            r["disagreeing"] = " ".join(map(str, r["disagreeing"]))
            r["rate"] = round(r["rate"], 6)
            agree.append(r)
    t["agreement"] = pd.DataFrame(agree)
    if year:
        y = pd.concat(year, ignore_index=True)
        y["release_date"] = _iso(y["release_date"])
        t["year_check"] = y
    return t


def audit_tables(hist: dict[str, History]) -> dict[str, pd.DataFrame]:
    """Per-entry tables that name entries: ``entry_histories``, ``entry_changes``, ``publication_lags``."""
    eh, ec, pl = [], [], []
    for reg, h in hist.items():
        e = h.entries.copy()
        e.insert(0, "registry", reg)
        eh.append(e)
        c = h.changes.copy()
        c.insert(0, "registry", reg)
        ec.append(c)
        p = publication_lags(h)
        p.insert(0, "registry", reg)
        pl.append(p)
    return {"entry_histories": pd.concat(eh, ignore_index=True), "entry_changes": pd.concat(ec, ignore_index=True),
            "publication_lags": pd.concat(pl, ignore_index=True)}
