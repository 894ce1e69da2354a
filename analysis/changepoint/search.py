"""Search methods: exact penalised search, exact search with a given number of breaks,
and binary segmentation.

Every function takes a fitted cost (:class:`~analysis.changepoint.costs.FittedCost`)
and returns the 0-based positions of the first observation of each new regime. No
candidate position is skipped: all positions that respect ``min_size`` are considered.
The searches only call the fitted cost and its compiled kernels; they do not know which
cost it is (see :mod:`analysis.changepoint._kernels` for the recursions and why their
pruning is exact).
"""
from __future__ import annotations

import heapq
import math
from dataclasses import dataclass

import numpy as np

from ..errors import ModelError
from .costs import FittedCost

__all__ = ["SearchOutput", "pelt", "optimal_partition", "binary_segmentation", "backtrack"]

_EMPTY = np.empty(0)


@dataclass(frozen=True)
class SearchOutput:
    """Positions found, their total (unpenalised) cost, and pruning diagnostics.

    ``objective`` is the minimised criterion (cost + penalties, log-length terms under
    MBIC, edge prices); ``max_candidates`` the largest number of candidates kept and
    ``max_pieces`` the largest number of loss pieces (bounded loss only).
    """

    positions: tuple[int, ...]
    cost: float
    pruning: str
    max_candidates: int
    objective: float = math.nan
    max_pieces: int = 0


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


def _use_functional(fc: FittedCost, pruning: str) -> bool:
    if pruning not in ("auto", "functional", "inequality"):
        raise ModelError("pruning must be 'auto', 'functional' or 'inequality'")
    use_fp = (pruning == "functional") or (pruning == "auto" and fc.functional)
    if use_fp and not fc.functional:
        raise ModelError(f"functional pruning needs a one-parameter cost, not {fc.cost.name!r}")
    if not use_fp and fc.pulses:
        raise ModelError("the bounded (pulse) loss is searched by functional pruning only; pass pulses=False "
                         "for inequality pruning")
    return use_fp


def _stats(fc: FittedCost) -> tuple[np.ndarray, np.ndarray]:
    if fc.functional:
        return np.vstack([fc.cA, fc.cB, fc.cC]), np.array([fc.dlo, fc.dhi])
    return fc.S, fc.par


def _run(fc: FittedCost, pen: float, min_size: int, prev: np.ndarray, layer: bool, use_fp: bool,
         mbic: bool, edge: int, edge_pen: float):
    k = fc.kernels
    if use_fp and mbic == 0.0 and not math.isfinite(fc.cap) and (layer or edge == 0):
        F, last, mx, mp = k.fpop_plain(fc.a, fc.b, fc.c, float(pen), int(min_size), prev, layer, fc.dlo, fc.dhi, 64)
        return F, last, int(mx), int(mp)
    if use_fp and mbic == 0.0:
        F, last, mx, mp = k.fpop_min(fc.a, fc.b, fc.c, fc.lo, fc.hi, fc.cap, float(pen), int(min_size), prev,
                                     layer, fc.dlo, fc.dhi, int(edge), float(edge_pen))
        return F, last, int(mx), int(mp)
    if use_fp:
        F, last, mx, mp = k.fpop(fc.a, fc.b, fc.c, fc.cA, fc.cB, fc.cC, fc.lo, fc.hi, fc.cap, float(pen),
                                 int(min_size), prev, layer, fc.dlo, fc.dhi, float(mbic), int(edge), float(edge_pen))
        return F, last, int(mx), int(mp)
    S, par = _stats(fc)
    F, last, mx = k.pelt(S, fc.y, par, float(pen), int(min_size), prev, layer, bool(mbic), int(edge),
                         float(edge_pen))
    return F, last, int(mx), 0


def pelt(fc: FittedCost, pen: float, min_size: int, *, pruning: str = "auto", mbic: float = 0.0,
         edge: int = 0, edge_pen: float = 0.0) -> SearchOutput:
    """Exact minimiser of total cost + ``pen`` × number of changes (+ MBIC and edge terms).

    Parameters
    ----------
    pen : float
        Penalty per change.
    pruning : {"auto", "functional", "inequality"}
        ``functional`` (FPOP) for one-parameter costs, ``inequality`` (PELT) for any cost
        without pulses; ``auto`` picks functional pruning when it applies. Both are exact.
    mbic : float
        Weight of ``log(length)`` added for every segment (1 for R changepoint's MBIC
        segment term, 0 for none).
    edge, edge_pen : int, float
        A first or last segment of at most ``edge`` periods (not the whole series) pays
        ``edge_pen`` more.
    """
    _check_length(fc, min_size)
    use_fp = _use_functional(fc, pruning)
    F, last, mx, mp = _run(fc, pen, min_size, _EMPTY, False, use_fp, mbic, edge, edge_pen)
    pos = backtrack(last, fc.n)
    return SearchOutput(pos, fc.total_cost(pos), "functional" if use_fp else "inequality", mx,
                        float(F[fc.n]), mp)


def optimal_partition(fc: FittedCost, n_breaks: int, min_size: int, *, pruning: str = "auto") -> SearchOutput:
    """Exact minimiser of the total cost with exactly ``n_breaks`` changes.

    Segment-neighbourhood dynamic programming (Auger & Lawrence 1989), one layer per
    number of segments, each layer pruned exactly (functional pruning as in the pDPA of
    Rigaill 2015 for one-parameter costs, with the bounded loss when pulses are on;
    inequality pruning otherwise).
    """
    if n_breaks < 0:
        raise ModelError("n_breaks must be >= 0")
    _check_length(fc, min_size, n_breaks + 1)
    n = fc.n
    use_fp = _use_functional(fc, pruning)
    prev = np.full(n + 1, np.inf)
    prev[0] = 0.0
    lasts = []
    mx_all = mp_all = 0
    for _j in range(n_breaks + 1):
        F, last, mx, mp = _run(fc, 0.0, min_size, prev, True, use_fp, 0.0, 0, 0.0)
        lasts.append(last)
        mx_all = max(mx_all, mx)
        mp_all = max(mp_all, mp)
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
    return SearchOutput(pos_t, fc.total_cost(pos_t), "functional" if use_fp else "inequality", mx_all,
                        float(prev[n]), mp_all)


def _best_split(fc: FittedCost, a: int, b: int, min_size: int) -> tuple[int, float]:
    """Best single split of ``[a, b)``: (position, gain)."""
    if fc.functional and fc.pulses:
        sl = slice(a, b)
        L = b - a
        prev = np.full(L + 1, np.inf)
        prev[0] = 0.0
        k = fc.kernels
        va, vb, vc = (np.ascontiguousarray(v[sl]) for v in (fc.a, fc.b, fc.c))
        args = (va, vb, vc, np.ascontiguousarray(fc.lo[sl]), np.ascontiguousarray(fc.hi[sl]), fc.cap)
        F1, _l1, _m, _p = k.fpop_min(*args, 0.0, int(min_size), prev, True, fc.dlo, fc.dhi, 0, 0.0)
        F2, l2, _m, _p = k.fpop_min(*args, 0.0, int(min_size), F1, True, fc.dlo, fc.dhi, 0, 0.0)
        pos = int(l2[L])
        if pos <= 0:
            return -1, -math.inf
        return a + pos, float(F1[L] - F2[L])
    S, par = _stats(fc)
    pos, gain = fc.kernels.best_split(S, fc.y, par, int(a), int(b), int(min_size))
    return int(pos), float(gain)


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
            pos, gain = _best_split(fc, a, b, min_size)
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
