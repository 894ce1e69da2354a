"""Blocked drivers of the posterior recursions, in two lanes (see :mod:`analysis.changepoint._bayes_kernels`).

The forward sums ``A[j, t]`` are built block by block of ``BLOCK`` periods. Within a block
the targets ``t`` depend on each other and are filled in order (the *diagonal*); once a block
is final, its starts are added to every later target at once (the *push*), and those targets
are independent of each other. The push is split into two lanes of targets (alternate
stripes of ``STRIPE`` targets, so that both lanes get near and far targets alike), run side
by side on two threads when the machine has two processors. The backward sums and the segment
posteriors run the same way from the end.

The arithmetic is fixed by the blocks and the lanes, never by the number of threads: lanes
write disjoint targets (and their own copies of the accumulated moments, added in a fixed
order), so the result is the same on one thread or two. A series of at most ``BLOCK``
periods is one diagonal block, computed exactly as a single pass would.
"""
from __future__ import annotations

import os
import threading
from typing import Callable

import numpy as np

from . import _bayes_kernels as _k

#: Periods per block. A series of at most this length is a single block (no lanes). A push reads
#: the block's scaled layers (seven layers of 512 starts: 28 KiB, within a core's L1 cache).
BLOCK = 512
#: Targets per stripe of a lane.
STRIPE = 32


def _processors() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - platforms without affinity
        return os.cpu_count() or 1


def _two_lanes(run: Callable[[int], None]) -> None:
    """``run(0)`` and ``run(1)``: the second on its own thread when there are two processors.

    The kernels release the GIL. The thread is joined before returning, so no thread
    outlives the call (a later ``fork`` copies none).
    """
    if _processors() < 2:
        run(0)
        run(1)
        return
    err: list[BaseException] = []

    def second() -> None:
        try:
            run(1)
        except BaseException as exc:  # pragma: no cover - re-raised below
            err.append(exc)

    th = threading.Thread(target=second, daemon=True)
    th.start()
    try:
        run(0)
    finally:
        th.join()
    if err:  # pragma: no cover
        raise err[0]


def _sweep(n: int, rows: Callable[[int, int, int, int, bool, int, int], object]) -> None:
    """Targets ``0..n`` block by block: ``rows(t_lo, t_hi, s_lo, s_hi, diagonal, lane, nlanes)``.

    For each block, its diagonal (its own starts into its own targets, in order, one lane),
    then the push of its starts into every later target, in two lanes.
    """
    for t0 in range(0, n + 1, BLOCK):
        t1 = min(t0 + BLOCK - 1, n)
        rows(t0, t1, t0, t1, True, 0, 1)
        if t1 < n:
            _two_lanes(lambda lane: rows(t1 + 1, n, t0, t1, False, lane, 2))


def forward(cS, cL, fam, tabS, tabL, p0, p1, p2, p3, m, j0, j1, A, D, argD, want_sum, want_max) -> None:
    """Fill layers ``j0..j1`` of ``A`` (if ``want_sum``) and ``D``, ``argD`` (if ``want_max``).

    Layer ``j0 - 1`` must be filled; the layers filled here must hold ``-inf`` (and ``argD``
    ``-1``). Arguments as :func:`analysis.changepoint._bayes_kernels.forward_rows`.
    """
    n = cL.shape[0] - 1
    J = j1 - j0 + 1
    c = np.full(n + 1, _k.NEG)
    EA = np.zeros((J, n + 1))
    su = (cS, cL, fam, tabS, tabL, p0, p1, p2, p3, m, j0, j1, A, D, argD, want_sum, want_max)
    _sweep(n, lambda t_lo, t_hi, s_lo, s_hi, diagonal, lane, nlanes: _k.forward_rows(
        *su, t_lo, t_hi, s_lo, s_hi, diagonal, c, EA, lane, nlanes, STRIPE))


def best_partition(cS, cL, fam, tabS, tabL, p0, p1, p2, p3, m, lrho) -> np.ndarray | None:
    """Starts of the segments of the partition with the largest posterior weight, without a cap.

    The weight of a partition is the product of its segments' marginal likelihoods times
    ``exp(lrho)`` per break; returns the segment starts after the first (the breaks), from the
    one-layer recursion :func:`analysis.changepoint._bayes_kernels.partition_rows`, blocked
    and in two lanes as :func:`forward`. When the partition has at most as many breaks as a
    cap, it is also the best partition under that cap. None when no partition is admissible.
    """
    n = cL.shape[0] - 1
    F = np.full(n + 1, _k.NEG)
    F[0] = -lrho
    argF = np.full(n + 1, -1, dtype=np.int64)
    su = (cS, cL, fam, tabS, tabL, p0 + lrho, p1, p2, p3, m, F, argF)
    _sweep(n, lambda t_lo, t_hi, s_lo, s_hi, diagonal, lane, nlanes: _k.partition_rows(
        *su, t_lo, t_hi, s_lo, s_hi, lane, nlanes, STRIPE))
    if argF[n] < 0:
        return None
    starts = []
    t = int(argF[n])
    while t > 0:
        starts.append(t)
        t = int(argF[t])
    return np.array(starts[::-1], dtype=np.int64)


def backward_segments(cS, cL, fam, tabS, tabL, p0, p1, p2, p3, m, K, A, lrho, Z, nbins, cap, ncls, cscale):
    """Backward layers and the posterior probability of every segment, block by block from the end.

    Returns ``bp, dc, ps, pe, pp, pb, pc, bstore`` as described in
    :func:`analysis.changepoint._bayes_kernels.backward_rows`. The stored segments are those
    of every bin up to ``bstore`` (the largest bin such that both lanes kept all of theirs and
    the union fits ``cap``), in the order of a single backward sweep: start decreasing, then
    end increasing.
    """
    n = cL.shape[0] - 1
    ca, EAw, inv1, inv2 = _k.backward_setup(fam, p1, p2, p3, K, A, lrho)
    B = np.full((K + 1, n + 1), _k.NEG)
    B[0, n] = 0.0
    Bc = np.full((K + 1, n + 1), _k.NEG)     # Bc[q, e] = log sum_{q' <= q} rho^q' B[q', e]
    db = np.full(n + 1, _k.NEG)              # db[e] = Bc[K, e]
    EBc = np.zeros((K + 1, n + 1))           # EBc[i, e] = exp(Bc[K - i, e] - db[e])
    c = np.full(n + 1, _k.NEG)
    EB = np.zeros((max(K, 1), n + 1))
    bp = np.zeros(n + 1)
    lanes = []
    used = [True, False]
    for _ in range(2):
        lanes.append({"dc": np.zeros((4, ncls, n + 1)),
                      "ps": np.empty(cap, dtype=np.int64), "pe": np.empty(cap, dtype=np.int64),
                      "pp": np.empty(cap), "pb": np.empty(cap, dtype=np.int64), "pc": np.empty(cap, dtype=np.int64),
                      "st": np.array([0, nbins - 1], dtype=np.int64)})
    head = (cS, cL, fam, tabS, tabL, p0, p1, p2, p3, m, K, A, lrho, Z, ca, EAw, inv1, inv2, B, Bc, db, EBc, c, EB)

    def rows(lane: int, nlanes: int, s_hi: int, s_lo: int, e_lo: int, e_hi: int, finalize: bool) -> None:
        w = lanes[lane]
        used[lane] = True
        _k.backward_rows(*head, s_hi, s_lo, e_lo, e_hi, finalize, bp, w["dc"], nbins, w["ps"], w["pe"],
                         w["pp"], w["pb"], w["pc"], w["st"], cscale, lane, nlanes, STRIPE)

    e1 = n
    while e1 >= 0:
        e0 = max(e1 - BLOCK + 1, 0)
        rows(0, 1, e1, e0, e0, e1, True)
        if e0 > 0:
            _two_lanes(lambda lane: rows(lane, 2, e0 - 1, 0, e0, e1, False))
        e1 = e0 - 1
    dc = lanes[0]["dc"] + lanes[1]["dc"] if used[1] else lanes[0]["dc"]
    return (bp, dc, *_merge_pairs([w for w, u in zip(lanes, used) if u], cap, nbins))


def _merge_pairs(lanes: list[dict], cap: int, nbins: int) -> tuple:
    """The lanes' stored segments of every bin up to the common ``bstore``, in single-sweep order."""
    cols = {k: np.concatenate([w[k][:w["st"][0]] for w in lanes]) for k in ("ps", "pe", "pp", "pb", "pc")}
    bstore = int(min(w["st"][1] for w in lanes))
    if len(lanes) > 1:
        counts = np.cumsum(np.bincount(cols["pb"], minlength=nbins))
        fits = np.flatnonzero(counts <= cap)
        bstore = min(bstore, int(fits[-1]) if fits.size else -1)
        keep = cols["pb"] <= bstore
        order = np.lexsort((cols["pe"][keep], -cols["ps"][keep]))
        cols = {k: v[keep][order] for k, v in cols.items()}
    return cols["ps"], cols["pe"], cols["pp"], cols["pb"], cols["pc"], bstore
