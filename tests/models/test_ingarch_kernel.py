"""The compiled INGARCH Newton iteration: its special functions, its likelihood near the Poisson limit, its fits.

References: ``scipy.special`` for digamma and trigamma; exact rational arithmetic for the
finite sums; the expansion of the NB2 log-likelihood in ``1 / theta`` around the Poisson
limit, ``log NB(y; mu, theta) = log Poisson(y; mu) + ((y - mu)^2 - y) / (2 theta) + O(theta^-2)``;
and the fit with the Poisson family.
"""
from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from scipy import special

from analysis.models import _ingarch_kernel as K
from analysis.models import fit_ingarch, step
from analysis.models.likelihood import Counts
from simulated import persistent_series  # tests/models/simulated.py

GRID = np.concatenate([np.geomspace(1e-3, 9.99, 40), np.geomspace(10.0, 1e8, 40)])


def test_digamma_and_trigamma_match_scipy():
    for x in GRID:
        assert K.digamma(x) == pytest.approx(special.digamma(x), rel=4e-15, abs=1e-15)
        assert K.trigamma(x) == pytest.approx(special.polygamma(1, x), rel=4e-15)


def _exact_ratios(v: int, theta: int) -> tuple[float, float, float]:
    """``log Gamma(v + theta) - log Gamma(theta) - v log theta`` and the psi, psi' differences, exactly."""
    prod = Fraction(1)
    s1 = Fraction(0)
    s2 = Fraction(0)
    for j in range(v):
        prod *= Fraction(theta + j, theta)
        s1 += Fraction(1, theta + j)
        s2 -= Fraction(1, (theta + j) ** 2)
    return math.log1p(float(prod - 1)), float(s1), float(s2)


@pytest.mark.parametrize("theta", [3, 40, 5_000, 20_000, 10_000_000])
@pytest.mark.parametrize("v", [0, 1, 2, 7, 60])
def test_theta_terms_agree_with_exact_arithmetic_on_both_sides_of_the_switch(v, theta):
    ref_g, ref_1, ref_2 = _exact_ratios(v, theta)
    # below the switch, the rounding of lgamma(theta) itself (a few ulps of theta log theta)
    scale = 1e-15 * theta * math.log(theta) + 1e-15 if theta <= K.SUM_THETA else 1e-15
    assert K._gamma_ratio(float(v), float(theta)) == pytest.approx(ref_g, rel=1e-12, abs=scale)
    r1, r2 = K._psi_ratio(float(v), float(theta))
    assert r1 == pytest.approx(ref_1, rel=1e-12, abs=1e-15 * max(1.0, math.log(theta)))  # psi(theta) rounding
    assert r2 == pytest.approx(ref_2, rel=1e-10, abs=1e-15)


def test_negative_binomial_likelihood_is_smooth_near_the_poisson_limit():
    rng = np.random.default_rng(5)
    mu = rng.uniform(2, 40, 150)
    y = rng.poisson(mu).astype(float)
    cnt = Counts(y)
    nu = np.log(mu)
    pois = K._loglik(y, nu, cnt.values, cnt.counts, cnt.log_factorial, False, 0.0)
    assert pois == pytest.approx(cnt.loglik(mu, None), rel=1e-14)
    first_order = 0.5 * float(np.sum((y - mu) ** 2 - y))
    for theta in (1e6, 1e7, 1e8):
        nb = K._loglik(y, nu, cnt.values, cnt.counts, cnt.log_factorial, True, theta)
        assert theta * (nb - pois) == pytest.approx(first_order, rel=1e-3)
    # at ordinary sizes it is the likelihood of Counts, term for term
    for theta in (0.5, 4.0, 300.0):
        nb = K._loglik(y, nu, cnt.values, cnt.counts, cnt.log_factorial, True, theta)
        assert nb == pytest.approx(cnt.loglik(mu, theta), rel=1e-13)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_negative_binomial_fit_of_poisson_counts_converges_to_the_poisson_fit(seed):
    y, at = persistent_series(seed)
    kw = dict(seasonality=None, interventions={"law": step(at)}, n_boot=0)
    nb = fit_ingarch(y, family="negbin", **kw)
    po = fit_ingarch(y, family="poisson", **kw)
    assert nb.converged
    if nb.theta > 1e5:  # the maximum is at (or towards) the Poisson limit
        assert nb.llf == pytest.approx(po.llf, abs=1e-3)
        np.testing.assert_allclose(nb.params.to_numpy(), po.params.to_numpy(), atol=1e-3)
    assert nb.llf >= po.llf - 1e-3
