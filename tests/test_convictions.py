"""Tests of the annual conviction series and the cross-checks.

Synthetic part-level frames test the arithmetic (sums over parts, missing versus
zero, combined rows, form priority); the real forms test the figures quoted in
``cdep_annual_forms/PROVENANCE.md`` and the published-figures table.
"""
from __future__ import annotations


import numpy as np
import pandas as pd
import pytest

from analysis.convictions import (
    DEFAULT_ARTICLES,
    AnnualConvictionSchema,
    annual_convictions,
    compare_forms,
    cross_check_published,
)
from analysis.errors import InputError
from analysis.schemas import ConvictionSchema
from analysis.sources.base import LoadResult
from analysis.sources.published import load_published_convictions


# --------------------------------------------------------------------------- test data

def conv(rows, source_id="t"):
    """A ConvictionSchema frame from (article, part, charge, year, value) tuples."""
    df = pd.DataFrame(rows, columns=["article", "part", "charge", "year", "value"])
    df["source_id"] = source_id
    df["source_row"] = range(1, len(df) + 1)
    df = df.astype({"article": str, "charge": str, "year": "int64", "value": "int64",
                    "source_id": str, "source_row": "int64"})
    df["part"] = pd.Series(df["part"].tolist(), index=df.index, dtype="str")
    return ConvictionSchema.validate(df)


def result(frame, *, form="10-а", year=None, combined=(), months=12):
    meta = {"form": form, "months": months, "combined_rows": list(combined)}
    if year is not None:
        meta["year"] = year
    empty = pd.DataFrame({c: pd.Series([], dtype="int64" if c == "source_row" else "str")
                          for c in ["source_id", "source_row", "column", "raw_value", "reason", "status"]})
    return LoadResult(frame=frame, rejects=empty, rows_in=len(frame), source_id="t", file="synthetic", meta=meta)


def value(out, article, charge, year):
    v = out[(out["article"] == article) & (out["charge"] == charge) & (out["year"] == year)]["value"]
    assert len(v) == 1
    return None if pd.isna(v.iloc[0]) else int(v.iloc[0])


# --------------------------------------------------------------------------- arithmetic

def test_parts_are_summed_and_all_is_main_plus_additional():
    f = conv([
        ("280", "1", "main", 2020, 12), ("280", "2", "main", 2020, 264),
        ("280", "1", "additional", 2020, 10), ("280", "2", "additional", 2020, 70),
        ("280", "2", "main", 2020, 5),  # an old-edition row of the same part: its own persons
        ("280", "2", "additional", 2020, 1),
    ])
    out = annual_convictions([f], articles=["280"], years=[2020])
    assert value(out, "280", "main", 2020) == 281
    assert value(out, "280", "additional", 2020) == 81
    assert value(out, "280", "all", 2020) == 362
    AnnualConvictionSchema.validate(out)
    assert list(out.columns) == ["article", "charge", "year", "value"]


def test_absent_article_is_missing_not_zero():
    f = conv([("275", None, "main", 2021, 14), ("275", None, "additional", 2021, 0),
              ("275", None, "main", 2022, 16), ("275", None, "additional", 2022, 0),
              ("207.3", "1", "main", 2022, 14), ("207.3", "1", "additional", 2022, 0)])
    out = annual_convictions([f], articles=["207.3", "275"], years=[2021, 2022, 2023])
    assert value(out, "207.3", "main", 2021) is None  # not in the 2021 form: did not exist
    assert value(out, "207.3", "main", 2022) == 14
    assert value(out, "275", "additional", 2022) == 0  # printed zero stays zero
    assert value(out, "275", "main", 2023) is None  # no form for 2023
    assert out["year"].tolist()[:3] == [2021, 2022, 2023]
    assert out["article"].unique().tolist() == ["207.3", "275"]
    assert out["charge"].unique().tolist() == ["main", "additional", "all"]


def test_one_row_per_article_charge_year_in_numeric_order():
    f = conv([("275", None, "main", 2022, 1), ("275", None, "additional", 2022, 0)])
    out = annual_convictions([f], articles=["280", "275.1", "275", "282.4", "282"], years=range(2009, 2025))
    assert len(out) == 5 * 3 * 16
    assert out["article"].unique().tolist() == ["275", "275.1", "280", "282", "282.4"]
    assert not out.duplicated(["article", "charge", "year"]).any()


def test_zero_combined_row_makes_its_articles_zero():
    f = conv([("275.1", None, "main", 2022, 0), ("275.1", None, "additional", 2022, 0)])
    combined = [{"source_row": 9, "code": "280.4 ч. 1, 282.4 ч. 2",
                 "components": (("280.4", "1"), ("282.4", "2")), "main": 0, "additional": 1}]
    out = annual_convictions([result(f, year=2022, combined=combined)], articles=["280.4", "282.4"],
                             years=[2022])
    assert value(out, "280.4", "main", 2022) == 0
    assert value(out, "282.4", "main", 2022) == 0
    assert value(out, "280.4", "additional", 2022) is None  # 1 person, article unknown
    assert value(out, "280.4", "all", 2022) is None


def test_combined_row_of_one_article_counts_towards_it():
    f = conv([("284.1", None, "main", 2021, 1), ("284.1", None, "additional", 2021, 0)])
    combined = [{"source_row": 9, "code": "284.1 ч. 2; 284.1 ч. 3",
                 "components": (("284.1", "2"), ("284.1", "3")), "main": 3, "additional": 2}]
    out = annual_convictions([result(f, year=2021, combined=combined)], articles=["284.1"], years=[2021])
    assert value(out, "284.1", "main", 2021) == 4
    assert value(out, "284.1", "additional", 2021) == 2


def test_form10a_preferred_over_form10_3_and_10_3_fills_gaps():
    a = conv([("275", None, "main", 2022, 16), ("275", None, "additional", 2022, 0)])
    b22 = conv([("275", None, "main", 2022, 99)])
    b23 = conv([("275", None, "main", 2023, 39)])
    out = annual_convictions([result(b22, form="10.3", year=2022), result(a, year=2022),
                              result(b23, form="10.3", year=2023)], articles=["275"], years=[2022, 2023])
    assert value(out, "275", "main", 2022) == 16
    assert value(out, "275", "main", 2023) == 39
    assert value(out, "275", "additional", 2023) is None  # form 10.3 has no additional charge
    assert value(out, "275", "all", 2023) is None


def test_half_year_report_is_refused():
    f = conv([("275", None, "main", 2024, 52)])
    with pytest.raises(InputError, match="6 months"):
        annual_convictions([result(f, year=2024, months=6)], articles=["275"], years=[2024])


def test_compare_forms_reports_differences():
    a = conv([("282", "1", "main", 2017, 461), ("282", "2", "main", 2017, 1), ("282", "1", "additional", 2017, 9)])
    b = conv([("282", "1", "main", 2017, 460), ("282", "2", "main", 2017, 1), ("283", "1", "main", 2017, 3)])
    out = compare_forms([a], [b])
    assert out[["article", "part", "form10a", "form10_3", "difference"]].values.tolist() == [
        ["282", "1", 461, 460, 1], ["282", "2", 1, 1, 0]]


# --------------------------------------------------------------------------- real forms

@pytest.fixture(scope="session")
def series(cdep_forms):
    results = list(cdep_forms["10a"].values()) + list(cdep_forms["10.3"].values())
    return cdep_forms, annual_convictions(results)


KNOWN_MAIN = {
    "275": {2013: 4, 2015: 6, 2016: 14, 2017: 4, 2022: 16, 2023: 39, 2024: 145},
    "276": {2016: 3, 2017: 2, 2022: 1, 2023: 9, 2024: 23},
    "275.1": {2023: 2, 2024: 21},
    "207.3": {2022: 14, 2023: 59, 2024: 82},
    "280.3": {2022: 2, 2023: 46, 2024: 63},
    "282.4": {2023: 39},
    "282": {2017: 462, 2018: 426, 2019: 19},
    "280.4": {2023: 4, 2024: 14},
    "284.1": {2022: 2, 2023: 6, 2024: 6},
    "205.2": {2022: 274, 2023: 281, 2024: 410},
    "280": {2022: 276, 2023: 185, 2024: 215},
}
#: Treason 2009–2021 (PROVENANCE of convictions_published).
TREASON_2009_2021 = [4, 5, 6, 6, 4, 15, 6, 14, 4, 4, 8, 6, 14]


def test_known_main_charge_answers(series):
    _, out = series
    for article, by_year in KNOWN_MAIN.items():
        for year, expected in by_year.items():
            assert value(out, article, "main", year) == expected, (article, year)
    assert [value(out, "275", "main", y) for y in range(2009, 2022)] == TREASON_2009_2021


def test_known_main_plus_additional_answers(series):
    _, out = series
    assert (value(out, "280.3", "main", 2022), value(out, "280.3", "additional", 2022)) == (2, 1)
    assert value(out, "280.3", "all", 2022) == 3
    assert (value(out, "280.3", "main", 2023), value(out, "280.3", "additional", 2023)) == (46, 4)
    assert value(out, "280.3", "all", 2023) == 50  # Kommersant's «50»
    assert (value(out, "282.4", "main", 2023), value(out, "282.4", "additional", 2023)) == (39, 1)
    assert value(out, "282.4", "all", 2023) == 40


def test_series_shape_and_missingness(series):
    _, out = series
    AnnualConvictionSchema.validate(out)
    assert set(out["article"]) == set(DEFAULT_ARTICLES)
    assert sorted(set(out["year"])) == list(range(2009, 2025))
    assert len(out) == len(DEFAULT_ARTICLES) * 3 * 16
    # Articles introduced in 2022 are missing before, never zero.
    for article in ("207.3", "280.3", "275.1", "280.4", "282.4"):
        before = out[(out["article"] == article) & (out["year"] < 2022)]["value"]
        assert before.isna().all(), article
    assert value(out, "280.4", "main", 2022) == 0  # only a combined zero row in 2022
    assert value(out, "282.4", "main", 2022) == 0
    # 2009 additional column has no stated unit: missing, and so is «all».
    y2009 = out[out["year"] == 2009]
    assert y2009[y2009["charge"] != "main"]["value"].isna().all()
    assert y2009[(y2009["charge"] == "main") & (y2009["article"] == "275")]["value"].tolist() == [4]
    # all = main + additional wherever both exist.
    wide = out.pivot_table(index=["article", "year"], columns="charge", values="value", aggfunc="first")
    both = wide.dropna()
    assert (both["all"] == both["main"] + both["additional"]).all()


def test_main_charge_equals_chapter_totals_where_published(series):
    # Chapter 29 main-charge totals quoted by Sputnik, Team 29, Rosbalt/Ridus.
    forms, _ = series
    for year, expected in {2016: 588, 2022: 668, 2023: 862}.items():
        f = forms["10a"][year].frame
        f = f[(f["charge"] == "main") & f["article"].map(lambda a: 275 <= float(a) < 285)]
        combined = sum(c["main"] or 0 for c in forms["10a"][year].meta["combined_rows"]
                       if c["components"] and all(275 <= float(a) < 285 for a, _ in c["components"]))
        assert int(f["value"].sum()) + combined == expected


def test_compare_forms_on_political_articles(series):
    forms, _ = series
    out = compare_forms(forms["10a"].values(), forms["10.3"].values(), articles=DEFAULT_ARTICLES)
    assert len(out) > 300
    assert (out["difference"] == 0).all()


def test_cross_check_with_published_table(series, mirror):
    forms, _ = series
    pub = load_published_convictions(mirror / "convictions_published/convictions_by_article.csv")
    results = list(forms["10a"].values()) + list(forms["10.3"].values())
    out = cross_check_published(results, pub)
    assert list(out.columns) == ["article", "part", "year", "measure", "charge", "published", "ours",
                                 "difference", "origin", "source_name", "source_row"]
    official = out[out["origin"] == "official_table"]
    assert len(official) > 300
    assert official["ours"].notna().all()
    assert (official["difference"] == 0).all()
    # Media figures that differ are exactly the conflicts documented in PROVENANCE.md:
    # Kommersant's main+additional for 280.3 (2022: 3, 2023: 50) and 282.4 (2023: 40),
    # and NEWSru/Kommersant's 460 for art. 282 in 2017 (form: 462).
    differ = out[(out["difference"] != 0) & out["difference"].notna()]
    got = sorted(zip(differ["article"], differ["year"], differ["published"], differ["ours"]))
    assert got == sorted([("280.3", 2022, 3, 2), ("280.3", 2022, 3, 2), ("280.3", 2023, 50, 46),
                          ("280.3", 2023, 50, 46), ("282", 2017, 460, 462), ("282.4", 2023, 40, 39)])
    treason_2024 = out[(out["article"] == "275") & (out["year"] == 2024) & (out["measure"] == "convicted")]
    assert treason_2024["ours"].tolist() == [145] and treason_2024["difference"].tolist() == [0]
    assert np.isin(out["charge"].unique(), ["main", "additional", "all"]).all()


def test_non_conviction_result_is_refused(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("article,code,period_start,period_end,measure,value,source_name,source_url,"
                    "source_quote,retrieved_from\n275,UK,2024-01-01,2024-12-31,convicted,145,X,,,web page\n",
                    encoding="utf-8")
    with pytest.raises(TypeError, match="not a conviction frame"):
        annual_convictions([load_published_convictions(path)], articles=["275"], years=[2024])
    with pytest.raises(TypeError, match="expected LoadResult or DataFrame"):
        annual_convictions([[1, 2, 3]], articles=["275"], years=[2024])
