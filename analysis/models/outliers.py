"""Outlier pulses in a count regression: the search behind ``pulses="auto"``.

The rule is the one of :mod:`analysis.changepoint.pulses`: period *t* is a pulse when its
unit deviance from the model's fitted mean *without pulse terms* exceeds the point
penalty ``beta' = 3 log n``. Giving such a period its own indicator raises the
log-likelihood by ``d_t / 2``, so a set of pulses ``P`` is chosen to maximise the
penalised log-likelihood

    l(P) - (beta' / 2) |P|,

where ``l(P)`` is the maximised log-likelihood (dispersion included) of the model with one
indicator per period in ``P``. For fixed means and dispersion the best ``P`` is exactly
the set the rule flags; for fixed ``P`` the best means are the refit. The search
alternates the two until the set is stable, which increases the penalised likelihood at
every round and stops at a local maximum.

Two starts guard against *masking* (outliers that hide each other by inflating the
dispersion or by pulling month effects towards them): the empty set, and the periods the
rule flags under a Poisson fit of the trend and the interventions alone. The better of
the two local maxima is kept, and both are recorded. A period whose count is zero keeps no
indicator (its own mean would be estimated as zero, a coefficient of minus infinity); it
is reported instead. No more outlier terms are added than :data:`MAX_PULSE_SHARE` of the
modelled periods or the residual degrees of freedom allow; the search says so when it
would.

With autoregressive terms, an outlier is an *additive* outlier: the lag after it carries
the period's pulse-free mean, not its count (the means are re-estimated at every round
until they settle, a fixed point).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..changepoint.pulses import find_pulses, unit_deviance

#: ``pulses="auto"`` adds no more outlier terms than this share of the modelled periods.
MAX_PULSE_SHARE = 0.1
#: Rounds of the alternation before it stops with a warning.
MAX_PULSE_ROUNDS = 30
#: Relative change below which the pulse-free means carried by the lags count as settled.
CLEAN_TOL = 1e-6


@dataclass
class FitState:
    """What the search needs from one fit with a given outlier set."""

    llf: float
    theta: float | None
    mu_free: np.ndarray          # pulse-free fitted means on the modelled periods
    payload: Any = None          # the fit itself, returned to the caller


@dataclass
class SearchOutcome:
    periods: list[pd.Period]
    clean: dict[int, float]
    state: FitState
    rounds: int
    info: dict[str, Any] = field(default_factory=dict)


def search_pulses(fit: Callable[[list[pd.Period], dict[int, float]], FitState], *, index: pd.PeriodIndex,
                  y: np.ndarray, lag_shift: int, uses_lags: bool, mode: str, given: list[pd.Period],
                  penalty: float, limit: int, family: str,
                  regime_mean: Callable[[], np.ndarray | None] | None = None,
                  clean_start: dict[int, float] | None = None) -> SearchOutcome:
    """Find the outlier set (``mode="auto"``), or settle the clean lags of a given one.

    Parameters
    ----------
    fit : callable
        ``fit(periods, clean) -> FitState`` fits the model with indicators for
        ``periods`` and lags of outlier periods carrying ``clean`` (position in the full
        series → value).
    index, y
        The modelled periods and counts.
    lag_shift : int
        Position of the first modelled period in the full series (the number of
        periods conditioned on).
    uses_lags : bool
        Whether the model has lagged counts (then the clean lags are iterated).
    mode : {"auto", "given", "none"}
    given : list of Period
        The outlier periods when ``mode="given"``.
    penalty : float
        The point penalty ``beta'`` (``3 log n``).
    limit : int
        Largest number of outlier terms the series allows.
    family : str
        For messages.
    regime_mean : callable, optional
        Poisson mean of the trend and interventions alone (the second start).
    clean_start : dict, optional
        Starting values of the clean lags for ``mode="given"`` (e.g. from a fit of a
        similar series), so that their fixed point is reached in fewer rounds.
    """
    def clean_for(periods: list[pd.Period], mu_free: np.ndarray) -> dict[int, float]:
        if not uses_lags:
            return {}
        return {int(p.ordinal - index[0].ordinal) + lag_shift: float(mu_free[int(p.ordinal - index[0].ordinal)])
                for p in periods}

    def settled(a: dict[int, float], b: dict[int, float]) -> bool:
        return set(a) == set(b) and all(abs(a[q] - b[q]) <= CLEAN_TOL * (1.0 + abs(b[q])) for q in b)

    def alternate(start: list[pd.Period], clean0: dict[int, float] | None = None) -> SearchOutcome:
        periods, clean = sorted(start), dict(clean0 or {})
        seen: list[tuple[pd.Period, ...]] = []
        info: dict[str, Any] = {}
        iterate = mode == "auto" or (uses_lags and bool(periods))
        rounds = 0
        while True:
            rounds += 1
            state = fit(periods, clean)
            if not iterate:
                return SearchOutcome(periods, clean, state, rounds, info)
            cand = periods
            if mode == "auto":
                size = np.inf if state.theta is None else state.theta
                hits = find_pulses(y, state.mu_free, size, penalty=penalty)
                zeros = [str(index[i]) for i in hits if y[i] == 0]
                if zeros:
                    info["zero_count_outliers"] = zeros
                found = sorted({index[i] for i in hits if y[i] > 0})
                if len(found) > limit:
                    info["refused"] = (f"the pulse rule flagged {len(found)} periods, more than the {limit} the "
                                       f"series allows: the counts scatter more than the {family} family allows, "
                                       f"so outlier terms were not added beyond the {len(periods)} found before")
                else:
                    cand = found
            new_clean = clean_for(cand, state.mu_free)
            if tuple(cand) == tuple(periods) and settled(new_clean, clean):
                return SearchOutcome(periods, clean, state, rounds, info)
            if tuple(cand) != tuple(periods) and tuple(cand) in seen:
                info["cycled"] = True
                cand = periods
                new_clean = clean_for(cand, state.mu_free)
            seen.append(tuple(periods))
            periods, clean = list(cand), new_clean
            if rounds >= MAX_PULSE_ROUNDS:
                info["not_stable"] = True
                return SearchOutcome(periods, clean, fit(periods, clean), rounds, info)

    def penalised(o: SearchOutcome) -> float:
        return o.state.llf - 0.5 * penalty * len(o.periods)

    best = alternate(given, clean_start) if mode == "given" else alternate([])
    if mode == "auto" and limit > 0 and regime_mean is not None:
        rmu = regime_mean()
        if rmu is not None:
            dev = unit_deviance(y, rmu)
            flagged = np.flatnonzero((dev > penalty) & (y > 0))
            flagged = flagged[np.argsort(-dev[flagged], kind="stable")][:limit]
            start_b = sorted({index[i] for i in flagged})
            if start_b and start_b != best.periods:
                other = alternate(start_b)
                starts = {"none": [str(p) for p in best.periods],
                          "trend_and_interventions_poisson": [str(p) for p in other.periods]}
                if penalised(other) > penalised(best) + 1e-9:
                    best = other
                best.info["starts"] = starts
    best.info["penalised_loglik"] = float(penalised(best))
    return best
