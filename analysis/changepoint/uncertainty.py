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

Draws are made in blocks (:data:`BLOCK_BYTES` of simulated values per block at most),
so memory does not grow with ``n_boot``; every break, and every block within a break,
draws from its own stream spawned from one :class:`numpy.random.SeedSequence`, so the
intervals are the same whatever the number of threads (``n_jobs``). Replicates are drawn
from the fitted segments without pulses and split with the plain (unbounded) loss of
the same cost: the bounded loss would change a replicate only if one of its periods had
a deviance above the pulse penalty, an event of probability about ``P(chi2_1 > 3 log n)``
per period.

Why not a likelihood-ratio (chi-square profile) set: a break location is not a regular
parameter; the profile likelihood has a non-standard limit (argmax of a two-sided random
walk with drift), so chi-square cut-offs have no justification. The parametric
bootstrap reproduces that discrete limit with the fitted rates. Its coverage is checked
by simulation in ``bench/bench_changepoint.py`` (n = 120, break at 60, rate ratios 1.5,
2, 3 around 5) and, smaller, in the tests.
"""
from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd

from .costs import FittedCost

__all__ = ["DEFAULT_SEED", "DEFAULT_N_BOOT", "BLOCK_BYTES", "bootstrap_break_intervals"]

#: Seed used when ``conf_int`` gets no ``rng``, so reports are reproducible.
DEFAULT_SEED = 20240601
DEFAULT_N_BOOT = 999
#: Budget of one block of simulated windows (bytes of the draws; the split uses a few
#: arrays of the same size).
BLOCK_BYTES = 4 * 2**20


def _block_sizes(n_boot: int, window: int) -> list[int]:
    per = max(1, min(n_boot, BLOCK_BYTES // (8 * max(window, 1))))
    sizes = [per] * (n_boot // per)
    if n_boot % per:
        sizes.append(n_boot % per)
    return sizes


def _one_block(fc: FittedCost, a: int, tau: int, b: int, left, right, size: int, min_size: int,
               ss: np.random.SeedSequence) -> np.ndarray:
    rng = np.random.default_rng(ss)
    sims = np.concatenate([fc.simulate_segment(a, tau, left, size, rng),
                           fc.simulate_segment(tau, b, right, size, rng)], axis=1)
    return fc.split_costs(sims, a, min_size) + a


def bootstrap_break_intervals(fc: FittedCost, positions: tuple[int, ...], *, alpha: float, n_boot: int,
                              min_size: int, seed: np.random.SeedSequence, n_jobs: int = 1) -> pd.DataFrame:
    """Interval (in positions) for every break; see the module docstring."""
    n = fc.n
    bounds = [0, *positions, n]
    tasks = []
    per_break = seed.spawn(len(positions))
    for j, tau in enumerate(positions, start=1):
        a, b = bounds[j - 1], bounds[j + 1]
        left = fc.segment_params(a, tau)
        right = fc.segment_params(tau, b)
        sizes = _block_sizes(n_boot, b - a)
        for k, (size, ss) in enumerate(zip(sizes, per_break[j - 1].spawn(len(sizes)))):
            tasks.append((j, k, a, tau, b, left, right, size, ss))

    def run(t):
        j, k, a, tau, b, left, right, size, ss = t
        return _one_block(fc, a, tau, b, left, right, size, min_size, ss)

    if n_jobs is None or n_jobs == 1 or len(tasks) <= 1:
        results = [run(t) for t in tasks]
    else:
        workers = max(1, int(n_jobs)) if n_jobs > 0 else None
        with ThreadPoolExecutor(max_workers=workers) as ex:
            results = list(ex.map(run, tasks))
    rows = []
    for j, tau in enumerate(positions, start=1):
        a, b = bounds[j - 1], bounds[j + 1]
        est = np.concatenate([r for t, r in zip(tasks, results) if t[0] == j])
        delta = est - tau
        q_lo = float(np.quantile(delta, alpha / 2, method="lower"))
        q_hi = float(np.quantile(delta, 1 - alpha / 2, method="higher"))
        lo = int(max(a + min_size, tau + q_lo))
        hi = int(min(b - min_size, tau + q_hi))
        # a window without information (e.g. all zeros): every split ties, so the set is the
        # whole admissible range of the window, not the tie-breaking position
        if _uninformative(fc, a, b):
            lo, hi = a + min_size, b - min_size
        rows.append({"position": int(tau), "lower_position": lo, "upper_position": hi,
                     "window_start": int(a), "window_end": int(b),
                     "boot_sd": float(np.std(delta)), "boot_exact": float(np.mean(delta == 0))})
    return pd.DataFrame(rows, columns=["position", "lower_position", "upper_position", "window_start",
                                       "window_end", "boot_sd", "boot_exact"])


def _uninformative(fc: FittedCost, a: int, b: int) -> bool:
    """Whether every split of ``[a, b)`` has the same cost (a constant window)."""
    w = fc.y[a:b]
    return bool(w.size and np.all(w == w[0]) and math.isfinite(float(w[0])))
