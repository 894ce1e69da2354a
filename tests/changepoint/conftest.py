"""Fixtures for the change-point tests: the two classical series and their references."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="session")
def reference() -> dict:
    return json.loads((HERE / "reference" / "reference_values.json").read_text())


@pytest.fixture(scope="session")
def coal() -> pd.Series:
    """Yearly British coal-mining disasters 1851-1962 binned from the 191 Jarrett (1979) dates."""
    dates = pd.read_csv(HERE / "data" / "coal_dates.csv", comment="#")["date"].to_numpy()
    years = np.floor(dates).astype(int)
    counts = np.array([(years == yr).sum() for yr in range(1851, 1963)])
    return pd.Series(counts, index=pd.period_range("1851", "1962", freq="Y"), name="disasters")


@pytest.fixture(scope="session")
def nile() -> pd.Series:
    import statsmodels.api as sm

    v = sm.datasets.nile.load_pandas().data["volume"].to_numpy(dtype=float)
    return pd.Series(v, index=pd.period_range("1871", "1970", freq="Y"), name="volume")
