"""The Bayesian posterior against references independent of the package.

* Forward–backward recursions against brute-force enumeration of all partitions (n <= 9),
  for Poisson–Gamma and beta–negative-binomial segments, with and without pulses.
* The beta–negative-binomial marginal likelihood against numerical integration (scipy quad).
* Credible bands against the mixture CDF built by enumeration (scipy.stats Gamma/beta-prime).
* The band's error bound against an exact segment posterior from a plain numpy recursion.
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
from scipy import integrate, special, stats

import analysis.changepoint.bayes as bayes_mod
from analysis.changepoint import BayesianChangePointResult, GammaPrior, bayesian_changepoints
from analysis.changepoint.costs import estimate_dispersion_given_segments
from analysis.changepoint.pulses import pulse_penalty, unit_deviance
from analysis.errors import ModelError
from analysis.results import META_KEYS, Result


def _segment(y, keep, s, e, a, b, r):
    """log marginal likelihood (partition-dependent part) and posterior mean of one segment."""
    seg = y[s:e][keep[s:e]]
    S, L = seg.sum(), seg.size
    if r is None:
        return (a * math.log(b) - special.gammaln(a) + special.gammaln(a + S) - (a + S) * math.log(b + L),
                (a + S) / (b + L))
    al, be = 1.0 + b * r, a
    mean = r * (be + S) / (al + L * r - 1.0)
    if r > 1e4 and float(a).is_integer():
        # scipy's betaln loses ~1e-8 at such arguments; with integer shapes the Gamma ratios are
        # exact sums of logarithms
        def lg_ratio(x, d):  # lgamma(x + d) - lgamma(x), integer d
            return math.fsum(math.log(x + k) for k in range(int(d)))
        return (special.gammaln(be + S) - special.gammaln(be) - lg_ratio(al + L * r, be + S) + lg_ratio(al, be),
                mean)
    return special.betaln(al + L * r, be + S) - special.betaln(al, be), mean


def _data_term(y, r, a, b):
    """log of the factors that do not depend on the partition, pulses' own levels excluded."""
    if r is None:
        return float(-special.gammaln(y + 1).sum())
    # Gamma(y + r) / Gamma(r) = r (r + 1) ... (r + y - 1) for integer counts: exact sums of logs
    return float(sum(math.fsum(math.log(r + k) for k in range(int(v))) for v in y) - special.gammaln(y + 1).sum())


def enumerate_posterior(y, a, b, p, max_breaks, min_size, r=None, pulses=()):
    """Direct sum over every admissible partition; evidence with the prior normalised by counting."""
    n = len(y)
    keep = np.ones(n, dtype=bool)
    keep[list(pulses)] = False
    rho = p / (1 - p)
    parts, logw, counts = [], [], {}
    for k in range(0, n):
        if max_breaks is not None and k > max_breaks:
            break
        for cps in itertools.combinations(range(1, n), k):
            bnd = (0, *cps, n)
            if any(bnd[i + 1] - bnd[i] < min_size for i in range(k + 1)):
                continue
            counts[k] = counts.get(k, 0) + 1
            lw = k * math.log(rho) + sum(_segment(y, keep, bnd[i], bnd[i + 1], a, b, r)[0] for i in range(k + 1))
            parts.append(bnd)
            logw.append(lw)
    logw = np.array(logw)
    Z = float(special.logsumexp(logw))
    w = np.exp(logw - Z)
    bp, nk, mean = np.zeros(n), np.zeros(n), np.zeros(n)
    for bnd, wi in zip(parts, w):
        nk[len(bnd) - 2] += wi
        for c in bnd[1:-1]:
            bp[c] += wi
        for i in range(len(bnd) - 1):
            mean[bnd[i]:bnd[i + 1]] += wi * _segment(y, keep, bnd[i], bnd[i + 1], a, b, r)[1]
    log_norm = float(special.logsumexp([k * math.log(rho) + math.log(c) for k, c in counts.items()]))
    evidence = Z - log_norm + _data_term(y[keep], r, a, b)
    for t in pulses:  # a pulse has its own level from the same prior
        evidence += _segment(y, np.ones(n, bool), t, t + 1, a, b, r)[0] + _data_term(y[t:t + 1], r, a, b)
    best = parts[int(np.argmax(logw))]
    return evidence, bp, nk, mean, tuple(best[1:-1]), parts, w, keep


@settings(max_examples=40, deadline=None)
@given(y=st.lists(st.integers(0, 9), min_size=2, max_size=9).map(lambda v: np.array(v, dtype=float)),
       shape=st.floats(0.3, 4.0), rate=st.floats(0.1, 3.0), p=st.floats(0.02, 0.6),
       max_breaks=st.one_of(st.none(), st.integers(0, 3)), min_size=st.integers(1, 2),
       size=st.one_of(st.none(), st.floats(0.2, 30.0)), pulse_seed=st.integers(0, 3))
def test_recursions_equal_enumeration(y, shape, rate, p, max_breaks, min_size, size, pulse_seed):
    if len(y) < min_size:
        return
    pulses = tuple(sorted({pulse_seed % len(y), (3 * pulse_seed) % len(y)})) if pulse_seed else ()
    if len(pulses) >= len(y):
        pulses = ()
    ev, bp, nk, mean, best, _parts, _w, _keep = enumerate_posterior(y, shape, rate, p, max_breaks, min_size,
                                                                     size, pulses)
    res = bayesian_changepoints(y, family="poisson" if size is None else "negbin",
                                dispersion=1.0 if size is None else size, prior=GammaPrior(shape, rate, p),
                                max_breaks=max_breaks, min_size=min_size, pulses=list(pulses))
    assert res.log_evidence == pytest.approx(ev, rel=1e-10, abs=1e-9)
    np.testing.assert_allclose(res.break_probability.to_numpy(), bp, atol=1e-10)
    K = res.n_breaks_posterior.size
    np.testing.assert_allclose(res.n_breaks_posterior.to_numpy(), nk[:K], atol=1e-10)
    assert nk[K:].sum() < 1e-12
    np.testing.assert_allclose(res.rate["mean"].to_numpy(), mean, rtol=1e-9)
    assert res.n_breaks_posterior.sum() == pytest.approx(1.0)
    assert res.pulses["position"].tolist() == list(pulses)


@pytest.mark.parametrize("r", [0.7, 4.0, 60.0])
def test_beta_negative_binomial_marginal_is_the_integral(r):
    """No-break evidence = integral over pi of prod NB(y; r, pi) times the Beta(1 + b r, a) density."""
    y = np.array([3, 0, 7, 2, 5, 1, 4], dtype=float)
    a, b = 1.3, 0.4
    al, be = 1 + b * r, a

    def integrand(pi):
        return np.prod(stats.nbinom.pmf(y, r, pi)) * stats.beta.pdf(pi, al, be)

    val, _err = integrate.quad(integrand, 0, 1, epsabs=0, epsrel=1e-12, limit=200)
    res = bayesian_changepoints(y, family="negbin", dispersion=r, prior=(a, b), max_breaks=0, pulses=None)
    assert res.log_evidence == pytest.approx(math.log(val), rel=1e-9)
    # the posterior mean of mu = r (1 - pi) / pi, by quadrature as well
    num, _ = integrate.quad(lambda pi: r * (1 - pi) / pi * integrand(pi), 0, 1, epsrel=1e-12, limit=200)
    assert res.rate["mean"].iloc[0] == pytest.approx(num / val, rel=1e-6)


def test_prior_means_agree_between_families_and_nb_tends_to_poisson():
    y = np.array([2, 4, 3, 5, 1, 3, 2, 4], dtype=float)
    pois = bayesian_changepoints(y, family="poisson", prior=(2.0, 0.5), max_breaks=0, pulses=None)
    near = bayesian_changepoints(y, family="negbin", dispersion=1e5, prior=(2.0, 0.5), max_breaks=0, pulses=None)
    assert near.log_evidence == pytest.approx(pois.log_evidence, abs=1e-3)
    assert near.rate["mean"].iloc[0] == pytest.approx(pois.rate["mean"].iloc[0], rel=1e-4)
    # at the Poisson limit of the size estimate the Poisson model is used
    lim = bayesian_changepoints(y, family="negbin", dispersion=2e6, prior=(2.0, 0.5), max_breaks=0, pulses=None)
    assert lim.family == "poisson" and math.isinf(lim.size)


def _mixture_cdf(parts, w, keep, y, a, b, r, t, x):
    tot = 0.0
    for bnd, wi in zip(parts, w):
        for i in range(len(bnd) - 1):
            if bnd[i] <= t < bnd[i + 1]:
                seg = y[bnd[i]:bnd[i + 1]][keep[bnd[i]:bnd[i + 1]]]
                S, L = seg.sum(), seg.size
                if r is None:
                    tot += wi * stats.gamma.cdf(x, a + S, scale=1 / (b + L))
                else:  # mu = r X with X ~ beta-prime(beta + S, alpha + L r)
                    tot += wi * stats.betaprime.cdf(x, a + S, 1 + b * r + L * r, scale=r)
    return tot


@pytest.mark.parametrize("r", [None, 2.5])
def test_rate_band_is_the_mixture_quantile(r):
    y = np.array([1, 0, 2, 5, 6, 4, 7, 1, 0, 1], dtype=float)
    a, b, p = 1.5, 0.7, 0.2
    _ev, _bp, _nk, _mean, _best, parts, w, keep = enumerate_posterior(y, a, b, p, None, 1, r, (6,))
    res = bayesian_changepoints(y, family="poisson" if r is None else "negbin", dispersion=r or 1.0,
                                prior=GammaPrior(a, b, p), level=0.9, max_breaks=None, min_size=1, pulses=[6])
    assert res.meta["band_error"] < 1e-12
    for t in (0, 4, 6, 9):
        assert _mixture_cdf(parts, w, keep, y, a, b, r, t, res.rate["lower"].iloc[t]) == pytest.approx(0.05, abs=1e-8)
        assert _mixture_cdf(parts, w, keep, y, a, b, r, t, res.rate["upper"].iloc[t]) == pytest.approx(0.95, abs=1e-8)


@pytest.mark.parametrize("r", [None, 2.5])
def test_band_quantiles_are_exact_to_1e_11_in_log_scale(r):
    """Each band end solves ``F(x) = q`` for the enumerated mixture to about 1e-11 in ``log x``
    (the error ``|F(x) - q|`` over the mixture density in the log scale), whichever way the
    solver stopped: step size, bracket width or the predicted error of quadratic convergence."""
    y = np.array([2, 0, 3, 6, 9, 4, 8, 1, 0, 2, 3], dtype=float)
    a, b, p = 1.5, 0.7, 0.2
    _ev, _bp, _nk, _mean, _best, parts, w, keep = enumerate_posterior(y, a, b, p, None, 1, r, ())
    res = bayesian_changepoints(y, family="poisson" if r is None else "negbin", dispersion=r or 1.0,
                                prior=GammaPrior(a, b, p), level=0.9, max_breaks=None, min_size=1, pulses=None)
    h = 1e-5
    for t in range(y.size):
        for col, q in (("lower", 0.05), ("upper", 0.95)):
            x = res.rate[col].iloc[t]
            F = _mixture_cdf(parts, w, keep, y, a, b, r, t, x)
            dF = (_mixture_cdf(parts, w, keep, y, a, b, r, t, x * math.exp(h))
                  - _mixture_cdf(parts, w, keep, y, a, b, r, t, x * math.exp(-h))) / (2 * h)
            assert abs(F - q) / dF < 2e-11, (t, col)


def test_no_break_model_is_the_conjugate_posterior():
    y = np.array([3, 4, 2, 5, 3, 4], dtype=float)
    res = bayesian_changepoints(y, family="poisson", prior=(2.0, 0.5), max_breaks=0, pulses=None)
    post = stats.gamma(2.0 + y.sum(), scale=1 / (0.5 + y.size))
    assert res.rate["mean"].iloc[0] == pytest.approx(post.mean())
    assert res.rate["lower"].iloc[2] == pytest.approx(post.ppf(0.025), rel=1e-8)
    assert res.rate["upper"].iloc[5] == pytest.approx(post.ppf(0.975), rel=1e-8)
    assert res.break_probability.sum() == 0.0
    r = 3.0
    nb = bayesian_changepoints(y, family="negbin", dispersion=r, prior=(2.0, 0.5), max_breaks=0, pulses=None)
    bp = stats.betaprime(2.0 + y.sum(), 1 + 0.5 * r + y.size * r, scale=r)
    assert nb.rate["lower"].iloc[0] == pytest.approx(bp.ppf(0.025), rel=1e-8)
    assert nb.rate["upper"].iloc[0] == pytest.approx(bp.ppf(0.975), rel=1e-8)


def test_map_partition_is_the_most_probable():
    y = np.array([0, 1, 0, 6, 7, 5, 8, 1, 0, 0], dtype=float)
    best = enumerate_posterior(y, 1.0, 0.3, 0.1, None, 1)[4]
    res = bayesian_changepoints(y, family="poisson", prior=GammaPrior(1.0, 0.3, 0.1), max_breaks=None,
                                min_size=1, pulses=None)
    assert res.map_positions == best == (3, 7)


def _exact_segment_posterior(y, a, b, p, K, m):
    """P(s, e) for every segment by a plain log-space recursion (numpy, independent of the kernels)."""
    n = len(y)
    c = np.concatenate([[0.0], np.cumsum(y)])
    lrho = math.log(p / (1 - p))

    def lml(s, e):
        S, L = c[e] - c[s], e - s
        return a * math.log(b) - special.gammaln(a) + special.gammaln(a + S) - (a + S) * np.log(b + L)

    A = np.full((K + 2, n + 1), -np.inf)
    A[0, 0] = 0.0
    for j in range(1, K + 2):
        for t in range(m, n + 1):
            s = np.arange(0, t - m + 1)
            A[j, t] = special.logsumexp(A[j - 1, s] + lml(s, t))
    B = np.full((K + 1, n + 1), -np.inf)
    B[0, n] = 0.0
    for j in range(1, K + 1):
        for s in range(n - m, -1, -1):
            e = np.arange(s + m, n + 1)
            B[j, s] = special.logsumexp(lml(s, e) + B[j - 1, e])
    Z = special.logsumexp([A[j, n] + (j - 1) * lrho for j in range(1, K + 2)])
    P = {}
    for s in range(n):
        for e in range(s + m, n + 1):
            terms = [A[i, s] + B[q, e] + (i + q) * lrho for i in range(K + 1) for q in range(K + 1 - i)]
            P[(s, e)] = math.exp(special.logsumexp(terms) + lml(s, e) - Z)
    return P, c


def test_band_error_bound_holds_when_segments_are_left_out(monkeypatch):
    """With a tiny work budget most segments are left out; the reported bound still holds."""
    rng = np.random.default_rng(11)
    y = np.concatenate([rng.poisson(3, 24), rng.poisson(7, 16)]).astype(float)
    a, b, p, K, m = 1.0, 1 / y.mean(), 1 / y.size, 3, 2
    P, c = _exact_segment_posterior(y, a, b, p, K, m)

    def cdf(t, x):
        return sum(w * special.gammainc(a + c[e] - c[s], (b + e - s) * x) for (s, e), w in P.items() if s <= t < e)

    for per, least in ((bayes_mod.BAND_ENTRIES_PER_PERIOD, bayes_mod.BAND_MIN_ENTRIES), (0, 1)):
        monkeypatch.setattr(bayes_mod, "BAND_ENTRIES_PER_PERIOD", per)
        monkeypatch.setattr(bayes_mod, "BAND_MIN_ENTRIES", least)
        res = bayesian_changepoints(y, family="poisson", pulses=None, prior=GammaPrior(a, b, p), max_breaks=K,
                                    min_size=m)
        bound = res.meta["band_error"]
        errs = [max(abs(cdf(t, res.rate["lower"].iloc[t]) - 0.025), abs(cdf(t, res.rate["upper"].iloc[t]) - 0.975))
                for t in range(0, y.size, 3)]
        assert max(errs) <= bound + 1e-9
        assert max(errs) < 5e-3   # the class-wise stand-in keeps the band close even so
        np.testing.assert_allclose(res.rate["mean"].to_numpy(),
                                   [sum(w * (a + c[e] - c[s]) / (b + e - s) for (s, e), w in P.items() if s <= t < e)
                                    for t in range(y.size)], rtol=1e-9)
    assert bound > 1e-6  # the second run did leave segments out


def test_default_size_is_the_fixed_point_of_the_nb_cost_iteration():
    rng = np.random.default_rng(3)
    y = np.concatenate([rng.negative_binomial(4, 4 / 9, 40), rng.negative_binomial(4, 4 / 16, 40)]).astype(float)
    res = bayesian_changepoints(y, pulses=None)
    assert res.family == "negbin" and res.meta["size_converged"]
    assert res.size == pytest.approx(estimate_dispersion_given_segments(y, list(res.map_positions)), rel=1e-12)
    assert res.meta["size_path"][-1] == pytest.approx(res.size)


def test_pulses_are_their_own_level_not_regimes():
    rng = np.random.default_rng(5)
    y = rng.poisson(4, 60).astype(float)
    y[[0, 30, 59]] = [40, 45, 38]
    res = bayesian_changepoints(y, family="poisson")
    assert res.pulses["position"].tolist() == [0, 30, 59]
    pen = pulse_penalty(y.size)
    assert (res.pulses["evidence"] > pen).all() and (res.pulses["ratio"] > 5).all()
    assert res.map_positions == ()
    assert res.break_probability.max() < 0.05
    assert res.rate["mean"].iloc[30] == pytest.approx(res.rate["mean"].iloc[29], rel=0.02)
    frame = res.to_frame()
    assert frame.loc[frame["pulse"], "position"].tolist() == [0, 30, 59]
    # without pulses the same months become short regimes
    raw = bayesian_changepoints(y, family="poisson", pulses=None, min_size=1)
    assert raw.break_probability.iloc[[1, 30, 31, 59]].min() > 0.5


def test_pulses_accept_positions_periods_and_a_search_frame():
    idx = pd.period_range("2015-01", periods=36, freq="M")
    y = pd.Series(np.r_[np.full(18, 3.0), np.full(18, 9.0)], index=idx)
    y.iloc[7] = 30
    a = bayesian_changepoints(y, pulses=[7])
    b = bayesian_changepoints(y, pulses=[pd.Period("2015-08", freq="M")])
    frame = pd.DataFrame({"period": [idx[7]], "position": [7], "ratio": [10.0], "evidence": [30.0]})
    c = bayesian_changepoints(y, pulses=frame)
    for r in (a, b, c):
        assert r.pulses["period"].tolist() == [idx[7]]
    np.testing.assert_allclose(a.break_probability, c.break_probability)
    bad = frame.assign(period=[idx[8]])
    with pytest.raises(ModelError, match="does not match"):
        bayesian_changepoints(y, pulses=bad)
    with pytest.raises(ModelError, match="not in the series"):
        bayesian_changepoints(y, pulses=[pd.Period("2030-01", freq="M")])
    with pytest.raises(ModelError, match="outside"):
        bayesian_changepoints(y, pulses=[99])


def test_auto_pulses_follow_the_one_rule():
    """Every reported pulse passes the rule against the level it was judged by, with the model's size."""
    rng = np.random.default_rng(8)
    y = rng.negative_binomial(5, 5 / 11, 120).astype(float)
    y[[10, 70]] = [70, 80]
    res = bayesian_changepoints(y)
    pos = res.pulses["position"].to_numpy()
    assert {10, 70} <= set(pos.tolist())
    level = y[pos] / res.pulses["ratio"].to_numpy()
    np.testing.assert_allclose(unit_deviance(y[pos], level, res.size), res.pulses["evidence"])
    assert (res.pulses["evidence"] > pulse_penalty(120)).all()


def test_cap_grows_until_its_mass_is_small_or_says_why():
    rng = np.random.default_rng(2)
    levels = np.repeat([2, 12, 3, 15, 4, 18, 2, 14, 5], 12)
    y = rng.poisson(levels).astype(float)
    auto = bayesian_changepoints(y, family="poisson", pulses=None)
    assert auto.cap_mass < 0.01 and auto.cap_note == ""
    assert auto.max_breaks > 6 and auto.meta["cap_path"][0] == 6
    assert auto.n_breaks_mode == 8
    capped = bayesian_changepoints(y, family="poisson", pulses=None, max_breaks=3)
    assert capped.cap_mass >= 0.01 and capped.cap_reached
    assert "not determined" in capped.cap_note and "max_breaks=3" in capped.cap_note
    assert "configured maximum" not in capped.summary()
    assert capped.cap_note in capped.summary()


def test_result_object_follows_the_common_interface(coal):
    res = bayesian_changepoints(coal, max_breaks=2)
    assert isinstance(res, Result) and isinstance(res, BayesianChangePointResult)
    assert set(META_KEYS) <= set(res.meta) and res.meta["seed"] is None
    assert res.meta["options"]["family"] == "negbin"
    assert "Bayesian change points" in res.summary() and "<div>" in res._repr_html_()
    assert repr(res).startswith("<BayesianChangePointResult: Bayesian change points")
    df = res.to_frame()
    assert list(df.columns) == ["period", "position", "value", "pulse", "break_probability", "mean", "lower",
                                "upper"]
    assert (df["lower"] <= df["mean"]).all() and (df["mean"] <= df["upper"]).all()
    d = json.loads(json.dumps(res.to_dict()))
    assert d["kind"] == "bayesian_changepoints" and d["meta"]["input_sha256"] == res.meta["input_sha256"]
    assert len(d["frame"]) == coal.size and d["map_positions"] == list(res.map_positions)
    assert res.map_breaks[0].year in (1890, 1891, 1892)


def test_bad_options_are_refused():
    y = np.array([1, 2, 3, 4.0])
    for kw in ({"family": "gaussian"}, {"dispersion": "segment"}, {"dispersion": -1.0},
               {"max_breaks": "many"}, {"max_breaks": -1}, {"pulses": "some"}, {"level": 1.0}):
        with pytest.raises(ModelError):
            bayesian_changepoints(y, **kw)
    with pytest.raises(ModelError, match="integer"):
        bayesian_changepoints(np.array([1.5, 2.0, 3.0]))


def test_large_size_path_keeps_full_precision():
    """With n r above 1e7 the segment likelihood switches to the difference form of lgamma."""
    y = np.array([3, 5, 4, 2, 6, 3, 11, 12, 9, 10, 13, 11], dtype=float)
    r = 9e5
    ev, bp, _nk, mean, _best, _p, _w, _k = enumerate_posterior(y, 1.0, 0.2, 0.1, 2, 2, r)
    res = bayesian_changepoints(y, dispersion=r, prior=GammaPrior(1.0, 0.2, 0.1), max_breaks=2, min_size=2,
                                pulses=None)
    assert res.family == "negbin"
    assert res.log_evidence == pytest.approx(ev, rel=1e-11)
    np.testing.assert_allclose(res.break_probability.to_numpy(), bp, atol=1e-10)
    np.testing.assert_allclose(res.rate["mean"].to_numpy(), mean, rtol=1e-9)


# ----------------------------------------------------------------------------- blocked recursions

import analysis.changepoint._bayes_blocks as blocks_mod  # noqa: E402


@settings(max_examples=30, deadline=None)
@given(y=st.lists(st.integers(0, 9), min_size=5, max_size=9).map(lambda v: np.array(v, dtype=float)),
       p=st.floats(0.05, 0.5), max_breaks=st.integers(1, 3), min_size=st.integers(1, 2),
       size=st.one_of(st.none(), st.floats(0.5, 20.0)), block=st.integers(1, 4), stripe=st.integers(1, 3))
def test_blocked_recursions_equal_enumeration(y, p, max_breaks, min_size, size, block, stripe):
    """Blocks of a few periods, split into alternating stripes: the same posterior as enumeration."""
    ev, bp, nk, mean, best, _parts, _w, _keep = enumerate_posterior(y, 1.0, 0.4, p, max_breaks, min_size, size)
    old = blocks_mod.BLOCK, blocks_mod.STRIPE
    blocks_mod.BLOCK, blocks_mod.STRIPE = block, stripe
    try:
        res = bayesian_changepoints(y, family="poisson" if size is None else "negbin",
                                    dispersion=1.0 if size is None else size, prior=GammaPrior(1.0, 0.4, p),
                                    max_breaks=max_breaks, min_size=min_size, pulses=None)
    finally:
        blocks_mod.BLOCK, blocks_mod.STRIPE = old
    assert res.log_evidence == pytest.approx(ev, rel=1e-10, abs=1e-9)
    np.testing.assert_allclose(res.break_probability.to_numpy(), bp, atol=1e-10)
    K = res.n_breaks_posterior.size
    np.testing.assert_allclose(res.n_breaks_posterior.to_numpy(), nk[:K], atol=1e-10)
    np.testing.assert_allclose(res.rate["mean"].to_numpy(), mean, rtol=1e-9)
    assert res.map_positions == best


def _posterior_arrays(res):
    return (res.log_evidence, res.break_probability.to_numpy(), res.n_breaks_posterior.to_numpy(),
            res.rate.to_numpy(), res.map_positions, res.meta["band_error"])


def test_blocked_posterior_does_not_depend_on_the_number_of_threads(monkeypatch):
    """Two lanes on one thread or on two: the same bits; and the exact segment posterior on a long series."""
    rng = np.random.default_rng(5)
    y = np.concatenate([rng.poisson(3, 70), rng.poisson(8, 50)]).astype(float)
    a, b, p, K, m = 1.0, 1 / y.mean(), 1 / y.size, 3, 2
    monkeypatch.setattr(blocks_mod, "BLOCK", 16)
    monkeypatch.setattr(blocks_mod, "STRIPE", 4)
    runs = []
    for procs in (1, 2):
        monkeypatch.setattr(blocks_mod, "_processors", lambda procs=procs: procs)
        runs.append(_posterior_arrays(bayesian_changepoints(y, family="poisson", pulses=None,
                                                            prior=GammaPrior(a, b, p), max_breaks=K, min_size=m)))
    for one, two in zip(*runs):
        np.testing.assert_array_equal(one, two)
    P, c = _exact_segment_posterior(y, a, b, p, K, m)
    mean = [sum(w * (a + c[e] - c[s]) / (b + e - s) for (s, e), w in P.items() if s <= t < e) for t in range(y.size)]
    np.testing.assert_allclose(runs[0][3][:, 0], mean, rtol=1e-9)
    brk = np.zeros(y.size)
    for (s, _e), w in P.items():
        if s > 0:
            brk[s] += w
    np.testing.assert_allclose(runs[0][1], brk, atol=1e-10)


def test_blocked_segment_store_keeps_whole_bins(monkeypatch):
    """With a store too small for every segment, the lanes' merged store still holds whole bins and the band bound holds."""
    rng = np.random.default_rng(11)
    y = np.concatenate([rng.poisson(3, 24), rng.poisson(7, 16)]).astype(float)
    a, b, p, K, m = 1.0, 1 / y.mean(), 1 / y.size, 3, 2
    P, c = _exact_segment_posterior(y, a, b, p, K, m)
    monkeypatch.setattr(blocks_mod, "BLOCK", 8)
    monkeypatch.setattr(blocks_mod, "STRIPE", 2)
    monkeypatch.setattr(bayes_mod, "_CAP_PAIRS", 60)
    seen = {}
    merge = blocks_mod._merge_pairs

    def spy(lanes, cap, nbins):
        out = merge(lanes, cap, nbins)
        seen["lanes"], seen["out"] = lanes, out
        return out

    monkeypatch.setattr(blocks_mod, "_merge_pairs", spy)
    res = bayesian_changepoints(y, family="poisson", pulses=None, prior=GammaPrior(a, b, p), max_breaks=K, min_size=m)
    ps, pe, pp, pb, _pc, bstore = seen["out"]
    assert len(seen["lanes"]) == 2 and ps.size <= 60 and bstore >= 0
    stored = set(zip(ps.tolist(), pe.tolist()))
    # every stored probability is the exact one, and the stored bins are complete
    for s, e, w in zip(ps, pe, pp):
        assert w == pytest.approx(P[(int(s), int(e))], rel=1e-9)
    lw = {k: math.log10(v) for k, v in P.items() if v > 1e-18}
    # P <= (K + 1) exp(w) and a bin is a decade of exp(w)
    assert all(k in stored for k, v in lw.items() if v > -(bstore + 1) + math.log10(K + 1))
    # single-sweep order: start decreasing, then end increasing
    assert all((s1 > s2) or (s1 == s2 and e1 < e2) for s1, e1, s2, e2 in zip(ps[:-1], pe[:-1], ps[1:], pe[1:]))

    def cdf(t, x):
        return sum(w * special.gammainc(a + c[e] - c[s], (b + e - s) * x) for (s, e), w in P.items() if s <= t < e)

    errs = [max(abs(cdf(t, res.rate["lower"].iloc[t]) - 0.025), abs(cdf(t, res.rate["upper"].iloc[t]) - 0.975))
            for t in range(0, y.size, 3)]
    assert max(errs) <= res.meta["band_error"] + 1e-9


def test_lgamma_of_the_segment_likelihood_matches_scipy():
    """The kernels' own lgamma (Stirling's series from 20 on) against scipy's gammaln and exact log-factorials."""
    from analysis.changepoint._bayes_kernels import lgamma_big

    x = np.concatenate([np.linspace(0.01, 40.0, 4001), np.geomspace(20.0, 1e7, 4001)])
    got = np.array([lgamma_big(v) for v in x])
    ref = special.gammaln(x)
    assert np.max(np.abs(got - ref) / np.maximum(np.abs(ref), 1.0)) < 2e-15
    k = np.arange(21, 171)
    exact = np.array([math.log(math.factorial(int(v) - 1)) for v in k])   # lgamma(k) = log((k-1)!)
    np.testing.assert_allclose([lgamma_big(float(v)) for v in k], exact, rtol=2e-15)


@settings(max_examples=40, deadline=None)
@given(y=st.lists(st.integers(0, 12), min_size=3, max_size=10).map(lambda v: np.array(v, dtype=float)),
       p=st.floats(0.02, 0.6), min_size=st.integers(1, 3), size=st.one_of(st.none(), st.floats(0.3, 30.0)),
       pulse_seed=st.integers(0, 4), block=st.integers(1, 4), stripe=st.integers(1, 3))
def test_one_layer_best_partition_is_the_enumerated_map(y, p, min_size, size, pulse_seed, block, stripe):
    """The uncapped most probable partition of the size rounds: the argmax over every partition."""
    if len(y) < min_size:
        return
    pulses = () if pulse_seed == 0 else tuple(sorted({pulse_seed % len(y)}))
    *_, best, parts, w, keep = enumerate_posterior(y, 1.0, 0.4, p, None, min_size, size, pulses)
    fam = 0 if size is None else 1
    su = bayes_mod._setup(fam, 0.0 if size is None else size, 1.0, 0.4, math.log(p / (1 - p)), ~keep, y)
    old = blocks_mod.BLOCK, blocks_mod.STRIPE
    blocks_mod.BLOCK, blocks_mod.STRIPE = block, stripe
    try:
        got = blocks_mod.best_partition(*su.args(), min_size, su.lrho)
    finally:
        blocks_mod.BLOCK, blocks_mod.STRIPE = old
    top = np.sort(w)[::-1]
    if top.size > 1 and top[1] > top[0] * (1 - 1e-9):
        return  # a tie between partitions: either is the most probable
    assert tuple(int(q) for q in got) == best


@pytest.mark.parametrize("levels, cap", [([5.0, 5.0], 6), ([4.0, 9.0, 5.0], 6), ([2.0, 20.0, 3.0, 25.0, 4.0, 30.0], 2)])
def test_size_rounds_through_one_layer_give_the_same_posterior_as_the_capped_layers(monkeypatch, levels, cap):
    """Rounds that need only the most probable partition: the same answer either way, also when
    the uncapped partition has more breaks than the cap (then the capped layers are used)."""
    rng = np.random.default_rng(7)
    y = rng.negative_binomial(4, 4 / (4 + np.repeat(levels, 40))).astype(float)
    sizes = []
    real = blocks_mod.best_partition

    def spy(*args):
        out = real(*args)
        sizes.append(out.size)
        return out

    monkeypatch.setattr(blocks_mod, "best_partition", spy)
    fast = bayesian_changepoints(y, max_breaks=cap)
    assert sizes, "the first size round did not use the one-layer recursion"
    monkeypatch.setattr(blocks_mod, "best_partition", lambda *args: None)
    layered = bayesian_changepoints(y, max_breaks=cap)
    a, b = _posterior_arrays(fast), _posterior_arrays(layered)
    assert a[0] == b[0] and a[4] == b[4] and a[5] == b[5]
    for u, v in zip(a[1:4], b[1:4]):
        np.testing.assert_array_equal(u, v)
    assert fast.size == layered.size
    if len(levels) == 6:
        assert sizes[0] > cap
