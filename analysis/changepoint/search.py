"""Search methods: exact penalised search, exact search with a given number of breaks,
and binary segmentation.

Every function takes a :class:`~analysis.changepoint.costs.FittedCost` and returns the
0-based positions of the first observation of each new regime. No candidate position
is skipped: all positions that respect ``min_size`` are considered.
"""
from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np

from ..errors import ModelError
from . import _kernels
from .costs import FittedCost

__all__ = ["SearchOutput", "pelt", "optimal_partition", "binary_segmentation", "backtrack"]

_EMPTY = np.empty(0)


@dataclass(frozen=True)
class SearchOutput:
    """Positions found, their total (unpenalised) cost, and pruning diagnostics."""

    positions: tuple[int, ...]
    cost: float
    pruning: str
    max_candidates: int


def backtrack(last: np.ndarray, n: int) -> tuple[int, ...]:
    """Break positions from the array of last-segment starts."""
    out = []
    t = n
    while t > 0:
        s = int(last[t])
        if s < 0:
            raise ModelError("no admissible segmentation (series too short for min_size)")
        if s > 0:
            out.append(s)
        t = s
    return tuple(reversed(out))


def _check_length(fc: FittedCost, min_size: int, n_segments: int = 1) -> None:
    if fc.n < min_size * n_segments:
        raise ModelError(
            f"series of length {fc.n} cannot hold {n_segments} segment(s) of at least {min_size} observations")


def pelt(fc: FittedCost, pen: float, min_size: int, *, pruning: str = "auto") -> SearchOutput:
    """Exact minimiser of total cost + ``pen`` × number of changes.

    Parameters
    ----------
    pruning : {"auto", "functional", "inequality"}
        ``functional`` (FPOP) for one-parameter costs, ``inequality`` (PELT) for any cost;
        ``auto`` picks functional pruning when it applies. Both are exact.
    """
    _check_length(fc, min_size)
    use_fp = (pruning == "functional") or (pruning == "auto" and fc.functional)
    if use_fp and not fc.functional:
        raise ModelError(f"functional pruning needs a one-parameter cost, not {fc.cost.name!r}")
    if use_fp:
        lo, hi = fc.domain()
        F, last, mx = _kernels.fpop(fc.kind, fc.c1, fc.c2, fc.par, float(pen), int(min_size), _EMPTY, False, lo, hi)
    else:
        F, last, mx = _kernels.pelt(fc.kind, fc.c1, fc.c2, fc.y, fc.par, float(pen), int(min_size), _EMPTY, False)
    pos = backtrack(last, fc.n)
    return SearchOutput(pos, fc.total_cost(pos), "functional" if use_fp else "inequality", int(mx))


def optimal_partition(fc: FittedCost, n_breaks: int, min_size: int, *, pruning: str = "auto") -> SearchOutput:
    """Exact minimiser of the total cost with exactly ``n_breaks`` changes.

    Segment-neighbourhood dynamic programming (Auger & Lawrence 1989), one layer per
    number of segments, each layer pruned exactly (functional pruning as in the pDPA of
    Rigaill 2015 for one-parameter costs, inequality pruning otherwise).
    """
    if n_breaks < 0:
        raise ModelError("n_breaks must be >= 0")
    _check_length(fc, min_size, n_breaks + 1)
    n = fc.n
    use_fp = (pruning == "functional") or (pruning == "auto" and fc.functional)
    prev = np.full(n + 1, np.inf)
    prev[0] = 0.0
    lasts = []
    mx_all = 0
    lo, hi = fc.domain()
    for _j in range(n_breaks + 1):
        if use_fp:
            F, last, mx = _kernels.fpop(fc.kind, fc.c1, fc.c2, fc.par, 0.0, int(min_size), prev, True, lo, hi)
        else:
            F, last, mx = _kernels.pelt(fc.kind, fc.c1, fc.c2, fc.y, fc.par, 0.0, int(min_size), prev, True)
        lasts.append(last)
        mx_all = max(mx_all, int(mx))
        prev = F
    pos = []
    t = n
    for j in range(n_breaks, -1, -1):
        s = int(lasts[j][t])
        if s < 0:
            raise ModelError("no admissible segmentation with that many breaks")
        if j > 0:
            pos.append(s)
        t = s
    pos_t = tuple(reversed(pos))
    return SearchOutput(pos_t, fc.total_cost(pos_t), "functional" if use_fp else "inequality", mx_all)


def binary_segmentation(fc: FittedCost, pen: float | None, min_size: int, *,
                        n_breaks: int | None = None) -> SearchOutput:
    """Greedy binary segmentation (Scott & Knott 1974): not exact, but fast and simple.

    Splits, at every step, the segment whose best single split lowers the cost most;
    stops when that gain is at most ``pen`` or when ``n_breaks`` splits were made.
    Every admissible split position is examined.
    """
    _check_length(fc, min_size)
    heap: list[tuple[float, int, int, int]] = []

    def push(a: int, b: int) -> None:
        if b - a >= 2 * min_size:
            pos, gain = _kernels.best_single_split(fc.kind, fc.c1, fc.c2, fc.y, fc.par, a, b, int(min_size))
            if pos >= 0:
                heapq.heappush(heap, (-float(gain), int(pos), a, b))

    push(0, fc.n)
    found: list[int] = []
    while heap:
        neg_gain, pos, a, b = heapq.heappop(heap)
        if n_breaks is not None:
            if len(found) >= n_breaks:
                break
        elif -neg_gain <= pen:
            break
        found.append(pos)
        push(a, pos)
        push(pos, b)
    if n_breaks is not None and len(found) < n_breaks:
        raise ModelError(f"binary segmentation could place only {len(found)} of {n_breaks} breaks")
    pos_t = tuple(sorted(found))
    return SearchOutput(pos_t, fc.total_cost(pos_t), "none", 0)
