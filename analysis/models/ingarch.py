"""Log-linear INGARCH(1,1) count model with interventions: :func:`fit_ingarch`.

The model (Fokianos & Tjøstheim 2011, *J. Multivariate Anal.* 102:563; R
``tscount::tsglm(..., model = list(past_obs = 1, past_mean = 1), link = "log")``,
Liboschik, Fokianos & Fried 2017, *J. Stat. Softw.* 82(5)) is

    nu_t = s_t + b log(1 + y_{t-1}) + a nu_{t-1} + (outlier pulses at t),
    y_t | past ~ Poisson(exp(nu_t))  or  NB2(exp(nu_t), theta),

where ``s_t`` holds the intercept, trend, seasonality, exogenous columns and the
interventions, exactly as in :func:`fit_count_model` (a step starting inside a period
acts on its covered share). Covariates enter *internally*, as ``tsglm``'s ``xreg`` does
by default: through ``a nu_{t-1}`` a step's effect feeds into later periods, so its
coefficient is the immediate effect and ``gamma / (1 - a - b)`` the long-run effect on
the log mean. Outlier pulses enter *externally* (``tsglm``'s ``external = TRUE``): they
are removed from ``nu_{t-1}``, and the lag ``log(1 + y)`` after an outlier carries the
period's pulse-free mean, so an outlier does not propagate.

Estimation is conditional maximum likelihood given the first observation: ``nu_1`` is
set to ``log(1 + y_1)`` (``tsglm``'s ``init.method = "firstobs"``) and periods 2..n enter
the likelihood (``init.drop = TRUE``), the same periods as an AR(1) count model, so that
information criteria compare. For NB2, ``theta`` is estimated jointly by maximum
likelihood (``tsglm`` uses a Poisson quasi-likelihood for the mean and a moment
estimator for the size instead). The recursion and its derivatives are linear filters in
the past of ``nu``; the fit is Fisher scoring with the derivatives of ``nu`` (Fokianos &
Tjøstheim 2011, sect. 3), step-halved to stay inside the stationary region
``|a| < 1, |b| < 1, |a + b| < 1``, from two starts (the AR(1) fit with ``a = 0``, and
``a = 0.5`` with the same long-run mean), keeping the better.

Standard errors come from the conditional expected information ``sum w_t d_t d_t'``
(``d_t`` the derivative of ``nu_t``), at the estimated ``theta`` for NB2; interval
quantiles are t on the residual degrees of freedom for NB2, normal for Poisson, as in
:meth:`CountModelResult.conf_int`.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ModelError
from ..results import result_meta
from . import _dist, _ingarch_kernel
from ._filter import ar1_filter
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
from .dynamics import Persistence, long_run_effects, persistence
from .fit import (
    _pulse_terms,
    _read_pulses,
    check_spec_options,
    input_hash,
    pulse_plan,
    read_exposure,
    read_terms,
)
from .interventions import (
    MIN_SIDE,
    Intervention,
    check_placement,
    periods_per_year,
)
from .likelihood import THETA_BOUNDS, Counts, Problem, log_mean, log_means, mean_and_derivative, theta_standard_errors
from .outliers import FitState, search_pulses
from .results import CountModelResult, affected_periods, effect_kind, make_counterfactual
from .simulate import draw_counts, draw_theta, quantiles

B, A = "ingarch_b", "ingarch_a"
#: Margin kept from the boundary of the stationary region during the fit.
EDGE = 1e-6


@dataclass(frozen=True)
class _Data:
    """Modelled periods 2..n: static design, lagged log counts, pulse columns, offset."""

    prob: Problem              # static part s_t (no pulses) on rows 2..n
    static_names: list[str]
    z_lag: np.ndarray          # log(1 + y*_{t-1}) on rows 2..n (outliers cleaned)
    nu1: float                 # log(1 + y_1)
    pulse_X: np.ndarray        # (m, P) outlier indicators on rows 2..n
    pulse_names: list[str]
    offset: np.ndarray         # (m,) log exposure (external)
    counts: Counts

    @property
    def names(self) -> list[str]:
        return [*self.static_names, B, A, *self.pulse_names]


def _recursion(data: _Data, params: np.ndarray, *, derivatives: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
    """``nu`` on the modelled rows and its derivative (m × k) with respect to all parameters."""
    ks = data.prob.n_params
    b, a = params[ks], params[ks + 1]
    delta = params[ks + 2:]
    if derivatives:
        s, ds = mean_and_derivative(data.prob, params[:ks])
    else:
        s = log_mean(data.prob, params[:ks])
    c = s + b * data.z_lag
    nu_free = ar1_filter(c, a, a * data.nu1)
    nu = nu_free + data.offset + (data.pulse_X @ delta if delta.size else 0.0)
    if not derivatives:
        return nu, None
    m = len(c)
    d = np.empty((m, ks + 2 + delta.size))
    d[:, :ks] = ar1_filter(ds, a)
    d[:, ks] = ar1_filter(data.z_lag, a)
    prev = np.concatenate([[data.nu1], nu_free[:-1]])
    d[:, ks + 1] = ar1_filter(prev, a)
    if delta.size:
        d[:, ks + 2:] = data.pulse_X
    return nu, d


def _inside(params: np.ndarray, ks: int) -> bool:
    b, a = params[ks], params[ks + 1]
    lim = 1.0 - EDGE
    return abs(a) < lim and abs(b) < lim and abs(a + b) < lim


def _score_weights(y: np.ndarray, mu: np.ndarray, theta: float | None) -> tuple[np.ndarray, np.ndarray]:
    if theta is None:
        return y - mu, mu
    k = theta / (theta + mu)
    return (y - mu) * k, mu * k


def _fit(data: _Data, start: np.ndarray, family: str, theta0: float | None, *, max_iter: int = 500,
         tol: float = 1e-12) -> tuple[np.ndarray, float | None, float, int, bool]:
    """Newton's method on (parameters, log theta) with the observed information, kept inside the stationary region.

    The second derivatives of ``nu`` are non-zero only in the past-mean coefficient
    ``a`` (``d2 nu_t / da dx = d nu_{t-1} / dx + a d2 nu_{t-1} / da dx``), so the observed
    information costs one more linear filter. When it is not positive definite the step
    is Fisher scoring; every step is halved until the likelihood increases inside the
    stationary region. The iteration is compiled (:func:`._ingarch_kernel.newton`): a fit is
    one call, where the numpy formulation paid the set-up of some forty array operations
    per step on short series.
    """
    cnt = data.counts
    lo, hi = np.log(THETA_BOUNDS[0]), np.log(THETA_BOUNDS[1])
    nb = family != "poisson"
    phi0 = float(np.clip(np.log(theta0 or 10.0), lo, hi)) if nb else 0.0
    params, phi, ll, iters, conv, status = _ingarch_kernel.newton(
        *data.prob._kernel, data.z_lag, data.nu1, data.pulse_X, data.offset, cnt.y, cnt.values,
        cnt.counts, cnt.log_factorial, np.ascontiguousarray(start, dtype=float), nb, phi0, float(lo), float(hi),
        EDGE, int(max_iter), float(tol))
    if status:
        raise ModelError("the INGARCH start is outside the stationary region or overflows")
    return params, float(np.exp(phi)) if nb else None, float(ll), int(iters), bool(conv)


def _starts(data: _Data, family: str) -> list[tuple[np.ndarray, float | None]]:
    """AR(1) start (a = 0) and a start with a = 0.5 and the same long-run mean."""
    from .likelihood import fit_problem
    ks = data.prob.n_params
    Xar = np.hstack([data.prob.X, data.z_lag[:, None], data.pulse_X])
    prob = Problem(data.counts.y, Xar, data.prob.seg_weight, data.prob.seg_active, data.offset)
    # parameter order of this GLM: [X..., z, pulses..., steps...]; reorder to [static..., b, a, pulses...]
    fit = fit_problem(prob, family, adjusted=False)
    p_x = data.prob.X.shape[1]
    n_pul = data.pulse_X.shape[1]
    beta = fit.params[:p_x]
    bcoef = float(np.clip(fit.params[p_x], -0.9, 0.9))
    pul = fit.params[p_x + 1:p_x + 1 + n_pul]
    gam = fit.params[p_x + 1 + n_pul:]
    s1 = np.concatenate([beta, gam, [bcoef, 0.0], pul])
    out = [(s1, fit.theta)]
    a2 = 0.5 if bcoef + 0.5 < 0.95 else max(0.0, 0.9 - bcoef)
    if a2 > 0:
        # the same long-run mean: s / (1 - b) = s' / (1 - a - b)
        factor = (1.0 - a2 - bcoef) / (1.0 - bcoef)
        s2 = np.concatenate([np.concatenate([beta, gam]) * factor, [bcoef, a2], pul])
        out.append((s2, fit.theta))
    assert all(len(s) == ks + 2 + n_pul for s, _ in out)
    return out


@dataclass(frozen=True, repr=False)
class IngarchResult(CountModelResult):
    """Fitted log-linear INGARCH(1,1) model; the interface of :class:`CountModelResult`.

    ``params`` holds the static terms, ``ingarch_b`` (past observation), ``ingarch_a``
    (past mean) and the outlier pulses. Intervention coefficients are immediate effects;
    :meth:`long_run` gives ``gamma / (1 - a - b)`` with an interval, or the reason it is
    not reported.

    Long-run effects have Fieller intervals by default (see :meth:`long_run`). Intervals
    of the immediate effects and their p-values are, by default, **parametric
    bootstrap-t** intervals (``n_boot`` series simulated from the
    fit, refitted with the same outlier periods; ``t* = (gamma* - gamma) / se*``): in
    short series the persistence ``a + b`` is estimated too low and the immediate effect
    too high, and Wald intervals cover too little (see ``bench/bench_models.py``). The
    bootstrap runs once, on first use, with the seed recorded in ``meta`` at construction.
    ``method="adjusted"`` gives the Wald-t intervals instead (used for the sensitivity
    grid).
    """

    data: Any = field(default=None, repr=False)
    context: dict[str, Any] = field(default_factory=dict, repr=False)
    n_boot: int = 0
    _cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    kind = "ingarch"

    @property
    def persistence_terms(self) -> tuple[str, str]:
        return (B, A)

    @property
    def on_boundary(self) -> bool:
        """True when ``a``, ``b`` or ``a + b`` sits at the edge of the stationary region (not an interior maximum)."""
        a, b = float(self.params[A]), float(self.params[B])
        return max(abs(a), abs(b), abs(a + b)) > 1 - 1e-4

    def persistence(self, alpha: float = 0.05) -> Persistence:
        q, cov = self._quantile_cov(alpha, "adjusted")
        return persistence(self.params, cov, [B, A], quantile=q, bounded=[B, A])

    # ------------------------------------------------------------------ bootstrap-t
    def bootstrap(self) -> pd.DataFrame:
        """Parametric bootstrap replicates: per refit, each effect's coefficient and standard error, and the
        long-run effect with its delta-method standard error (columns ``<effect>``, ``<effect>__se``,
        ``<effect>__lr``, ``<effect>__lr_se``). Computed once, with the seed in ``meta``."""
        if "boot" in self._cache:
            return self._cache["boot"]
        ctx = self.context
        rng = np.random.default_rng(self.meta.get("seed"))
        k = self.params.to_numpy()
        _, ys = self._simulate(np.tile(k, (self.n_boot, 1)), self.theta, 0, rng)
        names = list(self.params.index)
        ks = self.data.prob.n_params
        eff = [n for n in self.interventions]
        rows = []
        warm = {"names": names, "params": k, "theta": self.theta}
        # the static design does not depend on the counts: built once for all replicates
        static = _build(ctx["index"], self.y.to_numpy(float), ctx["spec"], ctx["exog"], ctx["exposure"], [], {}, 0)[1]
        for b in range(self.n_boot):
            yb = np.concatenate([[self.y.iloc[0]], ys[b]])
            try:
                found, (data, p, th, _, _, conv) = _estimate(
                    ctx["index"], yb, ctx["spec"], ctx["exog"], ctx["exposure"], family=self.family,
                    min_side=0, mode="given" if ctx["periods"] else "none", given=ctx["periods"], limit=0,
                    penalty=ctx["penalty"], warm_start=warm, clean_start=self.clean_lags, static=static)
                cov = _covariance(data, p, th)
            except (ModelError, np.linalg.LinAlgError):
                continue
            if not conv or not np.all(np.isfinite(np.diag(cov))):
                continue
            row = {}
            rho = p[ks] + p[ks + 1]
            for e in eff:
                j = names.index(e)
                row[e] = p[j]
                row[f"{e}__se"] = float(np.sqrt(cov[j, j]))
                d = 1.0 - rho
                grad = np.zeros(len(p))
                grad[j] = 1.0 / d
                grad[ks] = grad[ks + 1] = p[j] / d ** 2
                row[f"{e}__lr"] = p[j] / d
                row[f"{e}__lr_se"] = float(np.sqrt(max(grad @ cov @ grad, 0.0)))
                # the pieces of Fieller's pivot for gamma / (1 - a - b)
                row[f"{e}__d"] = d
                row[f"{e}__v_gg"] = float(cov[j, j])
                row[f"{e}__v_gd"] = -float(cov[j, ks] + cov[j, ks + 1])
                row[f"{e}__v_dd"] = float(cov[ks, ks] + 2 * cov[ks, ks + 1] + cov[ks + 1, ks + 1])
            rows.append(row)
        frame = pd.DataFrame(rows)
        self._cache["boot"] = frame
        return frame

    def _boot_t(self, name: str, alpha: float, *, long_run: bool = False) -> tuple[float, float, float]:
        """Bootstrap-t interval ``(lower, upper)`` on the log scale and the two-sided p-value of zero."""
        bt = self.bootstrap()
        q, cov = self._quantile_cov(alpha, "adjusted")
        j = self.params.index.get_loc(name)
        est = float(self.params[name])
        se = float(np.sqrt(cov.iat[j, j]))
        col, scol = (f"{name}__lr", f"{name}__lr_se") if long_run else (name, f"{name}__se")
        if long_run:
            pers = self.persistence(alpha)
            d = 1.0 - pers.rho
            names = list(self.params.index)
            grad = np.zeros(len(names))
            grad[j] = 1.0 / d
            grad[names.index(B)] = grad[names.index(A)] = est / d ** 2
            se = float(np.sqrt(max(grad @ cov.to_numpy() @ grad, 0.0)))
            est = est / d
        if len(bt) < max(20, self.n_boot // 2):
            # too few bootstrap refits converged (e.g. an estimate at the edge of the stationary region)
            return est - q * se, est + q * se, float(2 * _dist.t_sf(abs(est / se), max(self.df_resid, 1)))
        tstar = ((bt[col] - est) / bt[scol]).to_numpy(float)
        tstar = tstar[np.isfinite(tstar)]
        lo_q, hi_q = np.quantile(tstar, [alpha / 2, 1 - alpha / 2])
        t_obs = est / se if se > 0 else np.inf
        # equal-tailed p-value of zero, consistent with the interval: it excludes 0 at level alpha
        # exactly when this p-value is below alpha
        m = len(tstar)
        p = float(min(1.0, 2 * min(1 + np.sum(tstar >= t_obs), 1 + np.sum(tstar <= t_obs)) / (1 + m)))
        return est - hi_q * se, est - lo_q * se, p

    def conf_int(self, alpha: float = 0.05, method: str | None = None) -> pd.DataFrame:
        """Intervals for ``params`` (log scale): bootstrap-t for the interventions by default, Wald-t otherwise.

        ``method``: ``None`` (default; ``"bootstrap"`` when ``n_boot > 0``), ``"bootstrap"``,
        ``"adjusted"`` (Wald with a t quantile on the residual degrees of freedom for NB2,
        normal for Poisson) or ``"wald"``.
        """
        method = method or ("bootstrap" if self.n_boot else "adjusted")
        if method != "bootstrap":
            return super().conf_int(alpha, method)
        out = super().conf_int(alpha, "adjusted")
        for n in self.interventions:
            lo, hi, _ = self._boot_t(n, alpha)
            out.loc[n, ["lower", "upper"]] = [lo, hi]
        return out

    def rate_ratios(self, alpha: float = 0.05, method: str | None = None) -> pd.DataFrame:
        ci = self.conf_int(alpha, method)
        return pd.DataFrame({"rate_ratio": np.exp(self.params), "lower": np.exp(ci["lower"]),
                             "upper": np.exp(ci["upper"])})

    @property
    def pvalues_adjusted(self) -> pd.Series:
        """p-values matching :meth:`conf_int`: bootstrap-t for the interventions, t for the other terms."""
        base = super().pvalues_adjusted
        if not self.n_boot:
            return base
        out = base.copy()
        for n in self.interventions:
            out[n] = self._boot_t(n, 0.05)[2]
        return out

    def long_run(self, alpha: float = 0.05, method: str | None = None) -> pd.DataFrame:
        """Long-run effects ``gamma / (1 - a - b)`` with Fieller intervals, or the reason they are not reported.

        ``method``: ``None`` or ``"fieller"`` (default) for Fieller's interval of the
        ratio (see :mod:`analysis.models.dynamics`), ``"delta"`` for the delta-method
        interval, ``"bootstrap"`` for a parametric bootstrap-t of the ratio (with the
        delta-method standard error as its scale). Both quantiles come from
        :meth:`conf_int`'s ``"adjusted"`` method (t on the residual degrees of freedom for
        NB2, normal for Poisson). Refused, with the reason, when the interval of ``a + b``
        reaches 1 — exactly when Fieller's set is unbounded.

        Notes
        -----
        Fieller is the default because the ratio's distribution is skewed when ``1 - a -
        b`` is imprecise, which the other two ignore. On 1,000 simulated NB2
        INGARCH(1,1) series of 150 months (theta = 10, long-run effect 1.0; the INGARCH
        settings of ``bench/bench_models.py``, its seeds), among the series where the
        long run is reported, the nominal 95% intervals covered 0.903 (delta), 0.913
        (bootstrap-t) and 0.962 (Fieller) at ``a + b = 0.7``, and 0.852, 0.870 and 0.947
        at ``a + b = 0.85``.
        """
        method = method or "fieller"
        if method not in ("fieller", "delta", "bootstrap"):
            raise ModelError(f"method must be 'fieller', 'delta' or 'bootstrap', not {method!r}")
        q, cov = self._quantile_cov(alpha, "adjusted")
        kinds = {n: effect_kind(iv) for n, iv in self.spec.interventions.items()}
        pers = self.persistence(alpha)
        frame = long_run_effects(self.params, cov, self.interventions, kinds, pers, quantile=q,
                                 method="delta" if method == "delta" else "fieller")
        if method == "bootstrap" and self.n_boot:
            for n in frame.index:
                if frame.at[n, "status"]:
                    continue
                lo, hi, _ = self._boot_t(n, alpha, long_run=True)
                frame.loc[n, ["lower", "upper", "rr_lower", "rr_upper"]] = [lo, hi, np.exp(lo), np.exp(hi)]
        return frame

    def effect_meaning(self, name: str) -> str:
        base = super().effect_meaning(name).rstrip(".")
        base = base.split("; immediate")[0]
        return (base + "; immediate effect, which feeds forward through the past mean (INGARCH), the long run is "
                "gamma / (1 - a - b).")

    def _header(self) -> list[tuple[str, str]]:
        rows = super()._header()
        rows[0] = ("Family", ("Poisson" if self.family == "poisson" else "Negative binomial (NB2)")
                   + " log-linear INGARCH(1,1)")
        rows.append(("Persistence", self.persistence().summary()))
        return rows

    def summary(self, alpha: float = 0.05) -> str:
        text = super().summary(alpha).replace("Count model:", "INGARCH(1,1) count model:", 1)
        lines = [ln for ln in text.splitlines() if not ln.startswith("  theta (Cox-Reid adjusted)")]
        for i, ln in enumerate(lines):
            if ln.startswith("  (se, z, pvalue: Wald at the ML theta"):
                boot = (f"a parametric bootstrap-t ({self.n_boot} replicates) for the interventions and "
                        if self.n_boot else "")
                lines[i] = (f"  (se, z, pvalue: Wald from the conditional information at the ML theta; pvalue_adjusted and "
                            f"the {1 - alpha:.0%} intervals use {boot}t({self.df_resid}))")
            elif ln.startswith("  (") and "Wald intervals; rate ratio" in ln and self.n_boot:
                lines[i] = (f"  ({1 - alpha:.0%} intervals: parametric bootstrap-t ({self.n_boot} replicates) for the "
                            f"interventions, Wald otherwise; rate ratio = exp(coef))")
        return "\n".join(lines)

    def _static(self, params: np.ndarray) -> np.ndarray:
        """Static part ``s_t`` of the log mean for each row of ``params`` → (S, m)."""
        data: _Data = self.data
        return log_means(data.prob, params[:, :data.prob.n_params])

    def _simulate(self, params: np.ndarray, theta: Any, start: int,
                  rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """Means and counts simulated through the recursion from modelled row ``start`` on → (S, m) each.

        Rows before ``start`` follow the observed recursion (observed lags); from
        ``start`` on, each lag is the previous simulated count, except after an outlier
        period, whose lag is a draw from its pulse-free mean.
        """
        data: _Data = self.data
        ks = data.prob.n_params
        S, m = params.shape[0], len(data.counts.y)
        static = self._static(params)
        b, a = params[:, ks], params[:, ks + 1]
        delta = params[:, ks + 2:]
        pulse_part = delta @ data.pulse_X.T if delta.shape[1] else np.zeros((S, m))
        outlier = np.any(data.pulse_X != 0, axis=1) if data.pulse_X.size else np.zeros(m, bool)
        th = None if theta is None else np.asarray(theta, float)
        mu = np.full((S, m), np.nan)
        yy = np.full((S, m), np.nan)
        nu_prev = np.full(S, data.nu1)
        z_next = np.zeros(S)
        for r in range(m):
            z = data.z_lag[r] if r <= start else z_next
            nu_free = static[:, r] + b * z + a * nu_prev
            nu_prev = nu_free
            if r < start:
                continue
            mu[:, r] = np.exp(np.minimum(nu_free + data.offset[r] + pulse_part[:, r], 700.0))
            yy[:, r] = draw_counts(mu[:, r], th, rng)
            if outlier[r]:
                z_next = np.log1p(draw_counts(np.exp(np.minimum(nu_free + data.offset[r], 700.0)), th, rng))
            else:
                z_next = np.log1p(yy[:, r])
        return mu, yy

    def _stationary_draws(self, n_sim: int, rng: np.random.Generator) -> tuple[np.ndarray, float]:
        k = self.params.to_numpy()
        cov = self.cov_params.to_numpy()
        ks = self.data.prob.n_params
        kept, tried, need = [], 0, n_sim
        vals, vecs = np.linalg.eigh((cov + cov.T) / 2)
        root = vecs * np.sqrt(np.clip(vals, 0, None))
        while need > 0 and tried < 20 * n_sim:
            batch = k[None, :] + rng.standard_normal((max(need, 16), len(k))) @ root.T
            tried += batch.shape[0]
            b, a = batch[:, ks], batch[:, ks + 1]
            ok = (np.abs(a) < 1) & (np.abs(b) < 1) & (np.abs(a + b) < 1)
            kept.append(batch[ok][:need])
            need -= int(min(ok.sum(), need))
        out = np.vstack(kept) if kept else k[None, :]
        if out.shape[0] == 0:
            out = k[None, :]
        return out, 1.0 - out.shape[0] / max(tried, 1)

    def counterfactual(self, names: list[str] | str | None = None, *, alpha: float = 0.05,
                       n_sim: int = 2000, include_noise: bool = True, rng: Any = None) -> Any:
        """Counterfactual without some interventions, simulated through the INGARCH recursion.

        See :meth:`CountModelResult.counterfactual`; here the removed effects are also
        removed from the past mean, so the counterfactual carries their long-run part.
        Parameter draws outside the stationary region are discarded.
        """
        if not self.spec.interventions:
            raise ModelError("the model has no interventions to remove")
        names = list(self.spec.interventions) if names is None else ([names] if isinstance(names, str) else names)
        unknown = [n for n in names if n not in self.spec.interventions]
        if unknown:
            raise ModelError(f"unknown intervention(s) {unknown}; the model has {list(self.spec.interventions)}")
        seed = rng
        rng = np.random.default_rng(rng)
        idx = self.y.index
        values = self.y.to_numpy(float)
        affected = affected_periods(idx, {n: self.spec.interventions[n] for n in names})
        if not affected.any():
            raise ModelError("the removed interventions do not act on the series")
        start_full = max(int(np.argmax(affected)), 1)
        start = start_full - 1                      # modelled rows start at the second period
        k = self.params.to_numpy().copy()
        pos = [self.params.index.get_loc(n) for n in names]
        draws, dropped = self._stationary_draws(n_sim, rng)
        theta = draw_theta(self.theta, self.meta.get("se_log_theta"), draws.shape[0], rng) \
            if self.family == "negbin" else None
        k[pos] = 0.0
        draws[:, pos] = 0.0
        mu_d, y_d = self._simulate(draws, theta, start, rng)
        mu_pt, _ = self._simulate(np.tile(k, (n_sim, 1)), self.theta, start, rng)
        fitted_full = np.full(len(idx), np.nan)
        fitted_full[1:] = self.fitted.to_numpy()
        cf_mean = mu_pt[:, start:].mean(axis=0)
        sample = y_d[:, start:] if include_noise else mu_d[:, start:]
        options = {"removed": list(names), "alpha": alpha, "n_sim": n_sim, "include_noise": include_noise}
        return make_counterfactual(idx, values, fitted_full, cf_mean, sample, start_full, alpha=alpha,
                                   include_noise=include_noise, removed=tuple(names), model=self, seed=seed,
                                   options=options, dropped_share=dropped)

    def predict(self, horizon: int = 0, *, exog: Any = None, exposure: Any = None, alpha: float = 0.05,
                n_sim: int = 2000, rng: Any = None) -> pd.DataFrame:
        """Fitted means on the modelled periods with count intervals (``horizon`` must be 0).

        Forecasts beyond the data are not offered for INGARCH fits; use
        :meth:`counterfactual` for simulated paths.
        """
        if horizon:
            raise ModelError("forecasts beyond the data are not offered for INGARCH fits")
        rng = np.random.default_rng(rng)
        draws, _ = self._stationary_draws(n_sim, rng)
        theta = draw_theta(self.theta, self.meta.get("se_log_theta"), draws.shape[0], rng) \
            if self.family == "negbin" else None
        mus = np.array([np.exp(_recursion(self.data, p, derivatives=False)[0]) for p in draws])
        out = pd.DataFrame(index=self.y.index, columns=["observed", "mean", "mean_lower", "mean_upper", "lower",
                                                        "upper"], dtype=float)
        out["observed"] = self.y.to_numpy(float)
        out.iloc[1:, 1] = self.fitted.to_numpy()
        out.iloc[1:, 2], out.iloc[1:, 3] = np.quantile(mus, [alpha / 2, 1 - alpha / 2], axis=0)
        lo, hi = quantiles(draw_counts(mus, theta, rng), alpha)
        out.iloc[1:, 4], out.iloc[1:, 5] = lo, hi
        return out


def _build(index: pd.PeriodIndex, values: np.ndarray, spec: DesignSpec, ex: pd.DataFrame | None,
           expo: np.ndarray | None, periods: Sequence[pd.Period], clean: Mapping[int, float],
           min_side: int, static: Design | None = None, prob: Problem | None = None) -> tuple[_Data, Design]:
    """Static design on periods 2..n (no AR columns), lags and outlier indicators.

    ``static``: the static design of the same index, specification, exogenous columns and
    ``min_side`` built before (for other counts, e.g. a bootstrap replicate's); only its
    counts are replaced, since nothing else in it depends on them. ``prob``: the static
    problem of these very counts (the outlier alternation refits the same counts with other
    pulses and lags), reused as it is.
    """
    m = len(index) - 1
    if static is not None:
        det = replace(static, y=values[1:])
    else:
        static_spec = replace(spec, ar=0, pulses={})
        det = build_design(replace(static_spec, origin=spec.origin), index[1:], values[1:],
                           None if ex is None else ex.iloc[1:], None, min_side=min_side, check=False)
    v = np.array(values, float, copy=True)
    for pos, val in clean.items():
        v[pos] = val
    z_lag = np.log1p(v[:-1])
    pulses = _pulse_terms(periods)
    P = np.zeros((m, len(pulses)))
    first = int(index.asi8[1]) if m else 0      # the ordinal of period 2, without building a Period
    for j, p in enumerate(sorted(set(periods))):
        P[int(p.ordinal - first), j] = 1.0
    offset = np.log(expo[1:]) if expo is not None else np.zeros(m)
    if prob is None:
        prob = Problem(det.y, det.X, det.enc.seg_weight, det.enc.seg_active, np.zeros(m))
    data = _Data(prob, det.names, z_lag, float(np.log1p(values[0])), P, list(pulses), offset, prob.counts)
    return data, det


def _estimate(index: pd.PeriodIndex, values: np.ndarray, spec: DesignSpec, ex: pd.DataFrame | None,
              expo: np.ndarray | None, *, family: str, min_side: int, mode: str, given: list[pd.Period], limit: int,
              penalty: float, data0: _Data | None = None, det0: Design | None = None,
              warm_start: dict[str, Any] | None = None, clean_start: dict[int, float] | None = None,
              static: Design | None = None) -> tuple:
    """Search the outliers (or settle the given ones) and fit; returns the search outcome and the fit.

    ``static``: a static design of the same index and specification (see :func:`_build`).
    """
    if data0 is None:
        data0, det0 = _build(index, values, spec, ex, expo, [], {}, min_side, static)
    warm: dict[str, Any] = dict(warm_start or {})

    def fit_with(pers: list[pd.Period], clean: dict[int, float], *, fresh: bool = False) -> FitState:
        data, _ = (data0, det0) if not pers and not clean else _build(index, values, spec, ex, expo, pers, clean,
                                                                      min_side, det0, data0.prob)
        starts = []
        if warm and not fresh:
            old = dict(zip(warm["names"], warm["params"]))
            starts.append((np.array([old.get(n, 0.0) for n in data.names]), warm["theta"]))
        if fresh or not starts:
            starts.extend(_starts(data, family))
        best = None
        for start, th0 in starts:
            try:
                res = _fit(data, start, family, th0)
            except ModelError:
                continue
            if best is None or res[2] > best[2]:
                best = res
        if best is None:
            raise ModelError("no INGARCH start inside the stationary region converged")
        params, theta, llf, iters, conv = best
        warm.update(names=data.names, params=params, theta=theta)
        nu, _ = _recursion(data, params, derivatives=False)
        ks = data.prob.n_params
        mu_free = np.exp(nu - (data.pulse_X @ params[ks + 2:] if data.pulse_X.size else 0.0))
        return FitState(llf, theta, mu_free, (data, params, theta, llf, iters, conv))

    def regime_mean() -> np.ndarray | None:
        from .likelihood import fit_problem
        rd = build_design(replace(spec, ar=0, seasonality=None), index[1:], values[1:],
                          None if ex is None else ex.iloc[1:], None, check=False)
        try:
            return fit_problem(Problem(rd.y, rd.X, rd.enc.seg_weight, rd.enc.seg_active, rd.offset), "poisson").mu
        except ModelError:
            return None

    found = search_pulses(fit_with, index=index[1:], y=data0.counts.y, lag_shift=1, uses_lags=True, mode=mode,
                          given=given, penalty=penalty, limit=limit, family=family, regime_mean=regime_mean,
                          clean_start=clean_start)
    fit = found.state.payload
    if found.rounds > 1 and mode == "auto":
        # the search used warm starts: fit the final outlier set from the fresh starts too, keep the best
        again = fit_with(found.periods, found.clean, fresh=True).payload
        if again[3] > fit[3] + 1e-9:
            fit = again
    return found, fit


def fit_ingarch(
    y: pd.Series,
    *,
    family: str = "negbin",
    trend: str | None = "linear",
    seasonality: str | None = "month",
    interventions: Mapping[str, Intervention] | None = None,
    exog: pd.DataFrame | pd.Series | None = None,
    exposure: pd.Series | None = None,
    fourier_order: int = 2,
    min_side: int = MIN_SIDE,
    pulses: str | Sequence[Any] | None = None,
    n_boot: int = 199,
    rng: Any = 0,
) -> IngarchResult:
    """Fit a log-linear INGARCH(1,1) model with interventions (see the module docstring).

    Parameters
    ----------
    y, family, trend, seasonality, interventions, exog, exposure, fourier_order, min_side, pulses
        As in :func:`fit_count_model` (``exposure`` enters as an external offset).
    n_boot : int, default 199
        Parametric bootstrap replicates for the intervals of the effects (bootstrap-t);
        0 gives Wald-t intervals. The bootstrap runs when an interval is first asked for.
    rng : int or SeedSequence, default 0
        Seed of the bootstrap, recorded in ``meta["seed"]``.

    Returns
    -------
    IngarchResult

    Raises
    ------
    ModelError
        As :func:`fit_count_model`; also when no start inside the stationary region
        converges.

    Notes
    -----
    The stationarity of the fitted process is checked by :meth:`IngarchResult.persistence`
    (``|a| < 1``, ``|b| < 1``, ``|a + b| < 1`` at the estimate; the interval of
    ``a + b`` must stay below 1 for a long-run effect to be reported). The fit itself is
    constrained to the stationary region.
    """
    check_spec_options(family, trend, seasonality)
    interventions, min_side = read_terms(interventions, min_side, fourier_order)
    index, values = check_counts(y)
    pulse_arg = _read_pulses(pulses, index)
    ppy = periods_per_year(index)
    notes: list[str] = []
    warns: list[str] = []
    if ppy == 1 and seasonality is not None:
        notes.append(f"seasonality={seasonality!r} does not apply to an annual series and was left out")
    ex = align_exog(exog, index)
    expo = read_exposure(exposure, index)
    spec = DesignSpec(origin=index[1] if len(index) > 1 else index[0], ppy=ppy, trend=trend,
                      seasonality=seasonality if ppy == 12 else None, fourier_order=int(fourier_order),
                      exog_names=tuple(ex.columns) if ex is not None else (), ar=0, interventions=interventions)
    n_model = len(index) - 1
    if n_model < MIN_OBS:
        raise ModelError(f"series too short to model: {n_model} modelled observation(s); a count model needs at "
                         f"least {MIN_OBS}. Describe such a series (counts per period) instead of modelling it")
    data0, det0 = _build(index, values, spec, ex, expo, [], {}, min_side)
    k = len(data0.names) + (1 if family == "negbin" else 0)
    if n_model - k < MIN_RESIDUAL_DF:
        raise ModelError(
            f"series too short to model: {n_model} modelled observation(s) for {k} parameter(s); a count model "
            f"needs {MIN_RESIDUAL_DF} more observations than parameters. Describe such a series instead")
    check_placement(det0.index, interventions, det0.enc, min_side=min_side)
    check_rank(det0)
    if np.all(data0.counts.y == 0):
        raise ModelError("every modelled count is zero; there is nothing to model")
    periods0, mode, beta_point, limit = pulse_plan(pulse_arg, interventions, n_model, k)

    found, (data, params, theta, llf, iters, conv) = _estimate(
        index, values, spec, ex, expo, family=family, min_side=min_side, mode=mode, given=periods0, limit=limit,
        penalty=beta_point, data0=data0, det0=det0)
    names = data.names
    nu, d = _recursion(data, params)
    mu = np.exp(nu)
    y_m = data.counts.y
    _, w = _score_weights(y_m, mu, theta)
    info = d.T @ (w[:, None] * d)
    try:
        cov = np.linalg.inv(info)
    except np.linalg.LinAlgError as exc:
        raise ModelError("the information matrix is singular: the design is collinear") from exc
    if np.any(~np.isfinite(np.diag(cov))) or np.any(np.diag(cov) > 1e4):
        bad = int(np.argmax(np.where(np.isfinite(np.diag(cov)), np.diag(cov), np.inf)))
        raise ModelError(f"the effect {names[bad]!r} is not identified (its standard error explodes)")
    se_theta = se_log_theta = None
    if theta is not None:
        se_theta, se_log_theta = theta_standard_errors(data.counts, mu, theta)
    pulse_info: dict[str, Any] = {"mode": mode, **found.info, "periods": [str(p) for p in found.periods],
                                  "rounds": found.rounds,
                                  "rule": f"unit deviance from the pulse-free fitted mean > 3 log n = {beta_point:.2f}"}
    if not conv:
        warns.append("the fit did not converge; estimates may be unreliable")
    ks = data.prob.n_params
    b, a = params[ks], params[ks + 1]
    if max(abs(a), abs(b), abs(a + b)) > 1 - 1e-4:
        warns.append(f"the estimate lies on the boundary of the stationary region (a = {a:.4f}, b = {b:.4f})")
    lagged = [f"{n} ({iv.describe()})" for n, iv in interventions.items() if iv.lag]
    if lagged:
        notes.append("lags are assumptions, not estimates: " + "; ".join(lagged))
    if found.info.get("refused"):
        warns.append(found.info["refused"])
    if mode == "none":
        from ..changepoint.pulses import find_pulses
        hits = find_pulses(y_m, mu, math.inf if theta is None else theta, penalty=beta_point)
        if len(hits):
            warns.append(f"{len(hits)} one-period outlier(s) by the pulse rule: "
                         + ", ".join(str(index[1 + i]) for i in hits[:8]) + "; refit with pulses='auto'")
    var = mu if theta is None else mu + mu ** 2 / theta
    pearson = (y_m - mu) / np.sqrt(var)
    diagnostics = {}
    pois_state = None
    if family == "negbin":
        # the Poisson INGARCH of the same design, from the NB2 estimate (close to it), for the LR test
        try:
            pois_state = _fit(data, params, "poisson", None)
        except ModelError:
            pois_state = None
    if pois_state is not None:
        nu_p, _ = _recursion(data, pois_state[0], derivatives=False)
        diagnostics["overdispersion"] = cameron_trivedi(y_m, np.exp(nu_p))
        diagnostics["overdispersion_lr"] = overdispersion_lr(pois_state[2], llf)
    elif family == "poisson":
        diagnostics["overdispersion"] = cameron_trivedi(y_m, mu)
    diagnostics["ljung_box"] = ljung_box(pearson, default_lags(len(mu), ppy), model_df=2)
    options = {"family": family, "trend": trend, "seasonality": seasonality,
               "fourier_order": int(fourier_order) if seasonality == "fourier" else None,
               "interventions": {n: iv.describe() for n, iv in interventions.items()},
               "exog": list(spec.exog_names), "exposure": exposure is not None, "model": "INGARCH(1,1) log-linear",
               "min_side": min_side, "pulses": mode if pulse_arg in (None, "auto") else [str(p) for p in pulse_arg]}
    options["n_boot"] = int(n_boot)
    meta = result_meta(options=options, input_sha256=input_hash(index, values, ex, expo), seed=rng,
                       frequency="monthly" if ppy == 12 else "annual", first_period=str(index[1]),
                       last_period=str(index[-1]), iterations=iters, se_theta=se_theta, se_log_theta=se_log_theta,
                       se_log_theta_adjusted=se_log_theta, pulses=pulse_info,
                       clean_lags={str(index[p]): v for p, v in sorted(found.clean.items())},
                       initialisation="nu_1 = log(1 + y_1); likelihood over periods 2..n",
                       notes=notes, warnings=warns)
    cov_df = pd.DataFrame(cov, index=names, columns=names)
    final_spec = replace(spec, pulses=_pulse_terms(found.periods))
    context = {"index": index, "spec": spec, "exog": ex, "exposure": expo, "periods": list(found.periods),
               "penalty": beta_point}
    return IngarchResult(
        family=family, params=pd.Series(params, index=names, name="coef"), cov_params=cov_df, theta=theta,
        llf=llf, nobs=len(y_m), y=pd.Series(values, index=index, name=y.name),
        fitted=pd.Series(mu, index=index[1:], name="fitted"), diagnostics=diagnostics, meta=meta, converged=conv,
        theta_adjusted=theta, cov_params_adjusted=cov_df, spec=final_spec, exog=ex,
        exposure=pd.Series(expo, index=index) if expo is not None else None, clean_lags=dict(found.clean),
        data=data, context=context, n_boot=int(n_boot))


def _covariance(data: _Data, params: np.ndarray, theta: float | None) -> np.ndarray:
    """Inverse conditional expected information at ``params``."""
    nu, d = _recursion(data, params)
    _, w = _score_weights(data.counts.y, np.exp(nu), theta)
    return np.linalg.inv(d.T @ (w[:, None] * d))


def ingarch_loglik(y: np.ndarray, static: np.ndarray, b: float, a: float, theta: float | None) -> float:
    """Log-likelihood of the log-linear INGARCH(1,1) recursion by a plain loop (reference for tests).

    ``static`` is ``s_t`` on periods 2..n; ``nu_1 = log(1 + y_1)``.
    """
    from scipy import special
    y = np.asarray(y, float)
    nu_prev = math.log1p(y[0])
    total = 0.0
    for t in range(1, len(y)):
        nu = static[t - 1] + b * math.log1p(y[t - 1]) + a * nu_prev
        mu = math.exp(nu)
        if theta is None:
            total += y[t] * nu - mu - special.gammaln(y[t] + 1)
        else:
            total += (special.gammaln(y[t] + theta) - special.gammaln(theta) - special.gammaln(y[t] + 1)
                      + theta * math.log(theta) + y[t] * nu - (theta + y[t]) * math.log(theta + mu))
        nu_prev = nu
    return float(total)


__all__ = ["IngarchResult", "fit_ingarch", "ingarch_loglik"]
