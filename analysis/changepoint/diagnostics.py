"""Diagnostics of a segmentation: dependence and seasonality left in the segment residuals.

All of them work on the Pearson residuals ``(y - mean) / sd`` of the fitted model, on
the periods that are not pulses, and never across a break: a lag-``k`` pair counts only
when both periods lie in the same segment.

* :func:`residual_acf` — autocorrelations of the residuals within segments;
* :func:`ljung_box` — the Ljung–Box portmanteau test on them (Ljung & Box 1978,
  *Biometrika* 65:297), chi-square with as many degrees of freedom as lags;
* :func:`long_run_variance_ratio` — the long-run variance of the residuals over their
  variance, ``1 + 2 sum_k rho_k``, which is the factor by which dependence inflates the
  likelihood-ratio statistic of a change of level (e.g. Lavielle & Moulines 2000,
  *J. Time Ser. Anal.* 21:33; Dette, Schüler & Vetter 2020, *Scand. J. Stat.* 47:1243);
* :func:`seasonality_test` — one-way analysis of variance of the residuals by season
  (month of year), an F test of "no seasonal profile left".
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import special

__all__ = ["DiagnosticTest", "residual_acf", "ljung_box", "long_run_variance_ratio", "seasonality_test",
           "default_lags"]


@dataclass(frozen=True)
class DiagnosticTest:
    """Outcome of a diagnostic test (``stat``, ``pvalue``, ``df``, the ``null`` in words)."""

    __test__ = False

    name: str
    stat: float
    pvalue: float
    df: tuple[float, ...] | float | None
    null: str
    distribution: str

    def to_dict(self) -> dict:
        return {"name": self.name, "stat": self.stat, "pvalue": self.pvalue,
                "df": list(self.df) if isinstance(self.df, tuple) else self.df, "null": self.null,
                "distribution": self.distribution}


def default_lags(n: int, period: int | None) -> int:
    """Lags of the Ljung–Box test: the seasonal period (12 for months) or 10, at most ``n / 5``."""
    h = period if period and period > 1 else 10
    return int(max(1, min(h, n // 5)))


def _segment_ids(n: int, positions: tuple[int, ...]) -> np.ndarray:
    seg = np.zeros(n, dtype=np.int64)
    for p in positions:
        seg[p:] += 1
    return seg


def residual_acf(resid: np.ndarray, positions: tuple[int, ...], inlier: np.ndarray, lags: int) -> np.ndarray:
    """Autocorrelations at lags ``1..lags`` of the residuals, within segments, pulses left out.

    Residuals are centred within each segment; ``rho_k = sum e_t e_{t+k} / sum e_t^2`` over
    the pairs that lie in one segment with both periods not pulses (the usual
    estimator, divided by the full sum of squares, so it is shrunk towards 0 as the
    usual estimator is).
    """
    e = np.asarray(resid, dtype=float).copy()
    n = e.size
    seg = _segment_ids(n, positions)
    ok = np.asarray(inlier, dtype=bool)
    for j in np.unique(seg):
        k = (seg == j) & ok
        if k.any():
            e[k] -= e[k].mean()
    e[~ok] = 0.0
    den = float(np.sum(e * e))
    out = np.zeros(lags)
    if den <= 1e-12 * max(int(ok.sum()), 1):  # a fit without residual noise (e.g. constant segments)
        return out
    for k in range(1, lags + 1):
        same = (seg[k:] == seg[:-k]) & ok[k:] & ok[:-k]
        out[k - 1] = float(np.sum(e[k:][same] * e[:-k][same])) / den
    return out


def ljung_box(resid: np.ndarray, positions: tuple[int, ...], inlier: np.ndarray, lags: int, *,
              acf: np.ndarray | None = None) -> DiagnosticTest:
    """Ljung–Box test of no autocorrelation in the segment residuals (``acf``: see :func:`residual_acf`)."""
    m = int(np.sum(inlier))
    r = residual_acf(resid, positions, inlier, lags) if acf is None else np.asarray(acf, dtype=float)
    k = np.arange(1, lags + 1)
    q = float(m * (m + 2) * np.sum(r * r / np.maximum(m - k, 1)))
    # chdtrc is the chi-square upper tail that scipy.stats.chi2.sf evaluates, without
    # importing scipy.stats (about 0.3 s on a first call in a new process).
    return DiagnosticTest("Ljung-Box", q, float(special.chdtrc(lags, q)), float(lags),
                          "segment residuals are not autocorrelated", f"chi2({lags})")


def long_run_variance_ratio(resid: np.ndarray, positions: tuple[int, ...], inlier: np.ndarray,
                            lags: int, *, acf: np.ndarray | None = None) -> float:
    """Estimated ``1 + 2 sum_k rho_k`` of the segment residuals (at least 1).

    ``rho_k`` is taken from a geometric decay ``c phi^k`` fitted by least squares to the
    residual autocorrelations at lags ``1..lags`` (the autocorrelation of a latent AR(1)
    level seen through count or measurement noise), which gives
    ``1 + 2 c phi / (1 - phi)`` with ``0 <= phi <= 0.95``. Within-segment centring biases
    every ``rho_k`` down by about ``1 / (segment length)``; that bias is added back.
    ``acf``: the autocorrelations from :func:`residual_acf`, if already computed.
    """
    r = residual_acf(resid, positions, inlier, lags) if acf is None else np.asarray(acf, dtype=float)
    if not np.any(r):
        return 1.0
    n = int(np.sum(inlier))
    nseg = len(positions) + 1
    r = r + nseg / max(n, 1)
    k = np.arange(1, lags + 1, dtype=float)
    phis = _PHI_GRID
    G = phis[:, None] ** k[None, :]  # one row per phi on the grid
    gg = np.einsum("ij,ij->i", G, G)
    c = np.divide(G @ r, gg, out=np.zeros(phis.size), where=gg > 0)
    c = np.clip(c, 0.0, 1.0)
    sse = np.sum((r[None, :] - c[:, None] * G) ** 2, axis=1)
    j = int(np.argmin(sse))  # the first of equal minima, smallest phi
    cj, phi = float(c[j]), float(phis[j])
    return float(max(1.0, 1.0 + 2.0 * cj * phi / (1.0 - phi)))


#: grid of the AR decay in :func:`long_run_variance_ratio`
_PHI_GRID = np.linspace(0.0, 0.95, 96)


def seasonality_test(resid: np.ndarray, inlier: np.ndarray, season: np.ndarray, period: int) -> DiagnosticTest:
    """F test that the mean residual is the same in every season (one-way ANOVA)."""
    e = np.asarray(resid, dtype=float)[inlier]
    g = np.asarray(season, dtype=np.int64)[inlier]
    n = e.size
    counts = np.bincount(g, minlength=period).astype(float)
    used = counts > 0
    kk = int(used.sum())
    if kk < 2 or n - kk < 1:
        return DiagnosticTest("seasonality F", math.nan, math.nan, None, "no seasonal profile", "F")
    sums = np.bincount(g, weights=e, minlength=period)
    means = np.divide(sums, counts, out=np.zeros(period), where=used)
    grand = float(e.mean())
    ssb = float(np.sum(counts[used] * (means[used] - grand) ** 2))
    ssw = float(np.sum((e - means[g]) ** 2))
    df1, df2 = kk - 1, n - kk
    if ssw <= 0:
        return DiagnosticTest("seasonality F", math.inf, 0.0, (float(df1), float(df2)),
                              "no seasonal profile left in the residuals", f"F({df1}, {df2})")
    f = (ssb / df1) / (ssw / df2)
    # fdtrc is the F upper tail that scipy.stats.f.sf evaluates (no scipy.stats import).
    return DiagnosticTest("seasonality F", float(f), float(special.fdtrc(df1, df2, f)), (float(df1), float(df2)),
                          "no seasonal profile left in the residuals", f"F({df1}, {df2})")
