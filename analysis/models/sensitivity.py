"""Specification choice, sensitivity tables and in-time placebo tests for intervention effects.

An effect estimated from one time series depends on choices a reader may not share: how
seasonality is modelled, whether the counts depend on their own past, what the trend is,
whether one-period outliers get terms of their own, which date counts. This module makes
those choices explicit and their consequences visible.

* :class:`Specification` — one set of choices: ``seasonality`` (``None``, ``"month"``,
  ``"fourier"``), ``dynamics`` (``"none"``, ``"ar1"`` — one autoregressive term on
  ``log(1 + y_{t-1})`` —, ``"ingarch"`` — log-linear INGARCH(1,1)), ``trend``
  (``"linear"``, ``"none"``, ``"segmented"`` — the linear trend with a change of slope at
  the effect's date, so that the step is the level change against the trend before the
  event), ``pulses`` (``"auto"`` or ``None``) and the date ``basis`` (which variant of
  the series).
* :func:`choose_specification` — **the rule**: every candidate (seasonality × dynamics,
  linear trend, ``pulses="auto"``) is fitted on the same periods (from the second, so
  that the autoregressive fits condition on the same first count); candidates that do not
  converge or whose INGARCH estimate lies at the edge of the stationary region are set
  aside; among the others whose Pearson residuals show no autocorrelation (Ljung–Box
  p ≥ 0.05) the one with the lowest AICc is chosen; if none passes, the lowest AICc
  overall, and the choice says so.
* :func:`sensitivity_table` — the estimate of each effect across the full grid of
  specifications, and over the other date bases with the chosen specification. An effect
  is **fragile** when its sign, or its significance at ``alpha``, differs between the
  chosen specification and any other specification that could be fitted (converged to an
  interior maximum).
* :func:`placebo_test` — the same model at fake intervention dates in the period before
  the event (the series cut before it), giving an empirical p-value: the share of placebo
  dates whose ``|z|`` is at least the real one (counting the real one).
* :func:`analyse_effects` — all of the above for the interventions of one series, the
  function the notebooks and the report call.

Intervals in the sensitivity table are Wald-t intervals for every specification (the
bootstrap-t intervals of INGARCH fits are computed for the reported model only, in
:func:`analyse_effects`).

Comparing effects across dynamics: with autoregressive terms a coefficient is an
immediate effect; the table also gives the long-run effect ``gamma / (1 - rho)`` where it
is reported (:mod:`.dynamics`), and its ``comparable`` column uses the long-run effect for
dynamic models (the effect on the level, as in a static model) and the coefficient
otherwise. Signs and significance are those of the coefficient, which the long run
shares when the process is stationary.
"""
from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from ..errors import AnalysisError, AnalysisWarning, ModelError
from ..results import Result, input_sha256, jsonable, result_meta
from .fit import fit_count_model
from .ingarch import fit_ingarch
from .interventions import MIN_SIDE, Intervention, Ramp, Step, encode_interventions, periods_per_year
from .results import CountModelResult

__all__ = ["Specification", "SpecificationChoice", "SensitivityResult", "PlaceboResult", "EffectAnalysis",
           "default_candidates", "fit_specification", "choose_specification", "sensitivity_table", "placebo_test",
           "analyse_effects"]

SEASONALITIES: tuple[str | None, ...] = (None, "month", "fourier")
DYNAMICS = ("none", "ar1", "ingarch")
TRENDS = ("linear", "none", "segmented")
PULSES: tuple[str | None, ...] = ("auto", None)
#: Ljung–Box p-value below which a candidate's residuals count as autocorrelated.
LJUNG_BOX_LEVEL = 0.05

RULE = ("among the candidates (seasonality: none, month dummies, Fourier; dynamics: none, AR(1), INGARCH(1,1); "
        "linear trend; outlier pulses found by the pulse rule), all fitted on the same periods and converged to an "
        "interior maximum, the one with the "
        f"lowest AICc among those whose Pearson residuals pass the Ljung-Box test (p >= {LJUNG_BOX_LEVEL}); if "
        "none passes, the lowest AICc overall")


@dataclass(frozen=True)
class Specification:
    """One set of modelling choices (see the module docstring)."""

    seasonality: str | None = "month"
    dynamics: str = "none"
    trend: str = "linear"
    pulses: str | None = "auto"
    basis: str = "default"

    def __post_init__(self) -> None:
        if self.seasonality not in SEASONALITIES:
            raise ModelError(f"seasonality must be one of {SEASONALITIES}, not {self.seasonality!r}")
        if self.dynamics not in DYNAMICS:
            raise ModelError(f"dynamics must be one of {DYNAMICS}, not {self.dynamics!r}")
        if self.trend not in TRENDS:
            raise ModelError(f"trend must be one of {TRENDS}, not {self.trend!r}")
        if self.pulses not in PULSES:
            raise ModelError(f"pulses must be 'auto' or None, not {self.pulses!r}")

    @property
    def label(self) -> str:
        season = {None: "no seasonality", "month": "month dummies", "fourier": "Fourier seasonality"}[self.seasonality]
        dyn = {"none": "no dynamics", "ar1": "AR(1)", "ingarch": "INGARCH(1,1)"}[self.dynamics]
        trend = {"linear": "linear trend", "none": "no trend", "segmented": "segmented trend"}[self.trend]
        pul = "outlier pulses" if self.pulses == "auto" else "no pulse terms"
        basis = "" if self.basis == "default" else f", {self.basis} basis"
        return f"{season}, {dyn}, {trend}, {pul}{basis}"

    def to_dict(self) -> dict[str, Any]:
        return {"seasonality": self.seasonality, "dynamics": self.dynamics, "trend": self.trend,
                "pulses": self.pulses, "basis": self.basis, "label": self.label}


def fit_specification(y: pd.Series, spec: Specification, *, interventions: Mapping[str, Intervention],
                      family: str = "negbin", effect: str | None = None, exog: Any = None,
                      min_side: int = MIN_SIDE, common_sample: bool = False,
                      pulse_periods: Sequence[pd.Period] | None = None, n_boot: int = 199) -> CountModelResult:
    """Fit ``spec`` to ``y`` (``fit_count_model`` or ``fit_ingarch``).

    ``trend="segmented"`` needs ``effect``: a change of slope is added at that
    intervention's date (term ``f"{effect}_slope"``). ``common_sample=True`` drops the
    first period from models without dynamics, so that every specification is fitted on
    the same periods (for comparing information criteria). ``pulse_periods`` fixes the
    outlier periods (those inside the series are used) instead of searching for them
    when ``spec.pulses == "auto"``. ``n_boot`` is passed to :func:`fit_ingarch` (its
    bootstrap runs only when its intervals are asked for).
    """
    ints = dict(interventions)
    trend: str | None = None if spec.trend == "none" else "linear"
    if spec.trend == "segmented":
        if effect is None or effect not in ints:
            raise ModelError("a segmented trend needs the effect whose date segments it")
        iv = ints[effect]
        ints[f"{effect}_slope"] = Ramp(iv.start_day, iv.lag, iv.source, iv.whole_period)
    yy = y.iloc[1:] if (common_sample and spec.dynamics == "none") else y
    pulses: Any = spec.pulses
    if spec.pulses == "auto" and pulse_periods is not None:
        first = 1 if spec.dynamics != "none" else 0
        inside = [p for p in pulse_periods if yy.index[first] <= p <= yy.index[-1] and yy[p] > 0]
        pulses = inside if inside else None
    if spec.dynamics == "ingarch":
        return fit_ingarch(y, family=family, trend=trend, seasonality=spec.seasonality, interventions=ints,
                           exog=exog, min_side=min_side, pulses=pulses, n_boot=n_boot)
    ex = exog
    if common_sample and spec.dynamics == "none" and exog is not None:
        ex = exog.iloc[1:]
    return fit_count_model(yy, family=family, trend=trend, seasonality=spec.seasonality, interventions=ints,
                           exog=ex, ar=1 if spec.dynamics == "ar1" else 0, min_side=min_side, pulses=pulses)


def _quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AnalysisWarning)
        return fn(*args, **kwargs)


class _FitMemo:
    """Fits of :func:`fit_specification` shared within one :func:`analyse_effects` call.

    Notes
    -----
    Assumes every call through one memo has the same ``interventions``, ``family``,
    ``exog`` and ``min_side`` (those of the analysis); the key is then the series object
    (held, so its ``id`` cannot be reused), the specification, ``effect``,
    ``pulse_periods``, ``n_boot`` and ``common_sample`` where it matters (models without
    dynamics; with dynamics the first period is conditioned on in both cases and the fits
    are the same). A fit that raised an :class:`AnalysisError` raises it again. Results
    are frozen, so sharing one is the same as fitting it again.
    """

    def __init__(self) -> None:
        self._store: dict[tuple, tuple[pd.Series, Any, AnalysisError | None]] = {}

    def fit(self, y: pd.Series, spec: Specification, **kw: Any) -> CountModelResult:
        common = bool(kw.get("common_sample", False)) and spec.dynamics == "none"
        pp = kw.get("pulse_periods")
        key = (id(y), spec, kw.get("effect"), common, None if pp is None else tuple(pp), kw.get("n_boot", 199),
               kw.get("exog") is None)
        hit = self._store.get(key)
        if hit is None:
            try:
                hit = (y, _quiet(fit_specification, y, spec, **kw), None)
            except AnalysisError as exc:
                hit = (y, None, exc)
            self._store[key] = hit
        if hit[2] is not None:
            raise hit[2]
        return hit[1]


def _lb(res: CountModelResult) -> float:
    d = res.diagnostics.get("ljung_box")
    return float(d.pvalue) if d is not None else np.nan


# ---------------------------------------------------------------------------------------- choice


@dataclass(frozen=True, repr=False)
class SpecificationChoice(Result):
    """The candidates of :func:`choose_specification`, their criteria and the one chosen.

    Attributes
    ----------
    candidates : DataFrame
        One row per candidate: ``label``, ``seasonality``, ``dynamics``, ``aicc``,
        ``ljung_box_pvalue``, ``passes`` (residuals not autocorrelated), ``n_pulses``,
        ``status`` (empty, or why it could not be fitted) and ``chosen``.
    chosen : Specification
    rule : str
    reason : str
        Why this candidate, in words.
    meta : dict
    """

    candidates: pd.DataFrame
    chosen: Specification
    rule: str
    reason: str
    meta: dict[str, Any] = field(default_factory=dict)

    kind = "specification_choice"

    def to_frame(self) -> pd.DataFrame:
        return self.candidates.copy()

    def summary(self) -> str:
        lines = [f"Specification chosen: {self.chosen.label}", f"  rule: {self.rule}", f"  {self.reason}"]
        tab = self.candidates[["label", "aicc", "ljung_box_pvalue", "n_pulses", "status", "chosen"]]
        lines.append(tab.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
        return "\n".join(lines)

    def plot(self, ax: Any = None) -> Any:
        from ..plots.models import plot_specification_choice
        return plot_specification_choice(self, ax=ax)


def default_candidates(index: pd.PeriodIndex, *, pulses: str | None = "auto") -> list[Specification]:
    """The candidates of the rule: seasonality (none, month, Fourier; none on annual series) × dynamics, linear trend."""
    seas = SEASONALITIES if periods_per_year(index) == 12 else (None,)
    return [Specification(seasonality=s, dynamics=d, pulses=pulses) for d in DYNAMICS for s in seas]


def choose_specification(y: pd.Series, *, interventions: Mapping[str, Intervention], family: str = "negbin",
                         candidates: Sequence[Specification] | None = None, exog: Any = None,
                         min_side: int = MIN_SIDE, _memo: _FitMemo | None = None) -> SpecificationChoice:
    """Choose the specification of a count model by the stated rule (see the module docstring).

    Parameters
    ----------
    y : Series
        Counts (monthly or annual periods).
    interventions : mapping
        The interventions every candidate includes.
    family : {"negbin", "poisson"}
    candidates : sequence of Specification, optional
        Default: seasonality (none, month, Fourier; none only on annual series) ×
        dynamics (none, AR(1), INGARCH), linear trend, ``pulses="auto"``.
    exog, min_side
        As in :func:`fit_count_model`.

    Returns
    -------
    SpecificationChoice

    Raises
    ------
    ModelError
        When no candidate can be fitted.

    Notes
    -----
    AICc (AIC with the small-sample correction ``2k(k+1)/(n-k-1)``) is compared on the
    same periods for every candidate: models without dynamics are fitted from the second
    period too. Outlier pulses count as parameters.
    """
    cands = list(candidates) if candidates is not None else default_candidates(y.index)
    rows = []
    for sp in cands:
        row = {"label": sp.label, "seasonality": sp.seasonality or "none", "dynamics": sp.dynamics,
               "aicc": np.nan, "ljung_box_pvalue": np.nan, "passes": False, "n_pulses": 0, "status": ""}
        try:
            res = (_memo or _FitMemo()).fit(y, sp, interventions=interventions, family=family, exog=exog,
                                            min_side=min_side, common_sample=True)
            row.update(aicc=float(res.aicc), ljung_box_pvalue=_lb(res), n_pulses=len(res.pulses))
            row["passes"] = bool(row["ljung_box_pvalue"] >= LJUNG_BOX_LEVEL)
            if not res.converged:
                row["status"] = "did not converge"
            elif getattr(res, "on_boundary", False):
                row["status"] = "estimate at the edge of the stationary region (not an interior maximum)"
        except AnalysisError as exc:
            row["status"] = str(exc).splitlines()[0][:200]
        rows.append(row)
    frame = pd.DataFrame(rows)
    ok = frame["status"].eq("") & frame["aicc"].notna()
    if not ok.any():
        raise ModelError("no candidate specification could be fitted: " + "; ".join(frame["status"]))
    passing = ok & frame["passes"]
    pool = frame[passing] if passing.any() else frame[ok]
    best = int(pool["aicc"].idxmin())
    frame["chosen"] = False
    frame.loc[best, "chosen"] = True
    chosen = cands[best]
    if passing.any():
        reason = (f"{chosen.label}: lowest AICc ({frame.at[best, 'aicc']:.1f}) among the {int(passing.sum())} "
                  f"candidate(s) whose residuals pass the Ljung-Box test")
    else:
        reason = (f"{chosen.label}: no candidate removes the residual autocorrelation (every Ljung-Box p < "
                  f"{LJUNG_BOX_LEVEL}); lowest AICc ({frame.at[best, 'aicc']:.1f}) overall, so intervals may be "
                  f"too narrow")
    meta = result_meta(options={"family": family, "interventions": {n: iv.describe() for n, iv in interventions.items()},
                                "candidates": [c.to_dict() for c in cands], "min_side": min_side},
                       input_sha256=input_sha256(y.to_numpy(float)), seed=None, rule=RULE,
                       autocorrelated=not bool(passing.any()))
    return SpecificationChoice(frame, chosen, RULE, reason, meta)


# ---------------------------------------------------------------------------------------- sensitivity


def _wald_t_pvalues(res: CountModelResult) -> pd.Series:
    """p-values of the Wald-t statistics (the intervals of ``conf_int(method="adjusted")``)."""
    from . import _dist

    t = (res.params / np.sqrt(np.diag(res.cov_params_adjusted.to_numpy()))).to_numpy()
    if res.family == "poisson":
        p = 2 * _dist.norm_sf(np.abs(t))
    else:
        p = 2 * _dist.t_sf(np.abs(t), max(res.df_resid, 1))
    return pd.Series(p, index=res.params.index)


def _effect_rows(res: CountModelResult, effects: Sequence[str], alpha: float) -> list[dict[str, Any]]:
    # Wald-t for every specification of the grid (the bootstrap of INGARCH fits is kept for the reported model)
    ci = res.conf_int(alpha, "adjusted")
    pv = _wald_t_pvalues(res)
    lr = res.long_run(alpha, "fieller")
    dynamic = res.kind == "ingarch" or bool(res.spec.ar)
    out = []
    for e in effects:
        coef = float(res.params[e])
        lr_ok = e in lr.index and not lr.at[e, "status"]
        lr_rr = float(lr.at[e, "rate_ratio"]) if lr_ok else np.nan
        comparable = lr_rr if (dynamic and lr_ok) else float(np.exp(coef))
        what = "long-run" if (dynamic and lr_ok) else ("immediate (long run not reported)" if dynamic else "static")
        out.append({"effect": e, "coef": coef, "rate_ratio": float(np.exp(coef)),
                    "lower": float(np.exp(ci.at[e, "lower"])), "upper": float(np.exp(ci.at[e, "upper"])),
                    "pvalue": float(pv[e]), "long_run_rr": lr_rr,
                    "long_run_lower": float(lr.at[e, "rr_lower"]) if lr_ok else np.nan,
                    "long_run_upper": float(lr.at[e, "rr_upper"]) if lr_ok else np.nan,
                    "comparable_rr": comparable, "comparable": what, "aicc": float(res.aicc),
                    "ljung_box_pvalue": _lb(res), "n_pulses": len(res.pulses), "status": ""})
    return out


@dataclass(frozen=True, repr=False)
class SensitivityResult(Result):
    """Estimates of each effect across specifications (:func:`sensitivity_table`).

    Attributes
    ----------
    frame : DataFrame
        One row per effect and specification: the choices, ``rate_ratio`` (of the
        coefficient) with ``lower``/``upper``, ``pvalue``, ``long_run_rr`` with its
        bounds, ``comparable_rr`` and what it is, ``aicc``, ``ljung_box_pvalue``,
        ``n_pulses``, ``is_base`` and ``status`` (empty, or why the fit was refused).
    base : Specification
    alpha : float
    verdicts : DataFrame
        Per effect: the base estimate, the range of ``comparable_rr`` over the fitted
        specifications, how many were fitted, whether the sign and the significance flip,
        ``fragile`` and the reason in words.
    meta : dict
    """

    frame: pd.DataFrame
    base: Specification
    alpha: float
    verdicts: pd.DataFrame
    meta: dict[str, Any] = field(default_factory=dict)

    kind = "sensitivity"

    def to_frame(self) -> pd.DataFrame:
        return self.frame.copy()

    def fragile(self, effect: str) -> bool:
        return bool(self.verdicts.at[effect, "fragile"])

    def summary(self) -> str:
        lines = [f"Sensitivity of {len(self.verdicts)} effect(s) across {self.frame['label'].nunique()} "
                 f"specification(s); base: {self.base.label}"]
        for e, v in self.verdicts.iterrows():
            lines.append(f"  {e}: {v['verdict']}")
        return "\n".join(lines)

    def table(self, effect: str) -> pd.DataFrame:
        """The rows of one effect, base first, for display."""
        t = self.frame[self.frame["effect"] == effect].copy()
        return t.sort_values(["is_base", "label"], ascending=[False, True], kind="stable").reset_index(drop=True)

    def plot(self, ax: Any = None, *, effect: str | None = None) -> Any:
        from ..plots.models import plot_sensitivity
        return plot_sensitivity(self, effect=effect or str(self.verdicts.index[0]), ax=ax)


def _verdicts(frame: pd.DataFrame, effects: Sequence[str], alpha: float) -> pd.DataFrame:
    rows = []
    if not len(effects):
        return pd.DataFrame(columns=["effect", "base_rr", "min_rr", "max_rr", "n_fitted", "n_refused", "sign_flips",
                                     "significance_flips", "fragile", "verdict"]).set_index("effect")
    for e in effects:
        t = frame[(frame["effect"] == e)]
        ok = t[t["status"] == ""]
        base = t[t["is_base"]]
        if base.empty or base["status"].iloc[0]:
            rows.append({"effect": e, "base_rr": np.nan, "min_rr": np.nan, "max_rr": np.nan, "n_fitted": len(ok),
                         "n_refused": len(t) - len(ok), "sign_flips": False, "significance_flips": False,
                         "fragile": True, "verdict": "the base specification could not be fitted"})
            continue
        b = base.iloc[0]
        sign_b = np.sign(b["coef"])
        sig_b = b["pvalue"] < alpha
        flips_sign = ok[np.sign(ok["coef"]) != sign_b]
        flips_sig = ok[(ok["pvalue"] < alpha) != sig_b]
        fragile = bool(len(flips_sign) or len(flips_sig))
        lo, hi = float(ok["comparable_rr"].min()), float(ok["comparable_rr"].max())
        parts = [f"rate ratio {b['rate_ratio']:.3g} in the base specification"
                 + (f" ({'significant' if sig_b else 'not significant'} at {alpha:g})"),
                 f"{lo:.3g} to {hi:.3g} across {len(ok)} specification(s) fitted"]
        if len(t) > len(ok):
            parts.append(f"{len(t) - len(ok)} could not be fitted")
        if fragile:
            why = []
            if len(flips_sign):
                why.append(f"the sign flips in {len(flips_sign)} (e.g. {flips_sign['label'].iloc[0]})")
            if len(flips_sig):
                why.append(f"the significance flips in {len(flips_sig)} (e.g. {flips_sig['label'].iloc[0]})")
            parts.append("FRAGILE: " + "; ".join(why))
        else:
            parts.append("robust: sign and significance agree in every specification fitted")
        rows.append({"effect": e, "base_rr": float(b["rate_ratio"]), "min_rr": lo, "max_rr": hi, "n_fitted": len(ok),
                     "n_refused": len(t) - len(ok), "sign_flips": bool(len(flips_sign)),
                     "significance_flips": bool(len(flips_sig)), "fragile": fragile, "verdict": "; ".join(parts)})
    return pd.DataFrame(rows).set_index("effect")


def sensitivity_table(y: pd.Series, *, interventions: Mapping[str, Intervention], base: Specification,
                      family: str = "negbin", effects: Sequence[str] | None = None,
                      alternatives: Mapping[str, pd.Series] | None = None, alpha: float = 0.05,
                      exog: Any = None, min_side: int = MIN_SIDE,
                      grid: Sequence[Specification] | None = None,
                      _memo: _FitMemo | None = None) -> SensitivityResult:
    """The estimate of each effect across specifications, and whether it is fragile.

    Parameters
    ----------
    y : Series
    interventions : mapping
    base : Specification
        The specification reported (e.g. the one :func:`choose_specification` chose).
    family : {"negbin", "poisson"}
    effects : sequence of str, optional
        Which interventions to report (default: all, in order).
    alternatives : mapping of basis label to Series, optional
        The same series on other date bases; each is fitted with ``base``.
    alpha : float, default 0.05
        Level of the intervals and of "significant".
    exog, min_side
        As in :func:`fit_count_model`.
    grid : sequence of Specification, optional
        Default: every combination of seasonality (none, month, Fourier; none only on
        annual series), dynamics (none, AR(1), INGARCH), trend (linear, none, segmented)
        and pulses (auto, none).

    Returns
    -------
    SensitivityResult
    """
    effects = list(effects) if effects is not None else list(interventions)
    seas = SEASONALITIES if periods_per_year(y.index) == 12 else (None,)
    if grid is None:
        grid = [Specification(s, d, t, p) for s in seas for d in DYNAMICS for t in TRENDS for p in PULSES]
    grid = list(dict.fromkeys([replace(base, basis="default"), *grid]))
    rows: list[dict[str, Any]] = []
    memo = _memo or _FitMemo()

    def run(series: pd.Series, sp: Specification, eff: Sequence[str], eff_for_trend: str | None) -> None:
        try:
            res = memo.fit(series, sp, interventions=interventions, family=family, effect=eff_for_trend,
                           exog=exog if sp.basis == "default" else None, min_side=min_side)
            new = _effect_rows(res, eff, alpha)
            if not res.converged or getattr(res, "on_boundary", False):
                why = ("did not converge" if not res.converged else
                       "estimate at the edge of the stationary region (not an interior maximum)")
                for r in new:
                    r["status"] = why
        except AnalysisError as exc:
            msg = str(exc).splitlines()[0][:200]
            new = [{"effect": e, "status": msg} for e in eff]
        for r in new:
            r.update({"label": sp.label, "seasonality": sp.seasonality or "none", "dynamics": sp.dynamics,
                      "trend": sp.trend, "pulses": sp.pulses or "none", "basis": sp.basis,
                      "is_base": sp == base})
            rows.append(r)

    for sp in grid:
        if sp.trend == "segmented":
            for e in effects:
                run(y, sp, [e], e)
        else:
            run(y, sp, effects, None)
    for label, alt in (alternatives or {}).items():
        sp = replace(base, basis=label)
        if sp.trend == "segmented":
            for e in effects:
                run(alt, sp, [e], e)
        else:
            run(alt, sp, effects, None)
    cols = ["effect", "label", "seasonality", "dynamics", "trend", "pulses", "basis", "coef", "rate_ratio", "lower",
            "upper", "pvalue", "long_run_rr", "long_run_lower", "long_run_upper", "comparable_rr", "comparable",
            "aicc", "ljung_box_pvalue", "n_pulses", "is_base", "status"]
    frame = pd.DataFrame(rows).reindex(columns=cols)
    frame["status"] = frame["status"].fillna("")
    frame["is_base"] = frame["is_base"].astype(bool)
    verdicts = _verdicts(frame, effects, alpha)
    meta = result_meta(options={"family": family, "base": base.to_dict(), "alpha": alpha, "effects": effects,
                                "bases": ["default", *list(alternatives or {})], "n_specifications": len(grid)},
                       input_sha256=input_sha256(y.to_numpy(float)), seed=None,
                       rule_fragile=("sign or significance (at alpha) of the coefficient differs between the base "
                                     "specification and another specification that could be fitted"))
    return SensitivityResult(frame, base, alpha, verdicts, meta)


# ---------------------------------------------------------------------------------------- placebo


@dataclass(frozen=True, repr=False)
class PlaceboResult(Result):
    """In-time placebo test of one effect (:func:`placebo_test`).

    Attributes
    ----------
    effect : str
    statistic : float
        ``|z|`` of the real effect (coefficient over its standard error, as in the
        model's default intervals).
    placebos : DataFrame
        One row per fake date: ``period``, ``coef``, ``z``, ``status``.
    pvalue : float
        ``(1 + #{placebo |z| >= statistic}) / (1 + m)`` over the ``m`` placebo fits.
    min_pvalue : float
        The smallest p-value the test can give, ``1 / (1 + m)``.
    window : tuple of Period
        First and last period covered by the placebo windows.
    meta : dict
    """

    effect: str
    statistic: float
    placebos: pd.DataFrame
    pvalue: float
    min_pvalue: float
    window: tuple[pd.Period, pd.Period]
    meta: dict[str, Any] = field(default_factory=dict)

    kind = "placebo"

    @property
    def n_placebo(self) -> int:
        return int((self.placebos["status"] == "").sum()) if len(self.placebos) else 0

    def rejects(self, alpha: float = 0.05) -> bool:
        """True when the empirical p-value is at most ``alpha``."""
        return bool(np.isfinite(self.pvalue) and self.pvalue <= alpha)

    def to_frame(self) -> pd.DataFrame:
        return self.placebos.copy()

    def summary(self) -> str:
        if not self.n_placebo:
            return f"In-time placebo for {self.effect}: no placebo date could be fitted ({self.meta.get('note', '')})"
        note = (f"; the smallest attainable p-value is {self.min_pvalue:.3f}, so the test cannot reject at 0.05"
                if self.min_pvalue > 0.05 else "")
        return (f"In-time placebo for {self.effect}: |z| = {self.statistic:.2f}; {self.n_placebo} fake dates in "
                f"{self.window[0]} to {self.window[1]}; empirical p = {self.pvalue:.3f}{note}")

    def plot(self, ax: Any = None) -> Any:
        from ..plots.models import plot_placebo
        return plot_placebo(self, ax=ax)


def _z(res: CountModelResult, name: str) -> float:
    se = float(np.sqrt(res.cov_params_adjusted.at[name, name]))
    return float(res.params[name]) / se


def placebo_test(y: pd.Series, *, effect: str, interventions: Mapping[str, Intervention], spec: Specification,
                 family: str = "negbin", exog: Any = None, min_side: int = MIN_SIDE,
                 max_dates: int | None = None, pulse_periods: Sequence[pd.Period] | None = None,
                 fake_min_side: int | None = None) -> PlaceboResult:
    """In-time placebo test: the same model, on windows of the same length, at fake dates before the event.

    Parameters
    ----------
    y : Series
    effect : str
        The intervention under test (a step).
    interventions : mapping
        All interventions of the model; those acting inside a window stay in its model.
    spec : Specification
        The specification of the model, refitted on every window.
    family, exog, min_side
        As in :func:`fit_count_model` (``min_side`` is the placement rule of the fits).
    max_dates : int, optional
        Use at most this many fake dates, evenly spaced (default: every date allowed).
    fake_min_side : int, optional
        Fewest periods before the date in every window (default: one year of periods, at
        least ``min_side``; the window uses twice the post-event length when that is
        more).
    pulse_periods : sequence of Period, optional
        Outlier periods to use in every fit (those inside each window), for example the
        ones found on the whole series; default: searched in each fit when
        ``spec.pulses == "auto"``.

    Returns
    -------
    PlaceboResult
        ``statistic`` is the ``|z|`` of the real effect on its own window.

    Notes
    -----
    Every fit, real and placebo, uses a window of the same length: ``P`` periods before
    the (real or fake) date, twice the post-event length and at least ``fake_min_side``
    (so that the trend before the date is pinned down), and the ``h`` periods the real
    effect acts on after it. The fake dates lie ``h`` periods apart, counted back from the last one
    whose window ends before the event, so that no two placebo estimates share their
    post-event periods. Windows of equal length make the real ``|z|`` exchangeable with
    the placebo ones under the null of no effect, and disjoint post-event periods keep
    the placebo statistics from moving together (overlapping windows give strongly
    correlated placebos, and then a real ``|z|`` beats all but one of them far more often
    than the nominal rate: the test is too liberal). The price is the number of fake
    dates: a series whose pre-event part is short relative to its post-event part allows
    few, and the smallest attainable p-value ``1 / (1 + m)`` says whether the test can
    reject at all. ``|z|`` uses the Wald-t standard error.
    Interventions acting inside a window stay in its model; fake dates closer than
    ``fake_min_side`` to them are skipped. The p-value is
    ``(1 + #{placebo |z| >= real |z|}) / (1 + m)``; ``bench/bench_models.py`` measures
    its rejection rate on series without an effect.
    """
    if effect not in interventions:
        raise ModelError(f"unknown intervention {effect!r}")
    iv = interventions[effect]
    if not isinstance(y.index, pd.PeriodIndex):
        from .design import as_period_index
        y = pd.Series(y.to_numpy(), index=as_period_index(y.index), name=y.name)
    idx = y.index
    side = fake_min_side if fake_min_side is not None else max(min_side, 12 if periods_per_year(idx) == 12 else 3)
    first = max(encode_interventions(idx, {effect: iv}, check=False).positions[effect], 0)
    h = len(y) - first
    room = first - h                       # the last fake date whose window ends before the event
    P = max(side, 2 * h)                   # enough periods before each date to pin down the trend
    others = {n: (o, encode_interventions(idx, {n: o}, check=False).positions[n])
              for n, o in interventions.items() if n != effect}
    note = ""
    candidates: list[int] = []
    if room < P:
        note = (f"the {first} period(s) before the event leave no fake date with {side} period(s) before it and "
                f"the real effect's {h} period(s) after it")
    else:
        # fake dates h periods apart, counted back from the last one: their post-event periods do not overlap
        candidates = [p for p in range(room, P - 1, -max(h, 1))
                      if all(abs(p - q) >= side for _, q in others.values() if p - P <= q < p + h)][::-1]
        if not candidates:
            note = "every fake date is too close to another intervention"
    if max_dates is not None and len(candidates) > max_dates:
        take = np.unique(np.round(np.linspace(0, len(candidates) - 1, max_dates)).astype(int))
        candidates = [candidates[i] for i in take]

    def window_fit(date_pos: int, ints: dict[str, Intervention], name: str) -> float:
        lo, hi = date_pos - P, date_pos + h
        keep = {n: o for n, (o, q) in others.items() if lo + min_side <= q < hi}
        wy = y.iloc[lo:hi]
        ex = exog.iloc[lo:hi] if exog is not None else None
        res = _quiet(fit_specification, wy, spec, interventions={**keep, **ints}, family=family, effect=name,
                     exog=ex, min_side=min_side, pulse_periods=pulse_periods)
        return _z(res, name), float(res.params[name])

    statistic = np.nan
    if candidates:
        try:
            statistic = abs(window_fit(first, {effect: iv}, effect)[0])
        except AnalysisError as exc:
            note = f"the real effect cannot be fitted on its window: {str(exc).splitlines()[0][:160]}"
            candidates = []
    rows: list[dict[str, Any]] = []
    for pos in candidates:
        per = idx[pos]
        try:
            z, coef = window_fit(pos, {"placebo": Step(int(_first_day(per)))}, "placebo")
            rows.append({"period": per, "coef": coef, "z": z, "status": ""})
        except AnalysisError as exc:
            rows.append({"period": per, "coef": np.nan, "z": np.nan, "status": str(exc).splitlines()[0][:160]})
    frame = pd.DataFrame(rows, columns=["period", "coef", "z", "status"])
    okz = frame.loc[frame["status"] == "", "z"].abs().to_numpy(float)
    m = len(okz)
    pvalue = float((1 + np.sum(okz >= statistic - 1e-12)) / (1 + m)) if m and np.isfinite(statistic) else np.nan
    window = (idx[candidates[0] - P], idx[candidates[-1] + h - 1]) if candidates else (idx[0], idx[0])
    meta = result_meta(options={"effect": effect, "spec": spec.to_dict(), "family": family, "min_side": min_side,
                                "fake_min_side": side, "max_dates": max_dates,
                                "pulse_periods": None if pulse_periods is None else [str(p) for p in pulse_periods]},
                       input_sha256=input_sha256(y.to_numpy(float)), seed=None,
                       note=note, window_pre_periods=P, window_post_periods=h)
    return PlaceboResult(effect, float(statistic), frame, pvalue, 1.0 / (1 + m) if m else np.nan, window, meta)


def _first_day(p: pd.Period) -> int:
    from ._days import day_number
    return day_number(p)


# ---------------------------------------------------------------------------------------- all together


@dataclass(frozen=True, repr=False)
class EffectAnalysis(Result):
    """Everything about the intervention effects of one series (:func:`analyse_effects`).

    Attributes
    ----------
    model : CountModelResult or IngarchResult
        The chosen specification fitted on its own sample.
    choice : SpecificationChoice
    sensitivity : SensitivityResult
    placebo : dict of PlaceboResult
        Per step effect (empty when placebo tests were not asked for).
    effects : DataFrame
        One row per intervention: rate ratio with interval and p-value (the
        coefficient), what it means, the long-run rate ratio or why there is none, the
        sensitivity range, ``fragile`` with the verdict, the placebo p-value and its
        minimum, and ``caveat`` — the sentence to print wherever the effect appears.
    meta : dict
    """

    model: CountModelResult
    choice: SpecificationChoice
    sensitivity: SensitivityResult
    placebo: dict[str, PlaceboResult]
    effects: pd.DataFrame
    meta: dict[str, Any] = field(default_factory=dict)

    kind = "effect_analysis"

    def to_frame(self) -> pd.DataFrame:
        return self.effects.reset_index()

    def summary(self) -> str:
        lines = [f"Effects on {self.model.meta.get('first_period')} to {self.model.meta.get('last_period')}: "
                 f"{self.choice.chosen.label}", f"  {self.choice.reason}"]
        for e, r in self.effects.iterrows():
            lines.append(f"  {e}: rate ratio {r['rate_ratio']:.3g} ({r['lower']:.3g} to {r['upper']:.3g}), "
                         f"p = {r['pvalue']:.3g}. {r['caveat']}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return jsonable({"kind": self.kind, "effects": self.effects.reset_index(), "choice": self.choice.to_dict(),
                         "sensitivity": self.sensitivity.to_dict(),
                         "placebo": {k: v.to_dict() for k, v in self.placebo.items()},
                         "model": self.model.to_dict(), "meta": self.meta})

    def plot(self, ax: Any = None) -> Any:
        return self.model.plot(ax=ax)


def _caveat(model: CountModelResult, name: str, verdict: pd.Series, plac: PlaceboResult | None,
            lr: pd.DataFrame) -> str:
    parts = [model.effect_meaning(name).rstrip(".")]
    dynamic = model.kind == "ingarch" or bool(model.spec.ar)
    if dynamic and name in lr.index:
        if lr.at[name, "status"]:
            parts.append(f"long-run effect not reported: {lr.at[name, 'status']}")
        else:
            parts.append(f"long-run rate ratio {lr.at[name, 'rate_ratio']:.3g} ({lr.at[name, 'rr_lower']:.3g} to "
                         f"{lr.at[name, 'rr_upper']:.3g})")
    parts.append(("fragile across specifications: " if verdict["fragile"] else "robust across specifications: ")
                 + f"{verdict['min_rr']:.3g} to {verdict['max_rr']:.3g}")
    if plac is not None:
        if plac.n_placebo == 0:
            parts.append("no in-time placebo possible (too few periods before the event)")
        elif plac.min_pvalue > 0.05:
            parts.append(f"in-time placebo p = {plac.pvalue:.2f} from {plac.n_placebo} fake dates (cannot be below "
                         f"{plac.min_pvalue:.2f}: uninformative)")
        else:
            parts.append(f"in-time placebo p = {plac.pvalue:.3f} from {plac.n_placebo} fake dates")
    return "; ".join(parts) + "."


def analyse_effects(y: pd.Series, *, interventions: Mapping[str, Intervention], family: str = "negbin",
                    alternatives: Mapping[str, pd.Series] | None = None, alpha: float = 0.05, exog: Any = None,
                    min_side: int = MIN_SIDE, placebo: bool = True, placebo_max_dates: int | None = None,
                    placebo_min_side: int | None = None, candidates: Sequence[Specification] | None = None,
                    specification: Specification | None = None, n_boot: int = 199) -> EffectAnalysis:
    """Choose the specification, fit it, and test its effects for robustness and against placebos.

    Parameters
    ----------
    y : Series
    interventions : mapping
    family : {"negbin", "poisson"}
    alternatives : mapping of basis label to Series, optional
        Other date bases of the same series (rows of the sensitivity table).
    alpha : float, default 0.05
    exog, min_side
        As in :func:`fit_count_model`.
    placebo : bool, default True
        Run :func:`placebo_test` for each step.
    placebo_max_dates : int, optional
        Passed to :func:`placebo_test`.
    placebo_min_side : int, optional
        Periods on each side of a fake date (default: one year of periods, at least
        ``min_side``). The placebo fits use the outlier periods found on the whole series.
    candidates : sequence of Specification, optional
        Passed to :func:`choose_specification`.
    specification : Specification, optional
        Skip the choice and use this one (the choice table is still computed).
    n_boot : int, default 199
        Bootstrap replicates of the intervals when the model is an INGARCH fit.

    Returns
    -------
    EffectAnalysis
    """
    if placebo_min_side is None:
        placebo_min_side = max(min_side, 12 if periods_per_year(y.index) == 12 else 3)
    memo = _FitMemo()
    choice = choose_specification(y, interventions=interventions, family=family, candidates=candidates, exog=exog,
                                  min_side=min_side, _memo=memo)
    spec = specification or choice.chosen
    model = memo.fit(y, spec, interventions=interventions, family=family, exog=exog, min_side=min_side, n_boot=n_boot)
    sens = sensitivity_table(y, interventions=interventions, base=spec, family=family, alternatives=alternatives,
                             alpha=alpha, exog=exog, min_side=min_side, _memo=memo)
    plac: dict[str, PlaceboResult] = {}
    if placebo:
        for n, iv in interventions.items():
            if isinstance(iv, Step):
                plac[n] = placebo_test(y, effect=n, interventions=interventions, spec=spec, family=family, exog=exog,
                                       min_side=min_side, fake_min_side=placebo_min_side,
                                       max_dates=placebo_max_dates,
                                       pulse_periods=model.pulses)
    ci = model.conf_int(alpha)
    pv = model.pvalues_adjusted
    lr = model.long_run(alpha)
    rows = []
    for n in interventions:
        v = sens.verdicts.loc[n]
        p = plac.get(n)
        rows.append({"effect": n, "rate_ratio": float(np.exp(model.params[n])),
                     "lower": float(np.exp(ci.at[n, "lower"])), "upper": float(np.exp(ci.at[n, "upper"])),
                     "pvalue": float(pv[n]), "meaning": model.effect_meaning(n),
                     "long_run_rr": float(lr.at[n, "rate_ratio"]) if n in lr.index and not lr.at[n, "status"] else np.nan,
                     "long_run_lower": float(lr.at[n, "rr_lower"]) if n in lr.index and not lr.at[n, "status"] else np.nan,
                     "long_run_upper": float(lr.at[n, "rr_upper"]) if n in lr.index and not lr.at[n, "status"] else np.nan,
                     "long_run_status": str(lr.at[n, "status"]) if n in lr.index else "",
                     "min_rr": float(v["min_rr"]), "max_rr": float(v["max_rr"]), "fragile": bool(v["fragile"]),
                     "verdict": str(v["verdict"]),
                     "placebo_pvalue": p.pvalue if p is not None else np.nan,
                     "placebo_min_pvalue": p.min_pvalue if p is not None else np.nan,
                     "placebo_dates": p.n_placebo if p is not None else 0,
                     "caveat": _caveat(model, n, v, p, lr)})
    effects = pd.DataFrame(rows, columns=["effect", "rate_ratio", "lower", "upper", "pvalue", "meaning",
                                          "long_run_rr", "long_run_lower", "long_run_upper", "long_run_status",
                                          "min_rr", "max_rr", "fragile", "verdict", "placebo_pvalue",
                                          "placebo_min_pvalue", "placebo_dates", "caveat"]).set_index("effect")
    meta = result_meta(options={"family": family, "alpha": alpha, "min_side": min_side, "placebo": placebo,
                                "placebo_max_dates": placebo_max_dates, "placebo_min_side": placebo_min_side,
                                "n_boot": n_boot,
                                "specification": spec.to_dict(),
                                "chosen_by_rule": specification is None},
                       input_sha256=input_sha256(y.to_numpy(float)), seed=None, rule=RULE)
    return EffectAnalysis(model, choice, sens, plac, effects, meta)
