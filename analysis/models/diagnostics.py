"""Diagnostics of a count model, each returned as a small :class:`TestResult`.

* :func:`cameron_trivedi` — regression test of Poisson overdispersion (Cameron &
  Trivedi, 1990): on a Poisson fit, regress ``((y - mu)^2 - y) / mu`` on ``mu``
  without intercept; under equidispersion the slope is 0, under NB2 it is ``alpha``.
  One-sided z test with the OLS standard error.
* :func:`overdispersion_lr` — likelihood-ratio test of Poisson against NB2; the null
  is on the boundary (``alpha = 0``), so the p-value is half the chi-square(1) tail.
* :func:`ljung_box` — Ljung–Box portmanteau test on Pearson residuals; a small
  p-value means autocorrelation the model has not captured (consider ``ar`` terms).

References
----------
Cameron, A. C. and Trivedi, P. K. (1990). Regression-based tests for overdispersion in
the Poisson model. Journal of Econometrics 46, 347–364.
Ljung, G. M. and Box, G. E. P. (1978). On a measure of lack of fit in time series
models. Biometrika 65, 297–303.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from . import _dist


@dataclass(frozen=True)
class TestResult:
    """Outcome of a hypothesis test.

    Attributes
    ----------
    name : str
    stat : float
        Test statistic.
    pvalue : float
    df : float or None
        Degrees of freedom of the reference distribution, where there is one.
    null : str
        The null hypothesis in words.
    distribution : str
        Reference distribution of ``stat`` under the null.
    """

    __test__ = False  # not a pytest class

    name: str
    stat: float
    pvalue: float
    df: float | None
    null: str
    distribution: str

    def summary(self) -> str:
        df = f", df={self.df:g}" if self.df is not None else ""
        return f"{self.name}: stat={self.stat:.4g}{df}, p={self.pvalue:.4g} (H0: {self.null})"

    def to_dict(self) -> dict:
        return asdict(self)

    def __repr__(self) -> str:
        return f"TestResult({self.summary()})"


def cameron_trivedi(y: np.ndarray, mu: np.ndarray) -> TestResult:
    """Cameron–Trivedi overdispersion test on the means ``mu`` of a Poisson fit."""
    y = np.asarray(y, float)
    mu = np.asarray(mu, float)
    z = ((y - mu) ** 2 - y) / mu
    a = float(np.sum(mu * z) / np.sum(mu * mu))
    resid = z - a * mu
    n = len(y)
    s2 = float(np.sum(resid ** 2)) / (n - 1)
    se = np.sqrt(s2 / np.sum(mu * mu))
    t = a / se if se > 0 else np.inf
    return TestResult("Cameron-Trivedi overdispersion", float(t), float(_dist.norm_sf(t)), None,
                      "Var(y) = E(y) (no overdispersion); alternative Var = mu + alpha mu^2, alpha > 0",
                      "N(0, 1), one-sided")


def overdispersion_lr(llf_poisson: float, llf_negbin: float) -> TestResult:
    """Likelihood-ratio test of Poisson (``alpha = 0``) against NB2."""
    lr = max(0.0, 2.0 * (llf_negbin - llf_poisson))
    p = 0.5 * float(_dist.chi2_sf(lr, 1)) if lr > 0 else 1.0
    return TestResult("LR test alpha = 0", lr, min(1.0, p), 1.0,
                      "alpha = 0 (Poisson); boundary null, p = chi2(1) tail / 2",
                      "0.5 chi2(0) + 0.5 chi2(1)")


def default_lags(n: int, periods_per_year: int) -> int:
    """Ljung–Box lags: up to 12 for monthly, 5 for annual series, never above n / 4."""
    cap = 12 if periods_per_year == 12 else 5
    return max(1, min(cap, n // 4))


def ljung_box(resid: np.ndarray, lags: int, *, model_df: int = 0) -> TestResult:
    """Ljung–Box Q on residuals up to ``lags``; ``df = lags - model_df`` (at least 1)."""
    r = np.asarray(resid, float)
    r = r - r.mean()
    n = len(r)
    denom = float(np.sum(r * r))
    acf = np.array([np.sum(r[k:] * r[:-k]) / denom for k in range(1, lags + 1)])
    q = n * (n + 2) * float(np.sum(acf ** 2 / (n - np.arange(1, lags + 1))))
    df = max(1, lags - model_df)
    return TestResult("Ljung-Box on Pearson residuals", q, float(_dist.chi2_sf(q, df)), float(df),
                      f"no autocorrelation up to lag {lags}", f"chi2({df})")
