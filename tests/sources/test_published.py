"""Tests of the published-figures table loader."""
from __future__ import annotations

import datetime as dt

import csv
import io

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.errors import InputError
from analysis.sources.published import (
    PUBLISHED_COLUMNS,
    PublishedFigureSchema,
    load_published_convictions,
)

HEADER = ",".join(PUBLISHED_COLUMNS)
GOOD = "275,UK,2024-01-01,2024-12-31,convicted,145,Qazreiting,https://example.org/a,квота,web page"


def write(tmp_path, text, name="figures.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


# --------------------------------------------------------------------------- real file

def test_real_table_loads_completely(mirror):
    res = load_published_convictions(mirror / "convictions_published/convictions_by_article.csv")
    assert res.rows_in == 804
    assert res.accepted == 804 and res.rejected == 0
    res.check_accounting()
    PublishedFigureSchema.validate(res.frame)
    f = res.frame
    assert f["source_row"].min() == 2 and f["source_row"].max() == 805
    assert (f["retrieved_from"] == "web page").sum() == 204
    assert f["retrieved_from"].str.startswith("borovikova/dostoevsky-data@").sum() == 600
    # Figures quoted in PROVENANCE.md.
    treason_2024 = f[(f["article"] == "275") & (f["measure"] == "convicted_main_charge")
                     & (f["period_start"] == pd.Timestamp("2024-01-01"))]
    assert treason_2024["value"].tolist() == [145]
    kommersant = f[(f["article"] == "280.3") & (f["measure"] == "convicted")
                   & (f["period_end"] == pd.Timestamp("2023-12-31"))]
    assert set(kommersant["value"]) == {50}


# --------------------------------------------------------------------------- row checks

@pytest.mark.parametrize(
    "row, column, reason",
    [
        ("275,UK,2024-13-01,2024-12-31,convicted,145,X,,,web page", "period_start", "not a date"),
        ("275,UK,01.01.2024,2024-12-31,convicted,145,X,,,web page", "period_start", "not a date"),
        ("275,UK,2024-01-01,2023-12-31,convicted,145,X,,,web page", "period_end", "ends before"),
        ("275,UK,2024-01-01,2024-12-31,convicted,-3,X,,,web page", "value", "non-negative"),
        ("275,UK,2024-01-01,2024-12-31,convicted,1.5,X,,,web page", "value", "non-negative"),
        ("275,UK,2024-01-01,2024-12-31,convicted,,X,,,web page", "value", "empty"),
        (",UK,2024-01-01,2024-12-31,convicted,5,X,,,web page", "article", "empty"),
        ("275,UK,2024-01-01,2024-12-31,Convicted Main,5,X,,,web page", "measure", "snake_case"),
        ("275,UK,2024-01-01,2024-12-31,convicted,5,X,,,", "retrieved_from", "empty"),
        ("275,UK,2024-01-01,2024-12-31,convicted,5,X", None, "fields"),
    ],
)
def test_bad_rows_are_rejected_with_reason(tmp_path, row, column, reason):
    path = write(tmp_path, f"{HEADER}\n{GOOD}\n{row}\n")
    res = load_published_convictions(path)
    assert res.rows_in == 2 and res.accepted == 1 and res.rejected == 1
    rej = res.rejects.iloc[0]
    assert rej["source_row"] == 3
    assert rej["status"] == "rejected"
    assert (rej["column"] if pd.notna(rej["column"]) else None) == column
    assert reason in rej["reason"]
    res.check_accounting()


def test_empty_optional_fields_become_missing(tmp_path):
    path = write(tmp_path, f"{HEADER}\n275,UK,2024-01-01,2024-12-31,convicted,145,X,,,web page\n")
    res = load_published_convictions(path)
    assert res.frame["source_url"].isna().all() and res.frame["source_quote"].isna().all()
    assert res.frame["period_start"].iloc[0] == pd.Timestamp("2024-01-01")
    assert res.frame["value"].iloc[0] == 145


def test_bom_extra_columns_and_blank_lines(tmp_path):
    text = "\ufeff" + HEADER + ",note\n" + GOOD + ",x\n\n" + GOOD.replace("145", "146") + ",y\n"
    res = load_published_convictions(write(tmp_path, text))
    assert res.rows_in == 2 and res.accepted == 2
    assert res.meta["ignored_columns"] == ["note"]
    assert res.frame["source_row"].tolist() == [2, 4]


def test_a_repeated_figure_is_listed_once(tmp_path):
    text = HEADER + ",note\n" + GOOD + ",x\n" + GOOD + ",y\n"  # the same figure; only the ignored note differs
    res = load_published_convictions(write(tmp_path, text))
    assert res.rows_in == 2 and res.accepted == 1
    assert res.rejects[["source_row", "status"]].values.tolist() == [[3, "skipped"]]
    assert "repeats row 2" in res.rejects["reason"].iloc[0]


def test_source_id_is_written(tmp_path):
    res = load_published_convictions(write(tmp_path, f"{HEADER}\n{GOOD}\n"), source_id="pub")
    assert set(res.frame["source_id"]) == {"pub"}


# --------------------------------------------------------------------------- unusable files

@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "empty"),
        (b"<html><body>Not found</body></html>", "HTML"),
        ((HEADER.replace(",measure", "") + "\n").encode(), "required column missing: measure"),
        ("article,value\n275,1\n".encode(), "required column missing"),
        ("статья".encode("cp1251") + b"\n", "not UTF-8"),
        (b"PK\x03\x04rest-of-a-zip", "workbook"),
    ],
)
def test_unusable_file_raises_input_error(tmp_path, content, message):
    path = tmp_path / "figures.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message) as info:
        load_published_convictions(path)
    assert str(path) in str(info.value)


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="not found"):
        load_published_convictions(tmp_path / "absent.csv")


# --------------------------------------------------------------------------- property

_cell = st.text(alphabet="abcxyz 0123456789-.,\";", max_size=12)
_row = st.one_of(
    st.tuples(st.sampled_from(["275", "280 ч.2", "ch29"]), st.sampled_from(["UK", "KoAP"]),
              st.sampled_from(["2022-01-01", "2023-01-01", "2023-02-30", "x"]),
              st.sampled_from(["2023-12-31", "2022-06-30", ""]),
              st.sampled_from(["convicted", "verdicts", "Bad Measure"]),
              st.one_of(st.integers(0, 10_000).map(str), _cell),
              _cell, _cell, _cell, st.sampled_from(["web page", ""])),
    st.lists(_cell, min_size=1, max_size=12).map(tuple),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(_row, min_size=1, max_size=25))
def test_every_row_accounted_for(tmp_path_factory, rows):
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(PUBLISHED_COLUMNS)
    for r in rows:
        writer.writerow(r)
    path = tmp_path_factory.mktemp("prop") / "figures.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    try:
        res = load_published_convictions(path, snapshot_date=dt.date(2026, 11, 1))
    except InputError as exc:  # every row rejected: nothing usable, the file is refused
        assert "no usable row" in str(exc) or "file is empty" in str(exc)
        return
    nonblank = sum(1 for r in rows if any(str(c).strip() for c in r))
    assert res.rows_in == nonblank
    assert res.accepted + res.rejected == res.rows_in
    res.check_accounting()
    PublishedFigureSchema.validate(res.frame)
