"""Results of a count model: estimates, diagnostics, predictions and counterfactuals."""
from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ModelError
from ..results import Result, result_meta
from . import _dist
from .design import DesignSpec, align_exog
from .diagnostics import TestResult
from .dynamics import Persistence, long_run_effects, persistence
from .interventions import Pulse, Ramp, encode_interventions
from .likelihood import Problem, adjusted_dispersion
from .simulate import (
    components,
    draw_counts,
    draw_params,
    draw_theta,
    fixed_log_mean,
    quantiles,
    simulate_paths,
    stationary_draws,
)


def _term_kind(name: str, spec: DesignSpec) -> str:
    if name in spec.pulses:
        return "outlier"
    if name in spec.interventions:
        return spec.interventions[name].kind
    if name == "const":
        return "intercept"
    if name == "trend":
        return "trend"
    if name.startswith("month_") or name.startswith("sin_") or name.startswith("cos_"):
        return "season"
    if name.startswith("ar_") and name[3:].isdigit() and int(name[3:]) <= spec.ar:
        return "ar"
    return "exog"


def effect_kind(iv: object) -> str:
    """``step``, ``ramp_phase`` (a phased-in level change), ``ramp`` (a slope change) or ``pulse``."""
    if isinstance(iv, Ramp):
        return "ramp" if iv.end_day is None else "ramp_phase"
    return getattr(iv, "kind", "step")


#: Key of ``CountModelResult.meta`` that holds the standard error of the log of the adjusted theta.
SE_LOG_THETA_ADJUSTED = "se_log_theta_adjusted"


class DeferredAdjustment:
    """The Cox–Reid adjusted dispersion of one NB2 fit, computed when first asked for.

    Parameters
    ----------
    problem : Problem
        The fitted problem (counts, design, offset).
    params : ndarray
        Maximum-likelihood regression parameters.
    theta : float
        Maximum-likelihood ``theta``.
    names : sequence of str
        Labels of ``params`` (rows and columns of the covariance).

    Notes
    -----
    :meth:`value` runs :func:`~analysis.models.likelihood.adjusted_dispersion` once and
    keeps its answer. Passed as both ``theta_adjusted`` and ``cov_params_adjusted`` of a
    :class:`CountModelResult`, it makes those attributes (and
    ``meta["se_log_theta_adjusted"]``) lazy: a fit whose intervals are never asked for
    does not pay for the adjusted profile likelihood. The result drops its reference
    once the values are stored.
    """

    def __init__(self, problem: Problem, params: np.ndarray, theta: float, names: Sequence[str]) -> None:
        self._problem: Problem | None = problem
        self._params = np.array(params, dtype=float, copy=True)
        self._theta = float(theta)
        self._names = names if isinstance(names, pd.Index) else pd.Index(names)
        self._value: tuple[float, pd.DataFrame, float] | None = None

    def value(self) -> tuple[float, pd.DataFrame, float]:
        """Adjusted ``theta``, the covariance of ``params`` at it (labelled) and the standard error of its log."""
        if self._value is None:
            adj = adjusted_dispersion(self._problem, self._params, self._theta)
            cov = pd.DataFrame(adj.cov, index=self._names, columns=self._names)
            self._value = (adj.theta, cov, adj.se_log_theta)
        return self._value


class _Completed:
    """Field descriptor of :class:`CountModelResult`: the stored value, once a deferred adjustment is resolved.

    A field set to a :class:`DeferredAdjustment` is recorded as pending; reading any field
    that uses this descriptor resolves it first (see
    :meth:`CountModelResult._resolve_adjustment`). Without a class-level default (the
    class access raises ``AttributeError``), so the dataclass keeps the field required.
    """

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name
        self.slot = f"_{name}_stored"

    def __get__(self, obj: Any, objtype: type | None = None) -> Any:
        if obj is None:
            raise AttributeError(self.name)
        state = obj.__dict__
        if "_pending_adjustment" in state:
            obj._resolve_adjustment()
        return state[self.slot]

    def stored(self, obj: Any) -> Any:
        """The value as stored, without resolving a pending adjustment (for keys that do not depend on it)."""
        return obj.__dict__[self.slot]

    def __set__(self, obj: Any, value: Any) -> None:
        if isinstance(value, DeferredAdjustment):
            obj.__dict__["_pending_adjustment"] = value
        obj.__dict__[self.slot] = value


@dataclass(frozen=True, repr=False)
class CountModelResult(Result):
    """Fitted Poisson or NB2 count model.

    Attributes
    ----------
    family : {"poisson", "negbin"}
    params : Series
        Coefficients on the log scale, labelled (interventions under their names).
    cov_params : DataFrame
        Covariance of ``params`` from the expected information with ``theta`` held at
        its maximum-likelihood estimate (what ``MASS::glm.nb`` reports).
    theta : float or None
        NB2 size parameter by maximum likelihood (R's ``theta``); None for Poisson.
    theta_adjusted : float or None
        Cox–Reid adjusted estimate of ``theta`` (less biased in short series); used for
        the default intervals and for simulation.
    cov_params_adjusted : DataFrame
        Covariance of ``params`` from the expected information at ``theta_adjusted``
        (equal to ``cov_params`` for Poisson).
    llf : float
        Log-likelihood at the estimate (with the ``log y!`` term).
    nobs : int
        Number of modelled observations (the first ``ar`` periods are conditioned on).
    y : Series
        The whole series given.
    fitted : Series
        Fitted means on the modelled periods.
    diagnostics : dict of TestResult
    meta : dict
        The common keys of :func:`analysis.results.result_meta` (package version,
        options, sha256 of the input, seed — None, a fit draws nothing), then notes,
        warnings, the outlier pulses (``meta["pulses"]``), ``se_theta`` and
        ``se_log_theta_adjusted`` (see Notes).
    converged : bool
    clean_lags : dict
        Position → value carried by the lag of an outlier period (its pulse-free mean).

    Notes
    -----
    ``theta_adjusted``, ``cov_params_adjusted`` and ``meta["se_log_theta_adjusted"]``
    may be given as one :class:`DeferredAdjustment` (as :func:`fit_count_model` does for
    NB2): they are then computed together on the first read of any of
    ``theta_adjusted``, ``cov_params_adjusted`` or ``meta`` (the adjusted profile
    likelihood costs about as much as the fit) and kept; the values are those an eager
    computation gives. Everything that uses them (``bse_adjusted``, the default
    intervals, ``summary``, ``to_dict``, simulation) reads them through these
    attributes, so a fit that is only asked for its maximum-likelihood estimates never
    computes them.
    """

    kind = "count_model"

    family: str
    params: pd.Series
    cov_params: pd.DataFrame
    theta: float | None
    llf: float
    nobs: int
    y: pd.Series
    fitted: pd.Series
    diagnostics: dict[str, TestResult]
    meta: dict[str, Any] = _Completed()
    converged: bool
    theta_adjusted: float | None = _Completed()
    cov_params_adjusted: pd.DataFrame = _Completed()
    spec: DesignSpec = field(repr=False)
    exog: pd.DataFrame | None = field(default=None, repr=False)
    exposure: pd.Series | None = field(default=None, repr=False)
    clean_lags: dict[int, float] = field(default_factory=dict, repr=False)

    def _resolve_adjustment(self) -> None:
        """Compute a deferred Cox–Reid adjustment and store its results in place of it.

        The values are stored before the pending mark is removed, so a concurrent reader
        sees either the mark (and computes, or reuses, the same values) or the values.
        """
        state = self.__dict__
        pending = state.get("_pending_adjustment")
        if pending is None:
            return
        theta, cov, se_log = pending.value()
        for slot, value in (("_theta_adjusted_stored", theta), ("_cov_params_adjusted_stored", cov)):
            if state[slot] is pending:
                state[slot] = value
        state["_meta_stored"][SE_LOG_THETA_ADJUSTED] = se_log
        state.pop("_pending_adjustment", None)

    # ------------------------------------------------------------------ estimates
    @property
    def se_log_theta_adjusted(self) -> float | None:
        """Standard error of ``log theta_adjusted`` (observed information; None for Poisson)."""
        return self.meta.get(SE_LOG_THETA_ADJUSTED)

    @property
    def alpha(self) -> float:
        """NB2 dispersion in statsmodels' convention, ``1 / theta`` (0 for Poisson)."""
        return 0.0 if self.theta is None else 1.0 / self.theta

    @property
    def bse(self) -> pd.Series:
        """Standard errors of ``params``."""
        return pd.Series(np.sqrt(np.diag(self.cov_params.to_numpy())), index=self.params.index, name="bse")

    @property
    def se_theta(self) -> float | None:
        """Standard error of ``theta`` from its observed information (R's ``SE.theta``)."""
        # se_theta does not depend on the adjustment: read it without resolving one
        return vars(CountModelResult)["meta"].stored(self).get("se_theta")

    @property
    def bse_adjusted(self) -> pd.Series:
        """Standard errors at the Cox–Reid adjusted ``theta`` (equal to ``bse`` for Poisson)."""
        return pd.Series(np.sqrt(np.diag(self.cov_params_adjusted.to_numpy())), index=self.params.index,
                         name="bse_adjusted")

    @property
    def df_resid(self) -> int:
        """Residual degrees of freedom, ``nobs`` minus estimated parameters (theta included)."""
        return self.nobs - self.df_model

    @property
    def tvalues(self) -> pd.Series:
        """Wald z statistics."""
        return (self.params / self.bse).rename("z")

    @property
    def pvalues(self) -> pd.Series:
        """Two-sided normal p-values of the Wald statistics (as R's ``summary.glm``)."""
        return pd.Series(2 * _dist.norm_sf(np.abs(self.tvalues.to_numpy())), index=self.params.index,
                         name="pvalue")

    @property
    def pvalues_adjusted(self) -> pd.Series:
        """Two-sided p-values that match the default intervals of :meth:`conf_int`.

        For NB2: t statistic ``params / bse_adjusted`` on ``df_resid`` degrees of freedom,
        so that a 95% interval excludes 0 exactly when the p-value is below 0.05. For
        Poisson: the Wald p-values.
        """
        if self.family == "poisson":
            return self.pvalues.rename("pvalue_adjusted")
        t = (self.params / self.bse_adjusted).to_numpy()
        return pd.Series(2 * _dist.t_sf(np.abs(t), max(self.df_resid, 1)), index=self.params.index,
                         name="pvalue_adjusted")

    @property
    def df_model(self) -> int:
        """Number of estimated parameters (regression coefficients, plus theta for NB2)."""
        return len(self.params) + (1 if self.family == "negbin" else 0)

    @property
    def aic(self) -> float:
        return -2.0 * self.llf + 2.0 * self.df_model

    @property
    def bic(self) -> float:
        return -2.0 * self.llf + np.log(self.nobs) * self.df_model

    @property
    def interventions(self) -> list[str]:
        """Names of the intervention terms, in the order given (outlier pulses excluded)."""
        return list(self.spec.interventions)

    @property
    def pulses(self) -> list[pd.Period]:
        """Periods given an outlier term (``pulses="auto"`` or explicit), in date order."""
        return [pd.Period(str(n)[len("pulse_"):], freq=self.y.index.freq) for n in self.spec.pulses]

    @property
    def aicc(self) -> float:
        """AIC with the small-sample correction ``2k(k + 1) / (n - k - 1)``."""
        k, n = self.df_model, self.nobs
        return self.aic + (2.0 * k * (k + 1) / (n - k - 1) if n - k - 1 > 0 else np.inf)

    def _quantile_cov(self, alpha: float, method: str = "adjusted") -> tuple[float, pd.DataFrame]:
        if method == "wald" or self.family == "poisson":
            return float(_dist.norm_ppf(1 - alpha / 2)), self.cov_params
        return float(_dist.t_ppf(1 - alpha / 2, max(self.df_resid, 1))), self.cov_params_adjusted

    def persistence(self, alpha: float = 0.05) -> Persistence | None:
        """Sum of the ``ar`` coefficients with its interval and the stationarity verdict (None without ``ar``)."""
        if not self.spec.ar:
            return None
        q, cov = self._quantile_cov(alpha)
        return persistence(self.params, cov, [f"ar_{k}" for k in range(1, self.spec.ar + 1)], quantile=q)

    def long_run(self, alpha: float = 0.05, method: str | None = None) -> pd.DataFrame:
        """Long-run effect of each intervention (rate ratio with interval), or why it is not reported.

        Without ``ar`` terms the long-run effect is the coefficient itself. With them it
        is ``gamma / (1 - sum(phi))`` with Fieller's interval (``method="fieller"``, the
        default) or the delta-method interval (``"delta"``), refused when the interval of
        ``sum(phi)`` reaches 1 (see :mod:`analysis.models.dynamics`).
        """
        method = method or "fieller"
        if method not in ("fieller", "delta"):
            raise ModelError(f"method must be 'fieller' or 'delta', not {method!r}")
        q, cov = self._quantile_cov(alpha)
        kinds = {n: effect_kind(iv) for n, iv in self.spec.interventions.items()}
        if not self.spec.ar:
            ci = self.conf_int(alpha)
            rows = []
            for n in self.interventions:
                rows.append({"effect": n, "immediate": float(self.params[n]), "long_run": float(self.params[n]),
                             "se": float(np.sqrt(cov.at[n, n])), "lower": float(ci.at[n, "lower"]),
                             "upper": float(ci.at[n, "upper"]), "rate_ratio": float(np.exp(self.params[n])),
                             "rr_lower": float(np.exp(ci.at[n, "lower"])), "rr_upper": float(np.exp(ci.at[n, "upper"])),
                             "status": "" if kinds[n] in ("step", "ramp_phase") else f"not defined for a {kinds[n]}"})
            cols = ["effect", "immediate", "long_run", "se", "lower", "upper", "rate_ratio", "rr_lower",
                    "rr_upper", "status"]
            return pd.DataFrame(rows, columns=cols).set_index("effect")
        return long_run_effects(self.params, cov, self.interventions, kinds, self.persistence(alpha), quantile=q,
                                method=method)

    def effect_meaning(self, name: str) -> str:
        """What the rate ratio of ``name`` means in this model, in one sentence."""
        if name not in self.spec.interventions:
            raise ModelError(f"unknown intervention {name!r}")
        iv = self.spec.interventions[name]
        kind = effect_kind(iv)
        rel = ("relative to the log-linear trend extrapolated from before it" if self.spec.trend == "linear"
               else "relative to the level before it (no trend)")
        season = " and the same month of the year" if self.spec.seasonality else ""
        lag = f", counted from {iv.lag} months after the date (an assumed lag)" if iv.lag else ""
        if kind == "ramp":
            what = "the change of the yearly growth factor after the date"
        elif kind == "pulse":
            what = "the multiplier of the single period containing the date"
        else:
            what = "the multiplier of the rate after the date"
        timing = ("; immediate (short-run) effect given the previous periods' counts, the long run is "
                  "gamma / (1 - sum of the autoregressive coefficients)" if self.spec.ar else "")
        return f"rate ratio of {name}: {what}{lag}, {rel}{season}{timing}."

    def conf_int(self, alpha: float = 0.05, method: str = "adjusted") -> pd.DataFrame:
        """Intervals for ``params`` on the log scale.

        Parameters
        ----------
        alpha : float, default 0.05
            1 − confidence level.
        method : {"adjusted", "wald"}
            ``"wald"``: ``params ± z bse``, the intervals R's ``glm``/``glm.nb`` imply.
            ``"adjusted"`` (default): for NB2, ``params ± t bse_adjusted`` with the
            Cox–Reid adjusted ``theta`` and a t quantile on ``df_resid`` degrees of
            freedom, because the dispersion is estimated (as in a linear model); for
            Poisson, where the dispersion is known, the same as ``"wald"``. In
            simulations the Wald interval of an NB2 effect covers 91–93% at the 95%
            level on 8-year monthly and 20-year annual series; the adjusted one about
            95% (see ``bench/bench_models.py``).
        """
        if method not in ("adjusted", "wald"):
            raise ModelError(f"method must be 'adjusted' or 'wald', not {method!r}")
        if method == "wald" or self.family == "poisson":
            q, se = _dist.norm_ppf(1 - alpha / 2), self.bse
        else:
            q, se = _dist.t_ppf(1 - alpha / 2, max(self.df_resid, 1)), self.bse_adjusted
        return pd.DataFrame({"lower": self.params - q * se, "upper": self.params + q * se})

    def rate_ratios(self, alpha: float = 0.05, method: str = "adjusted") -> pd.DataFrame:
        """``exp(params)`` with the exponentiated interval of :meth:`conf_int`."""
        ci = self.conf_int(alpha, method)
        return pd.DataFrame({"rate_ratio": np.exp(self.params), "lower": np.exp(ci["lower"]),
                             "upper": np.exp(ci["upper"])})

    # ------------------------------------------------------------------ tables
    def to_frame(self, alpha: float = 0.05) -> pd.DataFrame:
        """One row per term: estimate, standard errors, z, p-values, interval, rate ratio and its interval.

        ``se``, ``z`` and ``pvalue`` are the Wald quantities R reports; ``lower``/``upper``,
        ``rr_lower``/``rr_upper`` and ``pvalue_adjusted`` follow :meth:`conf_int`'s default
        and agree with each other.
        """
        ci = self.conf_int(alpha)
        rr = self.rate_ratios(alpha)
        out = pd.DataFrame({
            "term": self.params.index,
            "kind": [_term_kind(n, self.spec) for n in self.params.index],
            "coef": self.params.to_numpy(),
            "se": self.bse.to_numpy(),
            "se_adjusted": self.bse_adjusted.to_numpy(),
            "z": self.tvalues.to_numpy(),
            "pvalue": self.pvalues.to_numpy(),
            "pvalue_adjusted": self.pvalues_adjusted.to_numpy(),
            "lower": ci["lower"].to_numpy(),
            "upper": ci["upper"].to_numpy(),
            "rate_ratio": rr["rate_ratio"].to_numpy(),
            "rr_lower": rr["lower"].to_numpy(),
            "rr_upper": rr["upper"].to_numpy(),
        })
        return out

    def _header(self) -> list[tuple[str, str]]:
        fam = "Poisson" if self.family == "poisson" else "Negative binomial (NB2)"
        rows = [("Family", fam), ("Series", f"{self.fitted.index[0]} to {self.fitted.index[-1]}"),
                ("Observations", str(self.nobs)), ("Log-likelihood", f"{self.llf:.4f}"),
                ("AIC / BIC", f"{self.aic:.2f} / {self.bic:.2f}")]
        if self.theta is not None:
            rows.append(("theta (ML, as R) / alpha", f"{self.theta:.4g} (se {self.se_theta:.3g}) / {self.alpha:.4g}"))
            rows.append(("theta (Cox-Reid adjusted)", f"{self.theta_adjusted:.4g}"))
        return rows

    def summary(self, alpha: float = 0.05) -> str:
        """Plain-text summary: header, coefficient table, diagnostics, warnings."""
        lines = [f"Count model: {dict(self._header())['Family']}"]
        lines += [f"  {k}: {v}" for k, v in self._header()[1:]]
        lines.append("")
        cols = ["term", "coef", "se", "z", "pvalue", "rate_ratio", "rr_lower", "rr_upper"]
        if self.family == "negbin":
            cols.insert(5, "pvalue_adjusted")
        tab = self.to_frame(alpha)[cols]
        lines.append(tab.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
        if self.family == "negbin":
            lines.append(f"  (se, z, pvalue: Wald at the ML theta, as MASS::glm.nb; pvalue_adjusted and the "
                         f"{1 - alpha:.0%} intervals of the rate ratio = exp(coef) use the Cox-Reid adjusted theta "
                         f"and t({self.df_resid}))")
        else:
            lines.append(f"  ({1 - alpha:.0%} Wald intervals; rate ratio = exp(coef))")
        if self.spec.interventions:
            lines.append("")
            lines.append("Interventions:")
            for name, iv in self.spec.interventions.items():
                lines.append(f"  {name}: {iv.describe()}")
        lines.append("")
        lines.append("Diagnostics:")
        for d in self.diagnostics.values():
            lines.append("  " + d.summary())
        for note in self.meta.get("notes", []):
            lines.append("Note: " + note)
        for w in self.meta.get("warnings", []):
            lines.append("WARNING: " + w)
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def __repr__(self) -> str:
        effects = ", ".join(f"{n}={self.params[n]:.3g}" for n in self.interventions)
        return (f"{type(self).__name__}(family={self.family!r}, nobs={self.nobs}, llf={self.llf:.4f}"
                + (f", {effects}" if effects else "") + ")")

    def _repr_html_(self) -> str:
        head = "".join(f"<tr><th style='text-align:left'>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>"
                       for k, v in self._header())
        table = self.to_frame().to_html(index=False, float_format=lambda v: f"{v:.4g}")
        diag = "".join(f"<li>{html.escape(d.summary())}</li>" for d in self.diagnostics.values())
        warn = "".join(f"<p><b>Warning:</b> {html.escape(w)}</p>" for w in self.meta.get("warnings", []))
        return f"<div><table>{head}</table>{table}<ul>{diag}</ul>{warn}</div>"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready record of the fit."""
        from ..results import jsonable
        return jsonable({
            "kind": self.kind,
            "frame": self.to_frame(),
            "family": self.family,
            "params": {k: float(v) for k, v in self.params.items()},
            "bse": {k: float(v) for k, v in self.bse.items()},
            "bse_adjusted": {k: float(v) for k, v in self.bse_adjusted.items()},
            "theta": self.theta,
            "theta_adjusted": self.theta_adjusted,
            "alpha": self.alpha,
            "llf": self.llf,
            "aic": self.aic,
            "bic": self.bic,
            "nobs": self.nobs,
            "converged": self.converged,
            "diagnostics": {k: v.to_dict() for k, v in self.diagnostics.items()},
            "pulses": [str(p) for p in self.pulses],
            "meta": self.meta,
        })

    # ------------------------------------------------------------------ simulation
    def _full_inputs(self, horizon: int, exog: pd.DataFrame | pd.Series | None,
                     exposure: pd.Series | None) -> tuple[pd.PeriodIndex, np.ndarray, Any, np.ndarray | None]:
        idx = self.y.index
        if horizon < 0:
            raise ModelError("horizon must be >= 0")
        full = pd.period_range(idx[0], periods=len(idx) + horizon, freq=idx.freq)
        values = np.concatenate([self.y.to_numpy(float), np.full(horizon, np.nan)])
        ex = None
        if self.exog is not None:
            if horizon and exog is None:
                raise ModelError(f"the model has exogenous columns; pass exog for the {horizon} future period(s)")
            ex = self.exog if not horizon else pd.concat(
                [self.exog, align_exog(exog, full[len(idx):])[self.exog.columns]])
        expo = None
        if self.exposure is not None:
            if horizon and exposure is None:
                raise ModelError(f"the model has an exposure; pass exposure for the {horizon} future period(s)")
            expo = self.exposure.to_numpy(float)
            if horizon:
                fut = align_exog(exposure, full[len(idx):], "exposure").iloc[:, 0].to_numpy()
                expo = np.concatenate([expo, fut])
        return full, values, ex, expo

    def predict(self, horizon: int = 0, *, exog: pd.DataFrame | pd.Series | None = None,
                exposure: pd.Series | None = None, alpha: float = 0.05, n_sim: int = 2000,
                rng: Any = None) -> pd.DataFrame:
        """Fitted and forecast means with mean intervals and count prediction intervals.

        Parameters
        ----------
        horizon : int, default 0
            Number of periods to forecast after the end of the series.
        exog, exposure : optional
            Values for the future periods when the model uses them.
        alpha : float
            1 − level of the intervals.
        n_sim : int
            Monte Carlo draws for the prediction intervals.
        rng : seed or Generator

        Returns
        -------
        DataFrame
            Indexed by period: ``observed``, ``mean``, ``mean_lower``, ``mean_upper``
            (interval of the expected count) and ``lower``, ``upper`` (prediction
            interval of the count itself, parameter uncertainty included).

        Notes
        -----
        In the observed periods the means are conditional on the observed lags. Beyond
        the data, with ``ar > 0``, counts are simulated recursively; ``mean`` is then the
        Monte Carlo average of the conditional means simulated at the estimates, and the
        mean band the spread of the conditional means when the parameters are drawn too.
        """
        rng = np.random.default_rng(rng)
        full, values, ex, expo = self._full_inputs(horizon, exog, exposure)
        comp = components(self.spec, full, ex, expo)
        k = self.params.to_numpy()
        a = self.spec.ar
        draws, _ = self._draws(n_sim, rng)
        theta = draw_theta(self.theta_adjusted, self.se_log_theta_adjusted, draws.shape[0], rng)
        n_obs = len(self.y)
        lagv = self._lag_values(values)
        out = pd.DataFrame(index=full, columns=["observed", "mean", "mean_lower", "mean_upper", "lower", "upper"],
                           dtype=float)
        out["observed"] = values
        if a == 0:
            mu_draw, _ = simulate_paths(comp, draws, theta, values, 0, rng)
            mu_hat, _ = simulate_paths(comp, k[None, :], self.theta_adjusted, values, 0, rng)
            mu_hat = mu_hat[0]
            mlo, mhi = np.quantile(mu_draw, [alpha / 2, 1 - alpha / 2], axis=0)
            ylo, yhi = quantiles(draw_counts(mu_draw, theta, rng), alpha)
            out["mean"], out["mean_lower"], out["mean_upper"] = mu_hat, mlo, mhi
            out["lower"], out["upper"] = ylo, yhi
        else:
            # observed part: one step ahead with observed lags (outlier periods carry their pulse-free mean)
            fixed = fixed_log_mean(comp, draws)[:, a:n_obs]
            fixed_hat = fixed_log_mean(comp, k[None, :])[0, a:n_obs]
            lags = np.column_stack([np.log1p(lagv[a - j:n_obs - j]) for j in range(1, a + 1)])
            phi_d = draws[:, comp.det.shape[1]:comp.det.shape[1] + a]
            phi_h = k[comp.det.shape[1]:comp.det.shape[1] + a]
            mu_d = np.exp(fixed + phi_d @ lags.T)
            mu_h = np.exp(fixed_hat + lags @ phi_h)
            sl = slice(a, n_obs)
            out.iloc[sl, 1] = mu_h
            out.iloc[sl, 2], out.iloc[sl, 3] = np.quantile(mu_d, [alpha / 2, 1 - alpha / 2], axis=0)
            lo, hi = quantiles(draw_counts(mu_d, theta, rng), alpha)
            out.iloc[sl, 4], out.iloc[sl, 5] = lo, hi
            if horizon:
                mu_f, y_f = simulate_paths(comp, draws, theta, values, n_obs, rng, lagv)
                fs = slice(n_obs, None)
                mu_pt, _ = simulate_paths(comp, np.tile(k, (n_sim, 1)), self.theta_adjusted, values, n_obs, rng,
                                          lagv)
                out.iloc[fs, 1] = mu_pt[:, fs].mean(axis=0)
                out.iloc[fs, 2], out.iloc[fs, 3] = np.quantile(mu_f[:, fs], [alpha / 2, 1 - alpha / 2], axis=0)
                lo, hi = quantiles(y_f[:, fs], alpha)
                out.iloc[fs, 4], out.iloc[fs, 5] = lo, hi
        return out

    def _lag_values(self, values: np.ndarray) -> np.ndarray:
        """Counts as the lags carry them: outlier periods replaced by their pulse-free means."""
        if not self.clean_lags:
            return values
        v = np.array(values, float, copy=True)
        for pos, val in self.clean_lags.items():
            v[pos] = val
        return v

    def _draws(self, n_sim: int, rng: np.random.Generator) -> tuple[np.ndarray, float]:
        """Parameter draws at the adjusted covariance; with ``ar``, only stationary ones."""
        k = self.params.to_numpy()
        cov = self.cov_params_adjusted.to_numpy()
        if not self.spec.ar:
            return draw_params(k, cov, n_sim, rng), 0.0
        p = self.params.index.get_loc("ar_1")
        return stationary_draws(k, cov, n_sim, rng, slice(p, p + self.spec.ar))

    def counterfactual(self, names: list[str] | str | None = None, *, alpha: float = 0.05,
                       n_sim: int = 2000, include_noise: bool = True, rng: Any = None) -> Counterfactual:
        """The series as the model says it would have been without some interventions.

        Parameters
        ----------
        names : str or list of str, optional
            Interventions to remove (default: all).
        alpha : float
            1 − level of the intervals.
        n_sim : int
            Monte Carlo draws.
        include_noise : bool, default True
            Intervals for the counterfactual counts (parameter uncertainty and count
            noise). With False, intervals for the counterfactual mean only.
        rng : seed or Generator

        Returns
        -------
        Counterfactual
            Observed, fitted and counterfactual series, the excess (observed −
            counterfactual) and its running total from the first affected period, with
            intervals.

        Notes
        -----
        Without ``ar`` terms the counterfactual mean is the fitted mean with the removed
        effects set to zero. With ``ar > 0`` the removed effects would also have changed
        later lags, so counts are simulated recursively from the first affected period;
        the counterfactual mean is the Monte Carlo average of the conditional means
        simulated at the estimates, and the intervals come from simulations that also
        draw the parameters (with strong persistence these intervals are wide and
        skewed: the long-run effect of a step is ``gamma / (1 - sum(phi))``).
        """
        if not self.spec.interventions:
            raise ModelError("the model has no interventions to remove")
        if names is None:
            names = list(self.spec.interventions)
        elif isinstance(names, str):
            names = [names]
        unknown = [n for n in names if n not in self.spec.interventions]
        if unknown:
            raise ModelError(f"unknown intervention(s) {unknown}; the model has {list(self.spec.interventions)}")
        seed = rng
        rng = np.random.default_rng(rng)
        full, values, ex, expo = self._full_inputs(0, None, None)
        comp = components(self.spec, full, ex, expo)
        k = self.params.to_numpy().copy()
        pos = [self.params.index.get_loc(n) for n in names]
        draws, dropped = self._draws(n_sim, rng)
        theta = draw_theta(self.theta_adjusted, self.se_log_theta_adjusted, draws.shape[0], rng)
        k[pos] = 0.0
        draws[:, pos] = 0.0
        affected = affected_periods(full, {n: self.spec.interventions[n] for n in names})
        if not affected.any():
            raise ModelError("the removed interventions do not act on the series")
        start = max(int(np.argmax(affected)), self.spec.ar)
        lagv = self._lag_values(values)
        mu_d, y_d = simulate_paths(comp, draws, theta, values, start, rng, lagv)
        n = len(full)
        fitted_full = np.full(n, np.nan)
        fitted_full[self.spec.ar:] = self.fitted.to_numpy()
        if self.spec.ar == 0:
            mu_h, _ = simulate_paths(comp, k[None, :], self.theta_adjusted, values, start, rng)
            cf_mean = mu_h[0, start:]
        else:
            # mean at the estimates (count noise only); parameter draws enter the intervals
            mu_pt, _ = simulate_paths(comp, np.tile(k, (n_sim, 1)), self.theta_adjusted, values, start, rng, lagv)
            cf_mean = mu_pt[:, start:].mean(axis=0)
        sample = y_d[:, start:] if include_noise else mu_d[:, start:]
        options = {"removed": list(names), "alpha": alpha, "n_sim": n_sim, "include_noise": include_noise}
        return make_counterfactual(full, values, fitted_full, cf_mean, sample, start, alpha=alpha,
                                   include_noise=include_noise, removed=tuple(names), model=self, seed=seed,
                                   options=options, dropped_share=dropped)

    def plot(self, ax: Any = None, *, counterfactual: bool = True, events: Any = None, rng: Any = 0) -> Any:
        """Observed counts (bars), fitted mean, counterfactual and its band; see :mod:`analysis.plots.models`."""
        from ..plots.models import plot_count_model
        return plot_count_model(self, ax=ax, counterfactual=counterfactual, events=events, rng=rng)


def affected_periods(full: pd.PeriodIndex, removed: dict[str, Any]) -> np.ndarray:
    """Periods on which any of the ``removed`` interventions acts (a covered share, or from a ramp's or pulse's period)."""
    enc = encode_interventions(full, removed, check=False)
    affected = np.zeros(len(full), bool)
    if enc.fraction.shape[1]:
        affected |= enc.fraction.max(axis=1) > 0
    for n, iv in removed.items():
        if isinstance(iv, (Pulse, Ramp)):
            p = enc.positions[n]
            affected[max(p, 0):] = True
    return affected


def make_counterfactual(full: pd.PeriodIndex, values: np.ndarray, fitted_full: np.ndarray, cf_mean: np.ndarray,
                        sample: np.ndarray, start: int, *, alpha: float, include_noise: bool,
                        removed: tuple[str, ...], model: Any, seed: Any, options: dict[str, Any],
                        dropped_share: float = 0.0) -> Counterfactual:
    """Assemble a :class:`Counterfactual` from the counterfactual mean and Monte Carlo draws from ``start`` on."""
    sl = slice(start, None)
    lo, hi = quantiles(sample, alpha) if include_noise else tuple(
        np.quantile(sample, [alpha / 2, 1 - alpha / 2], axis=0))
    cf = fitted_full.copy()
    cf[sl] = cf_mean
    frame = pd.DataFrame(index=full, dtype=float,
                         columns=["observed", "fitted", "counterfactual", "cf_lower", "cf_upper", "excess",
                                  "excess_lower", "excess_upper", "cum_excess", "cum_lower", "cum_upper"])
    frame["observed"] = values
    frame["fitted"] = fitted_full
    frame["counterfactual"] = cf
    frame.iloc[sl, 3], frame.iloc[sl, 4] = lo, hi
    exc = values[sl] - cf[sl]
    frame.iloc[sl, 5] = exc
    frame.iloc[sl, 6], frame.iloc[sl, 7] = values[sl] - hi, values[sl] - lo
    cum_draws = np.cumsum(values[sl][None, :] - sample, axis=1)
    frame.iloc[sl, 8] = np.cumsum(exc)
    clo, chi = np.quantile(cum_draws, [alpha / 2, 1 - alpha / 2], axis=0)
    frame.iloc[sl, 9], frame.iloc[sl, 10] = clo, chi
    observed_total = float(np.sum(values[sl]))
    width = float(chi[-1] - clo[-1])
    informative = bool(width <= observed_total)
    warning = "" if informative else (
        f"the {1 - alpha:.0%} interval of the cumulative excess ({clo[-1]:.0f} to {chi[-1]:.0f}) is wider than "
        f"the {observed_total:.0f} counts observed in the affected periods: it is not informative")
    meta = result_meta(options=options, input_sha256=model.meta.get("input_sha256"), seed=seed,
                       model_kind=getattr(model, "kind", "model"), observed_total=observed_total,
                       interval_width=width, informative=informative,
                       nonstationary_draws_discarded=float(dropped_share), warnings=[warning] if warning else [])
    return Counterfactual(frame, removed, full[start], alpha, include_noise, model, meta)


@dataclass(frozen=True, repr=False)
class Counterfactual(Result):
    """Counterfactual series and excess; see :meth:`CountModelResult.counterfactual`.

    Attributes
    ----------
    frame : DataFrame
        Per period: observed, fitted, counterfactual with ``cf_lower``/``cf_upper``,
        excess with its interval, cumulative excess with its interval (NaN before
        ``start``).
    removed : tuple of str
    start : Period
        First period on which a removed intervention acts.
    alpha : float
    include_noise : bool
    model : CountModelResult or IngarchResult
    meta : dict
        The common keys (the seed of the simulation, options), the observed total of the
        affected periods, the width of the interval of the total excess, ``informative``
        (False when that width exceeds the observed total) and a warning saying so.
    """

    frame: pd.DataFrame
    removed: tuple[str, ...]
    start: pd.Period
    alpha: float
    include_noise: bool
    model: Any = field(repr=False)
    meta: dict[str, Any] = field(default_factory=dict, repr=False)

    kind = "counterfactual"

    @property
    def informative(self) -> bool:
        """False when the interval of the total excess is wider than the counts observed in the affected periods."""
        return bool(self.meta.get("informative", True))

    @property
    def total_excess(self) -> tuple[float, float, float]:
        """Cumulative excess over the whole affected span, with its interval."""
        last = self.frame.iloc[-1]
        return float(last["cum_excess"]), float(last["cum_lower"]), float(last["cum_upper"])

    def to_frame(self) -> pd.DataFrame:
        return self.frame.copy()

    def summary(self) -> str:
        tot, lo, hi = self.total_excess
        obs = float(self.frame.loc[self.start:, "observed"].sum())
        what = "counts" if self.include_noise else "means"
        text = (f"Counterfactual without {', '.join(self.removed)} from {self.start}: observed {obs:.0f}, "
                f"excess {tot:.1f} ({1 - self.alpha:.0%} interval {lo:.1f} to {hi:.1f}; "
                f"interval for counterfactual {what})")
        for w in self.meta.get("warnings", []):
            text += f"\nWARNING: {w}"
        return text

    def to_dict(self) -> dict[str, Any]:
        from ..results import jsonable
        tot, lo, hi = self.total_excess
        return jsonable({"kind": self.kind, "removed": list(self.removed), "start": str(self.start),
                         "alpha": self.alpha, "include_noise": self.include_noise,
                         "total_excess": {"estimate": tot, "lower": lo, "upper": hi},
                         "informative": self.informative, "frame": self.frame.reset_index(names="period"),
                         "meta": self.meta})

    def _repr_html_(self) -> str:
        return f"<p>{html.escape(self.summary())}</p>"

    def __repr__(self) -> str:
        return f"Counterfactual({self.summary()})"

    def plot(self, ax: Any = None) -> Any:
        from ..plots.models import plot_counterfactual
        return plot_counterfactual(self, ax=ax)


__all__ = ["CountModelResult", "Counterfactual"]
