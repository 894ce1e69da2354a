"""The ministry's paged REST response, on a synthetic fixture of the documented shape."""
from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

from analysis.errors import AnalysisWarning, InputError
from analysis.schemas import EventSchema, RejectSchema
from analysis.sources.minjust_rest import load_minjust_rest_values

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "fixtures" / "minjust_rest_values.json"


@pytest.fixture(scope="module")
def page() -> dict:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def _write(tmp_path: Path, obj, name="values.json") -> Path:
    p = tmp_path / name
    p.write_text(json.dumps(obj, ensure_ascii=False), encoding="utf-8")
    return p


def test_fixture_loads_completely(page):
    res = load_minjust_rest_values(FIXTURE)
    EventSchema.validate(res.frame)
    RejectSchema.validate(res.rejects)
    res.check_accounting()
    assert (res.rows_in, res.accepted, res.rejected) == (8, 8, 0)
    assert res.meta["size"] == 8 and res.meta["complete"] is True
    f = res.frame
    assert f["entry_id"].tolist() == [8, 7, 6, 5, 4, 3, 2, 1]
    assert f["source_row"].tolist() == list(range(1, 9))
    assert f["category"].tolist() == [
        "individual", "unregistered_association", "legal_entity", "foreign_structure",
        "unregistered_association", "individual", "unknown", "legal_entity"]
    assert f["kind"].tolist() == ["individual"] + ["organisation"] * 4 + ["individual"] + ["organisation"] * 2
    assert f["legal_basis"].tolist() == ["255-FZ art. 7", "255-FZ art. 7", "255-FZ art. 9", "255-FZ art. 7",
                                         "255-FZ art. 7", "255-FZ art. 7", "2124-1 art. 6", "7-FZ art. 32"]
    assert f["name"].iloc[1] == "Проект «Условный вестник»"  # NBSP folded
    assert f["name"].iloc[2] == "Общество с ограниченной ответственностью «Тестовая студия»"
    assert f["excluded_on"].notna().sum() == 2
    assert f.loc[5, "excluded_on"] == pd.Timestamp("2025-03-07")


def test_identifier_fields_never_leave_the_loader(page):
    res = load_minjust_rest_values(FIXTURE)
    secret = set()
    for v in page["values"]:
        for k in ("field_6_s", "field_8_s", "field_9_s", "field_10_s", "field_11_s", "field_12_s",
                  "field_13_s", "field_14_s"):
            if v[k]:
                secret.add(v[k])
    assert len(secret) > 10
    blob = res.frame.to_csv() + res.rejects.to_csv() + json.dumps(res.meta, ensure_ascii=False)
    assert not [s for s in secret if s in blob]


def test_array_of_pages(tmp_path, page):
    p1 = {"size": 8, "values": page["values"][:5]}
    p2 = {"size": 8, "values": page["values"][5:]}
    res = load_minjust_rest_values(_write(tmp_path, [p1, p2]))
    res.check_accounting()
    assert res.accepted == 8 and res.meta["pages"] == 2 and res.meta["complete"]
    assert res.frame["source_row"].tolist() == list(range(1, 9))


def test_missing_page_warns(tmp_path, page):
    obj = {"size": 20, "values": page["values"]}
    with pytest.warns(AnalysisWarning, match="8 of the 20"):
        res = load_minjust_rest_values(_write(tmp_path, obj))
    assert res.meta["complete"] is False


def test_bad_entries(tmp_path, page):
    obj = copy.deepcopy(page)
    v = obj["values"]
    v[0]["field_4_s"] = "31.02.2025"
    v[1]["field_5_s"] = "01.01.2020"          # exclusion before inclusion (15.08.2025)
    v[2]["field_2_s"] = None                   # blank name
    v[3]["field_1_i"] = 3                      # duplicate of registry number 3, different content
    v[4]["field_4_s"] = 45000                  # Excel serial number
    del v[6]["field_2_s"]                      # key missing in one entry
    v.append("garbage")
    res = load_minjust_rest_values(_write(tmp_path, obj), snapshot_date=dt.date(2025, 8, 15))
    res.check_accounting()
    rej = res.rejects.set_index("source_row")
    assert list(rej.index) == [1, 2, 3, 4, 5, 6, 7, 9]
    assert rej.loc[1, ["column", "reason"]].tolist() == ["field_4_s", "impossible calendar date"]
    assert rej.loc[2, "reason"].startswith("exclusion before inclusion")
    assert rej.loc[3, "reason"] == "blank name"
    assert rej.loc[5, "reason"].startswith("an Excel serial number")
    assert rej.loc[7, "reason"] == "key 'field_2_s' missing"
    assert rej.loc[9, "reason"] == "array element is a string, not an object"
    # number 3 on rows 4 and 6 with different content; with the rows around them rejected, the
    # registry order (number 1 of 2013 is the only neighbour left) fits both, so neither is kept:
    # file order never decides
    for row in (4, 6):
        assert rej.loc[row, ["column", "raw_value"]].tolist() == ["field_1_i", "3"]
        assert rej.loc[row, "reason"].startswith("registry number 3 is used by rows 4, 6 with different content")
    assert res.frame["source_row"].tolist() == [8]


@pytest.mark.parametrize("obj, message", [
    ([{"a": 1}], "expected a registry response"),
    ({"size": 1}, "without 'values'"),
    ({"size": 1, "values": {"a": 1}}, "not an array"),
    ({"size": 0, "values": []}, "no entries"),
    ({"size": 1, "values": [{"field_1_i": 1, "field_2_s": "x"}]}, "field_4_s"),
])
def test_unusable_responses(tmp_path, obj, message):
    path = _write(tmp_path, obj)
    with pytest.raises(InputError) as info:
        load_minjust_rest_values(path)
    assert message in str(info.value) and str(path) in str(info.value)


def test_undesirable_layout_is_refused(tmp_path):
    """The undesirable-organisations registry numbers its fields differently (name in field_5_s)."""
    values = [{"field_1_i": 1, "field_2_s": "29.07.2015", "field_3_s": "США",
               "field_4_s": "Генеральная прокуратура", "field_5_s": "Условный фонд"}]
    with pytest.raises(InputError, match="not the foreign-agents registry layout"):
        load_minjust_rest_values(_write(tmp_path, {"size": 1, "values": values}))
