"""Reconciling registry snapshots: known answers from the real files."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from analysis.reconcile import first_listings_only, name_difference, reconcile_undesirable
from analysis.sources import get_loader
from analysis.sources.kit.normalise import clean_text

pytestmark = pytest.mark.raw


def _conflicts(built, registry):
    _, out = built
    rec = out.foreign_agents if registry == "foreign_agents" else out.undesirable
    return rec.conflicts


def test_rest_pull_loses_five_reinclusions(built):
    c = _conflicts(built, "foreign_agents")
    lost = c[c["kind"] == "missing_from_later_pull"]
    years = sorted(pd.to_datetime(lost["value_a"]).dt.year.tolist())
    assert years == [2019, 2022, 2022, 2023, 2024]
    # they stay in the history: the export keeps re-inclusions as separate rows
    _, out = built
    assert set(lost["entry_id"]) <= set(out.foreign_agents.events["entry_id"].dropna())


def test_rest_pull_extends_after_export(built):
    _, out = built
    ev = out.foreign_agents.events
    after = ev[ev["included_on"] > "2025-08-15"]
    assert len(after) > 0 and after["entry_id"].isna().all()
    assert (after["source_id"] == "fa_rest_2026_07").all()
    # export rows are all kept
    assert (ev["source_id"] == "fa_export_2025_08_15").sum() == 1050
    # 2025 inclusions: 144 from the export to 15.08 plus the pull's later ones
    y2025 = ev[ev["included_on"].dt.year == 2025]
    assert (y2025["source_id"] == "fa_export_2025_08_15").sum() == 144


def test_whitespace_only_name_differences_vanish_after_normalisation(mirror):
    """inoagent_info names differing from the export only in whitespace match once normalised."""
    import openpyxl

    wb = openpyxl.load_workbook(mirror / "neuron_nexus_inoagents/export.xlsx")  # not read_only: no dimensions
    rows = {int(str(r[0]).strip()): r[1] for r in wb.worksheets[0].iter_rows(min_row=4, values_only=True)
            if r[0] is not None}
    ii = json.loads((mirror / "inoagent_info/registry.json").read_text(encoding="utf-8"))
    inside = ends = 0
    for r in ii:
        a, b = rows[int(r["id"])], r["fullName"]
        if a == b or " ".join(a.split()) != " ".join(b.split()):
            continue
        assert clean_text(a) == clean_text(b)
        if a.strip() == b.strip():
            ends += 1
        else:
            inside += 1
    # measured on these files: 21 names differ inside (double spaces), 51 only at the ends
    assert (inside, ends) == (21, 51)


def test_undesirable_spelling_variants_matched_by_number(built):
    c = _conflicts(built, "undesirable")
    names = c[c["kind"].str.startswith("name_differs")]
    assert sorted(names["entry_id"].tolist()) == [12, 13, 151]
    _, out = built
    ev = out.undesirable.events
    assert (ev["included_on"].dt.year == 2024).sum() == 67
    assert ev["decision_on"].notna().sum() == 188


def test_naive_union_by_name_double_counts(mirror):
    rest = get_loader("undesirable_rest_json")(mirror / "chekazoid_legal_entity_marks/undesirable-orgs.json",
                                               source_id="uo_rest").frame
    scrape = get_loader("undesirable_scrape_json")(mirror / "fz255_undesirable/registry.json",
                                                   source_id="uo_scrape").frame
    naive = pd.concat([rest, scrape]).drop_duplicates(subset=["name", "included_on"])
    assert (naive["included_on"].dt.year == 2024).sum() == 68
    rec = reconcile_undesirable(rest, base_snapshot=pd.Timestamp("2026-07-16"), decisions=scrape)
    assert (rec.events["included_on"].dt.year == 2024).sum() == 67


def test_name_difference_kinds():
    assert name_difference("А Б", "А Б") is None
    assert name_difference("организация «Центр»", "организация«Центр»") == "name_differs_in_whitespace_only"
    assert name_difference("Фонд «Свобода»", 'Фонд "Свобода"') == "name_differs_in_punctuation_or_case"
    assert name_difference("Иванов (псевдоним - X)", 'Иванов "X"') in {"name_differs",
                                                                     "name_differs_in_punctuation_or_case"}


def test_first_listings_only_drops_reinclusions(built):
    _, out = built
    ev = out.foreign_agents.events
    first = first_listings_only(ev)
    # the export's five re-included names are dropped once each
    exp = ev[ev["source_id"] == "fa_export_2025_08_15"]
    assert len(first_listings_only(exp)) == len(exp) - 5
    assert len(first) <= len(ev) - 5
