"""The first-order recursive filter ``y_t = x_t + a y_{t-1}`` of the INGARCH mean and its derivatives.

The linear filter of ``scipy.signal.lfilter`` with ``b = [1]`` and ``a = [1, -a]``,
compiled: the INGARCH fit runs it four times per Newton step on short series, where the
general filter's set-up costs more than the recursion, and importing ``scipy.signal``
costs most of a second in every new process.

Notes
-----
The arithmetic is the one ``lfilter``'s transposed direct form does for this filter
(``y_t = x_t + z``, ``z = a y_t``, starting from ``z = zi``), so the values agree with it
bit for bit. Each column of a 2-D input is filtered along the rows.
"""
from __future__ import annotations

import numpy as np

from ..changepoint._jit import njit

__all__ = ["ar1_filter"]


@njit(cache=True)
def _filter_rows(x: np.ndarray, a: float, z0: float) -> np.ndarray:
    m, k = x.shape
    out = np.empty((m, k))
    if m == 0:
        return out
    for j in range(k):
        out[0, j] = x[0, j] + z0
    for i in range(1, m):
        for j in range(k):
            out[i, j] = x[i, j] + a * out[i - 1, j]
    return out


def ar1_filter(x: np.ndarray, a: float, zi: float = 0.0) -> np.ndarray:
    """``y_t = x_t + a y_{t-1}`` along the first axis, with ``y_0 = x_0 + zi``.

    Parameters
    ----------
    x : ndarray
        1-D, or 2-D filtered column by column.
    a : float
        The feedback coefficient.
    zi : float, default 0
        The initial state (``a y_{-1}``), as ``lfilter``'s ``zi``.

    Returns
    -------
    ndarray
        Of the shape of ``x``.
    """
    arr = np.ascontiguousarray(x, dtype=np.float64)
    if arr.ndim == 1:
        return _filter_rows(arr.reshape(-1, 1), float(a), float(zi))[:, 0]
    return _filter_rows(arr, float(a), float(zi))
