"""Formatting of numbers and dates for report tables, and the Holm multiplicity adjustment."""
from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd


def holm(pvalues: Sequence[float]) -> np.ndarray:
    """Holm (1979) step-down adjusted p-values, in the input order.

    The adjusted value of the k-th smallest of m p-values is
    ``max_{j<=k} min(1, (m - j + 1) p_(j))``; NaN inputs stay NaN and do not count
    towards m.

    References
    ----------
    Holm, S. (1979). A simple sequentially rejective multiple test procedure.
    Scandinavian Journal of Statistics 6(2), 65–70.
    """
    p = np.asarray(pvalues, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = np.flatnonzero(~np.isnan(p))
    m = len(ok)
    if m == 0:
        return out
    order = ok[np.argsort(p[ok], kind="stable")]
    running = 0.0
    for k, i in enumerate(order):
        running = max(running, min(1.0, (m - k) * p[i]))
        out[i] = running
    return out


def fmt_int(x: Any) -> str:
    """Integer with thin grouping (``1,234``); empty for missing."""
    if x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NA:
        return ""
    return f"{int(round(float(x))):,}"


def fmt_num(x: Any, digits: int = 2) -> str:
    """Fixed-point number; empty for missing; minus sign as ``−``."""
    if x is None or x is pd.NA:
        return ""
    x = float(x)
    if math.isnan(x):
        return ""
    s = f"{x:,.{digits}f}"
    return s.replace("-", "−")


def fmt_p(p: Any) -> str:
    """p-value with three decimals, ``<0.001`` below that."""
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return ""
    p = float(p)
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def fmt_ratio(rr: float, lo: float, hi: float) -> str:
    """Rate ratio with its interval: ``2.31 (1.80–2.96)``."""
    return f"{fmt_num(rr)} ({fmt_num(lo)}–{fmt_num(hi)})"


def fmt_period(p: Any) -> str:
    """A period as text (``2022-12``, ``2022``); empty for None."""
    return "" if p is None else str(p)


def fmt_interval(iv: tuple[Any, Any] | None) -> str:
    """A break-date interval ``2022-10 – 2023-01``; ``not computed`` for None."""
    if iv is None or iv[0] is None or iv[1] is None:
        return "not computed"
    if iv[0] == iv[1]:
        return str(iv[0])
    return f"{iv[0]} – {iv[1]}"
