"""A small synthetic ``data/processed`` folder with the layout ``python -m analysis build`` writes.

Seeded, so every call writes the same bytes. Used by the report and notebook tests so
that they do not depend on the real processed data; one source name carries markup
(``<script>`` and ``&``) to test escaping.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

HOSTILE = 'Fund <script>alert("x")</script> & Partners'


def _long(registry: str, measure: str, category: str, months: pd.PeriodIndex, values, end: str,
          start: str) -> list[dict]:
    rows = []
    for p, v in zip(months, values):
        inside = str(start) <= str(p) <= end
        rows.append({"registry": registry, "measure": measure, "category": category,
                     "month": str(p), "value": (int(v) if inside and v is not None else None),
                     "complete": str(p) != end})
    return rows


def _registry_rows(rng: np.random.Generator, registry: str, start: str, end: str,
                   rates: list[tuple[str, float]], split: dict[str, float], with_exclusions: bool,
                   months: pd.PeriodIndex) -> list[dict]:
    lam = np.zeros(len(months))
    for when, rate in rates:
        lam[months >= pd.Period(when, "M")] = rate
    incl = rng.poisson(lam)
    rows: list[dict] = []
    groups = list(split)
    parts = np.zeros((len(incl), len(groups)), dtype=int)
    for prefix in sorted({g.split(":")[0] for g in groups}):
        cols = [i for i, g in enumerate(groups) if g.split(":")[0] == prefix]
        probs = np.array([split[groups[i]] for i in cols])
        parts[:, cols] = np.array([rng.multinomial(n, probs / probs.sum()) for n in incl])
    excl = rng.binomial(incl, 0.15) if with_exclusions else None
    for cat, vals in [("all", incl)] + [(g, parts[:, i]) for i, g in enumerate(groups)]:
        rows += _long(registry, "inclusions", cat, months, vals, end, start)
        if with_exclusions:
            ex = excl if cat == "all" else rng.binomial(vals, 0.15)
            rows += _long(registry, "exclusions", cat, months, ex, end, start)
            rows += _long(registry, "net", cat, months, vals - ex, end, start)
            rows += _long(registry, "active", cat, months, np.cumsum(vals - ex), end, start)
        else:
            rows += _long(registry, "exclusions", cat, months, [None] * len(months), end, start)
            rows += _long(registry, "net", cat, months, [None] * len(months), end, start)
            rows += _long(registry, "active", cat, months, np.cumsum(vals), end, start)
    return rows


def write_synthetic_processed(folder: Path, seed: int = 7) -> Path:
    """Write a complete synthetic processed-data folder and return it."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    months = pd.period_range("2013-01", "2026-07", freq="M")
    fa_split = {"kind:individual": 0.6, "kind:organisation": 0.4}
    fa_cat = {"category:individual": 0.6, "category:legal_entity": 0.2,
              "category:unregistered_association": 0.1, "category:foreign_structure": 0.1}
    fa_basis = {"basis:7-FZ art. 32": 0.3, "basis:255-FZ art. 7": 0.7}
    rows = []
    rows += _registry_rows(rng, "foreign_agents", "2013-06", "2026-07",
                           [("2013-06", 2.0), ("2021-01", 9.0), ("2022-12", 16.0)],
                           {**fa_split, **fa_cat, **fa_basis}, True, months)
    rows += _registry_rows(rng, "undesirable", "2015-07", "2026-07",
                           [("2015-07", 0.4), ("2020-01", 1.5), ("2023-01", 6.0)],
                           {"kind:organisation": 1.0, "basis:129-FZ": 1.0}, False, months)
    monthly = pd.DataFrame(rows)
    monthly = monthly.sort_values(["registry", "measure", "category", "month"], kind="stable")
    monthly.to_csv(folder / "monthly_series.csv", index=False)

    alt = []
    und = monthly[(monthly.registry == "undesirable")].copy()
    und["date_basis"] = "decision"
    und.loc[und.month > "2024-08", "value"] = None
    und.loc[und.month >= "2024-07", "complete"] = und.loc[und.month >= "2024-07", "month"] > "2024-08"
    und.loc[und.month > "2024-08", "complete"] = True
    alt.append(und)
    fa = monthly[(monthly.registry == "foreign_agents")].copy()
    fa["date_basis"] = "first_listing_only"
    fa["value"] = fa["value"].astype("Float64")
    mask = (fa.measure == "inclusions") & (fa.month == "2022-11") & (fa.category == "all")
    fa.loc[mask, "value"] = fa.loc[mask, "value"] - 1
    alt.append(fa)
    alt_df = pd.concat(alt)
    alt_df["value"] = alt_df["value"].astype("Int64")
    alt_df = alt_df[["date_basis", "registry", "measure", "category", "month", "value", "complete"]]
    alt_df.to_csv(folder / "monthly_series_alt.csv", index=False)

    weeks = pd.date_range("2024-01-01", "2024-03-25", freq="W-MON")
    wk = pd.DataFrame({"date_basis": "listing", "registry": "foreign_agents", "measure": "inclusions",
                       "category": "all", "week": weeks.strftime("%Y-%m-%d"),
                       "value": rng.poisson(3, len(weeks)), "complete": True})
    wk.to_csv(folder / "weekly_series.csv", index=False)

    cal = pd.DataFrame({"month": [str(p) for p in months],
                        "days": [p.days_in_month for p in months],
                        "fridays": [int(((pd.date_range(p.start_time, p.end_time.normalize())
                                          .day_of_week) == 4).sum()) for p in months]})
    cal.to_csv(folder / "calendar.csv", index=False)

    conv = []
    for art, base, jump, first in [("275", 6, 40, 2009), ("205.2", 60, 200, 2009), ("280", 150, 250, 2009),
                                   ("282", 300, 45, 2009), ("207.3", 10, 50, 2022)]:
        for year in range(2009, 2025):
            exists = year >= first
            lam_main = (base if year < 2022 else jump) * (1 + 0.05 * (year - 2009))
            main = int(rng.poisson(lam_main)) if exists else None
            add = int(rng.poisson(0.1 * lam_main)) if exists else None
            for charge, v in [("main", main), ("additional", add),
                              ("all", None if main is None else main + add)]:
                conv.append({"article": art, "charge": charge, "year": year, "value": v})
    cdf = pd.DataFrame(conv)
    cdf["value"] = cdf["value"].astype("Int64")
    cdf.to_csv(folder / "annual_convictions.csv", index=False)
    m275 = int(cdf[(cdf.article == "275") & (cdf.charge == "main") & (cdf.year == 2024)].value.iloc[0])
    a275 = int(cdf[(cdf.article == "275") & (cdf.charge == "all") & (cdf.year == 2023)].value.iloc[0])

    pub = pd.DataFrame([
        {"article": "275", "code": "UK", "period_start": "2024-01-01", "period_end": "2024-12-31",
         "measure": "convicted", "value": m275, "source_name": "Outlet A (citing official data)",
         "source_url": "https://example.org/a"},
        {"article": "275", "code": "UK", "period_start": "2023-01-01", "period_end": "2023-12-31",
         "measure": "convicted", "value": a275, "source_name": HOSTILE,
         "source_url": "https://example.org/b?x=1&y=2"},
        {"article": "280", "code": "UK", "period_start": "2023-01-01", "period_end": "2023-06-30",
         "measure": "convicted", "value": 70, "source_name": "Outlet C",
         "source_url": "https://example.org/c"},
    ])
    pub.to_csv(folder / "published_figures.csv", index=False)

    pd.DataFrame([
        {"source_id": "foreign_agents_xlsx", "status": "skipped", "reason": "title row", "n": 2},
        {"source_id": "undesirable_rest_json", "status": "rejected", "reason": "date not parseable", "n": 1},
        {"source_id": "cdep_form10a", "status": "skipped", "reason": HOSTILE, "n": 12},
    ]).to_csv(folder / "rejects_summary.csv", index=False)
    pd.DataFrame([
        {"registry": "foreign_agents", "kind": "re-inclusion kept as separate event", "n": 5},
        {"registry": "undesirable", "kind": "name spelled differently", "n": 3},
    ]).to_csv(folder / "reconciliation_summary.csv", index=False)

    info = {
        "sources": [
            {"id": "foreign_agents_xlsx", "file": "neuron_nexus_inoagents/export.xlsx",
             "sha256": "0" * 64, "snapshot_date": "2025-08-15", "format": "xlsx",
             "licence": "public registry", "url": "https://example.org/export.xlsx",
             "coverage_start": "2013-06-27", "coverage_end": "2025-08-15",
             "rows_in": 1050, "accepted": 1048, "rejected": 2},
            {"id": "undesirable_rest_json", "file": "chekazoid_legal_entity_marks/undesirable-orgs.json",
             "sha256": "1" * 64, "snapshot_date": "2026-07-29", "format": "json",
             "licence": HOSTILE, "url": "https://example.org/u.json",
             "coverage_start": "2015-07-29", "coverage_end": "2026-07-03",
             "rows_in": 367, "accepted": 366, "rejected": 1},
        ],
        "options": {"undesirable_date_basis": "listing", "reinclusions": "separate events"},
        "versions": {"analysis": "0.1.0", "pandas": "3.1.1"},
    }
    (folder / "build_info.json").write_text(json.dumps(info, indent=2, sort_keys=True), encoding="utf-8")
    return folder
