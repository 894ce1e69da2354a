"""The main entry point: :func:`detect_changepoints`."""
from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ModelError
from . import search as _search
from ._input import Prepared, label, prepare
from .costs import (
    Cost,
    FittedCost,
    NegBinCost,
    estimate_dispersion_given_segments,
    get_cost,
)
from .penalties import penalty_value
from .results import ChangePointResult

__all__ = ["detect_changepoints", "fit_cost"]

METHODS = ("pelt", "binseg", "dp")


def _version() -> str:
    try:
        from .. import __version__
    except ImportError:  # pragma: no cover
        return "unknown"
    return __version__


def _check_min_size(cost: Cost, min_size: int) -> int:
    if int(min_size) != min_size or min_size < 1:
        raise ModelError("min_size must be a positive integer")
    min_size = int(min_size)
    if cost.name == "normal_meanvar" and min_size < 3:
        raise ModelError("normal_meanvar needs min_size >= 3 (a variance needs at least three points to be useful)")
    if cost.name == "negbin" and getattr(cost, "dispersion", None) == "segment" and min_size < 3:
        raise ModelError("negbin with per-segment dispersion needs min_size >= 3")
    return min_size


def _run(fc: FittedCost, method: str, pen: float, n_breaks: int | None, min_size: int,
         pruning: str) -> _search.SearchOutput:
    if method == "binseg":
        return _search.binary_segmentation(fc, pen, min_size, n_breaks=n_breaks)
    if n_breaks is not None:
        return _search.optimal_partition(fc, n_breaks, min_size, pruning=pruning)
    return _search.pelt(fc, pen, min_size, pruning=pruning)


def fit_cost(cost: Cost, values: np.ndarray, *, method: str = "pelt", pen: float = 0.0,
             n_breaks: int | None = None, min_size: int = 2,
             pruning: str = "auto") -> tuple[FittedCost, _search.SearchOutput, dict[str, Any]]:
    """Fit ``cost`` to ``values`` and search; handles the NB shared-size iteration."""
    info: dict[str, Any] = {}
    if isinstance(cost, NegBinCost) and cost.dispersion == "iterate":
        fc = cost.fit(values)
        sizes = [fc.par]
        seen: list[tuple[int, ...]] = []
        out = _run(fc, method, pen, n_breaks, min_size, pruning)
        for _ in range(cost.max_iter):
            seen.append(out.positions)
            size = estimate_dispersion_given_segments(values, out.positions)
            fc = cost.fit(values, size=size)
            sizes.append(size)
            out = _run(fc, method, pen, n_breaks, min_size, pruning)
            if out.positions in seen:
                break
        info["size_path"] = [float(s) for s in sizes]
        info["size_iterations"] = len(sizes) - 1
        return fc, out, info
    fc = cost.fit(values)
    return fc, _run(fc, method, pen, n_breaks, min_size, pruning), info


def _segments_frame(fc: FittedCost, positions: tuple[int, ...], index, alpha: float = 0.05) -> pd.DataFrame:
    b = [0, *positions, fc.n]
    rows = []
    for i in range(len(b) - 1):
        s, e = b[i], b[i + 1]
        params = fc.segment_params(s, e)
        lo, hi = fc.segment_interval(s, e, alpha)
        row = {"segment": i, "start": s, "end": e, "first": label(index, s), "last": label(index, e - 1),
               "n": e - s, "estimate": params["mean"], "lower": lo, "upper": hi,
               "total": float(fc.y[s:e].sum())}
        if "size" in params:
            row["size"] = params["size"]
        if "sd" in params:
            row["sd"] = params["sd"]
        rows.append(row)
    return pd.DataFrame(rows)


def detect_changepoints(
    y: pd.Series | np.ndarray,
    *,
    cost: str | Cost = "poisson",
    method: str = "pelt",
    penalty: str | float = "mbic",
    n_breaks: int | None = None,
    min_size: int = 2,
    missing: str = "raise",
    pruning: str = "auto",
) -> ChangePointResult:
    """Find the changes of level in a count (or Gaussian) series.

    Parameters
    ----------
    y : Series or 1-D array
        The series, ideally a Series with a monthly or annual ``PeriodIndex``. Counts for
        ``poisson`` and ``negbin``.
    cost : str or Cost, default "poisson"
        ``"poisson"``, ``"negbin"`` (shared size estimated robustly; see
        :class:`~analysis.changepoint.costs.NegBinCost`), ``"normal_mean"``,
        ``"normal_meanvar"``, or a cost instance with options (e.g.
        ``NegBinCost(dispersion="segment")``).
    method : {"pelt", "binseg", "dp"}, default "pelt"
        ``pelt``: exact penalised search (functional pruning for one-parameter costs,
        inequality pruning otherwise). ``binseg``: greedy binary segmentation (approximate).
        ``dp``: exact search with exactly ``n_breaks`` breaks (also used by ``pelt`` when
        ``n_breaks`` is given).
    penalty : {"mbic", "bic", "aic"} or float, default "mbic"
        Penalty per change (see :mod:`analysis.changepoint.penalties`). Ignored when
        ``n_breaks`` is given.
    n_breaks : int, optional
        Force exactly this many breaks (exact segment-neighbourhood search; binary
        segmentation makes this many greedy splits).
    min_size : int, default 2
        Minimum number of observations per segment (``>= 3`` for ``normal_meanvar``).
    missing : {"raise", "drop-edges"}, default "raise"
        Missing values raise :class:`~analysis.errors.ModelError`; ``"drop-edges"`` drops
        leading and trailing missing periods (outside coverage) and still refuses gaps.
    pruning : {"auto", "functional", "inequality"}, default "auto"
        Pruning of the exact search; results are the same, only speed differs.

    Returns
    -------
    ChangePointResult
        ``positions`` are 0-based positions of the **first observation of each new
        regime** in the analysed series (with ``missing="drop-edges"`` that is the series
        after the leading missing periods were dropped; ``meta["dropped_head"]`` gives the
        offset); ``breaks`` the same as periods. Break-date intervals are computed on demand by
        :meth:`ChangePointResult.conf_int`.

    Raises
    ------
    ModelError
        Missing values, negative or fractional counts for a count cost, a series too short
        for ``min_size``, unknown options.

    Notes
    -----
    Which count cost: the Poisson cost assumes variance equal to the mean. Registry
    counts are overdispersed and have single-month pulses; under the Poisson cost a pulse
    becomes a pair of breaks around it (and stationary overdispersed series get spurious
    breaks), so use ``cost="negbin"`` for them. On series that are in fact Poisson the
    negative-binomial cost estimates no overdispersion and returns the Poisson answer.

    Segments are assumed independent given their parameters, with observations
    independent within a segment (no autocorrelation beyond the level shifts). The exact
    searches return a global minimiser of ``total cost + penalty * n_breaks`` (or of the
    total cost with ``n_breaks`` fixed). When several segmentations are exactly equally
    good (e.g. runs of identical values) one of them is returned, the same one on every
    run.

    References
    ----------
    Killick, Fearnhead & Eckley (2012), JASA 107, 1590–1598 (PELT).
    Maidstone, Hocking, Rigaill & Fearnhead (2017), Stat. Comput. 27, 519–533 (FPOP).
    Zhang & Siegmund (2007), Biometrics 63, 22–32 (MBIC).

    Examples
    --------
    >>> import pandas as pd
    >>> y = pd.Series([1, 0, 2, 1, 1, 6, 7, 5, 8, 6],
    ...               index=pd.period_range("2020-01", periods=10, freq="M"))
    >>> detect_changepoints(y, penalty="bic").breaks
    (Period('2020-06', 'M'),)
    """
    if method not in METHODS:
        raise ModelError(f"method must be one of {METHODS}, not {method!r}")
    if method == "dp" and n_breaks is None:
        raise ModelError("method='dp' needs n_breaks")
    if n_breaks is not None and (int(n_breaks) != n_breaks or n_breaks < 0):
        raise ModelError("n_breaks must be a non-negative integer")
    if pruning not in ("auto", "functional", "inequality"):
        raise ModelError("pruning must be 'auto', 'functional' or 'inequality'")
    prep: Prepared = prepare(y, missing=missing)
    c = get_cost(cost)
    min_size = _check_min_size(c, min_size)
    n = prep.values.size
    if n_breaks is None:
        pen = penalty_value(penalty, n=n, n_params=c.n_params)
        pen_name = penalty.lower() if isinstance(penalty, str) else "manual"
    else:
        pen = math.nan
        pen_name = "none"
    fc, out, info = fit_cost(c, prep.values, method=method, pen=0.0 if n_breaks is not None else pen,
                             n_breaks=None if n_breaks is None else int(n_breaks), min_size=min_size,
                             pruning=pruning)
    positions = tuple(int(p) for p in out.positions)
    segs = _segments_frame(fc, positions, prep.index)
    meta: dict[str, Any] = {
        "version": _version(),
        "input_sha256": prep.sha256,
        "options": {"cost": c.name, **c.options(), "method": method, "penalty": penalty if n_breaks is None else None,
                    "n_breaks": n_breaks, "min_size": min_size, "missing": missing, "pruning": pruning},
        "n": n,
        "dropped_head": prep.dropped_head,
        "dropped_tail": prep.dropped_tail,
        "pruning_used": out.pruning,
        "max_candidates": out.max_candidates,
        **fc.info,
        **info,
    }
    if prep.name is not None:
        meta["series"] = prep.name
    breaks = tuple(label(prep.index, p) for p in positions)
    return ChangePointResult(
        positions=positions, breaks=breaks, segments=segs, cost=c.name, method=method,
        penalty=pen_name, penalty_value=float(pen), total_cost=float(out.cost),
        n_breaks_forced=None if n_breaks is None else int(n_breaks), min_size=min_size,
        values=prep.values, index=prep.index, meta=meta, fitted_cost=fc,
    )
