"""Readers of data/processed: missing stays missing, coverage trimming, incomplete months."""
from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from analysis import processed as P
from analysis.errors import InputError, ProcessedDataError


@pytest.fixture()
def folder(tmp_path):
    rows = []
    months = [f"2024-{m:02d}" for m in range(1, 7)]
    values = [None, 0, 3, None, 5, 2]  # Jan outside coverage, Apr a gap inside, Jun incomplete
    for mth, v in zip(months, values):
        rows.append({"registry": "undesirable", "measure": "inclusions", "category": "all", "month": mth,
                     "value": v, "complete": mth != "2024-06"})
        rows.append({"registry": "undesirable", "measure": "exclusions", "category": "all", "month": mth,
                     "value": None, "complete": mth != "2024-06"})
    df = pd.DataFrame(rows)
    df["value"] = df["value"].astype("Int64")
    df.to_csv(tmp_path / "monthly_series.csv", index=False)
    alt = df.copy()
    alt.insert(0, "date_basis", "decision")
    alt.loc[alt.month == "2024-05", "value"] = 4
    alt.to_csv(tmp_path / "monthly_series_alt.csv", index=False)
    pd.DataFrame({"article": ["275"] * 6, "charge": ["main", "all"] * 3,
                  "year": [2022, 2022, 2023, 2023, 2024, 2024], "value": [16, 17, 39, 40, 145, 150]}
                 ).to_csv(tmp_path / "annual_convictions.csv", index=False)
    (tmp_path / "build_info.json").write_text(json.dumps({"sources": [{"id": "x"}]}))
    return tmp_path


def test_monthly_series_keeps_missing_and_trims(folder):
    y = P.monthly_series("undesirable", "inclusions", data_dir=folder)
    assert isinstance(y.index, pd.PeriodIndex) and y.index.freqstr == "M"
    assert [str(p) for p in y.index] == ["2024-02", "2024-03", "2024-04", "2024-05", "2024-06"]
    assert y.iloc[0] == 0  # a zero month stays zero
    assert math.isnan(y["2024-04"])  # an interior gap stays missing
    assert y.attrs["incomplete"] == ["2024-06"]
    y2 = P.monthly_series("undesirable", "inclusions", data_dir=folder, drop_incomplete=True)
    assert str(y2.index[-1]) == "2024-05" and y2.attrs["incomplete"] == []
    y3 = P.monthly_series("undesirable", "inclusions", data_dir=folder, trim=False)
    assert len(y3) == 6 and math.isnan(y3.iloc[0])


def test_unobservable_measure_is_all_missing(folder):
    y = P.monthly_series("undesirable", "exclusions", data_dir=folder, trim=False)
    assert y.isna().all()


def test_alternative_basis(folder):
    y = P.monthly_series("undesirable", "inclusions", date_basis="decision", data_dir=folder)
    assert y["2024-05"] == 4 and y.attrs["date_basis"] == "decision"


def test_env_variable_names_the_folder(folder, monkeypatch):
    monkeypatch.setenv(P.ENV_VAR, str(folder))
    assert P.processed_dir() == folder
    assert P.read_build_info()["sources"] == [{"id": "x"}]
    assert P.read_build_info()["options"] == {}


def test_annual_convictions(folder):
    y = P.annual_convictions("275", "main", data_dir=folder)
    assert y.index.freqstr.startswith("Y") and y.tolist() == [16, 39, 145]
    assert str(y.index[0]) == "2022"


def test_unknown_selection_and_missing_file(folder, tmp_path):
    with pytest.raises(InputError, match="no series"):
        P.monthly_series("foreign_agents", "inclusions", data_dir=folder)
    with pytest.raises(InputError, match="build"):
        P.read_calendar(folder)


def test_missing_column_is_named(tmp_path):
    pd.DataFrame({"registry": ["x"]}).to_csv(tmp_path / "monthly_series.csv", index=False)
    with pytest.raises(ProcessedDataError, match="measure"):
        P.read_monthly_series(tmp_path)


def test_series_catalogue(folder):
    cat = P.series_catalogue(folder)
    row = cat[(cat.measure == "inclusions")].iloc[0]
    assert (row["first"], row["last"], row["months"], row["total"]) == ("2024-02", "2024-06", 4, 10)
    assert pd.isna(cat[cat.measure == "exclusions"].iloc[0]["total"])
    assert np.all(cat.columns == ["registry", "measure", "category", "first", "last", "months", "total"])
