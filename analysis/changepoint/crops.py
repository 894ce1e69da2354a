"""CROPS: every optimal segmentation over a range of penalties (Haynes, Eckley & Fearnhead 2017).

The optimal segmentation for a penalty ``beta`` per change minimises ``Q_m + beta m``
(``Q_m`` the cost of the best segmentation found with ``m`` breaks), so as a function of
``beta`` it is piecewise constant and changes exactly where two of these lines cross.
CROPS finds all of them with at most ``2 K + 2`` exact penalised searches (``K`` the
number of distinct segmentations): it runs the search at the two ends, and between two
segmentations with ``m_a > m_b`` breaks at the crossing ``(Q_b - Q_a) / (m_a - m_b)``;
if that returns a third segmentation the interval is split, otherwise the crossing is a
true change point of the path.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..errors import ModelError
from . import search as _search
from ._input import label, prepare
from ..results import result_meta
from .costs import Cost
from .detect import _check_min_size, _Search, fit_cost, resolve_cost
from .penalties import penalty_value
from .results import CropsPath

__all__ = ["crops"]


def crops(
    y: pd.Series | np.ndarray,
    *,
    cost: str | Cost = "auto",
    penalty_range: tuple[float, float] = (2.0, 100.0),
    min_size: int | None = None,
    missing: str = "raise",
    max_searches: int = 500,
) -> CropsPath:
    """Optimal segmentations for every penalty in ``penalty_range`` with the exact switch points.

    Parameters
    ----------
    y : Series or 1-D array
    cost : str or Cost, default "auto"
        As in :func:`~analysis.changepoint.detect_changepoints`. What the cost estimates
        from the whole series (the NB size, the noise scale) is estimated first, iterated
        with the segmentation at the ``mbic_constant`` penalty, and kept for the whole
        path so that all segmentations share one cost. No pulses and no log-length term:
        the path is over a constant penalty per change of the plain cost.
    penalty_range : (float, float), default (2, 100)
        Smallest and largest penalty per change (``-2 log L`` scale).
    min_size : int, optional
        As in :func:`~analysis.changepoint.detect_changepoints`.
    missing : {"raise", "drop-edges"}, default "raise"
    max_searches : int, default 500
        Safety limit on the number of exact searches.

    Returns
    -------
    CropsPath
        ``path`` has one row per optimal segmentation with its number of breaks,
        unpenalised cost and the exact penalty interval ``[penalty_lower, penalty_upper]``
        where it is optimal. Plot ``cost`` against ``n_breaks`` to pick an elbow.
    """
    lo, hi = (float(v) for v in penalty_range)
    if not (0 <= lo < hi and np.isfinite(hi)):
        raise ModelError("penalty_range must be (lo, hi) with 0 <= lo < hi < inf")
    prep = prepare(y, missing=missing)
    c = resolve_cost(cost, prep.values)
    min_size = _check_min_size(c, min_size)
    pen0 = penalty_value("mbic_constant", n=prep.values.size, n_params=c.n_params)
    fc, _out, info = fit_cost(c, prep.values, _Search("pelt", pen0, None, min_size, "auto", False),
                              pulses=False, cap=np.inf)
    found: dict[int, tuple[float, tuple[int, ...]]] = {}
    runs = 0

    def run(beta: float) -> tuple[int, float]:
        nonlocal runs
        runs += 1
        if runs > max_searches:
            raise ModelError(f"CROPS needed more than {max_searches} searches; narrow penalty_range")
        out = _search.pelt(fc, beta, min_size)
        m = len(out.positions)
        if m not in found or out.cost < found[m][0] - 1e-9:
            found[m] = (out.cost, out.positions)
        return m, out.cost

    m_lo, q_lo = run(lo)
    m_hi, q_hi = run(hi)
    stack = [((lo, m_lo, q_lo), (hi, m_hi, q_hi))]
    while stack:
        (b0, m0, q0), (b1, m1, q1) = stack.pop()
        if m0 <= m1 + 1:
            continue
        bint = (q1 - q0) / (m0 - m1)
        m, q = run(bint)
        if m in (m0, m1):
            continue
        stack.append(((b0, m0, q0), (bint, m, q)))
        stack.append(((bint, m, q), (b1, m1, q1)))
    # lower envelope of the lines Q_m + beta m over [lo, hi]
    ms = sorted(found)
    rows = []
    beta = lo
    cur = min(ms, key=lambda m: (found[m][0] + lo * m, -m))
    while True:
        nxt, bnext = None, np.inf
        for m in ms:
            if m < cur:
                b = (found[m][0] - found[cur][0]) / (cur - m)
                if b < bnext - 1e-12 or (abs(b - bnext) <= 1e-12 and nxt is not None and m < nxt):
                    nxt, bnext = m, b
        upper = min(hi, bnext)
        cost_c, pos = found[cur]
        rows.append({"n_breaks": cur, "cost": cost_c, "penalty_lower": beta, "penalty_upper": upper,
                     "positions": pos, "breaks": tuple(label(prep.index, p) for p in pos)})
        if nxt is None or bnext >= hi:
            break
        beta = max(bnext, beta)
        cur = nxt
    path = pd.DataFrame(rows)
    meta = result_meta(options={"cost": c.name, **c.options(), "penalty_range": [lo, hi], "min_size": min_size,
                                "missing": missing},
                       input_sha256=prep.sha256, seed=None, searches=runs,
                       **{k: v for k, v in fc.info.items() if k != "profile"}, **info)
    return CropsPath(path=path, penalty_range=(lo, hi), cost=c.name, min_size=min_size,
                     values=prep.values, index=prep.index, meta=meta)
