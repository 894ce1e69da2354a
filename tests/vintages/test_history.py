"""Histories, changes and disappearances on planted releases; triangle and lags by brute force."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from synthetic_vintages import planted_releases, release

from analysis.vintages.history import build_history, release_chain
from analysis.vintages.lag import lag_distribution, publication_lags
from analysis.vintages.triangle import revision_triangle, revisions_by_lag, triangle_matrix


def test_every_planted_change_is_found_and_classified():
    h = build_history(planted_releases(), registry="foreign_agents")
    got = {(r.entry_id, r.field, r.to_release, r.kind) for r in h.changes.itertuples()}
    assert got == {
        (1, "excluded_on", "r3", "event"),
        (2, "included_on", "r2", "correction"),
        (3, "name", "r2", "artefact"),
        (4, "name", "r4", "correction"),
        (5, "legal_basis", "r3", "artefact"), (5, "legal_basis", "r4", "artefact"),
        (10, "excluded_on", "r4", "artefact"), (10, "excluded_on", "r5", "artefact"),
    }
    undone = h.changes[h.changes["entry_id"] == 10]
    assert set(undone["reason"]) == {"undone at the next release"}


def test_disappearances_are_never_silent():
    h = build_history(planted_releases(), registry="foreign_agents")
    d = h.disappearances.set_index("entry_id")
    assert d.loc[6, "status"] == "artefact" and d.loc[6, "returned_in"] == "r4"
    assert d.loc[7, "status"] == "disappearance" and pd.isna(d.loc[7, "returned_in"])
    assert d.loc[8, "status"] == "renumbered" and d.loc[8, "new_entry_id"] == 9
    assert len(d) == 3
    e = h.entries.set_index("entry_id")
    assert e.loc[7, "last_release"] == "r3" and e.loc[1, "n_events"] == 1 and e.loc[2, "n_corrections"] == 1


def test_exclusions_are_not_compared_across_a_release_that_does_not_show_them():
    d = dt.date
    rows = [dict(id=1, name="Условный", **{"in": d(2024, 1, 2), "out": d(2024, 1, 3)})]
    blind = [dict(id=1, name="Условный", **{"in": d(2024, 1, 2)})]
    rel = [release("a", d(2024, 1, 5), rows), release("b", d(2024, 1, 12), blind, exclusions_observed=False),
           release("c", d(2024, 1, 19), rows)]
    assert build_history(rel, registry="foreign_agents").changes.empty


def test_chain_prefers_official_releases_inside_their_span():
    d = dt.date
    rows = [dict(id=1, name="Условный", **{"in": d(2024, 1, 2)})]
    rel = [release("pdf1", d(2024, 1, 5), rows), release("json1", d(2024, 1, 6), rows, series="fz255_foreign_agents"),
           release("pdf2", d(2024, 1, 12), rows), release("json2", d(2024, 1, 20), rows, series="fz255_foreign_agents")]
    assert [lv.vintage.id for lv in release_chain(rel, registry="foreign_agents")] == ["pdf1", "pdf2", "json2"]


def test_triangle_counts_match_brute_force():
    rel = planted_releases()
    tri = revision_triangle(rel, registry="foreign_agents")
    m = triangle_matrix(tri)
    for lv in rel:
        inc = pd.to_datetime(lv.frame["included_on"])
        for month in m.index:
            val = m.loc[month, lv.vintage.id]
            if pd.Period(month, "M").start_time > pd.Timestamp(lv.vintage.release_date):
                assert pd.isna(val)
            else:
                assert val == int((inc.dt.to_period("M") == pd.Period(month, "M")).sum())
    ex = triangle_matrix(tri, measure="exclusions")
    assert ex.loc["2024-01", "r3"] == 1 and ex.loc["2024-02", "r4"] == 1 and ex.loc["2024-02", "r5"] == 0


def test_revisions_by_lag_after_a_month_is_complete():
    rel = planted_releases()
    rev = revisions_by_lag(revision_triangle(rel, registry="foreign_agents")).set_index("lag_months")
    # January first seen complete in r4 (02.02: 8 January entries after 7's removal and 8's
    # renumbering); r5 holds 8 again (entry 9 replaces 8): no revision at lag 1
    assert rev.loc[1, "n_months"] == 1 and rev.loc[1, "total_revision"] == 0
    # fill-in of January inside January: r1 (12.01) saw 9 entries, r3 (26.01) 8
    assert rev.loc[0, "total_revision"] == 8 - 9


def test_publication_lag_bounds():
    d = dt.date
    a = [dict(id=1, name="А", **{"in": d(2024, 1, 2)})]
    b = a + [dict(id=2, name="Б", **{"in": d(2024, 1, 8)})]
    c = b + [dict(id=3, name="В", **{"in": d(2024, 1, 10)})]
    rel = [release("a", d(2024, 1, 5), a), release("b", d(2024, 1, 12), b), release("c", d(2024, 1, 19), c)]
    lags = publication_lags(build_history(rel, registry="foreign_agents")).set_index("entry_id")
    assert list(lags.index) == [2, 3]                     # entry 1 is left-censored
    assert (lags.loc[2, "lower_days"], lags.loc[2, "upper_days"]) == (0, 4)
    assert (lags.loc[3, "lower_days"], lags.loc[3, "upper_days"]) == (3, 9)
    q = lag_distribution(lags.reset_index())
    assert q.loc[0, "upper_q50"] == 4 and q.loc[0, "upper_q90"] == 9 and q.loc[0, "n_entries"] == 2
    q2 = lag_distribution(lags.reset_index(), max_gap_days=6)
    assert q2.loc[0, "n_entries"] == 0 and q2.loc[0, "n_too_coarse"] == 2
