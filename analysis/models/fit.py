"""``fit_count_model``: the one entry point of the count-regression layer."""
from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ModelError
from .design import (
    MIN_OBS,
    MIN_RESIDUAL_DF,
    DesignSpec,
    align_exog,
    build_design,
    check_counts,
    check_rank,
)
from .diagnostics import cameron_trivedi, default_lags, ljung_box, overdispersion_lr
from .interventions import MIN_SIDE, Intervention, periods_per_year
from .likelihood import NotIdentified, Problem, fit_problem
from .results import CountModelResult

FAMILIES = ("poisson", "negbin")


def _input_hash(y: pd.Series, exog: pd.DataFrame | None, exposure: np.ndarray | None) -> str:
    h = hashlib.sha256()
    h.update(",".join(str(p) for p in y.index).encode())
    h.update(np.ascontiguousarray(y.to_numpy(float)).tobytes())
    if exog is not None:
        h.update(",".join(map(str, exog.columns)).encode())
        h.update(np.ascontiguousarray(exog.to_numpy(float)).tobytes())
    if exposure is not None:
        h.update(np.ascontiguousarray(exposure).tobytes())
    return h.hexdigest()


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
) -> CountModelResult:
    """Fit a Poisson or negative-binomial regression with interventions to a count series.

    Parameters
    ----------
    y : Series
        Counts on a regular monthly or annual ``PeriodIndex``; no missing values.
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
        Built with :func:`step`, :func:`pulse`, :func:`ramp` or
        :func:`steps_from_breaks`; each coefficient is labelled by its name.
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
        the starts of two steps or ramps).

    Returns
    -------
    CountModelResult

    Raises
    ------
    ModelError
        Negative, non-integer or missing counts; irregular index; an intervention
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
    intervals are Wald intervals.

    The ``ar`` terms make the model observation-driven: the log mean depends on the
    log of one plus the previous counts (a log-linear Poisson/NB autoregression). Their
    coefficients measure persistence beyond trend and season, and an intervention's
    coefficient is then its immediate effect; the long-run effect of a step is
    ``gamma / (1 - sum(phi))`` on the log scale, and counterfactuals are simulated.

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
    if family not in FAMILIES:
        raise ModelError(f"family must be 'poisson' or 'negbin', not {family!r}")
    if trend not in (None, "linear"):
        raise ModelError(f"trend must be None or 'linear', not {trend!r}")
    if seasonality not in (None, "month", "fourier"):
        raise ModelError(f"seasonality must be None, 'month' or 'fourier', not {seasonality!r}")
    if seasonality == "fourier" and not (isinstance(fourier_order, (int, np.integer)) and 1 <= fourier_order <= 6):
        raise ModelError("fourier_order must be a whole number from 1 to 6")
    if isinstance(ar, bool) or not isinstance(ar, (int, np.integer)) or ar < 0:
        raise ModelError(f"ar must be a non-negative whole number, not {ar!r}")
    interventions = dict(interventions or {})

    index, values = check_counts(y)
    ppy = periods_per_year(index)
    notes: list[str] = []
    warnings: list[str] = []
    if ppy == 1 and seasonality is not None:
        notes.append(f"seasonality={seasonality!r} does not apply to an annual series and was left out")
    ex = align_exog(exog, index)
    if ex is not None:
        clash = [c for c in ex.columns if c in interventions or c == "const" or c == "trend"]
        if clash:
            raise ModelError(f"exog column name(s) {clash} clash with other terms")
    expo = None
    if exposure is not None:
        e = align_exog(exposure, index, "exposure").iloc[:, 0].to_numpy()
        if np.any(e <= 0):
            raise ModelError("exposure must be positive")
        expo = e
    spec = DesignSpec(origin=index[ar] if ar < len(index) else index[0], ppy=ppy, trend=trend,
                      seasonality=seasonality if ppy == 12 else None, fourier_order=int(fourier_order),
                      exog_names=tuple(ex.columns) if ex is not None else (), ar=int(ar),
                      interventions=interventions)

    # too short? judged before placement checks, so that short series get this message
    n_model = len(index) - ar
    probe = build_design(spec, index, values, ex, expo, check=False) if n_model > 0 else None
    k = len(probe.names) if probe is not None else 0
    if probe is not None and len(set(probe.names)) < k:
        dup = sorted({n for n in probe.names if probe.names.count(n) > 1})
        raise ModelError(f"term name(s) {dup} are used twice; rename the intervention or exogenous column")
    if n_model < MIN_OBS or n_model - k < MIN_RESIDUAL_DF:
        raise ModelError(
            f"series too short to model: {n_model} modelled observation(s) for {k} parameter(s); a count "
            f"model needs at least {MIN_OBS} observations and {MIN_RESIDUAL_DF} more than its parameters. "
            f"Describe such a series (counts per period) instead of modelling it")
    design = build_design(spec, index, values, ex, expo, min_side=min_side, check=True)
    if np.all(design.y == 0):
        raise ModelError("every modelled count is zero; there is nothing to model")
    check_rank(design)

    prob = Problem(design.y, design.X, design.enc.seg_weight, design.enc.seg_active, design.offset)
    names = design.names
    try:
        pois = fit_problem(prob, "poisson")
        out = pois if family == "poisson" else fit_problem(prob, "negbin", start=pois.params)
    except NotIdentified as exc:
        raise ModelError(
            f"the effect {names[exc.position]!r} is not identified: its estimate runs off to infinity (for "
            f"example, all counts are zero on one side of an intervention, or in a pulse period); shorten the "
            f"series to its coverage or drop the term") from None
    if not out.converged:
        warnings.append("the fit did not converge; estimates may be unreliable")
    if out.theta_at_bound:
        notes.append("theta reached its upper bound: no overdispersion beyond Poisson was found")
    estimated = [n for n, iv in interventions.items() if iv.estimated]
    if estimated:
        warnings.append(
            f"the dates of {', '.join(estimated)} were estimated from the same data (change points); "
            f"their effects' intervals are too narrow and p-values too small")
    if not design.enc.is_linear:
        notes.append("steps starting inside a period act on the share of the period they cover "
                     "(mu * ((1 - f) + f * exp(gamma))); the model is non-linear in those effects")

    mu = out.mu
    var = mu if out.theta is None else mu + mu ** 2 / out.theta
    pearson = (design.y - mu) / np.sqrt(var)
    lags = default_lags(len(mu), ppy)
    diagnostics = {"overdispersion": cameron_trivedi(design.y, pois.mu)}
    if family == "negbin":
        diagnostics["overdispersion_lr"] = overdispersion_lr(pois.llf, out.llf)
    diagnostics["ljung_box"] = ljung_box(pearson, lags, model_df=ar)

    from .. import __version__

    meta: dict[str, Any] = {
        "package_version": __version__,
        "input_sha256": _input_hash(y, ex, expo),
        "options": {
            "family": family, "trend": trend, "seasonality": seasonality,
            "fourier_order": int(fourier_order) if seasonality == "fourier" else None,
            "interventions": {n: iv.describe() for n, iv in interventions.items()},
            "exog": list(spec.exog_names), "exposure": exposure is not None, "ar": int(ar),
            "min_side": min_side,
        },
        "frequency": "monthly" if ppy == 12 else "annual",
        "first_period": str(design.index[0]),
        "last_period": str(design.index[-1]),
        "iterations": out.iterations,
        "se_theta": out.se_theta,
        "se_log_theta_adjusted": out.se_log_theta_adj,
        "notes": notes,
        "warnings": warnings,
    }
    return CountModelResult(
        family=family,
        params=pd.Series(out.params, index=names, name="coef"),
        cov_params=pd.DataFrame(out.cov, index=names, columns=names),
        theta=out.theta,
        llf=out.llf,
        nobs=len(design.y),
        y=y.astype(float).copy(),
        fitted=pd.Series(mu, index=design.index, name="fitted"),
        diagnostics=diagnostics,
        meta=meta,
        converged=out.converged,
        theta_adjusted=out.theta_adj,
        cov_params_adjusted=pd.DataFrame(out.cov_adj, index=names, columns=names),
        spec=spec,
        exog=ex,
        exposure=pd.Series(expo, index=index) if expo is not None else None,
    )
