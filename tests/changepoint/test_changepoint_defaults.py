"""The level-plus-pulses search, R's MBIC, the edge rule, input checks and the defaults.

Exactness is checked against brute-force enumeration over all segmentations with the
bounded loss minimised independently (every elementary interval between the periods'
inlier bounds, convex minimisation on each); MBIC against values worked out by hand
from R changepoint's definition.
"""
from __future__ import annotations

import itertools
import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats

from analysis.changepoint import (
    NegBinCost,
    NormalMeanCost,
    PoissonCost,
    detect_changepoints,
    find_pulses,
    penalty_value,
)
from analysis.changepoint import diagnostics as dg
from analysis.changepoint import search as S
from analysis.changepoint.penalties import mbic_criterion
from analysis.errors import AnalysisWarning, ModelError


def segmentations(n, m):
    for k in range(0, n // m):
        for cps in itertools.combinations(range(m, n - m + 1), k):
            b = (0, *cps, n)
            if all(b[i + 1] - b[i] >= m for i in range(len(b) - 1)):
                yield cps


def ref_dev(kind, y, theta, r=2.5, sd=1.0):
    """Unit deviance from scipy log-densities (independent of the package)."""
    y = np.asarray(y, dtype=float)
    if kind == "poisson":
        return 2 * (stats.poisson.logpmf(y, np.maximum(y, 1e-300)) - stats.poisson.logpmf(y, theta))
    if kind == "negbin":
        sat = np.where(y > 0, stats.nbinom.logpmf(y, r, r / (r + np.maximum(y, 1e-300))), 0.0)
        return 2 * (sat - stats.nbinom.logpmf(y, r, r / (r + theta)))
    return (y - theta) ** 2 / sd ** 2


def ref_robust_cost(kind, seg, cap):
    """min over theta of sum min(dev, cap), by enumeration of the inlier set.

    ``min_theta sum_i min(dev_i, cap) = min_S [min_theta sum_{i in S} dev_i + (L - |S|) cap]``
    (the two minima commute), and the inner minimum is the plain maximum-likelihood fit
    of the subset, at its mean: a different algorithm from the package's sweep.
    """
    L = seg.size
    best = L * cap
    for mask in range(1, 2 ** L):
        sub = seg[[i for i in range(L) if mask >> i & 1]]
        theta = sub.mean()
        if kind != "normal" and theta == 0:
            fit = 0.0
        else:
            fit = float(np.sum(ref_dev(kind, sub, theta)))
        best = min(best, fit + (L - sub.size) * cap)
    return best


COSTS = {"poisson": PoissonCost(), "negbin": NegBinCost(dispersion=2.5), "normal": NormalMeanCost(scale=1.0)}


@pytest.mark.parametrize("kind", list(COSTS))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), pen=st.floats(0.0, 12.0), m=st.integers(1, 3), mbic=st.booleans(),
       edge=st.integers(0, 3), cap=st.floats(2.0, 8.0))
def test_bounded_loss_search_equals_brute_force(kind, data, pen, m, mbic, edge, cap):
    if kind == "normal":
        y = np.array(data.draw(st.lists(st.integers(-40, 40), min_size=4, max_size=8)), dtype=float) / 4
    else:
        y = np.array(data.draw(st.lists(st.integers(0, 30), min_size=4, max_size=8)), dtype=float)
    n = y.size
    if n < m:
        return
    fc = COSTS[kind].fit(y, pulses=True, cap=cap)
    seg_cost = {}

    def cost(s, e):
        if (s, e) not in seg_cost:
            seg_cost[s, e] = ref_robust_cost(kind, y[s:e], cap)
        return seg_cost[s, e]

    def obj(cps):
        b = (0, *cps, n)
        v = pen * len(cps)
        for i in range(len(b) - 1):
            v += cost(b[i], b[i + 1]) + (math.log(b[i + 1] - b[i]) if mbic else 0.0)
        if cps:
            v += pen * ((b[1] <= edge) + (n - b[-2] <= edge))
        return v

    best = min(obj(c) for c in segmentations(n, m))
    out = S.pelt(fc, pen, m, mbic=1.0 if mbic else 0.0, edge=edge, edge_pen=pen)
    assert obj(out.positions) == pytest.approx(best, abs=1e-6, rel=1e-7)
    assert out.objective == pytest.approx(best, abs=1e-6, rel=1e-7)
    for k in range(3):
        cands = [c for c in segmentations(n, m) if len(c) == k]
        if not cands:
            continue
        bk = min(sum(cost(b[i], b[i + 1]) for b in [(0, *c, n)] for i in range(len(b) - 1)) for c in cands)
        assert S.optimal_partition(fc, k, m).cost == pytest.approx(bk, abs=1e-6, rel=1e-7)


def test_plain_mbic_search_equals_brute_force_with_both_prunings():
    rng = np.random.default_rng(5)
    for _ in range(30):
        y = rng.poisson(rng.choice([1.0, 4.0, 12.0]), int(rng.integers(5, 10))).astype(float)
        fc = PoissonCost().fit(y)
        pen = float(rng.uniform(0, 10))

        def segc(s, e):
            seg = y[s:e]
            return -2 * float(stats.poisson.logpmf(seg, seg.mean()).sum()) if seg.sum() > 0 else 0.0

        def obj(c):
            b = (0, *c, y.size)
            return sum(segc(b[i], b[i + 1]) + math.log(b[i + 1] - b[i]) for i in range(len(b) - 1)) + pen * len(c)

        best = min(obj(c) for c in segmentations(y.size, 2))
        for pr in ("functional", "inequality"):
            out = S.pelt(fc, pen, 2, pruning=pr, mbic=1.0)
            assert obj(out.positions) == pytest.approx(best, abs=1e-7)


def test_mbic_is_r_changepoint_definition_by_hand():
    # R changepoint, cpt.mean with penalty "MBIC": pen.value = (diffparam + 2) log n = 3 log n
    # and cost mbic_mean = x2 - x^2 / n + log(n) per segment. By hand for y = (0, 0, 0, 6, 6, 6)
    # with unit variance: two segments of RSS 0 -> 2 log 3 + 3 log 6; one segment ->
    # RSS = 54 (mean 3, six squares of 3) + log 6.
    y = np.array([0, 0, 0, 6, 6, 6], dtype=float)
    assert penalty_value("mbic", n=6, n_params=1) == pytest.approx(3 * math.log(6))
    assert mbic_criterion([0.0, 0.0], [3, 3], n=6, n_params=1) == pytest.approx(2 * math.log(3) + 3 * math.log(6))
    assert mbic_criterion([54.0], [6], n=6, n_params=1) == pytest.approx(54 + math.log(6))
    fc = NormalMeanCost(scale=1.0).fit(y)
    out = S.pelt(fc, penalty_value("mbic", n=6, n_params=1), 1, mbic=1.0)
    assert out.positions == (3,)
    assert out.objective == pytest.approx(2 * math.log(3) + 3 * math.log(6))
    # the length term favours an unequal split over a balanced one with the same cost:
    # log 1 + log 5 < log 3 + log 3
    assert mbic_criterion([0.0, 0.0], [1, 5], n=6, n_params=1) < mbic_criterion([0.0, 0.0], [3, 3], n=6, n_params=1)
    assert penalty_value("mbic_constant", n=100, n_params=2) == pytest.approx(4 * math.log(100))


@pytest.mark.parametrize("where", [0, 60, 119])
def test_a_single_extreme_month_is_a_pulse_not_a_break(where):
    rng = np.random.default_rng(100 + where)
    idx = pd.period_range("2015-01", periods=120, freq="M")
    y = pd.Series(rng.poisson(5.0, 120), index=idx)
    y.iloc[where] = 50
    res = detect_changepoints(y)
    assert res.n_breaks == 0
    p = res.pulses
    assert list(p.columns[:2]) == ["period", "position"] and {"ratio", "evidence"} <= set(p.columns)
    assert where in p["position"].tolist()
    row = p.set_index("position").loc[where]
    assert row["period"] == idx[where]
    assert row["ratio"] == pytest.approx(50 / row["level"])
    assert row["evidence"] > res.meta["pulse_penalty"]
    # the same rule the count models call
    fc = res.fitted_cost
    assert find_pulses(fc.y, res._levels, fc.size).tolist() == p["position"].tolist()


def test_short_edge_regime_needs_the_evidence_of_two_breaks():
    rng = np.random.default_rng(8)
    y = rng.poisson(5.0, 120).astype(float)
    y[-2:] = [14, 15]  # a modest two-month burst at the end
    with_rule = S.pelt(PoissonCost().fit(y), 3 * math.log(120), 2, edge=3, edge_pen=3 * math.log(120))
    without = S.pelt(PoissonCost().fit(y), 3 * math.log(120), 2, edge=0, edge_pen=0.0)
    assert without.positions == (118,)
    assert with_rule.positions == ()
    y[-3:] = [30, 32, 31]  # strong enough for a short segment anywhere
    assert S.pelt(PoissonCost().fit(y), 3 * math.log(120), 2, edge=3, edge_pen=3 * math.log(120)).positions == (117,)


def test_index_problems_name_the_first_offending_period():
    idx = pd.period_range("2020-01", periods=12, freq="M")
    y = pd.Series(np.arange(12), index=idx)
    with pytest.raises(ModelError, match="gap: 2020-03 is followed by 2020-05"):
        detect_changepoints(y.drop(idx[3]))
    with pytest.raises(ModelError, match="duplicated period: 2020-02"):
        detect_changepoints(pd.Series(np.arange(13), index=idx.insert(1, idx[1])))
    with pytest.raises(ModelError, match="not in increasing order"):
        detect_changepoints(y.iloc[::-1])


def test_all_zero_series_with_a_forced_break_gets_the_whole_admissible_interval():
    res = detect_changepoints(np.zeros(30), n_breaks=1)
    ci = res.conf_int(n_boot=99)
    assert (ci.loc[0, "lower_position"], ci.loc[0, "upper_position"]) == (2, 28)


def test_defaults_by_kind_of_data_and_normal_meanvar_without_arguments():
    rng = np.random.default_rng(2)
    assert detect_changepoints(rng.poisson(4, 80)).cost == "negbin"
    real = np.r_[rng.normal(0, 1, 60), rng.normal(3, 1, 60)]
    r = detect_changepoints(real)
    assert r.cost == "normal_mean" and r.positions == (60,)
    mv = detect_changepoints(real, cost="normal_meanvar")
    assert mv.min_size == 3 and 60 in mv.positions


def test_bootstrap_is_the_same_for_any_number_of_jobs_and_blocks():
    rng = np.random.default_rng(3)
    y = np.r_[rng.poisson(3, 40), rng.poisson(9, 40), rng.poisson(4, 40)]
    res = detect_changepoints(y)
    a = res.conf_int(n_boot=199, rng=7, n_jobs=1)
    res._cache.clear()
    b = res.conf_int(n_boot=199, rng=7, n_jobs=2)
    assert a.equals(b)
    from analysis.changepoint import uncertainty as U

    old = U.BLOCK_BYTES
    try:
        U.BLOCK_BYTES = 8 * 120 * 7  # blocks of a few draws
        res._cache.clear()
        c = res.conf_int(n_boot=199, rng=7)
    finally:
        U.BLOCK_BYTES = old
    assert c[["lower_position", "upper_position"]].shape == a[["lower_position", "upper_position"]].shape


def test_seasonal_profile_is_used_when_residuals_are_seasonal():
    rng = np.random.default_rng(11)
    idx = pd.period_range("2010-01", periods=144, freq="M")
    prof = 1 + 0.6 * np.sin(2 * np.pi * np.arange(144) / 12)
    y = pd.Series(rng.poisson(8 * prof), index=idx)
    res = detect_changepoints(y)
    assert res.diagnostics["seasonal"] and res.cost == "negbin_seasonal"
    assert res.n_breaks == 0
    est = np.array(res.meta["seasonal_profile"])
    np.testing.assert_allclose(est, prof[:12] / prof[:12].mean(), atol=0.25)
    assert res.diagnostics["seasonality_before"].pvalue < 0.01
    off = detect_changepoints(y, seasonal=False)
    assert not off.diagnostics["seasonal"]


def test_results_build_frames_lazily_and_serialise():
    rng = np.random.default_rng(4)
    res = detect_changepoints(np.r_[rng.poisson(2, 75), rng.poisson(7, 75)])
    assert "segments" not in res.__dict__ and "pulses" not in res.__dict__
    d = res.to_dict()
    assert "segments" in res.__dict__
    assert d["kind"] == "changepoints" and d["meta"]["package_version"]
    assert set(d["diagnostics"]) >= {"ljung_box", "lrv_ratio", "seasonal", "dependence_factor"}


def test_ljung_box_and_seasonality_match_statsmodels_and_scipy():
    from statsmodels.stats.diagnostic import acorr_ljungbox


    rng = np.random.default_rng(12)
    e = rng.normal(size=150)
    e[1:] += 0.4 * e[:-1]
    lb = dg.ljung_box(e, (), np.ones(150, dtype=bool), 12)
    ref = acorr_ljungbox(e, lags=[12], return_df=True)
    assert lb.stat == pytest.approx(float(ref["lb_stat"].iloc[0]), rel=1e-10)
    assert lb.pvalue == pytest.approx(float(ref["lb_pvalue"].iloc[0]), rel=1e-8)
    season = np.arange(150) % 12
    st = dg.seasonality_test(e, np.ones(150, dtype=bool), season, 12)
    f = stats.f_oneway(*[e[season == m] for m in range(12)])
    assert st.stat == pytest.approx(f.statistic, rel=1e-10) and st.pvalue == pytest.approx(f.pvalue, rel=1e-8)


def test_dependence_raises_the_penalty_on_autocorrelated_series_only():
    rng = np.random.default_rng(13)
    n, phi = 240, 0.8
    z = np.zeros(n)
    for t in range(1, n):
        z[t] = phi * z[t - 1] + rng.normal(0, 0.5 * math.sqrt(1 - phi * phi))
    dep = detect_changepoints(rng.negative_binomial(5, 5 / (5 + 5 * np.exp(z))))
    assert dep.diagnostics["dependence_factor"] > 1.5
    assert dep.penalty_value == pytest.approx(penalty_value("mbic", n=n, n_params=1)
                                              * dep.diagnostics["dependence_factor"])
    iid = detect_changepoints(rng.poisson(5.0, n), dependence=False)
    assert iid.diagnostics["dependence_factor"] == 1.0 and iid.diagnostics["ljung_box"] is not None


def test_kernel_cache_folder_follows_the_environment(monkeypatch, tmp_path):
    from analysis.changepoint import _jit

    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path / "nb"))
    assert _jit.cache_folder() == tmp_path / "nb"
    monkeypatch.delenv("NUMBA_CACHE_DIR")
    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(tmp_path / "a"))
    folder = _jit.cache_folder()
    assert folder.is_relative_to(tmp_path / "a") and folder.name == "numba"


@pytest.mark.parametrize("seed", range(6))
def test_default_answer_is_the_exact_mbic_optimum_of_its_fitted_cost(seed):
    # the size iteration stops early when a re-estimate repeats the losses; the reported answer
    # must still be the exact MBIC optimum under the reported size, and a fixed point of the
    # size re-estimation
    rng = np.random.default_rng(seed)
    mu = np.repeat(rng.uniform(2, 15, 4), [40, 25, 50, 35])
    y = rng.negative_binomial(4.0, 4.0 / (4.0 + mu)).astype(float)
    y[rng.integers(0, y.size)] += 40  # a mass listing
    res = detect_changepoints(y, dependence=False)
    fc = res.fitted_cost
    pen = res.penalty_value
    again = S.pelt(fc, pen, res.min_size, mbic=1.0, edge=3, edge_pen=pen)
    assert again.positions == res.positions
    assert again.objective == pytest.approx(res.objective, rel=1e-12)
    # re-estimating the size on the answer and searching again gives the answer back
    inl = fc.inliers(res.positions)
    refit = fc.cost.refit(fc, res.positions, inl)
    assert S.pelt(refit, pen, res.min_size, mbic=1.0, edge=3, edge_pen=pen).positions == res.positions


def _optimal_partitioning(fc, n, pen, m, mbic, edge):
    """Unpruned dynamic programme over all last-change positions, from the same segment costs."""
    C = {}
    F = [math.inf] * (n + 1)
    F[0] = -pen
    arg = [-1] * (n + 1)
    for t in range(m, n + 1):
        for s in range(0, t - m + 1):
            if s > 0 and not math.isfinite(F[s]):
                continue
            v = F[s] + pen + fc.segment_cost(s, t) + (math.log(t - s) if mbic else 0.0)
            if t == n and s > 0 and n - s <= edge:
                v += pen
            if s == 0 and t < n and t <= edge:
                v += pen
            if v < F[t]:
                F[t], arg[t] = v, s
    return F[n]


@pytest.mark.parametrize("seed", range(6))
def test_pulse_mbic_search_equals_unpruned_optimal_partitioning_on_longer_series(seed):
    """The piece-list search with its conservative cuts against the unpruned recursion (n = 90-140)."""
    rng = np.random.default_rng(100 + seed)
    n = int(rng.integers(90, 141))
    mu = np.repeat(rng.uniform(2, 20, 3), [n // 3, n // 3, n - 2 * (n // 3)])
    y = rng.negative_binomial(5.0, 5.0 / (5.0 + mu)).astype(float)
    y[rng.integers(0, n, 2)] *= 6
    cost = NegBinCost(dispersion=5.0) if seed % 2 else PoissonCost()
    fc = cost.fit(y, pulses=True, cap=3 * math.log(n))
    pen = penalty_value("mbic", n=n, n_params=1)
    for m in (1, 2):
        out = S.pelt(fc, pen, m, mbic=1.0, edge=3, edge_pen=pen)
        best = _optimal_partitioning(fc, n, pen, m, True, 3)
        assert out.objective == pytest.approx(best, rel=1e-10, abs=1e-8)


@pytest.mark.parametrize("length", [2, 3, 7, 40])
def test_centred_cross_sums_are_the_superdiagonal_sums_of_the_centred_covariance(length):
    phis = np.array([0.0, 0.35, 0.8])
    white, ar = dg.centred_cross_sums(length, phis, 12)
    m = np.eye(length) - 1.0 / length
    lag = np.abs(np.subtract.outer(np.arange(length), np.arange(length)))
    for i, phi in enumerate(phis):
        b = m @ (phi ** lag) @ m
        ref = [np.trace(b, k) if k < length else 0.0 for k in range(13)]
        np.testing.assert_allclose(ar[i], ref, rtol=0, atol=1e-12)
    np.testing.assert_allclose(white, [np.trace(m, k) if k < length else 0.0 for k in range(13)], atol=1e-12)


def test_long_run_variance_ratio_recovers_a_latent_ar_ratio_through_segment_centring():
    # Residuals c-weighted AR(1) plus white noise, cut into four centred segments: the
    # true ratio is 1 + 2 c phi / (1 - phi); the estimate must land near it, and on white
    # noise near 1, averaged over replicates (each replicate is short, as real series are).
    rng = np.random.default_rng(5)
    c, phi, n, reps = 0.4, 0.6, 400, 60
    truth = 1 + 2 * c * phi / (1 - phi)
    positions = (100, 200, 300)
    ests, whites = [], []
    for _ in range(reps):
        z = np.empty(n)
        z[0] = rng.normal()
        for t in range(1, n):
            z[t] = phi * z[t - 1] + rng.normal(0, math.sqrt(1 - phi * phi))
        e = math.sqrt(c) * z + math.sqrt(1 - c) * rng.normal(size=n)
        inl = np.ones(n, dtype=bool)
        ests.append(dg.long_run_variance_ratio(e, positions, inl, 12))
        whites.append(dg.long_run_variance_ratio(rng.normal(size=n), positions, inl, 12))
    assert abs(np.mean(ests) - truth) < 0.15 * truth
    assert np.mean(whites) < 1.25


def _latent_ar_nb(rng, n, phi, sd=0.5, mean=5.0, size=5.0):
    z = np.empty(n)
    z[0] = rng.normal(0, sd)
    for t in range(1, n):
        z[t] = phi * z[t - 1] + rng.normal(0, sd * math.sqrt(1 - phi * phi))
    mu = mean * np.exp(z - sd * sd / 2)
    return rng.negative_binomial(size, size / (size + mu)).astype(float)


def test_change_penalty_is_the_criterion_the_search_minimised():
    # The unscaled penalty used to weigh "no change" against a segmentation must be the
    # one PELT added to the cost (per change, MBIC log-lengths, short-edge prices).
    from analysis.changepoint import detect as D

    rng = np.random.default_rng(21)
    pen0 = penalty_value("mbic", n=120, n_params=1)
    checked = 0
    for mu in (np.r_[np.full(60, 5.0), np.full(60, 10.0)], np.r_[np.full(117, 5.0), np.full(3, 20.0)],
               np.r_[np.full(40, 2.0), np.full(40, 8.0), np.full(40, 3.0)]):
        res = detect_changepoints(rng.poisson(mu).astype(float), dependence=False)
        fc = res.fitted_cost
        assert res.objective - fc.total_cost(res.positions) == pytest.approx(
            D._change_penalty(res.positions, 120, pen0, True, D.SHORT_EDGE), rel=1e-9, abs=1e-9)
        checked += res.n_breaks > 0
    assert checked == 3


def test_averaged_ratio_weighs_no_change_by_its_approximate_posterior_probability():
    from analysis.changepoint import detect as D

    rng = np.random.default_rng(8)
    pen0 = penalty_value("mbic", n=120, n_params=1)
    # a clear break: the segment estimate is kept
    res = detect_changepoints(rng.poisson(np.r_[np.full(60, 3.0), np.full(60, 12.0)]).astype(float),
                              dependence=False)
    diag = D._diagnose(res.fitted_cost, res.positions, None, 12)
    assert D._averaged_ratio(res.fitted_cost, res.positions, diag, pen0, True) == pytest.approx(
        diag["lrv_ratio"], abs=1e-9)
    # no break: the segment estimate is the one-segment estimate
    res0 = detect_changepoints(rng.poisson(5.0, 120).astype(float), dependence=False)
    diag0 = D._diagnose(res0.fitted_cost, res0.positions, None, 12)
    assert res0.n_breaks == 0
    assert D._averaged_ratio(res0.fitted_cost, (), diag0, pen0, True) == diag0["lrv_ratio"]
    # spurious breaks on a persistent latent level: the average lies between the two
    # estimates, with the weight 1 / (1 + exp(delta / 2)) of the criterion difference
    found = 0
    for _ in range(200):
        r = detect_changepoints(_latent_ar_nb(rng, 120, 0.8), dependence=False)
        if not r.n_breaks:
            continue
        fc, pos = r.fitted_cost, r.positions
        d = D._diagnose(fc, pos, None, 12)
        if d["ljung_box"] is None:
            continue
        null = dg.long_run_variance_ratio(fc.pearson_residuals(()), (), fc.inliers(()), d["lags"])
        delta = (fc.total_cost(()) - fc.total_cost(pos)
                 - D._change_penalty(pos, 120, pen0, True, D.SHORT_EDGE)
                 + D._change_penalty((), 120, pen0, True, D.SHORT_EDGE))
        w = 1.0 / (1.0 + math.exp(delta / 2.0))
        got = D._averaged_ratio(fc, pos, d, pen0, True)
        assert got == pytest.approx(w * null + (1 - w) * d["lrv_ratio"], rel=1e-9)
        assert min(null, d["lrv_ratio"]) - 1e-12 <= got <= max(null, d["lrv_ratio"]) + 1e-12
        found += 1
    assert found >= 20


def test_default_false_alarms_on_a_persistent_latent_level_stay_rare():
    # Latent Gaussian AR(1), phi = 0.8, on the log scale of NB(size 5) counts, n = 120:
    # no change of level, so breaks are false alarms (true long-run variance ratio 3.9).
    rng = np.random.default_rng(20261203)
    alarms = sum(detect_changepoints(_latent_ar_nb(rng, 120, 0.8)).n_breaks > 0 for _ in range(300))
    assert alarms <= 18  # 6 % of 300; the bench measures the rate on 1,000 series


def test_whole_numbers_beyond_exact_sums_are_treated_as_continuous_with_a_warning():
    # money-like whole numbers around 1e15: their total passes 2^53, where running sums of counts are inexact
    rng = np.random.default_rng(11)
    level = np.r_[np.full(40, 1e15), np.full(40, 3e15)]
    y = np.round(level * rng.gamma(50.0, 1 / 50.0, level.size))
    assert y.sum() > 2.0 ** 53
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = detect_changepoints(y)
    assert not [w for w in caught if issubclass(w.category, RuntimeWarning)]
    assert any("2^53" in str(w.message) for w in caught if issubclass(w.category, AnalysisWarning))
    assert res.meta["options"]["cost_used"] == "normal_mean"
    assert res.n_breaks == 1 and abs(int(res.positions[0]) - 40) <= 1
    # the same series divided by 1e6 (total far below 2^53) stays a count series, with the same break
    small = detect_changepoints(np.round(y / 1e6))
    assert small.meta["options"]["cost_used"] == "negbin" and tuple(small.positions) == tuple(res.positions)


@pytest.mark.parametrize("seed", range(6))
def test_shared_size_given_segments_is_the_maximum_likelihood_of_scipy_nbinom(seed):
    """The shared NB size given a segmentation (pulses left out, seasonal profile or none)
    against a bounded search on the log-likelihood written with scipy.stats.nbinom."""
    from scipy import optimize, stats

    from analysis.changepoint.costs import estimate_dispersion_given_segments
    from analysis.changepoint.costs.negbin import _segment_rates

    rng = np.random.default_rng(seed)
    n = 60 + 40 * seed
    r = [0.5, 2.0, 8.0, 30.0, 1.0, 4.0][seed]
    lev = np.repeat(rng.uniform(0.3, 25.0, 3), -(-n // 3))[:n]
    prof = None if seed % 2 else 0.6 + 0.8 * rng.random(12)[np.arange(n) % 12]
    p = np.ones(n) if prof is None else prof
    y = rng.negative_binomial(r * p, r * p / (r * p + lev * p)).astype(float)
    keep = rng.random(n) > 0.05
    pos = [n // 3, 2 * n // 3]
    got = estimate_dispersion_given_segments(y, pos, keep, prof)
    mu = _segment_rates(y, pos, keep, p)

    def nll(logr):
        rr = math.exp(logr) * p[keep]
        return -float(stats.nbinom.logpmf(y[keep], rr, rr / (rr + mu[keep])).sum())

    ref = optimize.minimize_scalar(nll, bounds=(math.log(1e-3), math.log(1e6)), method="bounded",
                                   options={"xatol": 1e-12})
    assert nll(math.log(got)) <= ref.fun + 1e-9 * abs(ref.fun)
    assert got == pytest.approx(math.exp(ref.x), rel=1e-4)
