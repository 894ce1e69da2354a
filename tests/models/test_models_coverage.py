"""Small coverage simulations (the full ones are in bench/bench_models.py).

With 150 series the Monte Carlo standard error of a 95% coverage is 0.018; the bounds
below are about three standard errors wide, so a correct method fails rarely and a
method with coverage of 85% or less fails almost always.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.models import fit_count_model, step

N_SERIES = 150


def _coverage(setting, seed):
    rng = np.random.default_rng(seed)
    idx = pd.period_range(setting["first"], periods=setting["n"] + setting["h"], freq=setting["freq"])
    t = np.arange(len(idx), dtype=float)
    ppy = 12 if setting["freq"] == "M" else 1
    start = pd.Timestamp(setting["start"])
    a, b = idx.start_time, (idx + 1).start_time
    f = np.clip(((b - start) / (b - a)).to_numpy(float), 0, 1)
    mu = np.exp(setting["const"] + 0.04 * t / ppy) * ((1 - f) + f * np.exp(setting["gamma"]))
    theta = setting["theta"]
    hits, pi_in, pi_n = 0, 0, 0
    for _ in range(N_SERIES):
        y = rng.poisson(mu) if theta is None else rng.poisson(rng.gamma(theta, mu / theta))
        s = pd.Series(y[: setting["n"]], index=idx[: setting["n"]])
        res = fit_count_model(s, family=setting["family"], seasonality=None,
                              interventions={"law": step(setting["start"])})
        lo, hi = res.conf_int().loc["law"]
        hits += lo <= setting["gamma"] <= hi
        if setting["h"]:
            p = res.predict(horizon=setting["h"], n_sim=400, rng=rng).iloc[setting["n"]:]
            fut = y[setting["n"]:]
            pi_in += int(np.sum((fut >= p["lower"].to_numpy()) & (fut <= p["upper"].to_numpy())))
            pi_n += setting["h"]
    return hits / N_SERIES, (pi_in / pi_n if pi_n else np.nan)


@pytest.mark.parametrize("setting", [
    dict(name="monthly poisson", family="poisson", freq="M", first="2010-01", n=72, h=6, start="2013-01-01",
         const=np.log(8), gamma=0.4, theta=None),
    dict(name="annual negbin fractional", family="negbin", freq="Y", first="2000", n=24, h=0, start="2012-05-20",
         const=np.log(80), gamma=0.5, theta=40.0),
], ids=lambda s: s["name"])
def test_effect_and_prediction_interval_coverage(setting):
    cov, pi = _coverage(setting, seed=123)
    assert 0.89 <= cov <= 0.995, cov
    if setting["h"]:
        assert 0.90 <= pi <= 0.995, pi
