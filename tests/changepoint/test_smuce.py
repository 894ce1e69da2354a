"""The multiscale confidence set against brute force, planted breaks, and its critical-value cache.

Brute force: every partition of a tiny series is checked interval by interval, with the local
confidence limits computed independently (scipy.stats chi-square quantiles for Poisson, root
finding on scipy.stats.nbinom for the negative binomial).
"""
from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize, stats

import analysis.changepoint._smuce_kernels as smk
import analysis.changepoint.smuce as smuce_mod
from analysis.changepoint import MultiscaleChangePointResult, multiscale_changepoints
from analysis.changepoint.smuce import critical_value, null_sample
from analysis.errors import ModelError
from analysis.results import META_KEYS, Result


@pytest.fixture(autouse=True)
def _own_cache(tmp_path_factory, monkeypatch):
    """Simulated critical values go to a folder of this test session, not the user's cache."""
    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "smuce-cache"))


def _limits(S, L, gamma, r):
    if r is None:
        lo = stats.chi2.ppf(gamma, 2 * S) / (2 * L) if S > 0 else 0.0
        hi = stats.chi2.ppf(1 - gamma, 2 * (S + 1)) / (2 * L)
        return lo, hi

    def cdf(th, k):
        return stats.nbinom.cdf(k, L * r, r / (r + th))

    hi = optimize.brentq(lambda th: cdf(th, S) - gamma, 1e-12, 1e15, xtol=1e-14, rtol=1e-13)
    lo = 0.0 if S == 0 else optimize.brentq(lambda th: (1 - cdf(th, S - 1)) - gamma, 1e-12, 1e15,
                                            xtol=1e-14, rtol=1e-13)
    return lo, hi


def brute_force(y, q, r=None):
    n = len(y)
    pen = lambda L: math.sqrt(2 * math.log(math.e * n / L))  # noqa: E731
    lim = {}
    for i in range(n):
        for j in range(i, n):
            L = j - i + 1
            lim[(i, j)] = _limits(int(y[i:j + 1].sum()), L, stats.norm.sf(q + pen(L)), r)

    def seg_bounds(s, e):  # [s, e)
        los = [lim[(k, l)][0] for k in range(s, e) for l in range(k, e)]
        his = [lim[(k, l)][1] for k in range(s, e) for l in range(k, e)]
        return max(los), min(his)

    feasible = []
    for k in range(n):
        for cps in itertools.combinations(range(1, n), k):
            bnd = (0, *cps, n)
            bs = [seg_bounds(bnd[i], bnd[i + 1]) for i in range(k + 1)]
            if all(lo <= hi for lo, hi in bs):
                feasible.append((bnd, bs))
        if feasible:
            break
    K = len(feasible[0][0]) - 2

    def loglik(s, e, th):
        seg = y[s:e]
        if r is None:
            return float(np.sum(stats.poisson.logpmf(seg, th))) if th > 0 else (0.0 if seg.sum() == 0 else -np.inf)
        return float(np.sum(stats.nbinom.logpmf(seg, r, r / (r + th))))

    lls = {}
    lower, upper = np.full(n, np.inf), np.full(n, -np.inf)
    ci = [[n, -1] for _ in range(K)]
    for bnd, bs in feasible:
        ll = 0.0
        for i, (lo, hi) in enumerate(bs):
            s, e = bnd[i], bnd[i + 1]
            th = min(max(y[s:e].mean(), lo), hi)
            ll += loglik(s, e, th)
            lower[s:e] = np.minimum(lower[s:e], lo)
            upper[s:e] = np.maximum(upper[s:e], hi)
        for k, b in enumerate(bnd[1:-1]):
            ci[k] = [min(ci[k][0], b), max(ci[k][1], b)]
        lls[tuple(bnd[1:-1])] = ll
    return K, lls, [tuple(c) for c in ci], lower, upper


@settings(max_examples=25, deadline=None)
@given(y=st.lists(st.integers(0, 12), min_size=2, max_size=7).map(lambda v: np.array(v, dtype=float)),
       q=st.floats(-0.5, 1.5), size=st.one_of(st.none(), st.floats(0.5, 20.0)))
def test_confidence_set_equals_brute_force(y, q, size):
    K, lls, ci, lower, upper = brute_force(y, q, size)
    res = multiscale_changepoints(y, family="poisson" if size is None else "negbin",
                                  dispersion=size if size is not None else "moments", pulses=None, q=q)
    assert res.n_breaks == K
    assert [tuple(x) for x in res.intervals[["lower_position", "upper_position"]].to_numpy()] == ci
    np.testing.assert_allclose(res.band["lower"], lower, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(res.band["upper"], upper, rtol=1e-7, atol=1e-9)
    # the estimate is a most likely member of the set with K breaks (ties: any of them)
    assert res.positions in lls
    assert lls[res.positions] == pytest.approx(max(lls.values()), abs=1e-7)


def test_planted_break_is_found_with_a_short_interval():
    rng = np.random.default_rng(4)
    y = np.concatenate([rng.poisson(2, 40), rng.poisson(20, 40)])
    res = multiscale_changepoints(y, family="poisson", pulses=None)
    assert res.n_breaks == 1 and res.positions == (40,)
    row = res.intervals.iloc[0]
    assert row["lower_position"] <= 40 <= row["upper_position"] and row["upper_position"] - row["lower_position"] <= 3
    truth = np.r_[np.full(40, 2.0), np.full(40, 20.0)]
    assert ((res.band["lower"] <= truth) & (truth <= res.band["upper"])).all()


def test_constant_series_has_no_break_and_a_pulse_is_set_aside():
    y = np.full(60, 4.0)
    res = multiscale_changepoints(y, family="poisson", pulses=None)
    assert res.n_breaks == 0 and res.band["lower"].max() < 4 < res.band["upper"].min()
    y[30] = 60
    spiky = multiscale_changepoints(y, family="poisson", pulses=None)
    assert spiky.n_breaks == 2 and spiky.positions == (30, 31)
    clean = multiscale_changepoints(y, family="poisson")
    assert clean.n_breaks == 0 and clean.pulses["position"].tolist() == [30]
    assert clean.band["pulse"].sum() == 1


def test_critical_values_are_simulated_once_and_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(tmp_path))
    n, n_sim = 12, 300
    a = null_sample(n, n_sim=n_sim)
    files = list(tmp_path.rglob("*.npy"))
    assert len(files) == 1 and f"n{n}_sim{n_sim}_seed{smuce_mod.SMUCE_SEED}" in files[0].name
    np.testing.assert_array_equal(np.load(files[0]), a)
    # independent recomputation of the same draws: max over all intervals, plain numpy
    Z = np.random.default_rng(smuce_mod.SMUCE_SEED).standard_normal((n_sim, n))
    c = np.concatenate([np.zeros((n_sim, 1)), np.cumsum(Z, axis=1)], axis=1)
    best = np.full(n_sim, -np.inf)
    for i in range(n):
        for j in range(i + 1, n + 1):
            L = j - i
            best = np.maximum(best, np.abs(c[:, j] - c[:, i]) / math.sqrt(L) - math.sqrt(2 * math.log(math.e * n / L)))
    np.testing.assert_allclose(a, np.sort(best), rtol=1e-12)
    # the second call reads the file: the simulator is not run again
    monkeypatch.setattr(smk, "null_statistics", lambda *args: (_ for _ in ()).throw(AssertionError("simulated")))
    b = null_sample(n, n_sim=n_sim)
    np.testing.assert_array_equal(a, b)
    k = math.ceil(0.9 * (n_sim + 1)) - 1
    assert critical_value(n, 0.1, n_sim=n_sim) == a[k]
    assert critical_value(n, 0.05, n_sim=n_sim) == a[math.ceil(0.95 * (n_sim + 1)) - 1]
    with pytest.raises(AssertionError, match="simulated"):
        null_sample(n + 1, n_sim=n_sim)   # another n is another file


def test_critical_value_is_larger_for_smaller_alpha_and_longer_series(tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(tmp_path))
    q10 = critical_value(60, 0.1, n_sim=2000)
    assert critical_value(60, 0.01, n_sim=2000) > q10 > critical_value(60, 0.5, n_sim=2000)


def test_result_object_follows_the_common_interface(tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(tmp_path))
    idx = pd.period_range("2016-01", periods=48, freq="M")
    rng = np.random.default_rng(9)
    y = pd.Series(np.r_[rng.poisson(3, 24), rng.poisson(12, 24)], index=idx)
    res = multiscale_changepoints(y, n_sim=500)
    assert isinstance(res, Result) and isinstance(res, MultiscaleChangePointResult)
    assert set(META_KEYS) <= set(res.meta) and res.meta["seed"] == smuce_mod.SMUCE_SEED
    assert res.breaks == (idx[24],) and res.intervals.loc[0, "lower"] <= idx[24] <= res.intervals.loc[0, "upper"]
    assert "at least 1 break with confidence 90%" in res.summary()
    assert repr(res).startswith("<MultiscaleChangePointResult: Multiscale confidence set")
    assert list(res.to_frame().columns) == ["segment", "start", "end", "first", "last", "n", "estimate", "lower",
                                            "upper", "total"]
    d = json.loads(json.dumps(res.to_dict()))
    assert d["kind"] == "multiscale_changepoints" and d["n_breaks"] == 1
    ax = res.plot()
    assert ax.get_ylabel() == "count"
    import matplotlib.pyplot as plt

    plt.close(ax.figure)


def test_bad_input_is_refused():
    with pytest.raises(ModelError, match="integer"):
        multiscale_changepoints(np.array([0.5, 1.0, 2.0]))
    for kw in ({"family": "gauss"}, {"alpha": 0.0}, {"dispersion": "segment"}, {"dispersion": 0.0}):
        with pytest.raises(ModelError):
            multiscale_changepoints(np.array([1, 2, 3, 4]), q=1.0, **kw)
    with pytest.raises(ModelError, match="at most"):
        multiscale_changepoints(np.ones(smuce_mod.MAX_N + 1), q=1.0, pulses=None)
