"""``fit_count_model``: the one entry point of the count-regression layer."""
from __future__ import annotations

import functools
import hashlib
import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from ..changepoint.pulses import find_pulses, pulse_penalty
from ..errors import AnalysisWarning, ModelError
from ..results import result_meta
from .design import (
    MIN_OBS,
    MIN_RESIDUAL_DF,
    Design,
    DesignSpec,
    align_exog,
    build_design,
    check_counts,
    check_rank,
)
from .diagnostics import cameron_trivedi, default_lags, ljung_box, overdispersion_lr
from .interventions import MIN_SIDE, Intervention, Pulse, periods_per_year, read_interventions, read_min_side
from .likelihood import FitOutput, NotIdentified, Problem, fit_problem, theta_standard_errors
from .outliers import MAX_PULSE_SHARE, FitState, search_pulses
from .results import SE_LOG_THETA_ADJUSTED, CountModelResult, DeferredAdjustment

FAMILIES = ("poisson", "negbin")


def input_hash(index: pd.PeriodIndex, values: np.ndarray, exog: pd.DataFrame | None,
               exposure: np.ndarray | None) -> str:
    """sha256 of what a model is fitted to: the periods, the counts, exogenous columns and exposure."""
    h = hashlib.sha256()
    h.update(index.freqstr.encode())
    h.update(np.ascontiguousarray(index.asi8, dtype="<i8").tobytes())
    h.update(np.ascontiguousarray(values, dtype="<f8").tobytes())
    if exog is not None:
        h.update(",".join(map(str, exog.columns)).encode())
        h.update(np.ascontiguousarray(exog.to_numpy(float), dtype="<f8").tobytes())
    if exposure is not None:
        h.update(np.ascontiguousarray(exposure, dtype="<f8").tobytes())
    return h.hexdigest()


def pulse_name(period: pd.Period) -> str:
    """Name of the outlier term of ``period`` (``pulse_2017-12``; ``pulse_2019`` on annual series)."""
    return f"pulse_{period}"


def _pulse_terms(periods: Sequence[pd.Period]) -> dict[str, Intervention]:
    return {pulse_name(p): Pulse(_first_day(p)) for p in sorted(set(periods))}


@functools.lru_cache(maxsize=4096)
def _first_day(p: pd.Period) -> int:
    """Day number of the first day of period ``p`` (kept: the outlier searches ask for the same periods often)."""
    from ._days import day_number
    return day_number(p)


def check_spec_options(family: str, trend: str | None, seasonality: str | None) -> None:
    """Refuse a family, trend or seasonality option that no count model here offers."""
    if family not in FAMILIES:
        raise ModelError(f"family must be 'poisson' or 'negbin', not {family!r}")
    if trend not in (None, "linear"):
        raise ModelError(f"trend must be None or 'linear', not {trend!r}")
    if seasonality not in (None, "month", "fourier"):
        raise ModelError(f"seasonality must be None, 'month' or 'fourier', not {seasonality!r}")


def read_terms(interventions: Any, min_side: Any, fourier_order: Any) -> tuple[dict[str, Intervention], int]:
    """The interventions as a name → term mapping and ``min_side`` as an int; ``fourier_order`` must be whole."""
    interventions = read_interventions(interventions)
    min_side = read_min_side(min_side)
    if isinstance(fourier_order, bool) or not isinstance(fourier_order, int | np.integer):
        raise ModelError(f"fourier_order must be a whole number, not {fourier_order!r}")
    return interventions, min_side


def read_exposure(exposure: pd.Series | None, index: pd.PeriodIndex) -> np.ndarray | None:
    """The exposure aligned to ``index`` (positive), or None."""
    if exposure is None:
        return None
    expo = align_exog(exposure, index, "exposure").iloc[:, 0].to_numpy()
    if np.any(expo <= 0):
        raise ModelError("exposure must be positive")
    return expo


def pulse_plan(pulse_arg: Any, interventions: Mapping[str, Intervention], n_model: int,
               k: int) -> tuple[list[pd.Period], str, float, int]:
    """Given pulse periods, the pulse mode, the pulse penalty and the most pulses a fit may take.

    The limit keeps at least ``MIN_RESIDUAL_DF`` residual degrees of freedom and at most
    ``MAX_PULSE_SHARE`` of the modelled periods as pulses.
    """
    periods: list[pd.Period] = [] if pulse_arg in (None, "auto") else sorted(set(pulse_arg))
    clash = [pulse_name(p) for p in periods if pulse_name(p) in interventions]
    if clash:
        raise ModelError(f"pulse term(s) {clash} clash with intervention names")
    mode = "none" if pulse_arg is None else ("auto" if pulse_arg == "auto" else "given")
    limit = min(max(1, int(MAX_PULSE_SHARE * n_model)), max(0, n_model - k - MIN_RESIDUAL_DF))
    return periods, mode, pulse_penalty(n_model), limit


def _read_pulses(pulses: Any, index: pd.PeriodIndex) -> list[pd.Period] | str | None:
    if pulses is None or (isinstance(pulses, str) and pulses == "auto"):
        return pulses
    if isinstance(pulses, str) or not isinstance(pulses, Sequence | pd.Index | np.ndarray):
        raise ModelError(f"pulses must be None, 'auto' or a list of dates or periods, not {pulses!r}")
    out = []
    for p in pulses:
        try:
            per = p.asfreq(index.freq) if isinstance(p, pd.Period) else pd.Period(pd.Timestamp(p), freq=index.freq)
        except (TypeError, ValueError) as exc:
            raise ModelError(f"cannot read pulse date {p!r}") from exc
        if per < index[0] or per > index[-1]:
            raise ModelError(f"pulse {per} is outside the series ({index[0]} to {index[-1]})")
        out.append(per)
    return out


class _Fitter:
    """One series and its options; fits a design for a given set of outlier pulses."""

    def __init__(self, index: pd.PeriodIndex, values: np.ndarray, spec: DesignSpec, ex: pd.DataFrame | None,
                 expo: np.ndarray | None, family: str, min_side: int) -> None:
        self.index, self.values, self.spec, self.ex, self.expo = index, values, spec, ex, expo
        self.family, self.min_side = family, min_side

    def design(self, spec: DesignSpec, clean: Mapping[int, float] | None, *, check: bool) -> Design:
        return build_design(spec, self.index, self.values, self.ex, self.expo, min_side=self.min_side,
                            check=check, clean=clean)

    def fit(self, design: Design) -> tuple[Problem, FitOutput, FitOutput]:
        """The problem of ``design``, its Poisson fit and the fit of the family (the same for Poisson).

        The Cox–Reid adjusted ``theta`` is left out (see :class:`DeferredAdjustment`).
        """
        prob = Problem(design.y, design.X, design.enc.seg_weight, design.enc.seg_active, design.offset)
        try:
            pois = fit_problem(prob, "poisson")
            out = pois if self.family == "poisson" else fit_problem(prob, "negbin", poisson=pois, adjusted=False)
        except NotIdentified as exc:
            raise ModelError(
                f"the effect {design.names[exc.position]!r} is not identified: its estimate runs off to infinity "
                f"(for example, all counts are zero on one side of an intervention, or in a pulse period); shorten "
                f"the series to its coverage or drop the term") from None
        return prob, pois, out


def _pulse_free_mean(design: Design, params: np.ndarray, mu: np.ndarray, pulse_names: Sequence[str]) -> np.ndarray:
    if not pulse_names:
        return mu
    names = design.names
    cols = [names.index(n) for n in pulse_names]
    return mu * np.exp(-(design.X[:, cols] @ params[cols]))


def fit_count_model(
    y: pd.Series,
    *,
    family: str = "negbin",
    trend: str | None = "linear",
    seasonality: str | None = "month",
    interventions: Mapping[str, Intervention] | None = None,
    exog: pd.DataFrame | pd.Series | None = None,
    exposure: pd.Series | None = None,
    ar: int = 0,
    fourier_order: int = 2,
    min_side: int = MIN_SIDE,
    pulses: str | Sequence[Any] | None = None,
) -> CountModelResult:
    """Fit a Poisson or negative-binomial regression with interventions to a count series.

    Parameters
    ----------
    y : Series
        Counts on a regular monthly or annual ``PeriodIndex`` (a DatetimeIndex with one
        timestamp per month or year is read as the periods containing them); no missing
        values.
    family : {"negbin", "poisson"}, default "negbin"
        ``"negbin"`` is NB2 (variance ``mu + mu^2 / theta``) with ``theta`` estimated
        by maximum likelihood; the result exposes ``theta`` (R's ``glm.nb``) and
        ``alpha = 1 / theta`` (statsmodels).
    trend : {"linear", None}, default "linear"
        Linear trend of the log rate, in years since the first modelled period.
    seasonality : {"month", "fourier", None}, default "month"
        Month dummies (January the reference) or ``fourier_order`` harmonics; does not
        apply to annual series (noted in ``meta``).
    interventions : mapping of name to intervention, optional
        Built with :func:`step`, :func:`pulse`, :func:`ramp`, :func:`level_and_slope`
        or :func:`steps_from_breaks`; each coefficient is labelled by its name, so a
        bare list of interventions is refused (a list of ``(name, intervention)``
        pairs is read as a mapping).
    exog : DataFrame or Series, optional
        Extra log-linear columns on the same ``PeriodIndex`` (e.g. the number of
        Fridays in the month, when a registry is updated on Fridays).
    exposure : Series, optional
        Positive exposure; ``log(exposure)`` enters as an offset (e.g. days in the
        month, or the number of register updates).
    ar : int, default 0
        Number of autoregressive terms on ``log(1 + y_{t-k})``.
    fourier_order : int, default 2
        Harmonics used when ``seasonality="fourier"``.
    min_side : int, default 3
        Minimum number of observations on each side of an intervention (and between
        the starts of two steps or two ramps).
    pulses : None, "auto" or list of dates, default None
        One-period outliers (a month of mass listing). ``None`` adds no terms, so the
        fit is the plain GLM that R's ``glm``/``glm.nb`` gives, but warns
        (:class:`~analysis.errors.AnalysisWarning`, and in ``meta["warnings"]``) when the
        pulse rule finds outliers. ``"auto"`` detects them with the rule of
        :mod:`analysis.changepoint.pulses` (unit deviance from the fitted, pulse-free
        mean above ``3 log n``), gives each its own indicator, refits, and repeats until
        the set is stable. A list gives the outlier periods explicitly. Outlier terms are
        listed in :attr:`CountModelResult.pulses`; month effects and the trend are then
        estimated without them, and counterfactuals keep them.

    Returns
    -------
    CountModelResult

    Raises
    ------
    ModelError
        ``y`` not a Series of real numbers; an argument of the wrong type (for example
        ``interventions`` a list of unnamed interventions or a string); negative,
        non-integer, infinite or missing counts; irregular index; an intervention
        outside the series or with fewer than ``min_side`` observations on a side;
        interventions too close to be told apart; a collinear design; a series too
        short to model (fewer than 8 modelled observations, or fewer than 4 more than
        the number of parameters) — such series should be described, not modelled.

    Notes
    -----
    The expected count of period ``t`` is ``exp(x_t' beta) * sum_j w_tj exp(a_tj'
    gamma)``: log-linear in everything except steps that start inside a period, which
    act on the part of the period they cover (``mu * ((1 - f) + f * exp(gamma))`` for a
    single step covering a fraction ``f``, measured in days). With whole-period steps
    the model is a log-linear GLM and the estimates are those of R's ``glm`` (Poisson)
    and ``MASS::glm.nb`` (NB2). Standard errors use the expected information with
    ``theta`` held at its estimate, as ``glm.nb`` does. Because the maximum-likelihood
    ``theta`` of a short series overstates how little the counts scatter, NB2
    intervals (``conf_int``, ``rate_ratios``, the summary) and the simulated
    prediction and counterfactual intervals use the Cox–Reid adjusted ``theta`` and,
    for coefficients, a t quantile on the residual degrees of freedom; Poisson
    intervals are Wald intervals. The adjusted ``theta`` (with ``cov_params_adjusted``
    and ``meta["se_log_theta_adjusted"]``) is computed lazily, on the first read of any
    of them or of ``meta``, and then kept: it costs about as much as the fit, and a fit
    used only for its estimates, likelihood or diagnostics does not need it.

    The ``ar`` terms make the model observation-driven: the log mean depends on the
    log of one plus the previous counts (a log-linear Poisson/NB autoregression). Their
    coefficients measure persistence beyond trend and season, and an intervention's
    coefficient is then its immediate effect; the long-run effect of a step is
    ``gamma / (1 - sum(phi))`` on the log scale (:meth:`CountModelResult.long_run`,
    refused near non-stationarity), and counterfactuals are simulated. An outlier pulse
    is an additive outlier: the lag after it carries the period's pulse-free mean.

    The counts are assumed independent given the covariates (and lags); the Ljung–Box
    test on the Pearson residuals checks this. The Cameron–Trivedi test and, for NB2,
    the likelihood-ratio test against Poisson report overdispersion.

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis.models import fit_count_model, step
    >>> idx = pd.period_range("2015-01", periods=60, freq="M")
    >>> y = pd.Series([5, 7, 6, 4, 8, 6] * 5 + [12, 14, 11, 13, 15, 12] * 5, index=idx)
    >>> res = fit_count_model(y, family="poisson", seasonality=None,
    ...                       interventions={"law": step("2017-07-01")})
    >>> round(float(res.rate_ratios().loc["law", "rate_ratio"]), 2) > 1
    True
    """
    check_spec_options(family, trend, seasonality)
    if seasonality == "fourier" and not (isinstance(fourier_order, (int, np.integer)) and 1 <= fourier_order <= 6):
        raise ModelError("fourier_order must be a whole number from 1 to 6")
    if isinstance(ar, bool) or not isinstance(ar, (int, np.integer)) or ar < 0:
        raise ModelError(f"ar must be a non-negative whole number, not {ar!r}")
    interventions, min_side = read_terms(interventions, min_side, fourier_order)

    index, values = check_counts(y)
    pulse_arg = _read_pulses(pulses, index)
    ppy = periods_per_year(index)
    notes: list[str] = []
    warns: list[str] = []
    if ppy == 1 and seasonality is not None:
        notes.append(f"seasonality={seasonality!r} does not apply to an annual series and was left out")
    ex = align_exog(exog, index)
    if ex is not None:
        clash = [c for c in ex.columns if c in interventions or c == "const" or c == "trend"]
        if clash:
            raise ModelError(f"exog column name(s) {clash} clash with other terms")
    expo = read_exposure(exposure, index)
    spec = DesignSpec(origin=index[ar] if ar < len(index) else index[0], ppy=ppy, trend=trend,
                      seasonality=seasonality if ppy == 12 else None, fourier_order=int(fourier_order),
                      exog_names=tuple(ex.columns) if ex is not None else (), ar=int(ar),
                      interventions=interventions)
    fitter = _Fitter(index, values, spec, ex, expo, family, min_side)

    # too short? judged before placement checks, so that short series get this message
    n_model = len(index) - ar
    probe = fitter.design(spec, None, check=False) if n_model > 0 else None
    k = len(probe.names) if probe is not None else 0
    if probe is not None and len(set(probe.names)) < k:
        dup = sorted({n for n in probe.names if probe.names.count(n) > 1})
        raise ModelError(f"term name(s) {dup} are used twice; rename the intervention or exogenous column")
    if n_model < MIN_OBS or n_model - k < MIN_RESIDUAL_DF:
        raise ModelError(
            f"series too short to model: {n_model} modelled observation(s) for {k} parameter(s); a count "
            f"model needs at least {MIN_OBS} observations and {MIN_RESIDUAL_DF} more than its parameters. "
            f"Describe such a series (counts per period) instead of modelling it")
    from .interventions import check_placement
    check_placement(probe.index, interventions, probe.enc, min_side=min_side)
    if np.all(probe.y == 0):
        raise ModelError("every modelled count is zero; there is nothing to model")

    periods, mode, beta_point, limit = pulse_plan(pulse_arg, interventions, n_model, k)

    def fit_with(pers: list[pd.Period], clean: dict[int, float]) -> FitState:
        cur = replace(spec, pulses=_pulse_terms(pers))
        design = probe if not pers and not clean else fitter.design(cur, clean or None, check=False)
        check_rank(design)
        prob, pois, out = fitter.fit(design)
        mu_free = _pulse_free_mean(design, out.params, out.mu, list(cur.pulses))
        return FitState(out.llf, out.theta, mu_free, (cur, design, prob, pois, out))

    def regime_mean() -> np.ndarray | None:
        rd = fitter.design(replace(spec, seasonality=None), None, check=False)
        rprob = Problem(rd.y, rd.X, rd.enc.seg_weight, rd.enc.seg_active, rd.offset)
        try:
            check_rank(rd)
            return fit_problem(rprob, "poisson").mu
        except (NotIdentified, ModelError):
            return None

    found = search_pulses(fit_with, index=probe.index, y=probe.y, lag_shift=ar, uses_lags=ar > 0, mode=mode,
                          given=periods, penalty=beta_point, limit=limit, family=family,
                          regime_mean=regime_mean)
    periods, clean, rounds = found.periods, found.clean, found.rounds
    cur, design, prob, pois, out = found.state.payload
    pulse_info: dict[str, Any] = {"mode": mode, **found.info}
    spec = cur
    names = design.names
    labels = pd.Index(names)          # built once: the rows of params and both axes of the covariances
    if pulse_info.get("zero_count_outliers"):
        notes.append("periods flagged as outliers with a count of zero keep no term of their own (the estimate "
                     "of a zero-count period's own mean is minus infinity): "
                     + ", ".join(pulse_info["zero_count_outliers"]))
    pulse_info.update({"periods": [str(p) for p in periods], "rounds": rounds,
                       "rule": f"unit deviance from the pulse-free fitted mean > 3 log n = {beta_point:.2f}"})
    if not out.converged:
        warns.append("the fit did not converge; estimates may be unreliable")
    if out.theta_at_bound:
        notes.append("theta reached its upper bound: no overdispersion beyond Poisson was found")
    estimated = [n for n, iv in interventions.items() if iv.estimated]
    if estimated:
        warns.append(
            f"the dates of {', '.join(estimated)} were estimated from the same data (change points); "
            f"their effects' intervals are too narrow and p-values too small")
    if not design.enc.is_linear:
        notes.append("steps starting inside a period act on the share of the period they cover "
                     "(mu * ((1 - f) + f * exp(gamma))); the model is non-linear in those effects")
    lagged = [f"{n} ({iv.describe()})" for n, iv in interventions.items() if iv.lag]
    if lagged:
        notes.append("lags are assumptions, not estimates: " + "; ".join(lagged))
    if pulse_info.get("refused"):
        warns.append(pulse_info["refused"])
    if pulse_info.get("cycled") or pulse_info.get("not_stable"):
        warns.append("outlier detection did not settle on one set of periods; the last set was kept")
    mu = out.mu
    if pulse_arg is None:
        size = math.inf if out.theta is None else out.theta
        found = find_pulses(design.y, mu, size)
        if len(found):
            listed = ", ".join(str(design.index[i]) for i in found[:8]) + (" …" if len(found) > 8 else "")
            msg = (f"{len(found)} one-period outlier(s) by the pulse rule (unit deviance > 3 log n = "
                   f"{pulse_penalty(len(design.y)):.2f}): {listed}; they pull the month effects, the trend and "
                   f"the lags. Refit with pulses='auto' to give each its own term")
            warns.append(msg)
            pulse_info["detected_not_modelled"] = [str(design.index[i]) for i in found]
            warnings.warn(msg, AnalysisWarning, stacklevel=2)

    var = mu if out.theta is None else mu + mu ** 2 / out.theta
    pearson = (design.y - mu) / np.sqrt(var)
    lags = default_lags(len(mu), ppy)
    diagnostics = {"overdispersion": cameron_trivedi(design.y, pois.mu)}
    if family == "negbin":
        diagnostics["overdispersion_lr"] = overdispersion_lr(pois.llf, out.llf)
    diagnostics["ljung_box"] = ljung_box(pearson, lags, model_df=ar)

    options = {
        "family": family, "trend": trend, "seasonality": seasonality,
        "fourier_order": int(fourier_order) if seasonality == "fourier" else None,
        "interventions": {n: iv.describe() for n, iv in interventions.items()},
        "exog": list(spec.exog_names), "exposure": exposure is not None, "ar": int(ar),
        "min_side": min_side, "pulses": pulse_info["mode"] if pulse_arg in (None, "auto") else
        [str(p) for p in pulse_arg],
    }
    if out.theta is None:
        se_theta = None
        theta_adjusted: float | DeferredAdjustment | None = None
        cov_adjusted: pd.DataFrame | DeferredAdjustment = pd.DataFrame(out.cov, index=labels, columns=labels)
    else:
        se_theta = theta_standard_errors(prob.counts, out.mu, out.theta)[0]
        theta_adjusted = cov_adjusted = DeferredAdjustment(prob, out.params, out.theta, labels)
    meta = result_meta(
        options=options, input_sha256=input_hash(index, values, ex, expo), seed=None,
        frequency="monthly" if ppy == 12 else "annual",
        first_period=str(design.index[0]), last_period=str(design.index[-1]),
        iterations=out.iterations, se_theta=se_theta, **{SE_LOG_THETA_ADJUSTED: None},
        pulses=pulse_info, clean_lags={str(index[p]): v for p, v in sorted(clean.items())},
        notes=notes, warnings=warns)
    return CountModelResult(
        family=family,
        params=pd.Series(out.params, index=labels, name="coef"),
        cov_params=pd.DataFrame(out.cov, index=labels, columns=labels),
        theta=out.theta,
        llf=out.llf,
        nobs=len(design.y),
        y=pd.Series(values, index=index, name=y.name),
        fitted=pd.Series(mu, index=design.index, name="fitted"),
        diagnostics=diagnostics,
        meta=meta,
        converged=out.converged,
        theta_adjusted=theta_adjusted,
        cov_params_adjusted=cov_adjusted,
        spec=spec,
        exog=ex,
        exposure=pd.Series(expo, index=index) if expo is not None else None,
        clean_lags=dict(clean),
    )
