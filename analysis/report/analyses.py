"""Calls into the model layer on behalf of the report, with uniform, tidy outputs.

The report does no statistics of its own: it calls :func:`analysis.changepoint.detect_changepoints`,
:func:`analysis.changepoint.bayesian_changepoints` and :func:`analysis.models.fit_count_model`
and reads their results objects. This module turns those objects into the small plain
records the report needs (break periods with intervals, effects with p-values), and
turns a model's refusal (too short, collinear, missing values) into a message the
report prints instead of failing.
"""
from __future__ import annotations

import importlib
import inspect
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import AnalysisError


@dataclass(frozen=True)
class BreakFit:
    """Breaks of one series: first period of each new regime, with interval bounds."""

    series_id: str
    breaks: tuple[pd.Period, ...] = ()
    intervals: tuple[tuple[pd.Period, pd.Period] | None, ...] = ()
    result: Any = None
    message: str = ""
    cost: str = ""


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
    """One estimated intervention effect (multiplicative, as a rate ratio)."""

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


@dataclass(frozen=True)
class ModelFit:
    """A fitted count model (or why there is none)."""

    series_id: str
    result: Any = None
    effects: tuple[Effect, ...] = ()
    message: str = ""
    diagnostics: dict[str, Any] = field(default_factory=dict)


def _module(name: str) -> Any | None:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def available() -> dict[str, bool]:
    """Which model layers are importable in this installation."""
    cp = _module("analysis.changepoint")
    md = _module("analysis.models")
    return {
        "changepoint": cp is not None and hasattr(cp, "detect_changepoints"),
        "bayesian": cp is not None and hasattr(cp, "bayesian_changepoints"),
        "models": md is not None and hasattr(md, "fit_count_model"),
    }


def _call(fn: Any, *args: Any, **kwargs: Any) -> Any:
    """Call ``fn`` with the keyword arguments its signature accepts (others are dropped)."""
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return fn(*args, **kwargs)
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return fn(*args, **kwargs)
    return fn(*args, **{k: v for k, v in kwargs.items() if k in params})


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

    Returns a :class:`BreakFit` whose ``message`` says why nothing was estimated when
    the engine refuses the series or is not installed.
    """
    cp = _module("analysis.changepoint")
    if cp is None or not hasattr(cp, "detect_changepoints"):
        return BreakFit(series_id, message="change-point engine not available", cost=cost)
    try:
        res = _call(cp.detect_changepoints, y, cost=cost, method=method, penalty=penalty,
                    min_size=min_size)
    except (AnalysisError, ValueError) as exc:
        return BreakFit(series_id, message=_message(exc), cost=cost)
    freq = _freq(y)
    breaks = tuple(_as_period(b, freq) for b in _breaks_of(res, y))
    intervals: tuple = tuple(None for _ in breaks)
    if breaks and draws > 0 and hasattr(res, "conf_int"):
        try:
            ci = _call(res.conf_int, alpha=alpha, n_boot=draws, rng=seed)
            intervals = _intervals_of(ci, len(breaks), freq)
        except (AnalysisError, ValueError) as exc:
            return BreakFit(series_id, breaks, intervals, res, f"break intervals not computed: {_message(exc)}", cost)
    return BreakFit(series_id, breaks, intervals, res, "", cost)


def _breaks_of(res: Any, y: pd.Series) -> list[Any]:
    if hasattr(res, "breaks") and res.breaks is not None and not isinstance(y.index, pd.RangeIndex):
        return list(res.breaks)
    return [y.index[int(p)] for p in getattr(res, "positions", [])]


def _intervals_of(ci: Any, n: int, freq: str) -> tuple:
    if isinstance(ci, pd.DataFrame):
        cols = {c.lower(): c for c in map(str, ci.columns)}
        lo = next((cols[c] for c in ("lower", "lo", "low", "start", "lower_period") if c in cols), ci.columns[-2])
        hi = next((cols[c] for c in ("upper", "hi", "high", "end", "upper_period") if c in cols), ci.columns[-1])
        rows = list(zip(ci[lo].tolist(), ci[hi].tolist()))
    else:
        rows = [tuple(r) for r in ci]
    out = []
    for i in range(n):
        if i < len(rows):
            out.append((_as_period(rows[i][0], freq), _as_period(rows[i][1], freq)))
        else:
            out.append(None)
    return tuple(out)


def bayes_breaks(series_id: str, y: pd.Series, *, max_breaks: int | None) -> BayesFit:
    """Exact posterior probability of a new regime starting in each period (Poisson–Gamma)."""
    cp = _module("analysis.changepoint")
    if cp is None or not hasattr(cp, "bayesian_changepoints"):
        return BayesFit(series_id, message="Bayesian change-point posterior not available")
    try:
        res = _call(cp.bayesian_changepoints, y, max_breaks=max_breaks)
    except (AnalysisError, ValueError) as exc:
        return BayesFit(series_id, message=_message(exc))
    prob = res.break_probability
    if not isinstance(prob, pd.Series):
        prob = pd.Series(np.asarray(prob, dtype=float), index=y.index)
    mode = None
    post = getattr(res, "n_breaks_posterior", None)
    if post is not None:
        post = pd.Series(post) if not isinstance(post, pd.Series) else post
        if len(post):
            mode = int(post.index[int(np.argmax(post.to_numpy(dtype=float)))])
    return BayesFit(series_id, prob.astype(float), mode, res)


def fit_model(series_id: str, y: pd.Series, *, family: str, trend: str | None, seasonality: str | None,
              interventions: list[tuple[str, str, str, int]], exog: pd.DataFrame | None, ar: int,
              alpha: float, n_sim: int = 1000, seed: int = 0) -> ModelFit:
    """Fit a count model with the given interventions and extract the effects.

    ``interventions`` holds ``(name, date, shape, lag)`` tuples. The cumulative excess
    of each effect comes from the model's counterfactual without that intervention
    (``n_sim`` Monte Carlo draws, seeded with ``seed``).
    """
    md = _module("analysis.models")
    if md is None or not hasattr(md, "fit_count_model"):
        return ModelFit(series_id, message="count models not available")
    shapes = {"step": getattr(md, "step", None), "pulse": getattr(md, "pulse", None),
              "ramp": getattr(md, "ramp", None)}
    try:
        spec = {}
        for name, date, shape, lag in interventions:
            maker = shapes[shape]
            if maker is None:
                return ModelFit(series_id, message=f"intervention shape {shape!r} not available")
            spec[name] = maker(date, lag=lag) if lag else maker(date)
        res = _call(md.fit_count_model, y, family=family, trend=trend, seasonality=seasonality,
                    interventions=spec or None, exog=exog, ar=ar)
    except (AnalysisError, ValueError) as exc:
        return ModelFit(series_id, message=_message(exc))
    effects = []
    excess = _excess(res, list(spec), alpha, n_sim, seed)
    table = _effect_table(res, list(spec), alpha)
    dates = {name: date for name, date, _, _ in interventions}
    for name in spec:
        if name not in table.index:
            continue
        row = table.loc[name]
        ex = excess.get(name, (None, None, None))
        effects.append(Effect(series_id, name, dates[name], float(row["rate_ratio"]), float(row["lower"]),
                              float(row["upper"]), float(row["pvalue"]), *ex))
    return ModelFit(series_id, res, tuple(effects), "", _diagnostics(res))


def _effect_table(res: Any, names: list[str], alpha: float) -> pd.DataFrame:
    """Rate ratio, interval and p-value of each named term, the p-value on the interval's reference.

    For NB2 the model's default interval uses the Cox–Reid adjusted dispersion and a t
    quantile on the residual degrees of freedom; the p-value is then taken from the same
    t statistic, so that a 95% interval excludes 1 exactly when p < 0.05.
    """
    from scipy import stats

    params = pd.Series(res.params)
    if hasattr(res, "rate_ratios"):
        rr = res.rate_ratios(alpha)
        lo, hi = np.log(rr["lower"]), np.log(rr["upper"])
    else:
        ci = res.conf_int(alpha)
        lo, hi = ci.iloc[:, 0], ci.iloc[:, 1]
    adjusted = getattr(res, "family", "") == "negbin" and hasattr(res, "bse_adjusted")
    if adjusted:
        tval = params / pd.Series(res.bse_adjusted)
        pv = pd.Series(2 * stats.t.sf(np.abs(tval.to_numpy()), max(int(res.df_resid), 1)), index=params.index)
    else:
        pv = pd.Series(getattr(res, "pvalues", None) if hasattr(res, "pvalues") else
                       2 * stats.norm.sf(np.abs(params / pd.Series(res.bse))), index=params.index)
    rows = {}
    for n in names:
        if n not in params.index:
            continue
        rows[n] = {"rate_ratio": float(np.exp(params[n])), "lower": float(np.exp(lo[n])),
                   "upper": float(np.exp(hi[n])), "pvalue": float(pv[n])}
    return pd.DataFrame.from_dict(rows, orient="index", columns=["rate_ratio", "lower", "upper", "pvalue"])


def _excess(res: Any, names: list[str], alpha: float, n_sim: int, seed: int) -> dict[str, tuple[float | None, ...]]:
    """Cumulative excess (observed − counterfactual without each intervention) with interval."""
    out: dict[str, tuple[float | None, ...]] = {}
    if not hasattr(res, "counterfactual"):
        return out
    for k, n in enumerate(names):
        try:
            cf = _call(res.counterfactual, [n], alpha=alpha, n_sim=n_sim, rng=seed + k)
        except (AnalysisError, ValueError, KeyError):
            continue
        out[n] = _total_excess(cf)
    return out


def _total_excess(cf: Any) -> tuple[float | None, ...]:
    for attr in ("total_excess", "excess_total"):
        if hasattr(cf, attr):
            v = getattr(cf, attr)
            if isinstance(v, tuple) and len(v) == 3:
                return tuple(float(x) for x in v)
            if isinstance(v, (int, float)):
                return (float(v), None, None)
    frame = cf.to_frame() if hasattr(cf, "to_frame") else cf
    if isinstance(frame, pd.DataFrame):
        cols = [c for c in ("cumulative_excess", "excess_cumulative") if c in frame.columns]
        if cols:
            c = cols[0]
            lo = next((x for x in (c + "_lower", "cumulative_excess_lower") if x in frame.columns), None)
            hi = next((x for x in (c + "_upper", "cumulative_excess_upper") if x in frame.columns), None)
            last = frame.iloc[-1]
            return (float(last[c]), float(last[lo]) if lo else None, float(last[hi]) if hi else None)
        if "excess" in frame.columns:
            return (float(frame["excess"].sum()), None, None)
    return (None, None, None)


def _diagnostics(res: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in ("alpha", "theta", "aic", "bic", "llf"):
        v = getattr(res, name, None)
        if isinstance(v, (int, float, np.floating)) and v is not None:
            out[name] = float(v)
    tests = getattr(res, "diagnostics", None)
    if isinstance(tests, dict):
        for key in sorted(tests):
            p = getattr(tests[key], "pvalue", None)
            if p is not None:
                out[f"{key}_pvalue"] = float(np.atleast_1d(p)[0])
    return out


def calendar() -> pd.DataFrame | None:
    """The calendar of laws and events shipped with the package, or None when absent."""
    ev = _module("analysis.events")
    if ev is None or not hasattr(ev, "load_events"):
        return None
    try:
        return ev.load_events()
    except (AnalysisError, ValueError, OSError):
        return None


def calendar_status(y: pd.Series, registry: str, *, min_side: int, min_gap: int,
                    estimated: set[str]) -> pd.DataFrame | None:
    """Per calendar event about ``registry``: estimated here, or annotation only and why.

    Uses :func:`analysis.events.events_for_series` with the configured rule (``min_side``
    periods on each side, ``min_gap`` periods between two laws).
    """
    ev = _module("analysis.events")
    if ev is None or not hasattr(ev, "events_for_series"):
        return None
    try:
        tab = _call(ev.events_for_series, y, applies_to=registry, min_side=min_side, min_gap=min_gap)
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
