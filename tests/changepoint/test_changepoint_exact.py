"""Exact searches equal brute-force enumeration, with costs recomputed independently.

The reference costs here use scipy.stats log-densities with the segment parameters at
their maximum-likelihood values; they share no code with the package. Full
log-likelihoods differ from the package's costs by a data-only constant, so the tests
compare the objective of the package's segmentation with the best objective over all
segmentations, both under the reference cost.
"""
from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import optimize, stats

from analysis.changepoint import (
    NegBinCost,
    NormalMeanCost,
    NormalMeanVarCost,
    PoissonCost,
    crops,
    detect_changepoints,
)
from analysis.changepoint import search as S
from analysis.changepoint.costs import get_cost

# ------------------------------------------------------------------ reference costs


def ref_poisson(seg: np.ndarray) -> float:
    return -2 * float(stats.poisson.logpmf(seg, seg.mean()).sum()) if seg.sum() > 0 else 0.0


def ref_negbin_fixed(r: float):
    def f(seg: np.ndarray) -> float:
        m = seg.mean()
        if m == 0:
            return 0.0
        return -2 * float(stats.nbinom.logpmf(seg, r, r / (r + m)).sum())
    return f


def ref_negbin_segment(seg: np.ndarray) -> float:
    m = seg.mean()
    if m == 0:
        return 0.0
    pois = -2 * float(stats.poisson.logpmf(seg, m).sum())

    def nll(logr: float) -> float:
        r = math.exp(logr)
        return -2 * float(stats.nbinom.logpmf(seg, r, r / (r + m)).sum())

    best = min(optimize.minimize_scalar(nll, bounds=b, method="bounded", options={"xatol": 1e-10}).fun
               for b in [(-9, 0), (0, 5), (5, 16)])
    return min(pois, best)


def ref_normal_mean(seg: np.ndarray) -> float:
    return -2 * float(stats.norm.logpdf(seg, seg.mean(), 1.0).sum())


def ref_normal_meanvar(floor: float):
    def f(seg: np.ndarray) -> float:
        v = max(seg.var(), floor)
        return -2 * float(stats.norm.logpdf(seg, seg.mean(), math.sqrt(v)).sum())
    return f


def segmentations(n: int, min_size: int, k: int | None = None):
    ks = range(0, n // min_size) if k is None else [k]
    for kk in ks:
        for cps in itertools.combinations(range(min_size, n - min_size + 1), kk):
            b = (0, *cps, n)
            if all(b[i + 1] - b[i] >= min_size for i in range(len(b) - 1)):
                yield cps


def objective(y, cps, segcost, pen) -> float:
    b = (0, *cps, len(y))
    return sum(segcost(y[b[i]:b[i + 1]]) for i in range(len(b) - 1)) + pen * len(cps)


def objective_edge(y, cps, segcost, pen, edge=3, mbic=0.0) -> float:
    """Objective with the short-edge price and, optionally, the MBIC log-length terms."""
    b = (0, *cps, len(y))
    v = objective(y, cps, segcost, pen)
    v += mbic * sum(math.log(b[i + 1] - b[i]) for i in range(len(b) - 1))
    if cps:
        v += pen * ((b[1] - b[0] <= edge) + (b[-1] - b[-2] <= edge))
    return v


def brute(y, segcost, pen, min_size, k=None) -> float:
    return min(objective(y, c, segcost, pen) for c in segmentations(len(y), min_size, k))


COSTS = {
    "poisson": (PoissonCost(), ref_poisson, "counts"),
    "negbin": (NegBinCost(dispersion=2.5), ref_negbin_fixed(2.5), "counts"),
    "normal_mean": (NormalMeanCost(scale=1.0), ref_normal_mean, "real"),
    "normal_meanvar": (NormalMeanVarCost(var_floor=0.05), ref_normal_meanvar(0.05), "real"),
}

counts = st.lists(st.integers(0, 12), min_size=4, max_size=10).map(lambda v: np.array(v, dtype=float))
reals = st.lists(st.floats(-5, 5, allow_nan=False).map(lambda x: round(x, 2)), min_size=6, max_size=10).map(
    lambda v: np.array(v, dtype=float))

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("name", list(COSTS))
@SETTINGS
@given(data=st.data(), pen=st.floats(0.0, 15.0), min_size=st.integers(1, 3))
def test_penalised_search_equals_brute_force(name, data, pen, min_size):
    cost, ref, kind = COSTS[name]
    if name == "normal_meanvar":
        min_size = max(min_size, 3)
    y = data.draw(counts if kind == "counts" else reals)
    if len(y) < min_size:
        return
    best = brute(y, ref, pen, min_size)
    fc = cost.fit(y)
    prunings = ["inequality"] + (["functional"] if fc.functional else [])
    for pr in prunings:
        out = S.pelt(fc, pen, min_size, pruning=pr)
        got = objective(y, out.positions, ref, pen)
        assert got == pytest.approx(best, abs=1e-7, rel=1e-9), (pr, out.positions)
        assert all(b - a >= min_size for a, b in zip((0, *out.positions), (*out.positions, len(y))))


@pytest.mark.parametrize("name", list(COSTS))
@SETTINGS
@given(data=st.data(), k=st.integers(0, 3), min_size=st.integers(1, 2))
def test_fixed_number_of_breaks_equals_brute_force(name, data, k, min_size):
    cost, ref, kind = COSTS[name]
    if name == "normal_meanvar":
        min_size = 3
        k = min(k, 2)
    y = data.draw(counts if kind == "counts" else reals)
    if len(y) < min_size * (k + 1):
        return
    best = brute(y, ref, 0.0, min_size, k)
    fc = cost.fit(y)
    for pr in ["inequality"] + (["functional"] if fc.functional else []):
        out = S.optimal_partition(fc, k, min_size, pruning=pr)
        assert len(out.positions) == k
        assert objective(y, out.positions, ref, 0.0) == pytest.approx(best, abs=1e-7, rel=1e-9)


@settings(max_examples=12, deadline=None)
@given(y=st.lists(st.integers(0, 15), min_size=6, max_size=9).map(lambda v: np.array(v, dtype=float)),
       pen=st.floats(0.0, 12.0))
def test_negbin_per_segment_dispersion_equals_brute_force(y, pen):
    # the criterion includes the price of a short edge segment (one more penalty)
    best = min(objective_edge(y, c, ref_negbin_segment, pen) for c in segmentations(len(y), 3))
    res = detect_changepoints(y, cost=NegBinCost(dispersion="segment"), penalty=pen, min_size=3)
    assert objective_edge(y, res.positions, ref_negbin_segment, pen) == pytest.approx(best, abs=1e-5)


@pytest.mark.parametrize("name", ["poisson", "negbin", "normal_mean"])
def test_functional_and_inequality_pruning_agree_on_long_series(name):
    rng = np.random.default_rng(3)
    lam = np.repeat([3.0, 8.0, 4.0, 4.5, 12.0, 2.0], 60)
    y = rng.poisson(lam).astype(float) if name != "normal_mean" else rng.normal(lam, 2.0)
    cost = COSTS[name][0]
    fc = cost.fit(y)
    for pen in (5.0, 3 * math.log(y.size), 40.0):
        a = S.pelt(fc, pen, 2, pruning="functional")
        b = S.pelt(fc, pen, 2, pruning="inequality")
        assert a.cost + pen * len(a.positions) == pytest.approx(b.cost + pen * len(b.positions), rel=1e-10)
    for k in (1, 4, 7):
        a = S.optimal_partition(fc, k, 3, pruning="functional")
        b = S.optimal_partition(fc, k, 3, pruning="inequality")
        assert a.cost == pytest.approx(b.cost, rel=1e-10)


def test_binary_segmentation_is_a_valid_segmentation_and_exact_for_one_break():
    rng = np.random.default_rng(4)
    y = rng.poisson(np.repeat([2.0, 9.0, 4.0], 40)).astype(float)
    fc = PoissonCost().fit(y)
    one_b = S.binary_segmentation(fc, None, 2, n_breaks=1)
    one_e = S.optimal_partition(fc, 1, 2)
    assert one_b.positions == one_e.positions
    res = detect_changepoints(y, method="binseg")
    assert all(b - a >= 2 for a, b in zip((0, *res.positions), (*res.positions, y.size)))


def test_crops_path_matches_individual_searches():
    rng = np.random.default_rng(11)
    y = rng.poisson(np.repeat([2.0, 6.0, 3.0, 9.0, 5.0], 30)).astype(float)
    path = crops(y, cost="poisson", penalty_range=(2.0, 60.0))
    df = path.to_frame()
    assert df["penalty_lower"].iloc[0] == 2.0 and df["penalty_upper"].iloc[-1] == 60.0
    assert (df["n_breaks"].diff().dropna() < 0).all()
    np.testing.assert_allclose(df["penalty_upper"].to_numpy()[:-1], df["penalty_lower"].to_numpy()[1:])
    fc = PoissonCost().fit(y)
    for _, row in df.iterrows():
        lo, hi = row["penalty_lower"], row["penalty_upper"]
        mid = 0.5 * (lo + hi)
        assert len(S.pelt(fc, mid, 2).positions) == row["n_breaks"]
        assert path.positions_for(mid) == tuple(row["positions"])
        # the switch points are exact: just inside each end the same segmentation is optimal
        for b in (lo + 1e-6 * max(1, lo), hi - 1e-6 * max(1, hi)):
            out = S.pelt(fc, b, 2)
            assert out.cost + b * len(out.positions) == pytest.approx(row["cost"] + b * row["n_breaks"], rel=1e-9)
    # every segmentation on the path: its cost is the best among all with that many breaks
    for _, row in df.iterrows():
        assert row["cost"] == pytest.approx(S.optimal_partition(fc, int(row["n_breaks"]), 2).cost, rel=1e-10)


def test_get_cost_names_and_errors():
    for n in ("poisson", "negbin", "normal_mean", "normal_meanvar"):
        assert get_cost(n).name == n
    from analysis.errors import ModelError

    with pytest.raises(ModelError):
        get_cost("l2")
    with pytest.raises(ModelError):
        detect_changepoints(np.arange(10.0), cost="normal_meanvar", min_size=2)
    with pytest.raises(ModelError):
        detect_changepoints(np.array([1.5, 2, 3, 4]), cost="poisson")
    with pytest.raises(ModelError):
        NegBinCost(dispersion="nope")


def _op_reference(y: np.ndarray, pen: float, min_size: int, cost) -> np.ndarray:
    """Optimal partitioning with no pruning (Jackson et al. 2005): ``F(t)`` for every ``t``,
    with the segment cost from ``cost(seg)`` (an independent reference cost)."""
    n = y.size
    F = np.full(n + 1, np.inf)
    F[0] = -pen
    for t in range(min_size, n + 1):
        F[t] = min(F[s] + pen + cost(y[s:t]) for s in range(0, t - min_size + 1))
    return F


def _plain_fpop_against_reference(y, fc, pen, min_size, ssq, lists):
    """Run the plain-loss FPOP with piece lists of ``lists`` entries; every finite F(t) equals the unpruned recursion."""
    ref = _op_reference(y, pen, min_size, ssq)
    F, _last, mx, _mp = fc.kernels.fpop_plain(fc.a, fc.b, fc.c, pen, min_size, np.empty(0), False, fc.dlo, fc.dhi,
                                              lists)
    ok = np.isfinite(ref)
    # the package's cost is RSS up to rounding; F(t) within 1e-9 relative of the reference
    np.testing.assert_allclose(F[ok], ref[ok], rtol=1e-9, atol=1e-8)
    return F, ref, mx


@pytest.mark.parametrize("min_size", [1, 2, 4])
def test_plain_gaussian_fpop_equals_unpruned_optimal_partitioning(min_size):
    # every F(t), not only the final optimum, equals the unpruned recursion
    rng = np.random.default_rng(11)
    mu = np.repeat([0.0, 2.5, -1.0, -1.3, 4.0], 50)
    y = np.round(mu + rng.normal(0, 1, mu.size), 3)
    ssq = lambda seg: float(np.sum((seg - seg.mean()) ** 2))  # noqa: E731 - unit-variance Gaussian cost
    fc = NormalMeanCost(scale=1.0).fit(y)
    for pen in (0.5, 2 * math.log(y.size), 30.0):
        F, ref, _mx = _plain_fpop_against_reference(y, fc, pen, min_size, ssq, 64)
        assert np.array_equal(np.isfinite(ref), np.isfinite(F))
        out = S.pelt(fc, pen, min_size)
        assert objective(y, out.positions, ssq, pen) == pytest.approx(ref[-1], rel=1e-10, abs=1e-8)


def test_plain_fpop_grows_its_piece_lists_exactly():
    # lists started at 4 entries must grow (resuming the sweep) without changing any F(t)
    rng = np.random.default_rng(5)
    y = np.round(np.cumsum(rng.normal(0, 1, 300)), 3)
    fc = NormalMeanCost(scale=1.0).fit(y)
    ssq = lambda seg: float(np.sum((seg - seg.mean()) ** 2))  # noqa: E731
    for pen, ms in ((10.0, 1), (1000.0, 2)):
        _F, _ref, mx = _plain_fpop_against_reference(y, fc, pen, ms, ssq, 4)
        assert mx > 4


@pytest.mark.parametrize("min_size", [1, 2, 3])
def test_plain_fpop_equals_inequality_pruning_on_random_series(min_size):
    # many short random series (planted breaks, ties from rounding, several penalties):
    # the same optimum as PELT's inequality pruning, and every F(t) of the unpruned recursion
    rng = np.random.default_rng(2024 + min_size)
    ssq = lambda seg: float(np.sum((seg - seg.mean()) ** 2))  # noqa: E731
    for _ in range(40):
        n = int(rng.integers(min_size, 60))
        k = int(rng.integers(1, 6))
        mu = np.repeat(rng.normal(0, 2, k), np.diff(np.linspace(0, n, k + 1).astype(int)))
        y = mu + rng.normal(0, 1, n)
        if rng.random() < 0.3:
            y = np.round(y, 1)
        fc = NormalMeanCost(scale=1.0).fit(y)
        for pen in (0.0, 1.0, 2 * math.log(max(n, 2)), 50.0):
            F, ref, _mx = _plain_fpop_against_reference(y, fc, pen, min_size, ssq, 4)
            assert np.array_equal(np.isfinite(ref), np.isfinite(F))
            a = S.pelt(fc, pen, min_size, pruning="functional")
            b = S.pelt(fc, pen, min_size, pruning="inequality")
            assert objective(y, a.positions, ssq, pen) == pytest.approx(objective(y, b.positions, ssq, pen),
                                                                       rel=1e-12, abs=1e-9)
