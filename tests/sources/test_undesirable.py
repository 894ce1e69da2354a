"""Undesirable-organisation loaders: known answers on the real files, and bad input."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.errors import AnalysisWarning, InputError
from analysis.schemas import EventSchema, RejectSchema
from analysis.sources.kit.normalise import clean_text, name_key
from analysis.sources.undesirable import load_undesirable_rest_json, load_undesirable_scrape_json

REST = "chekazoid_legal_entity_marks/undesirable-orgs.json"
SCRAPE = "fz255_undesirable/registry.json"


def _check(res):
    EventSchema.validate(res.frame)
    RejectSchema.validate(res.rejects)
    res.check_accounting()


def _years(frame, column="included_on"):
    return {int(k): int(v) for k, v in frame[column].dt.year.value_counts().sort_index().items()}


@pytest.fixture(scope="module")
def rest(mirror):
    return load_undesirable_rest_json(mirror / REST)


@pytest.fixture(scope="module")
def scrape(mirror):
    return load_undesirable_scrape_json(mirror / SCRAPE)


def test_rest_counts(rest):
    _check(rest)
    assert (rest.rows_in, rest.accepted, rest.rejected) == (367, 367, 0)
    f = rest.frame
    assert _years(f) == {2015: 4, 2016: 3, 2017: 4, 2018: 4, 2019: 4, 2020: 12, 2021: 18, 2022: 22,
                         2023: 57, 2024: 67, 2025: 101, 2026: 71}
    assert (f["included_on"] <= pd.Timestamp("2025-05-19")).sum() == 223
    assert (f["included_on"] <= pd.Timestamp("2024-12-31")).sum() == 195
    m24 = f[f["included_on"].dt.year == 2024]["included_on"].dt.month.value_counts()
    assert [int(m24.get(m, 0)) for m in range(1, 13)] == [6, 8, 10, 7, 6, 5, 8, 10, 0, 3, 3, 1]
    assert f["excluded_on"].isna().all() and f["decision_on"].isna().all()
    assert set(f["kind"]) == {"organisation"} and set(f["legal_basis"]) == {"129-FZ"}


def test_rest_entry_id_is_position(rest):
    f = rest.frame
    assert rest.meta["entry_id_from_position"] is True
    assert f["entry_id"].tolist() == list(range(1, 368)) == f["source_row"].tolist()
    amnesty = f[f["name"].str.startswith("Amnesty International Ltd")]
    assert amnesty[["entry_id", "included_on"]].values.tolist() == [[226, pd.Timestamp("2025-05-28")]]


def test_rest_position_matches_the_scrape_numbers(rest, scrape):
    """Position in the REST pull = '№' of the ministry's HTML table, for all 188 scraped entries."""
    a = rest.frame.set_index("entry_id").loc[1:188]
    b = scrape.frame.set_index("entry_id")
    assert (a["included_on"] == b["included_on"]).all()
    differ = sorted(int(i) for i in b.index if clean_text(a.loc[i, "name"]) != clean_text(b.loc[i, "name"]))
    assert differ == [12, 13, 151]
    # quotes and punctuation folded: #151 (a lost space before a bracket) matches; #12, #13 are reworded
    assert sorted(int(i) for i in b.index if name_key(a.loc[i, "name"]) != name_key(b.loc[i, "name"])) == [12, 13]


def test_scrape(scrape):
    _check(scrape)
    assert (scrape.rows_in, scrape.accepted, scrape.rejected) == (188, 188, 0)
    f = scrape.frame
    assert f["entry_id"].tolist() == list(range(1, 189))
    assert f["decision_on"].notna().all()
    assert _years(f) == {2015: 4, 2016: 3, 2017: 4, 2018: 4, 2019: 4, 2020: 12, 2021: 18, 2022: 22,
                         2023: 57, 2024: 60}
    assert _years(f, "decision_on") == {2015: 4, 2016: 3, 2017: 4, 2018: 4, 2019: 4, 2020: 12, 2021: 18,
                                        2022: 23, 2023: 58, 2024: 58}
    lag = (f["included_on"] - f["decision_on"]).dt.days
    assert (lag.median(), lag.min(), lag.max()) == (15, 1, 50)
    last = f.iloc[-1]
    assert (last["included_on"], last["decision_on"]) == (pd.Timestamp("2024-08-27"), pd.Timestamp("2024-08-14"))
    assert f.iloc[0]["decision_on"] == pd.Timestamp("2015-07-28")  # from "№1 от 28.07.2015"
    assert f["excluded_on"].isna().all()  # NBSP cells are empty
    assert not f["name"].str.contains("\u00a0").any()


# --- synthetic --------------------------------------------------------------

def _write(tmp_path: Path, obj, name="r.json") -> Path:
    p = tmp_path / name
    p.write_text(json.dumps(obj, ensure_ascii=False), encoding="utf-8")
    return p


def _scrape_rec(i, name, minjust, genproc, out="\u00a0", date_in=None):
    from analysis.sources.kit.dates import date_in_text

    return {"id": str(i), "fullName": name, "decisionInMinjust": minjust, "decisionInGenproc": genproc,
            "decisionOutMinjust": out, "decisionOutGenproc": "\u00a0",
            "dateIn": date_in if date_in is not None else (date_in_text(minjust) or ""), "dateOut": ""}


def test_scrape_bad_rows(tmp_path):
    items = [
        _scrape_rec(1, "Фонд «Один»", "№ 1-р от 29.07.2015\u00a0", "№1 от 28.07.2015"),
        _scrape_rec(2, "Фонд «Два»", "№ 2-р от 10.08.2015", "\u00a0"),                 # GP date unknown: kept
        _scrape_rec(3, "Фонд «Три»", "№ 3-р от 31.02.2016", "01.02.2016"),           # impossible date
        _scrape_rec(4, "Фонд «Четыре»", "№ 4-р от 01.03.2016", "05.03.2016"),        # GP after listing
        _scrape_rec(5, "Фонд «Пять»", "№ 5-р от 01.03.2016", "решение без даты"),    # GP text without date
        _scrape_rec(6, "\u00a0", "№ 6-р от 01.03.2016", "01.02.2016"),               # blank name
        _scrape_rec(7, "Фонд «Семь»", "№ 7-р от 01.03.2016", "01.02.2016", date_in="02.03.2016"),
        _scrape_rec(8, "Фонд «Восемь»", "\u00a0", "01.02.2016", date_in="01.03.2016"),  # falls back to dateIn
        _scrape_rec(9, "Фонд «Девять»", "№ 9-р от 01.03.2016", "01.02.2016", out="№ 9-р от 01.02.2016"),
        _scrape_rec(10, "Фонд «Десять»", "№ 10-р от 01.03.2014", "01.02.2014"),      # before 129-FZ
        _scrape_rec(2, "Фонд «Два»", "№ 2-р от 10.08.2015", "\u00a0"),               # exact repeat
    ]
    res = load_undesirable_scrape_json(_write(tmp_path, items))
    _check(res)
    f = res.frame.set_index("source_row")
    assert list(f.index) == [1, 2, 8]
    assert pd.isna(f.loc[2, "decision_on"])
    assert f.loc[8, "included_on"] == pd.Timestamp("2016-03-01")
    rej = res.rejects.set_index("source_row")
    assert rej.loc[3, ["column", "raw_value", "reason"]].tolist() == [
        "decisionInMinjust", "31.02.2016", "impossible calendar date"]
    assert rej.loc[4, "reason"].startswith("decision after the listing date")
    assert rej.loc[5, ["column", "reason"]].tolist() == ["decisionInGenproc", "not a DD.MM.YYYY date"]
    assert rej.loc[6, "reason"] == "blank name"
    assert rej.loc[7, ["column", "raw_value"]].tolist() == ["dateIn", "02.03.2016"]
    assert rej.loc[9, "reason"].startswith("exclusion before inclusion")
    assert rej.loc[10, "reason"].startswith("before the registry existed (03.06.2015)")
    assert rej.loc[11, "status"] == "skipped"


def test_rest_bad_rows_and_order(tmp_path):
    items = [
        {"name": "Фонд «Один»", "type": "undesirable", "dateIn": "29.07.2015"},
        {"name": "Фонд «Два»", "type": "undesirable", "dateIn": "2015-08-10"},
        {"name": "Фонд «Три»", "type": "inoagent", "dateIn": "11.08.2015"},
        {"name": ["Фонд"], "type": "undesirable", "dateIn": "12.08.2015"},
        {"name": "Фонд «Пять»", "type": "undesirable", "dateIn": "13.08.2015", "dateOut": "01.09.2016"},
    ]
    res = load_undesirable_rest_json(_write(tmp_path, items), snapshot_date=dt.date(2020, 1, 1))
    _check(res)
    # an entry of another registry takes no number; rejected entries of this one keep theirs
    assert res.frame["entry_id"].tolist() == [1, 4]
    assert res.frame["excluded_on"].iloc[1] == pd.Timestamp("2016-09-01")
    assert res.rejects["reason"].tolist() == [
        "not a DD.MM.YYYY date", "entry of another registry", "name is not text"]
    assert res.rejects["raw_value"].tolist()[2] == "<an array>"

    shuffled = [items[4], items[0]]
    with pytest.warns(AnalysisWarning, match="not in registry order"):
        res = load_undesirable_rest_json(_write(tmp_path, shuffled, "s.json"))
    assert res.frame["entry_id"].isna().all() and res.meta["entry_id_from_position"] is False


def test_foreign_agents_file_is_refused(tmp_path):
    items = [{"name": "Лицо", "type": "inoagent", "is_person": 1, "dateIn": "01.02.2023"}]
    with pytest.raises(InputError, match="not undesirable organisations"):
        load_undesirable_rest_json(_write(tmp_path, items))


@pytest.mark.parametrize("loader", [load_undesirable_rest_json, load_undesirable_scrape_json])
@pytest.mark.parametrize("data, message", [
    (b"", "empty"),
    (b"<html><head></head></html>", "HTML page"),
    (b'[{"name": "x", "dateIn": "29.07.20', "truncated or corrupt"),
    (b'"text"', "expected a JSON array"),
    (b'[{"other": 1}]', "required key missing"),
])
def test_unusable_files(tmp_path, loader, data, message):
    path = tmp_path / "bad.json"
    path.write_bytes(data)
    with pytest.raises(InputError) as info:
        loader(path)
    assert message in str(info.value) and str(path) in str(info.value)


def test_a_long_decision_lag_is_flagged_not_dropped(tmp_path):
    # ten lags of 10 days, then one decision two years before its listing
    items = [_scrape_rec(i, f"Фонд «{i}»", f"№ {i}-р от {10 + i:02d}.03.2016", f"{i:02d}.03.2016") for i in range(1, 11)]
    items.append(_scrape_rec(11, "Фонд «Долгий»", "№ 11-р от 01.03.2018", "01.03.2016"))
    with pytest.warns(AnalysisWarning, match=r"1 Prosecutor-General decision\(s\) precede the listing by more than"):
        res = load_undesirable_scrape_json(_write(tmp_path, items))
    _check(res)
    assert len(res.frame) == 11 and res.rejects.empty
    q1, q3 = np.percentile([10] * 10 + [730], [25, 75])
    assert res.meta["lag_fence"]["fence_days"] == pytest.approx(q3 + 3 * (q3 - q1))
    assert res.meta["long_lags"] == [{"row": 11, "lag_days": 730}]
