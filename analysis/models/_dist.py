"""Tail probabilities and quantiles of the normal, chi-squared and Student t distributions.

The count models need five functions of three distributions. ``scipy.stats`` gives them
through its distribution objects, but importing it costs most of a second in every new
process (notebook kernel, command-line call); the functions themselves live in
``scipy.special``, which is already loaded. These are the same special functions
``scipy.stats`` evaluates, with its treatment of the edges of the support.

Notes
-----
* ``norm_sf(x) = ndtr(-x)``; ``norm_ppf(q) = ndtri(q)``.
* ``chi2_sf(x, df) = chdtrc(df, max(x, 0))``: 1 at and below zero.
* ``t_sf(x, df) = stdtr(df, -x)``; ``t_ppf(q, df) = stdtrit(df, q)``, ``-inf`` at ``q = 0``.
* Missing values stay missing. The degrees of freedom are finite and positive.
"""
from __future__ import annotations

import numpy as np
from scipy import special

__all__ = ["chi2_sf", "norm_ppf", "norm_sf", "t_ppf", "t_sf"]


def norm_sf(x):
    """Upper tail ``P(Z > x)`` of the standard normal."""
    return special.ndtr(-np.asarray(x, dtype=float))


def norm_ppf(q):
    """Quantile of the standard normal at ``q``."""
    return special.ndtri(q)


def chi2_sf(x, df):
    """Upper tail ``P(X > x)`` of the chi-squared distribution on ``df`` degrees of freedom."""
    x = np.asarray(x, dtype=float)
    return special.chdtrc(df, np.where(x > 0, x, np.where(np.isnan(x), x, 0.0)))


def t_sf(x, df):
    """Upper tail ``P(T > x)`` of Student's t on ``df`` degrees of freedom."""
    return special.stdtr(df, -np.asarray(x, dtype=float))


def t_ppf(q, df):
    """Quantile of Student's t on ``df`` degrees of freedom at ``q``."""
    q = np.asarray(q, dtype=float)
    out = special.stdtrit(df, q)
    return np.where(q == 0, -np.inf, out) if out.ndim else (-np.inf if q == 0 else out)
