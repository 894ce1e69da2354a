"""Simulation of counts from a fitted model: parameter draws, recursion for ``ar`` terms.

Intervals for predictions and counterfactuals are Monte Carlo intervals: regression
parameters are drawn from their estimated normal sampling distribution (at the
Cox–Reid adjusted ``theta``), ``log theta`` from a normal distribution with its
standard error, means are computed from each draw, and counts are drawn from the
Poisson or NB2 distribution with those means.
With ``ar > 0`` the lags of a period after the start of the simulation are the
simulated counts of earlier periods, so the recursion carries the uncertainty forward.
Parameter draws whose autoregressive coefficients leave the stationary region are
discarded (:func:`stationary_draws`): a non-stationary draw makes the recursion explode
and says nothing about the fitted process. The lag of an outlier period (a pulse from
``pulses=``) is a draw from its pulse-free mean, so that outliers do not propagate.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .design import DesignSpec, deterministic_columns
from .interventions import encode_interventions


POISSON_THETA = 1e6
"""NB2 size above which counts are drawn as Poisson. The extra variance ``mu**2 / theta``
is then below ``1e-6 * mu**2``: under 0.1% of the Poisson variance for means up to 1000.
A maximum-likelihood ``theta`` this large means the fit sits at the Poisson boundary,
where the standard error of ``log theta`` is huge and uninformative."""

THETA_FLOOR = 1e-8
"""Smallest ``theta`` used in a simulation draw (keeps ``mu / theta`` finite)."""


@dataclass(frozen=True)
class Components:
    """Columns of the mean on a period index, in the order of the parameters."""

    det: np.ndarray          # (n, p_det)
    loglin: np.ndarray       # (n, L)
    seg_weight: np.ndarray   # (n, J)
    seg_active: np.ndarray   # (n, J, K)
    offset: np.ndarray       # (n,)
    ar: int
    pulse_cols: np.ndarray = None    # columns of ``loglin`` that are outlier pulses

    def split(self, params: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Split parameter draws (S, k) into deterministic, ar, log-linear and step parts."""
        p = self.det.shape[1]
        a = self.ar
        L = self.loglin.shape[1]
        return params[:, :p], params[:, p:p + a], params[:, p + a:p + a + L], params[:, p + a + L:]


def components(spec: DesignSpec, index: pd.PeriodIndex, exog: pd.DataFrame | None,
               exposure: np.ndarray | None) -> Components:
    """Build the columns of the mean on ``index`` (placement checks off)."""
    det, _ = deterministic_columns(spec, index, exog)
    enc = encode_interventions(index, spec.terms, check=False)
    offset = np.log(exposure) if exposure is not None else np.zeros(len(index))
    cols = np.array([j for j, n in enumerate(enc.loglinear_names) if n in spec.pulses], dtype=np.int64)
    return Components(det, enc.loglinear, enc.seg_weight, enc.seg_active, offset, spec.ar, cols)


def pulse_log_mean(comp: Components, params: np.ndarray) -> np.ndarray:
    """Contribution of the outlier pulses to the log mean, for each row of ``params`` → (S, n)."""
    _, _, b_ll, _ = comp.split(params)
    if comp.pulse_cols is None or not len(comp.pulse_cols):
        return np.zeros((params.shape[0], comp.det.shape[0]))
    return b_ll[:, comp.pulse_cols] @ comp.loglin[:, comp.pulse_cols].T


def stationary_draws(params: np.ndarray, cov: np.ndarray, n_sim: int, rng: np.random.Generator,
                     ar_slice: slice) -> tuple[np.ndarray, float]:
    """``n_sim`` draws from N(params, cov) whose ``ar`` coefficients sum to less than 1 in absolute value.

    Returns the draws and the share of proposals that were discarded. When fewer than
    ``n_sim`` stationary draws are found in ``20 n_sim`` proposals, the ones found are
    returned (at least one: the estimate itself, when it is stationary).
    """
    kept: list[np.ndarray] = []
    tried = 0
    need = n_sim
    while need > 0 and tried < 20 * n_sim:
        batch = draw_params(params, cov, max(need, 16), rng)
        tried += batch.shape[0]
        ok = np.abs(batch[:, ar_slice].sum(axis=1)) < 1.0
        kept.append(batch[ok][:need])
        need -= int(min(ok.sum(), need))
    out = np.vstack(kept) if kept else np.zeros((0, len(params)))
    if out.shape[0] == 0:
        out = params[None, :].copy()
    return out, 1.0 - out.shape[0] / max(tried, 1)


def fixed_log_mean(comp: Components, params: np.ndarray) -> np.ndarray:
    """Log mean without the autoregressive part, for each row of ``params`` → (S, n)."""
    b_det, _, b_ll, gamma = comp.split(params)
    out = b_det @ comp.det.T + b_ll @ comp.loglin.T + comp.offset[None, :]
    if gamma.shape[1]:
        lin = np.einsum("tjk,sk->stj", comp.seg_active, gamma)
        w = comp.seg_weight[None, :, :]
        m = np.max(np.where(w > 0, lin, -np.inf), axis=2, keepdims=True)
        out = out + np.log(np.sum(w * np.exp(lin - m), axis=2)) + m[:, :, 0]
    return out


def draw_params(params: np.ndarray, cov: np.ndarray, n_sim: int, rng: np.random.Generator) -> np.ndarray:
    """``n_sim`` draws from N(params, cov)."""
    vals, vecs = np.linalg.eigh((cov + cov.T) / 2)
    root = vecs * np.sqrt(np.clip(vals, 0, None))
    return params[None, :] + rng.standard_normal((n_sim, len(params))) @ root.T


def draw_counts(mu: np.ndarray, theta: float | np.ndarray | None, rng: np.random.Generator) -> np.ndarray:
    """Poisson (``theta=None``) or NB2 counts with means ``mu``.

    ``theta`` is a number or one value per row of ``mu`` (one per simulation draw).
    A ``theta`` that is infinite or above :data:`POISSON_THETA` is the Poisson limit
    of NB2 (variance ``mu + mu**2 / theta`` → ``mu``): those counts are drawn from
    Poisson(``mu``) directly, since the Gamma mixing draw ``Gamma(theta, mu / theta)``
    degenerates (overflow, division by zero) there.
    """
    mu = np.clip(mu, 0, 1e12)
    if theta is None:
        return rng.poisson(mu).astype(float)
    th = np.asarray(theta, float)
    if th.ndim:
        th = th.reshape((-1,) + (1,) * (mu.ndim - 1))
    limit = ~np.isfinite(th) | (th > POISSON_THETA)
    if not limit.any():
        lam = rng.gamma(th, mu / th)
    else:
        th_b = np.broadcast_to(th, mu.shape)
        mixed = ~np.broadcast_to(limit, mu.shape)
        lam = np.array(mu, float, copy=True)
        if mixed.any():
            lam[mixed] = rng.gamma(th_b[mixed], mu[mixed] / th_b[mixed])
    return rng.poisson(np.minimum(lam, 1e12)).astype(float)


def draw_theta(theta: float | None, se_log: float | None, n_sim: int,
               rng: np.random.Generator) -> np.ndarray | None:
    """Draws of ``theta`` from a normal distribution of ``log theta`` (None for Poisson).

    An estimate that is infinite or above :data:`POISSON_THETA` is the Poisson limit:
    every draw is ``inf`` (no Gamma mixing; its standard error, which is then huge and
    meaningless, is not used). Draws above the threshold are likewise set to ``inf``;
    draws below :data:`THETA_FLOOR` are raised to it, so that the Gamma mixing draw
    stays finite.
    """
    if theta is None:
        return None
    if not np.isfinite(theta) or theta > POISSON_THETA:
        return np.full(n_sim, np.inf)
    if not se_log or not np.isfinite(se_log):
        return np.full(n_sim, theta)
    log_draws = np.log(theta) + se_log * rng.standard_normal(n_sim)
    big = log_draws > np.log(POISSON_THETA)
    return np.where(big, np.inf, np.exp(np.clip(log_draws, np.log(THETA_FLOOR), np.log(POISSON_THETA))))


def simulate_paths(comp: Components, params: np.ndarray, theta: float | np.ndarray | None, observed: np.ndarray,
                   start: int, rng: np.random.Generator,
                   lag_values: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Simulate means and counts for every row of ``params``.

    Parameters
    ----------
    comp : Components
        Columns on the whole index (observed and future periods).
    params : ndarray (S, k)
    observed : ndarray
        Observed counts; entries from ``start`` on may be NaN (future).
    start : int
        First period simulated; earlier lags are the observed counts.
    lag_values : ndarray, optional
        The values the lags carry before ``start`` (the observed counts with outlier
        periods replaced by their pulse-free means); default ``observed``.

    Returns
    -------
    mu, y : ndarray (S, n)
        Conditional means and simulated counts; before ``start`` (and where the ``ar``
        lags are not available) they are NaN.
    """
    s, n = params.shape[0], comp.det.shape[0]
    fixed = fixed_log_mean(comp, params)
    mu = np.full((s, n), np.nan)
    y = np.full((s, n), np.nan)
    if comp.ar == 0:
        mu[:, start:] = np.exp(fixed[:, start:])
        y[:, start:] = draw_counts(mu[:, start:], theta, rng)
        return mu, y
    _, phi, _, _ = comp.split(params)
    path = np.tile(np.asarray(observed if lag_values is None else lag_values, float), (s, 1))
    first = max(start, comp.ar)
    has_pulses = comp.pulse_cols is not None and len(comp.pulse_cols) > 0
    if has_pulses:
        free = fixed - pulse_log_mean(comp, params)
        is_pulse = np.any(comp.loglin[:, comp.pulse_cols] != 0, axis=1)
    th = None if theta is None else np.asarray(theta, float)
    for t in range(first, n):
        lags = np.log1p(path[:, t - comp.ar:t][:, ::-1])     # (S, ar): lag 1 first
        ar_part = np.sum(phi * lags, axis=1)
        mu[:, t] = np.exp(np.minimum(fixed[:, t] + ar_part, 700.0))
        y[:, t] = draw_counts(mu[:, t], th, rng)
        if has_pulses and is_pulse[t]:
            path[:, t] = draw_counts(np.exp(np.minimum(free[:, t] + ar_part, 700.0)), th, rng)
        else:
            path[:, t] = y[:, t]
    return mu, y


def quantiles(a: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """Equal-tailed Monte Carlo interval along axis 0 (inverted empirical CDF)."""
    lo = np.quantile(a, alpha / 2, axis=0, method="inverted_cdf")
    hi = np.quantile(a, 1 - alpha / 2, axis=0, method="inverted_cdf")
    return lo, hi
