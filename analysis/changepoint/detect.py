"""The main entry point: :func:`detect_changepoints`, and the rules of its defaults."""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import AnalysisWarning, ModelError
from . import diagnostics as dg
from . import search as _search
from ._input import Prepared, prepare, season_codes
from .costs import Cost, FittedCost, NegBinCost, NormalMeanCost, SeasonalCost, get_cost
from .penalties import penalty_value
from .pulses import pulse_penalty
from .results import ChangePointResult

__all__ = ["detect_changepoints", "fit_cost", "resolve_cost", "SHORT_EDGE", "SEASONALITY_ALPHA",
           "WARN_ALPHA"]

METHODS = ("pelt", "binseg", "dp")

#: A first or last segment of at most this many periods is an *edge regime* only when its
#: evidence pays for two changes, like a short segment anywhere else.
SHORT_EDGE = 3
#: Level of the residual-seasonality F test that switches the seasonal cost on.
SEASONALITY_ALPHA = 0.01
#: Level of the Ljung–Box test of the final residuals below which a warning is issued.
WARN_ALPHA = 0.01
#: Seasons (years) needed before seasonality is looked for.
MIN_CYCLES = 3
#: Periods (not pulses) needed before the residual dependence is tested.
MIN_DIAGNOSTIC_N = 24


def _version() -> str:
    """Package version (kept for modules that still build their own meta)."""
    from ..results import package_version

    return package_version()


#: Largest total of a count series whose running sums double precision holds exactly (2**53).
EXACT_TOTAL = float(2 ** 53)


def _is_counts(values: np.ndarray) -> bool:
    return bool(np.all(values >= 0) and np.all(values == np.floor(values)))


def _beyond_exact(values: np.ndarray) -> bool:
    """Whole numbers whose total is past :data:`EXACT_TOTAL` (money amounts, populations read as counts)."""
    return bool(float(np.sum(values)) >= EXACT_TOTAL)


def resolve_cost(cost: str | Cost, values: np.ndarray) -> Cost:
    """The cost a name stands for; ``"auto"`` by kind of data.

    Integer counts (non-negative whole numbers) get :class:`NegBinCost` with a shared
    size; anything else :class:`NormalMeanCost` with the iterated noise scale. Whole
    numbers whose total reaches :data:`EXACT_TOTAL` are treated as continuous: the count
    costs work on running sums of the counts, which double precision no longer holds
    exactly there, and their segment costs lose every digit that tells segmentations apart.
    """
    if isinstance(cost, str) and cost == "auto":
        return NegBinCost() if _is_counts(values) and not _beyond_exact(values) else NormalMeanCost()
    return get_cost(cost)


def _scale_warning(cost: str | Cost, c: Cost, values: np.ndarray) -> str | None:
    """The warning for whole numbers too large for the count costs (see :func:`resolve_cost`)."""
    if not (_is_counts(values) and _beyond_exact(values)):
        return None
    total = f"{float(np.sum(values)):.3g}"
    if isinstance(cost, str) and cost == "auto":
        return (f"the values are whole numbers, but their total ({total}) is beyond 2^53, where the count costs' "
                "running sums are no longer exact: they were treated as continuous (normal_mean); pass "
                "cost='normal_mean' to say so, or rescale them to counts")
    if c.name in ("poisson", "negbin"):
        return (f"the total of the counts ({total}) is beyond 2^53: the {c.name} cost's running sums are not "
                "exact there and the search can miss breaks; rescale the series or use cost='normal_mean'")
    return None


def _check_min_size(cost: Cost, min_size: int | None) -> int:
    floor = int(getattr(cost, "min_size_floor", 1))
    if min_size is None:
        return max(2, floor)
    if int(min_size) != min_size or min_size < 1:
        raise ModelError("min_size must be a positive integer")
    min_size = int(min_size)
    if min_size < floor:
        raise ModelError(f"cost {cost.name!r} needs min_size >= {floor} (leave min_size unset for its default)")
    return min_size


@dataclass
class _Search:
    """Everything a search needs besides the fitted cost."""

    method: str
    pen: float
    n_breaks: int | None
    min_size: int
    pruning: str
    mbic: bool
    edge: int = SHORT_EDGE

    def run(self, fc: FittedCost) -> _search.SearchOutput:
        if self.method == "binseg":
            return _search.binary_segmentation(fc, self.pen, self.min_size, n_breaks=self.n_breaks)
        if self.n_breaks is not None:
            return _search.optimal_partition(fc, self.n_breaks, self.min_size, pruning=self.pruning)
        return _search.pelt(fc, self.pen, self.min_size, pruning=self.pruning, mbic=1.0 if self.mbic else 0.0,
                            edge=self.edge, edge_pen=self.pen)


def fit_cost(cost: Cost, values: np.ndarray, search: _Search, *, pulses: bool, cap: float,
             fit_kw: dict[str, Any] | None = None) -> tuple[FittedCost, _search.SearchOutput, dict[str, Any]]:
    """Fit ``cost``, search, and alternate with the cost's re-estimation until the breaks repeat.

    Costs that estimate something from the whole series given a segmentation (the NB
    size, the noise scale, a seasonal profile) are refitted after every search; the loop
    stops when a segmentation and its set of pulses repeat (at most ``max_iter`` rounds of
    the cost), or when the re-estimate gives the very same per-period losses as the cost
    just searched (the search would repeat itself). The estimate is then the one refitted
    to that segmentation.
    """
    fit_kw = dict(fit_kw or {})
    fc = cost.fit(values, pulses=pulses, cap=cap, **fit_kw)
    out = search.run(fc)

    def state(f, o):
        inl = f.inliers(o.positions) if f.pulses else None
        return o.positions, (None if inl is None else tuple(np.flatnonzero(~inl)))

    seen = [state(fc, out)]
    path: list[dict[str, Any]] = []
    max_iter = int(getattr(cost, "max_iter", 10))
    for _ in range(max_iter):
        inl = fc.inliers(out.positions) if fc.pulses else np.ones(fc.n, dtype=bool)
        new = cost.refit(fc, out.positions, inl)
        if new is None:
            break
        path.append({k: v for k, v in fc.info.items() if k in ("size", "scale")})
        same = _same_losses(fc, new)
        fc = new
        if same:
            break
        out = search.run(fc)
        st = state(fc, out)
        if st in seen:
            break
        seen.append(st)
    info: dict[str, Any] = {"refits": len(path)}
    if path:
        info["estimate_path"] = path
    return fc, out, info


def _same_losses(f: FittedCost, g: FittedCost) -> bool:
    """Whether two fitted costs give every period the same loss (so any search gives the same answer)."""
    names = ("a", "b", "c", "lo", "hi") if f.functional else ("S", "par")
    for nm in names:
        u = getattr(f, nm, None)
        v = getattr(g, nm, None)
        if u is None or v is None or not np.array_equal(u, v):
            return False
    return f.cap == g.cap or (math.isnan(f.cap) and math.isnan(g.cap))


def _diagnose(fc: FittedCost, positions: tuple[int, ...], season, period) -> dict[str, Any]:
    inl = fc.inliers(positions)
    resid = fc.pearson_residuals(positions)
    lags = dg.default_lags(int(inl.sum()), period)
    out: dict[str, Any] = {"lags": lags, "inlier": inl, "resid": resid, "ljung_box": None, "lrv_ratio": 1.0}
    if int(inl.sum()) >= MIN_DIAGNOSTIC_N:
        acf = dg.residual_acf(resid, positions, inl, lags)
        out["ljung_box"] = dg.ljung_box(resid, positions, inl, lags, acf=acf)
        out["lrv_ratio"] = dg.long_run_variance_ratio(resid, positions, inl, lags, acf=acf)
    if season is not None and fc.n >= MIN_CYCLES * period:
        out["seasonality"] = dg.seasonality_test(resid, inl, season, period)
    return out


def _change_penalty(positions: tuple[int, ...], n: int, pen: float, mbic: bool, edge: int) -> float:
    """Unscaled penalty of a segmentation: ``pen`` per change and per short edge segment, MBIC log-lengths."""
    b = [0, *positions, n]
    lengths = np.diff(b)
    total = pen * len(positions)
    if mbic:
        total += float(np.sum(np.log(lengths)))
    if len(positions) and edge > 0:
        total += pen * (int(lengths[0] <= edge) + int(lengths[-1] <= edge))
    return float(total)


def _averaged_ratio(fc: FittedCost, positions: tuple[int, ...], diag: dict[str, Any], pen0: float,
                    mbic: bool, edge: int = SHORT_EDGE) -> float:
    """Long-run variance ratio of a segmentation, averaged with the one of "no change".

    Parameters
    ----------
    fc : FittedCost
        The cost fitted to the segmentation ``positions``.
    positions : tuple of int
        The breaks found (first period of each new regime).
    diag : dict
        :func:`_diagnose` of that segmentation (its ``lrv_ratio``, ``lags``, ``ljung_box``).
    pen0, mbic, edge
        The penalty per change before any inflation, whether MBIC log-length terms apply,
        and the longest edge segment that pays an extra change penalty (0: none), as in
        the search that found ``positions``.

    Returns
    -------
    float
        ``w0 * ratio_0 + (1 - w0) * ratio_S``: ``ratio_S`` estimated from the segment
        residuals, ``ratio_0`` from the residuals of the one-segment fit, ``w0`` the
        approximate posterior probability of "no change" against the segmentation. With no
        breaks (or too few periods to test) it is ``ratio_S``.

    Notes
    -----
    The ratio is a nuisance parameter whose estimate depends on which model holds. When
    the breaks are real, the segment residuals estimate it and the one-segment residuals
    overstate it (a level shift looks like persistent dependence). When there is no
    change, the one-segment residuals estimate it and the segment residuals understate
    it: the search put the breaks where a persistent latent level happened to wander, so
    they absorb the dependence beyond what centring on fixed segment means takes off
    (which :func:`~analysis.changepoint.diagnostics.long_run_variance_ratio` corrects).
    On a latent AR(1) with ``phi = 0.8`` at ``n = 120`` (true ratio 3.9) the segment
    estimate on the series with spurious breaks has median 1.3, the one-segment
    estimate 4.9. Conditioning on the found segmentation ignores that uncertainty; the
    two estimates are therefore averaged over the two models (Bayesian model averaging,
    Hoeting, Madigan, Raftery & Volinsky 1999), with the weights
    ``1 / (1 + exp(delta / 2))`` and ``delta`` the difference of the penalised
    criteria (cost plus uninflated penalty, MBIC log-lengths and edge prices included) of
    "no change" and of the segmentation.

    Assumptions: the cost is a deviance (twice a negative log-likelihood), so that half a
    difference of penalised criteria approximates a log Bayes factor (Schwarz 1978; Kass
    & Raftery 1995; for MBIC Zhang & Siegmund 2007); the two models have equal prior
    probability. The criteria are those of the working-independence likelihood, not
    divided by the ratio being estimated: weights that depended on the estimate would
    feed on it (a larger factor weakens the breaks, which raises the weight of the
    one-segment estimate, which raises the factor) and the estimate would be defined
    only as one of several fixed points. Breaks favoured by a wide margin (``delta``
    above about 10) leave the segment estimate unchanged.

    References
    ----------
    Schwarz (1978), Ann. Stat. 6, 461–464. Kass & Raftery (1995), JASA 90, 773–795.
    Hoeting, Madigan, Raftery & Volinsky (1999), Stat. Sci. 14, 382–417.
    Zhang & Siegmund (2007), Biometrics 63, 22–32.
    """
    seg_ratio = float(diag["lrv_ratio"])
    if not positions or diag["ljung_box"] is None:
        return seg_ratio
    inl0 = fc.inliers(())
    null_ratio = dg.long_run_variance_ratio(fc.pearson_residuals(()), (), inl0, int(diag["lags"]))
    n = fc.n
    gain = fc.total_cost(()) - fc.total_cost(positions)
    delta = gain - (_change_penalty(positions, n, pen0, mbic, edge) - _change_penalty((), n, pen0, mbic, edge))
    w_null = 0.5 * (1.0 - math.tanh(delta / 4.0))  # 1 / (1 + exp(delta / 2)), overflow-free
    return float(w_null * null_ratio + (1.0 - w_null) * seg_ratio)


def detect_changepoints(
    y: pd.Series | np.ndarray,
    *,
    cost: str | Cost = "auto",
    method: str = "pelt",
    penalty: str | float = "mbic",
    n_breaks: int | None = None,
    min_size: int | None = None,
    pulses: bool | str = "auto",
    seasonal: bool | str = "auto",
    dependence: bool | str = "auto",
    missing: str = "raise",
    pruning: str = "auto",
) -> ChangePointResult:
    """Find the changes of level in a count or continuous series.

    The model of a series is a piecewise-constant level plus occasional one-period
    pulses (a one-month mass listing is a pulse, not a change of pace), searched
    exactly, with the cost, seasonality and dependence chosen from the data unless
    given.

    Parameters
    ----------
    y : Series or 1-D array
        The series, ideally a Series with a monthly, quarterly or annual ``PeriodIndex``.
    cost : str or Cost, default "auto"
        ``"auto"``: integer counts get ``negbin`` (negative binomial with one size shared
        by all segments, re-estimated with the segmentation); other values get
        ``normal_mean`` (Gaussian with the noise scale re-estimated from the
        within-segment residuals). Whole numbers whose total reaches 2^53 (money amounts,
        populations) are treated as continuous, with a warning (see :func:`resolve_cost`).
        Or ``"poisson"``, ``"negbin"``, ``"normal_mean"``,
        ``"normal_meanvar"``, or a cost instance with options (e.g.
        ``NegBinCost(dispersion="segment")``, ``SeasonalCost()``).
    method : {"pelt", "binseg", "dp"}, default "pelt"
        ``pelt``: exact penalised search (functional pruning for one-parameter costs,
        inequality pruning otherwise). ``binseg``: greedy binary segmentation
        (approximate). ``dp``: exact search with exactly ``n_breaks`` breaks (also used by
        ``pelt`` when ``n_breaks`` is given).
    penalty : {"mbic", "mbic_constant", "bic", "aic"} or float, default "mbic"
        Penalty per change (see :mod:`analysis.changepoint.penalties`); ``"mbic"`` is R
        changepoint's modified BIC including its ``sum log(segment length)`` term.
        Ignored when ``n_breaks`` is given.
    n_breaks : int, optional
        Force exactly this many breaks (exact segment-neighbourhood search; binary
        segmentation makes this many greedy splits).
    min_size : int, optional
        Minimum number of periods per segment. Default 2 (3 for ``normal_meanvar`` and for
        per-segment NB sizes, whose variances need three points).
    pulses : bool or "auto", default "auto"
        Model one-period pulses: each period's loss is bounded at the pulse penalty
        ``3 log n`` above its best value (:mod:`analysis.changepoint.pulses`), so a period
        far from its regime is a pulse and costs that penalty instead of moving the
        level or adding breaks. ``"auto"``: on for every cost that supports it (the
        one-parameter costs).
    seasonal : bool or "auto", default "auto"
        Use a shared month-of-year (or quarter) profile, estimated jointly with the
        segmentation (:class:`~analysis.changepoint.costs.SeasonalCost`). ``"auto"``: on
        for count costs when the series has a monthly or quarterly ``PeriodIndex``
        covering at least three years and the residual-seasonality F test of the fit
        without it has p < 0.01.
    dependence : bool or "auto", default "auto"
        Make the criterion robust to autocorrelation: every change-related penalty
        (per change, log-length terms, edge price) is multiplied by the estimated
        long-run variance ratio of the segment residuals
        (:func:`~analysis.changepoint.diagnostics.long_run_variance_ratio`), averaged
        with the ratio of the one-segment fit's residuals by the approximate posterior
        probability of "no change" (breaks found first absorb persistent dependence and
        bias the segment estimate down), re-estimated after each search (the largest
        estimate is kept) until it stops rising. ``"auto"`` (and ``True``): applied whenever that estimate exceeds 1,
        i.e. whenever the residuals show positive autocorrelation; on series whose
        residuals show none it is 1 and changes nothing. ``False``: never (the
        diagnostics are still reported).
    missing : {"raise", "drop-edges"}, default "raise"
        Missing values raise :class:`~analysis.errors.ModelError`; ``"drop-edges"`` drops
        leading and trailing missing periods (outside coverage) and still refuses gaps.
    pruning : {"auto", "functional", "inequality"}, default "auto"
        Pruning of the exact search; results are the same, only speed differs
        (inequality pruning needs ``pulses=False``).

    Returns
    -------
    ChangePointResult
        ``positions`` are 0-based positions of the **first observation of each new
        regime** in the analysed series (with ``missing="drop-edges"`` that is the series
        after the leading missing periods were dropped; ``meta["dropped_head"]`` gives the
        offset); ``breaks`` the same as periods; ``pulses`` the one-period pulses;
        ``diagnostics`` the residual tests and what they switched on. Break-date
        intervals are computed on demand by :meth:`ChangePointResult.conf_int`.

    Raises
    ------
    ModelError
        Missing values, a gapped, duplicated or unordered index (naming the first
        offending period), negative or fractional counts for a count cost, a series too
        short for ``min_size``, unknown options.

    Warns
    -----
    AnalysisWarning
        When the segment residuals are still autocorrelated (Ljung–Box p < 0.01) after
        the search, saying what was adjusted; when the fit has many breaks whose levels
        move in one direction (a trend or a random walk that a level-shift model does
        not describe).

    Notes
    -----
    The rules of the defaults, in order:

    1. *Cost by kind of data* (see ``cost``).
    2. *Pulses*: the bounded loss ``min(dev_t(level), 3 log n)``, the robust loss of
       robust FPOP (Fearnhead & Rigaill 2019) with CAPA's point penalty (Fisch, Eckley &
       Fearnhead 2022). Searched exactly by functional pruning with interval splitting.
    3. *Short edge segments*: a first or last segment of at most
       :data:`SHORT_EDGE` periods pays one more change penalty, the price of a short
       segment bounded by two breaks; so a burst at either end is a regime only with the
       evidence a burst needs in the middle, and a single extreme end month is a pulse.
    4. *Seasonality* (see ``seasonal``), then *dependence* (see ``dependence``). The
       inflation factor is the long-run variance ratio: under dependence the
       likelihood-ratio statistic of a change of level is inflated by that ratio, so
       dividing the evidence by it restores the calibration of the penalty. The ratio
       is estimated after each search and only ever raised, because spurious breaks
       absorb dependence and make the next estimate smaller; for the same reason each
       estimate is a model average of the segment residuals' and the one-segment
       residuals' estimates, weighted by the approximate posterior probabilities
       (working-independence MBIC) of the segmentation and of "no change".

    Assumptions: within a regime the counts are NB (or Poisson, or Gaussian) around one
    level, times the seasonal profile when there is one; a pulse changes one period
    only; residual dependence is short-range (its effect is a scaling of the evidence).
    The exact searches return a global minimiser of the criterion; when several
    segmentations are exactly equally good one of them is returned, the same on every
    run.

    References
    ----------
    Killick, Fearnhead & Eckley (2012), JASA 107, 1590–1598 (PELT).
    Maidstone, Hocking, Rigaill & Fearnhead (2017), Stat. Comput. 27, 519–533 (FPOP).
    Fearnhead & Rigaill (2019), JASA 114, 169–183 (robust FPOP, bounded losses).
    Fisch, Eckley & Fearnhead (2022), Stat. Anal. Data Min. 15, 494–508 (point penalty).
    Zhang & Siegmund (2007), Biometrics 63, 22–32 (MBIC).

    Examples
    --------
    >>> import pandas as pd
    >>> y = pd.Series([1, 0, 2, 1, 1, 6, 7, 5, 8, 6],
    ...               index=pd.period_range("2020-01", periods=10, freq="M"))
    >>> detect_changepoints(y, penalty="bic").breaks
    (Period('2020-06', 'M'),)
    """
    if method not in METHODS:
        raise ModelError(f"method must be one of {METHODS}, not {method!r}")
    if method == "dp" and n_breaks is None:
        raise ModelError("method='dp' needs n_breaks")
    if n_breaks is not None and (int(n_breaks) != n_breaks or n_breaks < 0):
        raise ModelError("n_breaks must be a non-negative integer")
    if pruning not in ("auto", "functional", "inequality"):
        raise ModelError("pruning must be 'auto', 'functional' or 'inequality'")
    for nm, v in (("pulses", pulses), ("seasonal", seasonal), ("dependence", dependence)):
        if not (isinstance(v, bool) or v == "auto"):
            raise ModelError(f"{nm} must be True, False or 'auto', not {v!r}")
    prep: Prepared = prepare(y, missing=missing)
    values = prep.values
    n = values.size
    c = resolve_cost(cost, values)
    scale_msg = _scale_warning(cost, c, values)
    min_size = _check_min_size(c, min_size)
    use_pulses = bool(c.supports_pulses) if pulses == "auto" else bool(pulses)
    if use_pulses and not c.supports_pulses:
        raise ModelError(f"cost {c.name!r} does not support pulses (pass pulses=False)")
    if use_pulses and pruning == "inequality":
        raise ModelError("pulses are searched by functional pruning only (pass pulses=False for inequality pruning)")
    cap = pulse_penalty(n) if use_pulses else math.inf
    season, period = season_codes(prep.index)
    pen_name = penalty.lower() if isinstance(penalty, str) else "manual"
    if n_breaks is None:
        pen0 = penalty_value(penalty, n=n, n_params=c.n_params)
    else:
        pen0 = math.nan
        pen_name = "none"
    mbic = pen_name == "mbic"
    search = _Search(method, 0.0 if n_breaks is not None else pen0, None if n_breaks is None else int(n_breaks),
                     min_size, pruning, mbic and n_breaks is None)
    fit_kw: dict[str, Any] = {}
    if isinstance(c, SeasonalCost):
        if season is None:
            raise ModelError("the seasonal cost needs a monthly or quarterly PeriodIndex")
        fit_kw = {"season": season, "period": period}
    fc, out, info = fit_cost(c, values, search, pulses=use_pulses, cap=cap, fit_kw=fit_kw)
    diag = _diagnose(fc, out.positions, season, period)
    decisions: dict[str, Any] = {"seasonal": isinstance(c, SeasonalCost), "dependence_factor": 1.0}
    notes: list[str] = []

    # -- seasonality ----------------------------------------------------------------
    can_season = (c.data == "counts" and not isinstance(c, SeasonalCost) and season is not None
                  and n >= MIN_CYCLES * (period or 1) and getattr(c, "dispersion", None) != "segment")
    want = False
    if seasonal is True:
        if not (can_season or isinstance(c, SeasonalCost)):
            raise ModelError("seasonal=True needs a count cost and a monthly or quarterly PeriodIndex covering "
                             f"at least {MIN_CYCLES} years")
        want = not isinstance(c, SeasonalCost)
    elif seasonal == "auto" and can_season:
        st = diag.get("seasonality")
        want = st is not None and st.pvalue < SEASONALITY_ALPHA
        if want:
            notes.append(f"residual seasonality (F = {st.stat:.2f}, p = {st.pvalue:.2g}): seasonal profile used")
    if want:
        diag["seasonality_before"] = diag.get("seasonality")
        c = SeasonalCost(base=c)
        fit_kw = {"season": season, "period": period}
        fc, out, info = fit_cost(c, values, search, pulses=use_pulses, cap=cap, fit_kw=fit_kw)
        diag = {**_diagnose(fc, out.positions, season, period), "seasonality_before": diag.get("seasonality")}
        decisions["seasonal"] = True

    # -- dependence -----------------------------------------------------------------
    lb = diag["ljung_box"]
    apply_dep = n_breaks is None and lb is not None and dependence is not False
    if apply_dep:
        diag["ljung_box_before"] = lb
        factor = 1.0
        for _ in range(10):
            binseg = method == "binseg"  # binary segmentation adds neither log-lengths nor edge prices
            new_factor = max(factor, _averaged_ratio(fc, out.positions, diag, pen0, mbic and not binseg,
                                                     0 if binseg else SHORT_EDGE))
            if new_factor <= factor * (1 + 1e-6):
                break
            factor = new_factor
            search.pen = pen0 * factor
            fc, out, info = fit_cost(c, values, _Scaled(search, factor), pulses=use_pulses, cap=cap, fit_kw=fit_kw)
            diag = {**_diagnose(fc, out.positions, season, period),
                    **{k: v for k, v in diag.items() if k.endswith("_before")}}
        decisions["dependence_factor"] = factor
        if factor > 1.0:
            notes.append(f"change penalties multiplied by the estimated long-run variance ratio {factor:.2f} of the "
                         f"segment residuals (Ljung-Box before: Q = {lb.stat:.1f}, p = {lb.pvalue:.2g})")
    lb_final = diag["ljung_box"]
    warn_msgs: list[str] = [scale_msg] if scale_msg else []
    if lb_final is not None and lb_final.pvalue < WARN_ALPHA:
        what = (f"the change penalties were multiplied by {decisions['dependence_factor']:.2f} (long-run variance "
                "ratio), so the breaks are conservative; " if decisions["dependence_factor"] > 1 else "")
        warn_msgs.append(f"segment residuals are autocorrelated (Ljung-Box Q = {lb_final.stat:.1f} on "
                         f"{diag['lags']} lags, p = {lb_final.pvalue:.2g}): {what}break-date intervals assume "
                         "independence and are too narrow")
    trend = _monotone_staircase(fc, out.positions)
    if trend:
        warn_msgs.append(trend)
    for msg in warn_msgs:
        warnings.warn(msg, AnalysisWarning, stacklevel=2)

    positions = tuple(int(p) for p in out.positions)
    diagnostics = {
        "ljung_box": lb_final,
        "ljung_box_before": diag.get("ljung_box_before"),
        "lrv_ratio": float(diag["lrv_ratio"]),
        "seasonality": diag.get("seasonality"),
        "seasonality_before": diag.get("seasonality_before"),
        "seasonal": bool(decisions["seasonal"]),
        "dependence_factor": float(decisions["dependence_factor"]),
        "notes": notes,
        "warnings": warn_msgs,
    }
    options = {"cost": cost if isinstance(cost, str) else c.name, "cost_used": c.name, **c.options(),
               "method": method, "penalty": penalty if n_breaks is None else None, "n_breaks": n_breaks,
               "min_size": min_size, "pulses": pulses, "seasonal": seasonal, "dependence": dependence,
               "missing": missing, "pruning": pruning}
    extra: dict[str, Any] = {
        "n": n, "dropped_head": prep.dropped_head, "dropped_tail": prep.dropped_tail,
        "pruning_used": out.pruning, "max_candidates": out.max_candidates, "max_pieces": out.max_pieces,
        "pulse_penalty": cap if use_pulses else None,
        **{k: v for k, v in fc.info.items() if k != "profile"},
        **info,
    }
    if "profile" in fc.info:
        extra["seasonal_profile"] = fc.info["profile"]
    if prep.name is not None:
        extra["series"] = prep.name
    pen_used = float(search.pen) if n_breaks is None else math.nan
    return ChangePointResult.build(
        positions=positions, cost=c.name, method=method, penalty=pen_name, penalty_value=pen_used,
        total_cost=float(out.cost), objective=float(out.objective), n_breaks_forced=None if n_breaks is None
        else int(n_breaks), min_size=min_size, values=values, index=prep.index, fitted_cost=fc,
        diagnostics=diagnostics, options=options, input_sha256=prep.sha256, extra=extra)


@dataclass
class _Scaled:
    """A search whose log-length (MBIC) terms are weighted like its inflated penalty."""

    base: _Search
    factor: float

    def run(self, fc: FittedCost) -> _search.SearchOutput:
        b = self.base
        if b.method == "binseg":
            return _search.binary_segmentation(fc, b.pen, b.min_size, n_breaks=b.n_breaks)
        return _search.pelt(fc, b.pen, b.min_size, pruning=b.pruning, mbic=self.factor if b.mbic else 0.0,
                            edge=b.edge, edge_pen=b.pen)


def _monotone_staircase(fc: FittedCost, positions: tuple[int, ...]) -> str:
    """A warning when many breaks step the level in one direction (trend or random walk)."""
    k = len(positions)
    if k < 5:
        return ""
    b = [0, *positions, fc.n]
    lv = np.array([fc.segment_params(b[i], b[i + 1])["mean"] for i in range(len(b) - 1)])
    d = np.sign(np.diff(lv))
    runs = max(int(np.sum(d > 0)), int(np.sum(d < 0)))
    if runs >= 0.8 * k:
        return (f"{k} breaks, {runs} of them stepping the level the same way: the series trends or wanders, "
                "which a model of level shifts does not describe; the breaks approximate a smooth path")
    return ""
