"""Every article part (form 10-а), punishments (form 10.3), titles and chapters, from the mirror.

References are independent of the code: the chapter totals the forms print, figures
published in the press and checked in PROVENANCE.md, and form 10.3's own total.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.court_tables import read_article_titles, read_convictions_all, read_punishments
from analysis.punishments import missing_columns, punishment_groups

pytestmark = pytest.mark.raw


@pytest.fixture(scope="module")
def processed(built):
    return built[0]


def test_convictions_all_covers_every_part_and_year(processed):
    c = read_convictions_all(processed)
    assert list(c.columns) == ["article", "part", "charge", "year", "value"]
    series = c[["article", "part"]].drop_duplicates()
    assert len(series) >= 800
    per = c.groupby(["article", c["part"].fillna(""), "charge"]).size()
    assert (per == 16).all() and set(c["year"]) == set(range(2009, 2025))
    assert set(c["charge"]) == {"main", "additional", "all"}
    wide = c.assign(part=c["part"].fillna("")).pivot_table(index=["article", "part", "year"], columns="charge",
                                                            values="value", aggfunc="first")
    both = wide.dropna()
    assert (both["all"] == both["main"] + both["additional"]).all()
    assert c.loc[(c["year"] == 2009) & (c["charge"] == "additional"), "value"].isna().all()


@pytest.mark.parametrize("article,year,charge,expected", [
    ("275", 2024, "main", 145), ("275", 2013, "main", 4), ("276", 2024, "main", 23),
    ("207.3", 2022, "main", 14), ("207.3", 2024, "main", 82), ("280.3", 2023, "all", 50),
    ("282.4", 2023, "all", 40), ("275.1", 2024, "main", 21),
])
def test_published_figures(processed, article, year, charge, expected):
    """Figures published in the press (PROVENANCE.md, «Validation against independently published figures»)."""
    c = read_convictions_all(processed)
    sel = c[(c["article"] == article) & (c["year"] == year) & (c["charge"] == charge)]
    assert int(sel["value"].sum()) == expected


def test_chapter_totals_the_forms_print(processed):
    """Every chapter of every year: printed total = parts + unsplittable combined + rejected + withheld rows."""
    t = pd.read_csv(processed / "chapter_totals.csv")
    assert set(t["year"]) == set(range(2009, 2025)) and (t.groupby("year").size() >= 17).all()
    exact = (t["difference"] == 0).mean()
    assert exact >= 0.98
    assert (t["difference"].abs() <= 0.01 * t["printed"]).all()


def test_two_editions_in_one_row_count_in_the_current_part(processed, cdep_forms):
    """«232 ч.3 н.р., 232 ч.2 ст.р.» (2015): the 5 persons are part 3; part 2 keeps its own row."""
    c = read_convictions_all(processed)
    main = c[(c["charge"] == "main") & (c["article"] == "232") & (c["year"] == 2015)].set_index("part")["value"]
    own = cdep_forms["10a"][2015].frame
    own = own[(own["article"] == "232") & (own["part"] == "2") & (own["charge"] == "main")]["value"].sum()
    assert main["2"] == own
    comb = [r for r in cdep_forms["10a"][2015].meta["combined_rows"] if r["code"].startswith("232")][0]
    assert main["3"] == comb["main"]


def test_punishments_match_published_and_form_totals(processed):
    p = read_punishments(processed)
    g = punishment_groups(p)
    art = g[g["article"] == "207.3"].groupby(["year", "group"])["value"].sum()
    # Kommersant (2022) and RIA Novosti (2024), as recorded in PROVENANCE.md
    assert (art[(2022, "imprisonment")], art[(2022, "suspended")], art[(2022, "fine")]) == (2, 4, 4)
    assert (art[(2024, "imprisonment")], art[(2024, "suspended")], art[(2024, "fine")]) == (62, 2, 8)
    # groups add up to the persons convicted
    wide = g.assign(part=g["part"].fillna("")).pivot_table(index=["article", "part", "year"], columns="group",
                                                           values="value", aggfunc="first")
    assert len(wide) == len(p)
    groups = wide[["imprisonment", "suspended", "fine", "compulsory_correctional", "other"]].sum(axis=1)
    over = wide["convicted"] < groups
    assert ((groups == wide["convicted"]) | over).all() and over.sum() == len(g.attrs["exceeding"]) <= 20
    # form 10.3's total equals form 10-а column 1 (main charge) in almost every row
    c = read_convictions_all(processed)
    m = c[c["charge"] == "main"].assign(part=c["part"].fillna("")).set_index(["article", "part", "year"])["value"]
    pp = p.assign(part=p["part"].fillna("")).set_index(["article", "part", "year"])["convicted"]
    j = pd.concat({"a": m, "b": pp}, axis=1, join="inner").dropna()
    assert len(j) > 12000 and (j["a"] != j["b"]).mean() < 0.01


def test_punishment_columns_by_header_text(processed):
    cols = pd.read_csv(processed / "punishment_columns.csv")
    miss = missing_columns(cols).set_index("category")["years_missing"]
    assert miss["forced_labour"] == "2009, 2010, 2011, 2012, 2013"
    assert miss["arrest"] == "2009"
    assert "imprisonment" not in miss.index and "fine" not in miss.index and "suspended_imprisonment" not in miss.index
    heads = cols[cols["category"] == "imprisonment"].set_index("year")["header"]
    assert heads[2009].startswith("Лишение свободы") and heads[2020] == "primaryImprisonment"


def test_titles_and_chapters_from_the_forms(processed):
    t = read_article_titles(processed)
    art = t[t["part"].isna()].set_index("article")
    assert art.loc["275", "article_title"] == "Государственная измена"
    assert art.loc["275", "chapter"] == 29 and art.loc["207.3", "chapter"] == 24
    assert art.loc["280.3", "chapter_title"].startswith("ПРЕСТУПЛЕНИЯ ПРОТИВ ОСНОВ КОНСТИТУЦИОННОГО СТРОЯ")
    c = read_convictions_all(processed)
    keys = set(zip(c["article"], c["part"].fillna("")))
    titled = set(zip(t["article"], t["part"].fillna("")))
    assert len(keys - titled) <= 0.02 * len(keys)
    assert np.mean(t.loc[t["part"].isna(), "chapter"].notna()) > 0.9
