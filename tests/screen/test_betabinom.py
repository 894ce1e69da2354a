"""Beta-binomial regression against R's VGAM (stored output), scipy's pmf and the binomial GLM."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from analysis.screening.betabinom import betabinomial_loglik, fit_betabinomial

REF = Path(__file__).parent / "reference"


def _design(s: pd.DataFrame) -> np.ndarray:
    return np.column_stack([np.ones(len(s)), s["trend"], s["step"]])


@pytest.mark.parametrize("dataset", ["strong", "mild"])
def test_estimates_match_vgam(dataset):
    """VGAM::vglm(cbind(y, n - y) ~ trend + step, betabinomial(zero = 2)); see betabinom_reference.R."""
    d = pd.read_csv(REF / "betabinom_data.csv")
    ref = pd.read_csv(REF / "betabinom_reference.csv").set_index("dataset").loc[dataset]
    s = d[d["dataset"] == dataset]
    fit = fit_betabinomial(s["y"].to_numpy(), s["n"].to_numpy(), _design(s))
    assert fit.converged and not fit.at_bound
    assert np.allclose(fit.params, ref[["b0", "b1", "b2"]].to_numpy(float), rtol=0, atol=2e-6)
    assert fit.rho == pytest.approx(ref["rho"], rel=1e-5)
    assert fit.llf == pytest.approx(ref["loglik"], abs=1e-6)
    # VGAM's standard errors come from the expected information (Fisher scoring), ours from the
    # observed information: the two agree to within a few per cent on these data.
    assert np.allclose(fit.bse, ref[["se_b0", "se_b1", "se_b2"]].to_numpy(float), rtol=0.03)


def test_no_overdispersion_gives_the_binomial_glm():
    d = pd.read_csv(REF / "betabinom_data.csv")
    ref = pd.read_csv(REF / "betabinom_reference.csv").set_index("dataset").loc["none"]
    s = d[d["dataset"] == "none"]
    X = _design(s)
    fit = fit_betabinomial(s["y"].to_numpy(), s["n"].to_numpy(), X)
    glm = sm.GLM(np.column_stack([s["y"], s["n"] - s["y"]]), X, family=sm.families.Binomial()).fit()
    assert fit.rho < 1e-6
    assert np.allclose(fit.params, glm.params, atol=1e-4)
    assert np.allclose(fit.params, ref[["b0", "b1", "b2"]].to_numpy(float), atol=1e-4)
    assert fit.llf == pytest.approx(glm.llf, abs=1e-4)


def test_loglik_matches_scipy_pmf():
    rng = np.random.default_rng(3)
    n = rng.integers(1, 80, 30)
    p = rng.uniform(0.05, 0.95, 30)
    y = rng.binomial(n, p)
    phi = 7.5
    ref = stats.betabinom.logpmf(y, n, p * phi, (1 - p) * phi).sum()
    assert betabinomial_loglik(y, n, p, phi) == pytest.approx(ref, rel=1e-12)


def test_maximum_beats_a_grid_of_nearby_points():
    """Brute force: no point of a grid around the estimate has a higher likelihood."""
    d = pd.read_csv(REF / "betabinom_data.csv")
    s = d[d["dataset"] == "strong"]
    y, n, X = s["y"].to_numpy(), s["n"].to_numpy(), _design(s)
    fit = fit_betabinomial(y, n, X)
    rng = np.random.default_rng(0)
    for _ in range(200):
        b = fit.params + rng.normal(0, 0.05, 3)
        phi = fit.phi * np.exp(rng.normal(0, 0.1))
        p = 1 / (1 + np.exp(-(X @ b)))
        assert betabinomial_loglik(y, n, p, phi) <= fit.llf + 1e-9


def test_bad_input():
    with pytest.raises(ValueError):
        fit_betabinomial(np.array([3, 1]), np.array([2, 2]), np.ones((2, 1)))
