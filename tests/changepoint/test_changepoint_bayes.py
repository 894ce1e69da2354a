"""The forward-backward recursions equal brute-force enumeration of all partitions (n <= 10)."""
from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special, stats

from analysis.changepoint import GammaPrior, bayesian_changepoints


def enumerate_posterior(y, a, b, p, max_breaks, min_size):
    """Direct sum over every admissible partition (independent of the package)."""
    n = len(y)
    rho = p / (1 - p)
    parts, logw = [], []
    for k in range(0, n):
        if max_breaks is not None and k > max_breaks:
            break
        for cps in itertools.combinations(range(1, n), k):
            bnd = (0, *cps, n)
            if any(bnd[i + 1] - bnd[i] < min_size for i in range(k + 1)):
                continue
            lw = k * math.log(rho)
            for i in range(k + 1):
                seg = y[bnd[i]:bnd[i + 1]]
                s, L = seg.sum(), len(seg)
                lw += (a * math.log(b) - special.gammaln(a) + special.gammaln(a + s) - (a + s) * math.log(b + L))
            parts.append(bnd)
            logw.append(lw)
    logw = np.array(logw)
    Z = float(special.logsumexp(logw))
    w = np.exp(logw - Z)
    bp = np.zeros(n)
    nk = np.zeros(n)
    mean = np.zeros(n)
    for bnd, wi in zip(parts, w):
        nk[len(bnd) - 2] += wi
        for c in bnd[1:-1]:
            bp[c] += wi
        for i in range(len(bnd) - 1):
            seg = y[bnd[i]:bnd[i + 1]]
            mean[bnd[i]:bnd[i + 1]] += wi * (a + seg.sum()) / (b + len(seg))
    best = parts[int(np.argmax(logw))]
    return Z, bp, nk, mean, tuple(best[1:-1]), parts, w


@settings(max_examples=30, deadline=None)
@given(y=st.lists(st.integers(0, 9), min_size=2, max_size=10).map(lambda v: np.array(v, dtype=float)),
       shape=st.floats(0.3, 4.0), rate=st.floats(0.1, 3.0), p=st.floats(0.02, 0.6),
       max_breaks=st.one_of(st.none(), st.integers(0, 3)), min_size=st.integers(1, 2))
def test_recursions_equal_enumeration(y, shape, rate, p, max_breaks, min_size):
    if len(y) < min_size:
        return
    Z, bp, nk, mean, best, _parts, _w = enumerate_posterior(y, shape, rate, p, max_breaks, min_size)
    res = bayesian_changepoints(y, prior=GammaPrior(shape, rate, p), max_breaks=max_breaks, min_size=min_size)
    assert res.log_evidence == pytest.approx(Z, rel=1e-10, abs=1e-10)
    np.testing.assert_allclose(res.break_probability.to_numpy(), bp, atol=1e-10)
    K = res.n_breaks_posterior.size
    np.testing.assert_allclose(res.n_breaks_posterior.to_numpy(), nk[:K], atol=1e-10)
    assert nk[K:].sum() < 1e-12
    np.testing.assert_allclose(res.rate["mean"].to_numpy(), mean, rtol=1e-9)
    assert res.n_breaks_posterior.sum() == pytest.approx(1.0)


def test_rate_band_is_the_mixture_quantile():
    y = np.array([1, 0, 2, 5, 6, 4, 7, 1, 0, 1], dtype=float)
    a, b, p = 1.5, 0.7, 0.2
    _Z, _bp, _nk, _mean, _best, parts, w = enumerate_posterior(y, a, b, p, None, 1)
    res = bayesian_changepoints(y, prior=GammaPrior(a, b, p), level=0.9)
    for t in (0, 4, 9):
        comps = []
        for bnd, wi in zip(parts, w):
            for i in range(len(bnd) - 1):
                if bnd[i] <= t < bnd[i + 1]:
                    seg = y[bnd[i]:bnd[i + 1]]
                    comps.append((wi, a + seg.sum(), b + len(seg)))
        ws, shp, rt = (np.array(c) for c in zip(*comps))

        def cdf(x):
            return float(np.sum(ws * stats.gamma.cdf(x, shp, scale=1 / rt)))

        assert cdf(res.rate["lower"].iloc[t]) == pytest.approx(0.05, abs=1e-8)
        assert cdf(res.rate["upper"].iloc[t]) == pytest.approx(0.95, abs=1e-8)


def test_no_break_model_is_the_conjugate_posterior():
    y = np.array([3, 4, 2, 5, 3, 4], dtype=float)
    res = bayesian_changepoints(y, prior=(2.0, 0.5), max_breaks=0)
    post = stats.gamma(2.0 + y.sum(), scale=1 / (0.5 + y.size))
    assert res.rate["mean"].iloc[0] == pytest.approx(post.mean())
    assert res.rate["lower"].iloc[2] == pytest.approx(post.ppf(0.025), rel=1e-8)
    assert res.rate["upper"].iloc[5] == pytest.approx(post.ppf(0.975), rel=1e-8)
    assert res.break_probability.sum() == 0.0


def test_map_partition_is_the_most_probable():
    y = np.array([0, 1, 0, 6, 7, 5, 8, 1, 0, 0], dtype=float)
    _Z, _bp, _nk, _mean, best, _parts, _w = enumerate_posterior(y, 1.0, 0.3, 0.1, None, 1)
    res = bayesian_changepoints(y, prior=GammaPrior(1.0, 0.3, 0.1))
    assert res.map_positions == best == (3, 7)


def test_result_objects(coal):
    res = bayesian_changepoints(coal, max_breaks=2)
    assert "Bayesian change points" in res.summary()
    assert "<div>" in res._repr_html_()
    df = res.to_frame()
    assert list(df.columns) == ["value", "break_probability", "mean", "lower", "upper"]
    assert (df["lower"] <= df["mean"]).all() and (df["mean"] <= df["upper"]).all()
    import json

    d = json.loads(json.dumps(res.to_dict()))
    assert d["meta"]["input_sha256"] == res.meta["input_sha256"]
    assert res.map_breaks[0].year in (1890, 1891, 1892)
