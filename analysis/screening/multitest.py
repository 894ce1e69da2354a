"""Adjusted p-values for a family of tests: Benjamini–Hochberg (FDR) and Holm (FWER).

Missing p-values (series that were not tested) are left missing and do not count
towards the number of tests ``m``: a series that could not be tested was never part
of the family. Because the testability rules look only at the length of a series
and its number of events, not at the test statistic, leaving the untested out keeps
the error control of the procedures (independent filtering; Bourgon, Gentleman &
Huber 2010).
"""
from __future__ import annotations

import numpy as np

__all__ = ["adjust_bh", "adjust_holm", "adjust_pvalues"]

METHODS = ("bh", "holm")


def _clean(p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    p = np.asarray(p, dtype=float)
    if p.ndim != 1:
        raise ValueError(f"p-values must be one-dimensional, got shape {p.shape}")
    ok = ~np.isnan(p)
    if np.any((p[ok] < 0) | (p[ok] > 1)):
        raise ValueError("p-values must lie in [0, 1]")
    return p, ok


def adjust_bh(p: np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (step-up; controls the FDR).

    Parameters
    ----------
    p : array of float
        Raw p-values; NaN for untested hypotheses.

    Returns
    -------
    ndarray
        ``min(1, min_{j >= i} m p_(j) / j)`` for the hypothesis of rank ``i`` among
        the ``m`` non-missing p-values; NaN where ``p`` is NaN. Rejecting where the
        adjusted value is at most ``q`` is the BH procedure at level ``q``.

    Notes
    -----
    Controls the false discovery rate at ``q m0 / m`` for independent or positively
    regression dependent p-values (Benjamini & Hochberg 1995; Benjamini & Yekutieli
    2001).
    """
    p, ok = _clean(p)
    out = np.full(p.shape, np.nan)
    v = p[ok]
    m = v.size
    if m == 0:
        return out
    order = np.argsort(v, kind="stable")
    scaled = v[order] * m / np.arange(1, m + 1)
    adj = np.minimum.accumulate(scaled[::-1])[::-1]
    res = np.empty(m)
    res[order] = np.minimum(adj, 1.0)
    out[ok] = res
    return out


def adjust_holm(p: np.ndarray) -> np.ndarray:
    """Holm step-down adjusted p-values (controls the family-wise error rate).

    Parameters
    ----------
    p : array of float
        Raw p-values; NaN for untested hypotheses.

    Returns
    -------
    ndarray
        ``min(1, max_{j <= i} (m - j + 1) p_(j))``; NaN where ``p`` is NaN.

    Notes
    -----
    Valid under any dependence between the tests (Holm 1979).
    """
    p, ok = _clean(p)
    out = np.full(p.shape, np.nan)
    v = p[ok]
    m = v.size
    if m == 0:
        return out
    order = np.argsort(v, kind="stable")
    scaled = v[order] * (m - np.arange(m))
    adj = np.minimum(np.maximum.accumulate(scaled), 1.0)
    res = np.empty(m)
    res[order] = adj
    out[ok] = res
    return out


def adjust_pvalues(p: np.ndarray, method: str = "bh") -> np.ndarray:
    """Adjusted p-values by ``method`` (``"bh"`` or ``"holm"``); see :func:`adjust_bh`, :func:`adjust_holm`."""
    if method == "bh":
        return adjust_bh(p)
    if method == "holm":
        return adjust_holm(p)
    raise ValueError(f"method must be one of {METHODS}, not {method!r}")
