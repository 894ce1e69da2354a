"""Simulated count series shared by the model tests."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd


def persistent_series(seed=0, n=150, at=100, gamma=0.3):
    """Poisson log-linear INGARCH(1,1) counts with a step of ``gamma`` at period ``at`` (no overdispersion).

    Returns the series (monthly from 2010-01) and the period of the step.
    """
    rng = np.random.default_rng(seed)
    idx = pd.period_range("2010-01", periods=n, freq="M")
    y = np.zeros(n)
    y[0] = 8
    nu = math.log1p(8)
    for t in range(1, n):
        nu = 0.3 + gamma * (t >= at) + 0.35 * math.log1p(y[t - 1]) + 0.5 * nu
        y[t] = rng.poisson(math.exp(nu))
    return pd.Series(y, index=idx), idx[at]
