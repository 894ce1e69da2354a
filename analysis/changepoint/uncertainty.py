"""Confidence sets for break dates by parametric bootstrap of the segment neighbourhood.

For break ``j`` at position ``tau`` the neighbourhood is ``[a, b)`` from the previous to
the next break (or the series ends). The two adjacent segments are refitted by maximum
likelihood and ``n_boot`` series of length ``b - a`` are simulated from them with the
break at ``tau``. In each replicate the single best split of the window is found by an
exhaustive scan with the same cost and ``min_size``; the errors
``delta* = tau* - tau`` estimate the sampling distribution of the location error. The
interval is the percentile interval ``[tau + q_{alpha/2}, tau + q_{1 - alpha/2}]`` of
the replicate estimates, with the quantiles rounded outwards to whole periods and
clipped to the admissible range of the window. (In the coverage study the percentile
interval held its level better than the basic interval ``[tau - q_{1-alpha/2},
tau - q_{alpha/2}]`` for weak changes — 0.948 against 0.933 at rate ratio 1.5, 600
series — at the same width.)

Why not a likelihood-ratio (chi-square profile) set: a break location is not a regular
parameter; the profile likelihood has a non-standard limit (argmax of a two-sided random
walk with drift), so chi-square cut-offs have no justification. The parametric
bootstrap reproduces that discrete limit with the fitted rates. Its coverage is checked
by simulation in ``bench/bench_changepoint.py`` (n = 120, break at 60, rate ratios 1.5,
2, 3 around 5) and, smaller, in the tests.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from . import _kernels
from .costs import FittedCost

__all__ = ["DEFAULT_SEED", "DEFAULT_N_BOOT", "bootstrap_break_intervals", "best_split_many"]

#: Seed used when ``conf_int`` gets no ``rng``, so reports are reproducible.
DEFAULT_SEED = 20240601
DEFAULT_N_BOOT = 999


def _np_costs(kind: int, S: np.ndarray, Q: np.ndarray, L: np.ndarray, par: float) -> np.ndarray:
    """Vectorised segment costs from sums (kinds 0-3)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if kind == 0:
            return np.where(S > 0, 2.0 * (S - S * np.log(np.where(S > 0, S, 1.0) / L)), 0.0)
        if kind == 1:
            p = S / (S + L * par)
            return np.where(S > 0, -2.0 * (S * np.log(np.where(S > 0, p, 1.0)) + L * par * np.log1p(-p)), 0.0)
        rss = np.maximum(Q - S * S / L, 0.0)
        if kind == 2:
            return rss
        v = np.maximum(rss / L, par)
        return L * np.log(v) + rss / v


def best_split_many(fc: FittedCost, sims: np.ndarray, min_size: int) -> np.ndarray:
    """Best single split position of each row of ``sims`` (exhaustive, exact)."""
    B, L = sims.shape
    if fc.kind == 4:
        out = np.empty(B, dtype=np.int64)
        z1 = np.zeros(1)
        for i in range(B):
            row = np.ascontiguousarray(sims[i])
            pos, _g = _kernels.best_single_split(4, z1, z1, row, 0.0, 0, L, int(min_size))
            out[i] = pos
        return out
    z = sims / fc.scale if fc.kind == 2 else sims
    c1 = np.concatenate([np.zeros((B, 1)), np.cumsum(z, axis=1)], axis=1)
    c2 = np.concatenate([np.zeros((B, 1)), np.cumsum(z * z, axis=1)], axis=1)
    s = np.arange(min_size, L - min_size + 1)
    left = _np_costs(fc.kind, c1[:, s], c2[:, s], s.astype(float), fc.par)
    right = _np_costs(fc.kind, c1[:, [L]] - c1[:, s], c2[:, [L]] - c2[:, s], (L - s).astype(float), fc.par)
    return s[np.argmin(left + right, axis=1)]


def bootstrap_break_intervals(fc: FittedCost, positions: tuple[int, ...], *, alpha: float, n_boot: int,
                              min_size: int, rng: np.random.Generator) -> pd.DataFrame:
    """Interval (in positions) for every break; see the module docstring."""
    n = fc.n
    bounds = [0, *positions, n]
    rows = []
    for j, tau in enumerate(positions, start=1):
        a, b = bounds[j - 1], bounds[j + 1]
        left = fc.segment_params(a, tau)
        right = fc.segment_params(tau, b)
        sims = np.concatenate([fc.simulate(left, (n_boot, tau - a), rng),
                               fc.simulate(right, (n_boot, b - tau), rng)], axis=1)
        est = best_split_many(fc, sims, min_size) + a
        delta = est - tau
        q_lo = float(np.quantile(delta, alpha / 2, method="lower"))
        q_hi = float(np.quantile(delta, 1 - alpha / 2, method="higher"))
        lo = int(max(a + min_size, tau + q_lo))
        hi = int(min(b - min_size, tau + q_hi))
        rows.append({"position": int(tau), "lower_position": lo, "upper_position": hi,
                     "window_start": int(a), "window_end": int(b),
                     "boot_sd": float(np.std(delta)), "boot_exact": float(np.mean(delta == 0))})
    return pd.DataFrame(rows, columns=["position", "lower_position", "upper_position", "window_start",
                                       "window_end", "boot_sd", "boot_exact"])
