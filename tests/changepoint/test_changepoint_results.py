"""Every public attribute of the results objects, and figure determinism."""
from __future__ import annotations

import hashlib
import json

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import analysis
from analysis.changepoint import (
    BayesianChangePointResult,
    ChangePointResult,
    CropsPath,
    NegBinCost,
    bayesian_changepoints,
    crops,
    detect_changepoints,
    penalty_value,
)
from analysis.errors import ModelError
from analysis.plots import save_figure
from analysis.results import META_KEYS, package_version


@pytest.fixture(scope="module")
def monthly():
    rng = np.random.default_rng(21)
    idx = pd.period_range("2015-01", periods=96, freq="M")
    mu = np.where(np.arange(96) < 50, 2.0, 9.0)
    return pd.Series(rng.poisson(mu), index=idx, name="inclusions")


def test_change_point_result_api(monthly):
    res = detect_changepoints(monthly)
    assert isinstance(res, ChangePointResult)
    assert res.positions == (50,)
    assert res.breaks == (pd.Period("2019-03", freq="M"),)
    assert res.n_breaks == 1 and res.n == 96
    seg = res.to_frame()
    assert list(seg[["start", "end", "n"]].itertuples(index=False, name=None)) == [(0, 50, 50), (50, 96, 46)]
    assert seg.loc[1, "first"] == pd.Period("2019-03", freq="M")
    assert (seg["lower"] < seg["estimate"]).all() and (seg["estimate"] < seg["upper"]).all()
    assert seg["total"].sum() == monthly.sum()
    assert "2019-03" in res.summary() and "<table" in res._repr_html_()
    d = json.loads(json.dumps(res.to_dict()))
    assert d["breaks"] == ["2019-03"] and d["positions"] == [50]
    meta = res.meta
    assert meta["package_version"] == package_version()
    assert set(META_KEYS) <= set(meta)
    assert meta["options"]["penalty"] == "mbic" and meta["options"]["cost"] == "auto"
    assert meta["options"]["cost_used"] == "negbin" and res.cost == "negbin"
    expect = hashlib.sha256(monthly.to_numpy(dtype="<f8").tobytes()).hexdigest()
    assert meta["input_sha256"] == expect
    assert res.penalty_value == pytest.approx(penalty_value("mbic", n=96, n_params=1)) == pytest.approx(
        3 * np.log(96))
    with pytest.raises(Exception):
        res.positions = ()  # frozen


def test_array_input_gives_integer_breaks():
    y = np.r_[np.zeros(20), np.full(20, 6.0)]
    res = detect_changepoints(y)
    assert res.breaks == res.positions == (20,)


def test_penalties_and_methods(monthly):
    assert penalty_value("bic", n=100, n_params=1) == pytest.approx(2 * np.log(100))
    assert penalty_value("aic", n=100, n_params=2) == 6.0
    assert penalty_value(7.5, n=100, n_params=1) == 7.5
    with pytest.raises(ModelError):
        penalty_value("hq", n=10, n_params=1)
    with pytest.raises(ModelError):
        detect_changepoints(monthly, method="dp")
    r = detect_changepoints(monthly, method="dp", n_breaks=3)
    assert r.n_breaks == 3 and r.n_breaks_forced == 3 and np.isnan(r.penalty_value)
    assert detect_changepoints(monthly, penalty="aic").n_breaks >= 1


def test_negbin_records_its_dispersion():
    rng = np.random.default_rng(3)
    y = rng.negative_binomial(2.0, 2.0 / (2.0 + 6.0), 150)
    res = detect_changepoints(y, cost="negbin")
    assert 0.8 < res.meta["size"] < 5
    assert res.meta["refits"] >= 1
    fixed = detect_changepoints(y, cost=NegBinCost(dispersion=2.0))
    assert fixed.meta["size"] == 2.0
    assert "size" in res.to_frame().columns


def test_normal_costs(nile):
    r = detect_changepoints(nile, cost="normal_mean")
    assert r.positions == (28,)
    assert r.meta["scale"] > 0
    r2 = detect_changepoints(nile, cost="normal_meanvar", min_size=3)
    assert 28 in r2.positions
    # tied values do not produce an infinite likelihood
    y = np.r_[np.zeros(10), np.random.default_rng(1).normal(0, 1, 30).round(1)]
    r3 = detect_changepoints(y, cost="normal_meanvar", min_size=3)
    assert np.isfinite(r3.total_cost)


def test_crops_result(monthly):
    path = crops(monthly, penalty_range=(1.0, 40.0))
    assert isinstance(path, CropsPath)
    assert 1 in set(path.path["n_breaks"])
    assert "CROPS path" in path.summary() and "<table" in path._repr_html_()
    json.dumps(path.to_dict())
    assert path.positions_for(13.0) == (50,)
    with pytest.raises(ValueError):
        path.positions_for(100.0)


def _png_digest(ax, tmp_path, name):
    p = save_figure(ax.figure, tmp_path / name)
    plt.close(ax.figure)
    return hashlib.sha256(p.read_bytes()).hexdigest()


def test_plots_are_deterministic(monthly, tmp_path):
    res = detect_changepoints(monthly)
    a = _png_digest(res.plot(intervals=True), tmp_path, "a.svg")
    b = _png_digest(detect_changepoints(monthly).plot(intervals=True), tmp_path, "b.svg")
    assert a == b
    bay = bayesian_changepoints(monthly, max_breaks=2)
    assert isinstance(bay, BayesianChangePointResult)
    assert _png_digest(bay.plot(), tmp_path, "c.svg") == _png_digest(bay.plot(), tmp_path, "d.svg")
    ax = crops(monthly, penalty_range=(2.0, 30.0)).plot()
    assert ax.get_xlabel() == "number of breaks"
    plt.close(ax.figure)
    ax = detect_changepoints(np.asarray(monthly)).plot(intervals=True)
    assert ax.get_xlabel() == "position"
    plt.close(ax.figure)


def test_plot_draws_break_at_first_period_of_new_regime(monthly):
    res = detect_changepoints(monthly)
    ax = res.plot()
    xs = [ln.get_xdata()[0] for ln in ax.get_lines() if ln.get_linestyle() == "--"]
    import matplotlib.dates as mdates

    assert len(xs) == 1
    assert mdates.num2date(mdates.date2num(xs[0])).strftime("%Y-%m-%d") == "2019-03-01"
    plt.close(ax.figure)
