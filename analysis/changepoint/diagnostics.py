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

__all__ = ["DiagnosticTest", "residual_acf", "ljung_box", "long_run_variance_ratio", "centred_cross_sums",
           "seasonality_test", "default_lags"]


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


def centred_cross_sums(length: int, phis: np.ndarray, lags: int) -> tuple[np.ndarray, np.ndarray]:
    """Expected lag-``k`` cross-product sums of one segment's centred residuals.

    For ``e`` of unit variance in one segment of ``length`` periods, centred on the
    segment mean (``M e`` with ``M = I - 1 1' / length``), returns the expectations of
    ``sum_t (Me)_t (Me)_{t+k}``, ``k = 0..lags``:

    * ``white`` (shape ``lags + 1``): when ``e`` is white noise, ``length - 1`` at lag 0
      and ``-(length - k) / length`` after;
    * ``ar`` (shape ``(phis.size, lags + 1)``): when ``cov(e_s, e_t) = phi^|s - t|``,
      one row per ``phi``, i.e. the sums of the ``k``-th superdiagonal of
      ``M Phi M``.

    Notes
    -----
    With ``r_i = sum_j phi^|i - j|`` (row sums of ``Phi``) and ``R = sum_i r_i``,
    ``(M Phi M)_ij = phi^|i-j| - r_i / L - r_j / L + R / L^2``; summing it over the
    ``L - k`` pairs ``(t, t + k)`` needs only partial sums of ``r``, which are geometric
    series in closed form, so the cost is ``O(phis.size * lags)`` whatever the length.
    Assumes ``0 <= phi < 1``.
    """
    L = int(length)
    K = int(lags)
    phis = np.asarray(phis, dtype=float)
    k = np.arange(K + 1)
    m = np.maximum(L - k, 0)
    white = np.where(k == 0, L - 1.0, -m / L)
    ph = phis[:, None]
    q = 1.0 - ph

    def cum_rows(j: np.ndarray) -> np.ndarray:
        # sum_{t < j} r_t in closed form (0 <= phi < 1): r_t = (1 - phi^(t+1)) / (1 - phi)
        # + (phi - phi^(L-t)) / (1 - phi), so the cost does not grow with the length.
        j = j[None, :].astype(float)
        first = (j - ph * (1.0 - ph ** j) / q) / q
        second = (j * ph - ph ** (L - j + 1.0) * (1.0 - ph ** j) / q) / q
        return first + second

    kk = np.minimum(k, L)
    tot = cum_rows(np.array([L]))
    ar = (m[None, :] * ph ** k[None, :] - cum_rows(m) / L - (tot - cum_rows(kk)) / L
          + m[None, :] * tot / L ** 2)
    ar[:, m == 0] = 0.0
    return white, ar


def long_run_variance_ratio(resid: np.ndarray, positions: tuple[int, ...], inlier: np.ndarray,
                            lags: int, *, acf: np.ndarray | None = None) -> float:
    """Estimated long-run variance ratio ``1 + 2 sum_k rho_k`` of the segment residuals (at least 1).

    The residuals are modelled as a latent AR(1) level seen through count or
    measurement noise: ``rho_k = c phi^k`` (``0 <= c <= 1``). ``c`` and ``phi`` are fitted
    by least squares to the residual autocorrelations at lags ``1..lags``
    (:func:`residual_acf`), matching them not to ``c phi^k`` but to their *expectation*
    after the within-segment centring (:func:`centred_cross_sums`), which takes about
    ``(long-run variance ratio) / (segment length)`` off every lag. The ratio is then
    ``1 + 2 c phi / (1 - phi)``. ``acf``: the autocorrelations, if already computed.

    Notes
    -----
    * The decay is restricted to ``phi <= 0.1 ** (1 / lags)``: the fitted correlation
      must fall below a tenth of its lag-0 scale within the lags examined (``phi`` at
      most 0.83 for 12 monthly lags, 0.79 for 10). Dependence that lasts longer cannot be
      told apart, in the residual correlations of a segmented fit, from the level shifts
      the search itself estimates; it is left to the Ljung–Box warning rather than
      extrapolated into an unbounded penalty.
    * The expectation of a ratio is approximated by the ratio of expectations, as usual
      for autocorrelation bias; pulses are left out of the segment lengths.
    * Grids: ``phi`` in steps of 0.01, ``c`` in steps of 0.005; ties go to the smallest
      ``phi`` and ``c``.
    """
    r = residual_acf(resid, positions, inlier, lags) if acf is None else np.asarray(acf, dtype=float)
    if not np.any(r):
        return 1.0
    K = r.size
    phis = np.arange(0.0, 0.1 ** (1.0 / K) + 1e-12, 0.01)
    seg = _segment_ids(len(resid), positions)
    inl = np.asarray(inlier, dtype=bool)
    lengths = np.bincount(seg[inl], minlength=len(positions) + 1)
    white = np.zeros(K + 1)
    ar = np.zeros((phis.size, K + 1))
    for L, times in zip(*np.unique(lengths[lengths >= 2], return_counts=True)):
        w, a = centred_cross_sums(int(L), phis, K)
        white += times * w
        ar += times * a
    if white[0] <= 0:
        return 1.0
    # sse(phi, c) = sum_k (num_k / den - r_k)^2 with num_k = white_k + c d_k and
    # den = white_0 + c d_0 (d = ar - white), expanded into sums over k done once per phi.
    cs = _C_GRID
    d = ar - white[None, :]
    wk, dk = white[1:], d[:, 1:]
    a0, a1, a2 = float(wk @ wk), dk @ wk, np.einsum("ij,ij->i", dk, dk)
    b0, b1 = float(wk @ r), dk @ r
    den = white[0] + cs[None, :] * d[:, :1]
    num2 = a0 + 2.0 * cs[None, :] * a1[:, None] + cs[None, :] ** 2 * a2[:, None]
    sse = num2 / den ** 2 - 2.0 * (b0 + cs[None, :] * b1[:, None]) / den
    i, j = np.unravel_index(int(np.argmin(sse)), sse.shape)
    c, phi = float(cs[j]), float(phis[i])
    return float(max(1.0, 1.0 + 2.0 * c * phi / (1.0 - phi)))


#: grid of the correlation scale ``c`` in :func:`long_run_variance_ratio`
_C_GRID = np.linspace(0.0, 1.0, 201)


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
