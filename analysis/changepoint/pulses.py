"""The one rule for one-period pulses, shared by the change-point search and the count models.

A *pulse* is a single period whose count is far from the level of its regime (a
one-month mass listing, a month of no publication). It is not a change of pace: the
series returns to its level the next period. Both the segmentation
(:func:`~analysis.changepoint.detect_changepoints`) and the count regression
(:func:`~analysis.models.fit_count_model` with ``pulses="auto"``) call a period a pulse
by the same rule, defined here once:

    period *t* is a pulse when its unit deviance from the fitted mean of its regime,
    ``d_t = 2 [log f(y_t; y_t) - log f(y_t; mu_t)]``, exceeds the point penalty
    ``beta' = 3 log n``.

``f`` is the negative-binomial probability with the model's shared size ``r`` (Poisson
when ``r`` is infinite). ``d_t`` is the likelihood-ratio statistic of giving period *t* its
own mean, so a pulse costs ``beta'`` in the penalised likelihood, the point-anomaly
penalty of CAPA (Fisch, Eckley & Fearnhead 2022, *Stat. Anal. Data Min.* 15:494; the R
package ``anomaly`` uses ``3 log(n p)``, here ``p = 1``). In the segmentation this is the
same as bounding each period's loss at ``beta'`` above its saturated value, the bounded
loss of robust FPOP (Fearnhead & Rigaill 2019, *JASA* 114:169).
"""
from __future__ import annotations

import math

import numpy as np
from scipy import special

__all__ = ["unit_deviance", "pulse_penalty", "find_pulses"]


def unit_deviance(y: np.ndarray, mean: np.ndarray, size: float = math.inf) -> np.ndarray:
    """Per-period deviance of counts ``y`` from means ``mean`` under NB(size) or Poisson.

    Parameters
    ----------
    y : array of non-negative counts
    mean : array of positive means (broadcast against ``y``)
    size : float, default inf
        Negative-binomial size ``r`` (variance ``mu + mu**2 / r``); ``inf`` is Poisson. An
        array of sizes (one per period, broadcast against ``y``) is accepted too, as the
        seasonal NB model of the change-point search needs.

    Returns
    -------
    ndarray
        ``2 [log f(y; y) - log f(y; mean)]`` (0 where ``y == mean``).

    Notes
    -----
    Poisson: ``2 [y log(y / mu) - (y - mu)]``. NB: ``2 [y log(y / mu) - (y + r) log((y + r)
    / (mu + r))]``. ``y log(y / mu)`` is taken as 0 at ``y = 0``.
    """
    y = np.asarray(y, dtype=float)
    mu = np.asarray(mean, dtype=float)
    mu = np.broadcast_to(mu, y.shape) if mu.shape != y.shape else mu
    ylog = special.xlogy(y, y) - special.xlogy(y, mu)
    r = np.asarray(size, dtype=float)
    pois = 2.0 * (ylog - (y - mu))
    if r.ndim == 0 and not math.isfinite(float(r)):
        return np.maximum(pois, 0.0)
    fin = np.isfinite(r)
    rr = np.where(fin, r, 1.0)
    nb = 2.0 * (ylog - (y + rr) * (np.log(y + rr) - np.log(mu + rr)))
    return np.maximum(np.where(fin, nb, pois), 0.0)


def pulse_penalty(n: int) -> float:
    """The point penalty ``3 log n`` of a pulse in a series of ``n`` periods."""
    if n < 2:
        raise ValueError("a pulse penalty needs n >= 2")
    return 3.0 * math.log(n)


def find_pulses(y: np.ndarray, mean: np.ndarray, size: float = math.inf, *,
                penalty: float | None = None) -> np.ndarray:
    """Positions of the periods that the pulse rule calls pulses.

    Parameters
    ----------
    y, mean, size
        As in :func:`unit_deviance`; ``mean`` is the fitted level of each period's regime
        (segment mean, or a regression's fitted mean without pulse terms).
    penalty : float, optional
        Point penalty; default :func:`pulse_penalty` of ``len(y)``.

    Returns
    -------
    ndarray of int
        Sorted 0-based positions with ``unit_deviance > penalty`` (upward and downward).
    """
    y = np.asarray(y, dtype=float)
    beta = pulse_penalty(y.size) if penalty is None else float(penalty)
    d = unit_deviance(y, mean, size)
    return np.flatnonzero(d > beta).astype(np.int64)
