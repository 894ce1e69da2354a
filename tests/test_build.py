"""The processed tables built from the real raw files: published and documented known answers."""
from __future__ import annotations

import json

import pandas as pd
import pytest

pytestmark = pytest.mark.raw


@pytest.fixture(scope="module")
def monthly(built):
    out, _ = built
    return pd.read_csv(out / "monthly_series.csv", dtype={"value": "Int64", "month": str})


def _v(df, registry, measure, month, category="all"):
    s = df[(df.registry == registry) & (df.measure == measure) & (df.category == category) & (df.month == month)]
    assert len(s) == 1
    return s["value"].iloc[0]


def _year(df, registry, measure, year, category="all"):
    s = df[(df.registry == registry) & (df.measure == measure) & (df.category == category)
           & df.month.str.startswith(str(year))]
    return int(s["value"].sum())


def test_foreign_agent_known_answers(monthly):
    assert _year(monthly, "foreign_agents", "inclusions", 2024) == 164
    assert _v(monthly, "foreign_agents", "inclusions", "2022-08") == 0
    assert _v(monthly, "foreign_agents", "active", "2024-12") == 686
    # PROVENANCE of the official export: per-year inclusions and exclusions
    incl = {2013: 1, 2014: 29, 2015: 81, 2016: 43, 2017: 25, 2018: 7, 2019: 14, 2020: 17, 2021: 110,
            2022: 188, 2023: 227, 2024: 164}
    excl = {2015: 21, 2016: 30, 2017: 34, 2018: 20, 2019: 11, 2020: 9, 2021: 12, 2022: 31, 2023: 25, 2024: 27}
    for y, n in incl.items():
        assert _year(monthly, "foreign_agents", "inclusions", y) == n, y
    for y, n in excl.items():
        assert _year(monthly, "foreign_agents", "exclusions", y) == n, y
    # monthly 2024 from the export's documentation
    months = [15, 12, 21, 11, 8, 17, 14, 10, 16, 15, 11, 14]
    got = [_v(monthly, "foreign_agents", "inclusions", f"2024-{m:02d}") for m in range(1, 13)]
    assert got == months
    assert _v(monthly, "foreign_agents", "inclusions", "2017-12") == 14
    # 2024 by legal basis: 158 under art. 7, 6 under art. 9 of 255-FZ
    assert _year(monthly, "foreign_agents", "inclusions", 2024, "basis:255-FZ art. 7") == 158
    assert _year(monthly, "foreign_agents", "inclusions", 2024, "basis:255-FZ art. 9") == 6


def test_undesirable_known_answers(monthly):
    assert _year(monthly, "undesirable", "inclusions", 2024) == 67
    per_year = {2015: 4, 2016: 3, 2017: 4, 2018: 4, 2019: 4, 2020: 12, 2021: 18, 2022: 22, 2023: 57, 2024: 67,
                2025: 101}
    for y, n in per_year.items():
        assert _year(monthly, "undesirable", "inclusions", y) == n, y
    m2024 = [6, 8, 10, 7, 6, 5, 8, 10, 0, 3, 3, 1]
    assert [_v(monthly, "undesirable", "inclusions", f"2024-{m:02d}") for m in range(1, 13)] == m2024
    # before the 2015 law: missing, not zero; exclusions unobservable: missing
    assert pd.isna(_v(monthly, "undesirable", "inclusions", "2015-05"))
    assert _v(monthly, "undesirable", "inclusions", "2015-06") == 0
    u = monthly[(monthly.registry == "undesirable") & (monthly.measure == "exclusions")]
    assert u["value"].isna().all()


def test_undesirable_cumulative_matches_amnesty(built):
    # Amnesty International: "about 223 organizations" on the list by 19 May 2025
    _, out = built
    ev = out.undesirable.events
    assert int((ev["included_on"] <= "2025-05-19").sum()) == 223


def test_one_row_per_key_and_incomplete_last_month(monthly):
    assert not monthly.duplicated(["registry", "measure", "category", "month"]).any()
    last = monthly[monthly.month == monthly.month.max()]
    assert not last["complete"].any()
    assert list(monthly.columns) == ["registry", "measure", "category", "month", "value", "complete"]


def test_decision_basis_series(built):
    out, _ = built
    alt = pd.read_csv(out / "monthly_series_alt.csv", dtype={"value": "Int64", "month": str})
    d = alt[(alt.date_basis == "decision") & (alt.measure == "inclusions") & (alt.category == "all")]
    by_year = d.assign(y=d.month.str[:4]).groupby("y")["value"].sum()
    # PROVENANCE of the scrape: per year by Prosecutor-General date
    assert by_year["2022"] == 23 and by_year["2023"] == 58 and by_year["2024"] == 58
    assert d[d.month > "2024-08"]["value"].isna().all()
    assert not d[d.month.isin(["2024-07", "2024-08"])]["complete"].any()
    assert d[d.month == "2024-06"]["complete"].all()


def test_annual_convictions_known_answers(built):
    out, _ = built
    c = pd.read_csv(out / "annual_convictions.csv", dtype={"article": str, "value": "Int64"})

    def v(article, charge, year):
        s = c[(c.article == article) & (c.charge == charge) & (c.year == year)]
        assert len(s) == 1
        return s["value"].iloc[0]

    assert v("275", "main", 2024) == 145
    assert v("207.3", "main", 2023) == 59
    assert v("280.3", "main", 2023) == 46 and v("280.3", "all", 2023) == 50
    assert v("282", "main", 2017) == 462
    assert pd.isna(v("207.3", "main", 2021))  # the article did not exist yet


def test_build_info_records_inputs(built):
    out, _ = built
    info = json.loads((out / "build_info.json").read_text(encoding="utf-8"))
    ids = {s["id"] for s in info["sources"]}
    assert "fa_export_2025_08_15" in ids and all(len(s["sha256"]) == 64 for s in info["sources"])
    for s in info["sources"]:
        assert s["rows_in"] == s["accepted"] + s["rejected"]
    assert info["coverage"]["foreign_agents"] == {"start": "2012-11-21", "end": "2026-07-16"}
