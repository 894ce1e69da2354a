"""Calls into the model layer on behalf of the report, with uniform, tidy outputs.

The report does no statistics of its own: it calls :func:`analysis.changepoint.detect_changepoints`,
:func:`analysis.changepoint.bayesian_changepoints` and :func:`analysis.models.fit_count_model`
and reads their results objects. This module turns those objects into the small plain
records the report needs (break periods with intervals, effects with p-values), and
turns a model's refusal (:class:`~analysis.errors.AnalysisError`, e.g. a series too
short, collinear terms, missing values) into a message the report prints instead of
failing.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .. import changepoint as cp
from .. import events as ev
from .. import models as md
from ..errors import AnalysisError, AnalysisWarning


@dataclass(frozen=True)
class BreakFit:
    """Breaks of one series: first period of each new regime, with interval bounds, and its pulses.

    ``pulses`` are the one-period pulses (period, ratio to the regime's level); ``notes``
    what the engine adjusted or warned about (seasonal profile, dependence).
    """

    series_id: str
    breaks: tuple[pd.Period, ...] = ()
    intervals: tuple[tuple[pd.Period, pd.Period] | None, ...] = ()
    result: Any = None
    message: str = ""
    cost: str = ""
    pulses: tuple[tuple[pd.Period, float], ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class BayesFit:
    """Posterior break probability per period and the posterior mode of the number of breaks."""

    series_id: str
    break_probability: pd.Series | None = None
    n_breaks_mode: int | None = None
    result: Any = None
    message: str = ""


@dataclass(frozen=True)
class Effect:
    """One estimated intervention effect (multiplicative, as a rate ratio), with what it means and how robust it is."""

    series_id: str
    name: str
    date: str
    rate_ratio: float
    lower: float
    upper: float
    pvalue: float
    excess: float | None = None
    excess_lower: float | None = None
    excess_upper: float | None = None
    caveat: str = ""
    fragile: bool = False
    verdict: str = ""
    long_run: tuple[float, float, float] | None = None
    long_run_status: str = ""
    min_rr: float | None = None
    max_rr: float | None = None
    placebo_pvalue: float | None = None
    placebo_min_pvalue: float | None = None
    excess_informative: bool = True
    date_source: str = ""


@dataclass(frozen=True)
class ModelFit:
    """A fitted count model (or why there is none); with ``analysis`` when the specification was chosen by rule."""

    series_id: str
    result: Any = None
    effects: tuple[Effect, ...] = ()
    message: str = ""
    diagnostics: dict[str, Any] = field(default_factory=dict)
    analysis: Any = None


def _as_period(x: Any, freq: str) -> pd.Period | None:
    if x is None:
        return None
    try:
        if pd.isna(x):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(x, pd.Period):
        return x.asfreq(freq) if x.freqstr != freq else x
    return pd.Period(pd.Timestamp(x), freq=freq)


def _freq(y: pd.Series) -> str:
    return y.index.freqstr if isinstance(y.index, pd.PeriodIndex) else "M"


def _message(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:300]


def detect_breaks(series_id: str, y: pd.Series, *, cost: str, method: str, penalty: Any, min_size: int,
                  alpha: float, draws: int, seed: int) -> BreakFit:
    """Change points of ``y`` with a confidence set for each break date.

    ``draws`` parametric-bootstrap replicates per break (none when 0). Returns a
    :class:`BreakFit` whose ``message`` says why nothing was estimated when the engine
    refuses the series.
    """
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", AnalysisWarning)
            # a cost's own floor (3 for normal_meanvar) wins over the report-wide minimum
            floor = int(getattr(cp.get_cost(cost), "min_size_floor", 1))
            res = cp.detect_changepoints(y, cost=cost, method=method, penalty=penalty,
                                         min_size=max(int(min_size), floor))
    except (AnalysisError, ValueError) as exc:
        return BreakFit(series_id, message=_message(exc), cost=cost)
    freq = _freq(y)
    notes = tuple(res.diagnostics.get("notes", [])) + tuple(
        str(w.message) for w in caught if issubclass(w.category, AnalysisWarning))
    pulses = tuple((_as_period(p, freq), float(r)) for p, r in zip(res.pulses["period"], res.pulses["ratio"]))
    breaks = tuple(_as_period(b, freq) for b in res.breaks)
    intervals: tuple = tuple(None for _ in breaks)
    if breaks and draws > 0:
        try:
            ci = res.conf_int(alpha, n_boot=draws, rng=seed)
        except (AnalysisError, ValueError) as exc:
            return BreakFit(series_id, breaks, intervals, res, f"break intervals not computed: {_message(exc)}", cost,
                            pulses, notes)
        intervals = tuple((_as_period(lo, freq), _as_period(hi, freq))
                          for lo, hi in zip(ci["lower"].tolist(), ci["upper"].tolist()))
    return BreakFit(series_id, breaks, intervals, res, "", cost, pulses, notes)


def bayes_breaks(series_id: str, y: pd.Series, *, max_breaks: int | None, pulses: Any = "auto") -> BayesFit:
    """Exact posterior probability of a new regime starting in each period (see ``bayesian_changepoints``).

    ``pulses``: the periods set aside as pulses; the report passes the search's own
    (:attr:`ChangePointResult.pulses`), so that posterior and search share one pulse set.
    """
    try:
        res = cp.bayesian_changepoints(y, max_breaks=max_breaks, pulses=pulses)
    except (AnalysisError, ValueError) as exc:
        return BayesFit(series_id, message=_message(exc))
    post = res.n_breaks_posterior
    mode = int(post.index[int(np.argmax(post.to_numpy(dtype=float)))]) if len(post) else None
    return BayesFit(series_id, res.break_probability.astype(float), mode, res)


_SHAPES = {"step": md.step, "pulse": md.pulse, "ramp": md.ramp}


def fit_model(series_id: str, y: pd.Series, *, family: str, trend: str | None, seasonality: str | None,
              interventions: list[tuple[str, str, str, int]], exog: pd.DataFrame | None, ar: int,
              alpha: float, n_sim: int = 1000, seed: int = 0) -> ModelFit:
    """Fit a count model with the given interventions and extract the effects.

    ``interventions`` holds ``(name, date, shape, lag)`` tuples. Rate ratios, intervals
    and p-values are the model's defaults (:meth:`~analysis.models.CountModelResult.rate_ratios`
    and :attr:`~analysis.models.CountModelResult.pvalues_adjusted`: for NB2 the Cox–Reid
    adjusted dispersion with a t reference, so that an interval excludes 1 exactly when
    p is below its level). The cumulative excess of each effect comes from the model's
    counterfactual without that intervention (``n_sim`` Monte Carlo draws, seeded with
    ``seed`` + its position); with ``ar > 0`` that counterfactual is simulated
    recursively, so the excess includes the effect carried forward through the lags.
    """
    try:
        spec = {name: _SHAPES[shape](date, lag=lag) for name, date, shape, lag in interventions}
        res = md.fit_count_model(y, family=family, trend=trend, seasonality=seasonality,
                                 interventions=spec or None, exog=exog, ar=ar)
    except (AnalysisError, ValueError) as exc:
        return ModelFit(series_id, message=_message(exc))
    rr = res.rate_ratios(alpha)
    pv = res.pvalues_adjusted
    effects = []
    for k, (name, date, _, _) in enumerate(interventions):
        try:
            excess = res.counterfactual([name], alpha=alpha, n_sim=n_sim, rng=seed + k).total_excess
        except AnalysisError:
            excess = (None, None, None)
        effects.append(Effect(series_id, name, date, float(rr.at[name, "rate_ratio"]), float(rr.at[name, "lower"]),
                              float(rr.at[name, "upper"]), float(pv[name]), *excess))
    return ModelFit(series_id, res, tuple(effects), "", _diagnostics(res))


def analyse_model(series_id: str, y: pd.Series, *, family: str, interventions: list[tuple[str, str, str, int, str]],
                  exog: pd.DataFrame | None, alpha: float, n_sim: int = 1000, seed: int = 0,
                  pulses: str | None = "auto", alternatives: dict[str, pd.Series] | None = None,
                  sensitivity: bool = True, placebo_max_dates: int | None = 40,
                  fixed: md.Specification | None = None, n_boot: int = 199) -> ModelFit:
    """Effects of ``interventions`` on ``y`` by :func:`analysis.models.analyse_effects`, as report records.

    ``interventions`` holds ``(name, date, shape, lag, date_source)`` tuples. The
    specification is chosen by the rule of :func:`analysis.models.choose_specification`
    unless ``fixed`` is given; the sensitivity table and the placebo tests are computed
    when ``sensitivity`` is true. Each effect carries its caveat sentence (what the rate
    ratio means, the long run, the range across specifications, the placebo p-value) and
    the cumulative excess from the chosen model's counterfactual, flagged when its
    interval is not informative.
    """
    try:
        spec = {name: _SHAPES[shape](date, lag=lag) for name, date, shape, lag, _ in interventions}
        cands = None
        if pulses is None:
            cands = md.default_candidates(y.index, pulses=None)
        an = md.analyse_effects(y, interventions=spec, family=family, alternatives=alternatives, alpha=alpha,
                                exog=exog, placebo=sensitivity, placebo_max_dates=placebo_max_dates,
                                candidates=cands, specification=fixed, n_boot=n_boot) if sensitivity else None
        if an is None:
            choice = md.choose_specification(y, interventions=spec, family=family, candidates=cands, exog=exog)
            chosen = fixed or choice.chosen
            res = md.fit_specification(y, chosen, interventions=spec, family=family, exog=exog, n_boot=n_boot)
        else:
            res = an.model
    except (AnalysisError, ValueError) as exc:
        return ModelFit(series_id, message=_message(exc))
    rr = res.rate_ratios(alpha)
    pv = res.pvalues_adjusted
    lr = res.long_run(alpha)
    effects = []
    for k, (name, date, _, _, source) in enumerate(interventions):
        try:
            cf = res.counterfactual([name], alpha=alpha, n_sim=n_sim, rng=seed + k)
            excess, informative = cf.total_excess, cf.informative
        except AnalysisError:
            excess, informative = (None, None, None), True
        row = an.effects.loc[name] if an is not None else None
        lr_ok = name in lr.index and not lr.at[name, "status"]
        effects.append(Effect(
            series_id, name, date, float(rr.at[name, "rate_ratio"]), float(rr.at[name, "lower"]),
            float(rr.at[name, "upper"]), float(pv[name]), *excess,
            caveat=str(row["caveat"]) if row is not None else res.effect_meaning(name),
            fragile=bool(row["fragile"]) if row is not None else False,
            verdict=str(row["verdict"]) if row is not None else "",
            long_run=((float(lr.at[name, "rate_ratio"]), float(lr.at[name, "rr_lower"]),
                       float(lr.at[name, "rr_upper"])) if lr_ok else None),
            long_run_status="" if lr_ok or name not in lr.index else str(lr.at[name, "status"]),
            min_rr=float(row["min_rr"]) if row is not None else None,
            max_rr=float(row["max_rr"]) if row is not None else None,
            placebo_pvalue=(float(row["placebo_pvalue"]) if row is not None and np.isfinite(row["placebo_pvalue"])
                            else None),
            placebo_min_pvalue=(float(row["placebo_min_pvalue"])
                                if row is not None and np.isfinite(row["placebo_min_pvalue"]) else None),
            excess_informative=bool(informative), date_source=source))
    return ModelFit(series_id, res, tuple(effects), "", _diagnostics(res), an)


def december_fit(y: pd.Series, interventions: list[tuple[str, str, str, int, str]], *, family: str,
                 chosen: Any, exog: pd.DataFrame | None = None) -> pd.DataFrame | None:
    """Observed and fitted December counts under month dummies without outlier terms, and under ``chosen``.

    The comparison model is NB2 with month dummies, AR(1) and no outlier terms (the
    specification the report used before specifications were chosen by rule); both
    fits are shown for every December from the year of the first intervention on.
    Returns None for annual series or when a model cannot be fitted.
    """
    if not isinstance(y.index, pd.PeriodIndex) or not y.index.freqstr.startswith("M"):
        return None
    spec = {name: _SHAPES[shape](date, lag=lag) for name, date, shape, lag, _ in interventions}
    try:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            before = md.fit_specification(y, md.Specification("month", "ar1", "linear", None), interventions=spec,
                                          family=family, exog=exog)
    except (AnalysisError, ValueError):
        return None
    first = min((pd.Period(pd.Timestamp(d), "M") for _, d, _, _, _ in interventions), default=y.index[0])
    decs = [p for p in chosen.fitted.index if p.month == 12 and p.year >= first.year]
    rows = [{"December": str(p), "observed": float(y[p]),
             "fitted: month dummies, AR(1), no outlier terms": float(before.fitted.get(p, np.nan)),
             "fitted: chosen specification": float(chosen.fitted[p])} for p in decs]
    return pd.DataFrame(rows)


def _diagnostics(res: md.CountModelResult) -> dict[str, Any]:
    """Dispersion, information criteria and the p-value of each diagnostic test."""
    out: dict[str, Any] = {"alpha": res.alpha, "aic": res.aic, "bic": res.bic, "llf": res.llf}
    if res.theta is not None:
        out["theta"] = float(res.theta)
    for key in sorted(res.diagnostics):
        out[f"{key}_pvalue"] = float(np.atleast_1d(res.diagnostics[key].pvalue)[0])
    return out


def calendar() -> pd.DataFrame | None:
    """The calendar of laws and events shipped with the package, or None when it cannot be read."""
    try:
        return ev.load_events()
    except (AnalysisError, ValueError, OSError):
        return None


def calendar_status(y: pd.Series, registry: str, *, min_side: int, min_gap: int,
                    estimated: set[str]) -> pd.DataFrame | None:
    """Per calendar event about ``registry``: estimated here, or annotation only and why.

    Uses :func:`analysis.models.events_for_series` with the configured rule (``min_side``
    periods on each side, ``min_gap`` periods between two laws).
    """
    try:
        tab = md.events_for_series(y, applies_to=registry, min_side=min_side, min_gap=min_gap)
    except (AnalysisError, ValueError):
        return None
    rows = []
    for r in tab.itertuples(index=False):
        when = "" if pd.isna(r.date_in_force) else pd.Timestamp(r.date_in_force).date().isoformat()
        if r.id in estimated:
            status = "estimated in this report"
        elif r.usable:
            status = "could be estimated; not selected"
        else:
            status = f"annotation only: {r.reason}"
        rows.append({"id": r.id, "act": getattr(r, "act_number", "") or getattr(r, "title_en", ""),
                     "in force": when, "status": status})
    return pd.DataFrame(rows, columns=["id", "act", "in force", "status"])
