"""Nowcasting the months still filling in, from the distribution of publication delays.

At a snapshot date *s*, an entry decided on day *d* ≤ *s* is shown only if its delay
(decision → first release showing it) is at most *s − d* days. With *F* the distribution
function of the delay, the share of a month's entries already visible at *s* is the
average of *F(s − d)* over its days; the months just before *s* are incomplete where
that share is below one. This is the reporting-delay nowcast of epidemiology (counts by
event date, corrected for the delay until they are reported).

Model, for one target month *m* with observed count *O* at *s* over *D* days seen, and
visible share *P*:

* entries of *m* arrive at a daily rate *r*; the eventual count *N* (up to *s*) is
  Poisson(*rD*), each entry visible at *s* independently with probability *P*
  (binomial thinning), so *O* ~ Poisson(*rDP*) and the missing *N − O* ~ Poisson(*rD*(1 − *P*))
  independently of *O*;
* *r* has a Gamma(α, β) prior learnt from the registry's own past: the daily rates of
  the ``prior_months`` complete months before the nowcast window (method of moments,
  with the prior's variance never below one month's Poisson noise, so it weighs at most
  as much as one month of data; :func:`rate_prior`). The posterior is
  Gamma(α + *O*, β + *DP*), so *N − O* is negative binomial. As *P* → 0 the posterior
  falls back to the prior instead of dividing *O* by *P*: the estimate stays bounded;
* *F(k)*, the share of entries visible *k* days after their decision, is measured
  directly on the releases up to *s*: for the entries decided in a training window that
  ends ``max_delay_days`` before *s*, every release at age *k* ≤ ``max_delay_days``
  either shows the entry or not (:func:`delay_sample`); it is resampled by decision
  date (all entries of one decision day together: the ministry lists them in batches)
  to carry its uncertainty. Each resampled *F(k)* is floored at ½ / (*n_k* + 1), the
  Jeffreys value for none of the *n_k* pairs of age *k* seen, so no draw takes a
  visible share of exactly zero.

Monte Carlo draws of (*F*, *r*, *N − O*) give the predictive distribution of *N*; the
interval is its equal-tailed ``level`` interval. A month whose visible share is below
``min_visible_share`` (default :data:`MIN_VISIBLE_SHARE`) is reported as ``too early``
with no estimate: most of its count would be the prior, not the data. With
``complete_month=True`` the days of the running month after *s* are added as
Poisson(*r f*) for *f* days still to come (a forecast, not a nowcast; off by default).

For releases dated by a parse date, an entry shown in the ministry's release but not yet
parsed counts as not visible: that is the right notion for nowcasting that series.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..results import Result, jsonable, result_meta
from .history import History

__all__ = ["DelaySample", "RatePrior", "delay_sample", "rate_prior", "nowcast_counts", "nowcast_monthly",
           "backtest_nowcast", "NowcastResult", "BacktestResult", "MIN_VISIBLE_SHARE", "STATUS_ESTIMATED",
           "STATUS_TOO_EARLY"]

#: Longest delay (days) the nowcast accounts for; longer ones count as never seen.
MAX_DELAY_DAYS = 60
#: Length (days) of the window of decisions from which the delay distribution is learnt.
TRAIN_DAYS = 365
#: Below this visible share a month is "too early to estimate": more than half of its
#: eventual count would come from the prior rather than from entries seen.
MIN_VISIBLE_SHARE = 0.5
#: Complete months before the nowcast window from which the prior of the daily rate is learnt.
PRIOR_MONTHS = 12
STATUS_ESTIMATED = "estimated"
STATUS_TOO_EARLY = "too early to estimate"


@dataclass(frozen=True)
class DelaySample:
    """Visibility of entries by age: for each (entry, release) pair with the entry decided
    ``age`` days before the release, whether the release shows it.

    Attributes
    ----------
    ages, visible : ndarray
        One element per pair (ages 0 … ``max_delay_days``).
    cluster : ndarray
        Index of the entry's decision day (the resampling unit), per pair.
    n_clusters, n_entries : int
    max_delay_days : int
    window : (Timestamp, Timestamp)
        Decision dates learnt from: ``(start, end]``.
    """

    ages: np.ndarray
    visible: np.ndarray
    cluster: np.ndarray
    n_clusters: int
    n_entries: int
    max_delay_days: int
    window: tuple[pd.Timestamp, pd.Timestamp]

    def cdf(self, cluster_weights: np.ndarray | None = None) -> np.ndarray:
        """F(k) = P(visible at age k), k = 0 … max_delay_days, non-decreasing.

        The shares of the ages with pairs are made non-decreasing (an entry once shown
        stays shown) by weighted isotonic regression (pool-adjacent-violators, weights the
        pair counts), not by a running maximum, which would carry every upward fluctuation
        forward and over-state visibility. Ages without any pair take the value of the
        nearest younger age with pairs (1 when there is none: nothing known to be missing).
        """
        k = self.max_delay_days + 1
        w = np.ones(len(self.ages)) if cluster_weights is None else cluster_weights[self.cluster]
        num = np.bincount(self.ages, weights=w * self.visible, minlength=k)
        den = np.bincount(self.ages, weights=w, minlength=k)
        f = np.full(k, np.nan)
        ok = den > 0
        f[ok] = _isotonic(num[ok] / den[ok], den[ok])
        last = 1.0
        for i in range(k):
            if np.isnan(f[i]):
                f[i] = last
            last = f[i]
        return np.maximum.accumulate(f)

    def floor(self) -> np.ndarray:
        """Smallest visible share allowed at each age: ½ / (n_k + 1) for n_k pairs of age k.

        The Jeffreys (Beta(½, ½)) posterior mean of a share with none of n_k seen; ages
        without pairs get ½. It keeps every resampled curve away from zero, where the
        ratio O / P has no bound.
        """
        den = np.bincount(self.ages, minlength=self.max_delay_days + 1).astype(float)
        return 0.5 / (den + 1.0)


@dataclass(frozen=True)
class RatePrior:
    """Gamma(shape, rate) prior of the daily rate of entries, learnt from past months.

    Attributes
    ----------
    shape, rate : float
        α and β (rate in days: the prior weighs as much as β days of data).
    months : tuple of str
        The complete months it was learnt from (empty: the vague Gamma(½, 0) fallback).
    """

    shape: float
    rate: float
    months: tuple[str, ...]


def rate_prior(events: pd.DataFrame, *, before: pd.Period, n_months: int = PRIOR_MONTHS,
               date_column: str = "included_on") -> RatePrior:
    """Gamma prior of the daily rate from the ``n_months`` months before ``before``.

    Notes
    -----
    Those months are taken as complete (they end at least ``n_months − 1`` nowcast
    months before the snapshot, beyond most delays). With daily rates *r_j = c_j / D_j*,
    mean μ = Σc / ΣD and variance *v* = max(var(*r_j*) − μ · mean(1/*D_j*), μ / mean(*D*))
    (the between-month variance beyond Poisson noise, floored at one month's Poisson
    noise), α = μ² / *v* and β = μ / *v* ≤ mean(*D*): at most one month of weight.
    Fewer than two months, or no entry at all in them, give the vague Gamma(½, 0)
    (the Jeffreys-type posterior of a Poisson mean).
    """
    months = pd.period_range(before - n_months, before - 1, freq="M")
    d = pd.to_datetime(events[date_column]).dropna()
    per = pd.PeriodIndex(pd.DatetimeIndex(d), freq="M")
    counts = pd.Series(1, index=per).groupby(level=0).sum().reindex(months, fill_value=0)
    if len(per):
        counts = counts[counts.index >= per.min()]   # months before the first entry are not data
    if len(counts) < 2 or counts.sum() == 0:
        return RatePrior(shape=0.5, rate=0.0, months=())
    days = np.array([p.days_in_month for p in counts.index], dtype=float)
    c = counts.to_numpy(dtype=float)
    mu = c.sum() / days.sum()
    rates = c / days
    v = max(float(np.var(rates, ddof=1)) - mu * float(np.mean(1.0 / days)), mu / float(days.mean()))
    return RatePrior(shape=mu * mu / v, rate=mu / v, months=tuple(str(p) for p in counts.index))


def _isotonic(y: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted least-squares non-decreasing fit of ``y`` (pool adjacent violators)."""
    vals: list[float] = []
    wts: list[float] = []
    sizes: list[int] = []
    for yi, wi in zip(y.tolist(), w.tolist()):
        vals.append(yi)
        wts.append(wi)
        sizes.append(1)
        while len(vals) > 1 and vals[-2] > vals[-1]:
            wsum = wts[-2] + wts[-1]
            v = (vals[-2] * wts[-2] + vals[-1] * wts[-1]) / wsum
            n = sizes[-2] + sizes[-1]
            del vals[-1], wts[-1], sizes[-1]
            vals[-1], wts[-1], sizes[-1] = v, wsum, n
    return np.repeat(vals, sizes)


def delay_sample(history: History, *, snapshot_date: Any, max_delay_days: int = MAX_DELAY_DAYS,
                 train_days: int = TRAIN_DAYS) -> DelaySample:
    """Visibility by age of the entries decided in ``(s − max_delay − train_days, s − max_delay]``.

    Only releases up to the snapshot date *s* are used. For each such entry and each
    release at most ``max_delay_days`` after its decision, the pair records whether the
    release shows it. This measures the visible share at each age directly, so the gaps
    between releases do not inflate it (as the first-sighting upper bounds of
    :mod:`.lag` would). Entries not seen by *s* at all are unknown and not counted, which
    over-states visibility slightly when delays beyond ``max_delay_days`` occur.
    """
    s = pd.Timestamp(snapshot_date)
    end = s - pd.Timedelta(days=max_delay_days)
    start = end - pd.Timedelta(days=train_days)
    chain = [lv for lv in history.chain if pd.Timestamp(lv.vintage.release_date) <= s]
    obs = history.observations[history.observations["position"] < len(chain)]
    first = obs.sort_values("position", kind="stable").groupby("entry_id").head(1)
    first = first[(first["included_on"] > start) & (first["included_on"] <= end)]
    rel_dates = np.array([np.datetime64(lv.vintage.release_date, "D") for lv in chain])
    decided = first["included_on"].to_numpy(dtype="datetime64[D]")
    first_pos = first["position"].to_numpy()
    days_u, cluster_of_entry = np.unique(decided, return_inverse=True)
    ages_l, vis_l, cl_l = [], [], []
    for pos, rd in enumerate(rel_dates):
        age = (rd - decided).astype(np.int64)
        keep = (age >= 0) & (age <= max_delay_days)
        ages_l.append(age[keep])
        vis_l.append((first_pos[keep] <= pos).astype(float))
        cl_l.append(cluster_of_entry[keep])
    cat = (lambda xs, dt_: np.concatenate(xs).astype(dt_) if xs else np.array([], dtype=dt_))
    return DelaySample(ages=cat(ages_l, np.int64), visible=cat(vis_l, float), cluster=cat(cl_l, np.int64),
                       n_clusters=len(days_u), n_entries=len(first), max_delay_days=max_delay_days,
                       window=(start, end))


NOWCAST_COLUMNS = ["month", "observed", "visible_share", "estimate", "lower", "upper", "partial_month",
                   "target", "status"]


def _month_days(month: pd.Period, s: pd.Timestamp) -> tuple[np.ndarray, int]:
    """Ages (s − d, days) of the days of ``month`` up to ``s``, and the days after ``s``."""
    first, last = month.start_time.normalize(), month.end_time.normalize()
    upto = min(last, s)
    if upto < first:
        return np.array([], dtype=np.int64), int((last - first).days + 1)
    days = pd.date_range(first, upto, freq="D")
    return (s - days).days.to_numpy(dtype=np.int64), int((last - upto).days)


@dataclass(frozen=True, repr=False)
class NowcastResult(Result):
    """Nowcast of the monthly counts of the last months before a snapshot.

    ``frame`` columns: ``month, observed, visible_share, estimate, lower, upper,
    partial_month`` (the snapshot falls inside the month), ``target`` (``"to snapshot"``
    or ``"full month"``), ``status`` (``"estimated"``, or ``"too early to estimate"``
    with ``estimate``, ``lower`` and ``upper`` NA).
    """

    frame: pd.DataFrame
    snapshot_date: pd.Timestamp
    level: float
    n_delays: int
    meta: dict[str, Any]

    kind = "nowcast"

    def summary(self) -> str:
        lines = [f"Nowcast at {self.snapshot_date:%Y-%m-%d} ({self.level:.0%} intervals, "
                 f"{self.n_delays} delays learnt)"]
        for r in self.frame.itertuples(index=False):
            if r.status == STATUS_ESTIMATED:
                lines.append(f"{r.month}: observed {r.observed}, estimate {r.estimate} [{r.lower}, {r.upper}], "
                             f"visible share {r.visible_share:.3f}")
            else:
                lines.append(f"{r.month}: observed {r.observed}, {r.status} (visible share "
                             f"{r.visible_share:.3f} < {self.meta['options']['min_visible_share']})")
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        return self.frame.copy()

    def plot(self, ax: Any = None) -> Any:
        from ..plots.vintages import plot_nowcast

        # months too early to estimate keep their bar and get no interval (NaN is not drawn)
        return plot_nowcast(self.frame.astype({"estimate": float, "lower": float, "upper": float}), ax=ax)


def nowcast_counts(events: pd.DataFrame, *, snapshot_date: Any, delays: DelaySample, n_months: int = 3,
                   date_column: str = "included_on", level: float = 0.9, n_draws: int = 2000,
                   complete_month: bool = False, min_visible_share: float = MIN_VISIBLE_SHARE,
                   prior_months: int = PRIOR_MONTHS, rng: Any = None) -> NowcastResult:
    """Nowcast the counts of the last ``n_months`` months up to ``snapshot_date``.

    Parameters
    ----------
    events : DataFrame
        The event frame of the snapshot (``EventSchema``).
    snapshot_date : date-like
        Date of the snapshot *s*.
    delays : DelaySample
        From :func:`delay_sample` (learnt from releases up to *s* only).
    n_months : int, default 3
        Months nowcast: the month of *s* and the ``n_months − 1`` before it.
    date_column : str
        Date that places an entry in a month.
    level : float, default 0.9
        Coverage of the interval.
    n_draws : int, default 2000
        Monte Carlo draws.
    complete_month : bool, default False
        Also forecast the days of the running month after *s* (see the module docstring).
    min_visible_share : float, default :data:`MIN_VISIBLE_SHARE`
        A month whose visible share is below it gets ``status`` "too early to estimate"
        and no estimate or interval (NA).
    prior_months : int, default :data:`PRIOR_MONTHS`
        Months before the nowcast window that the rate prior is learnt from (:func:`rate_prior`).
    rng : seed or Generator
        Randomness of the draws (``np.random.default_rng(rng)``).

    Returns
    -------
    NowcastResult
        Its frame has one row per month, with ``status`` "estimated" or "too early to estimate".

    Notes
    -----
    The estimate is bounded: with visible share *P* the posterior mean of the missing
    count is (α + *O*)(1 − *P*) *D* / (β + *DP*), finite even as *P* → 0 when the prior
    is proper; below ``min_visible_share`` no number is reported at all.
    """
    seed = rng
    gen = np.random.default_rng(rng)
    s = pd.Timestamp(snapshot_date).normalize()
    last = pd.Period(s, freq="M")
    months = pd.period_range(last - (n_months - 1), last, freq="M")
    d = pd.to_datetime(events[date_column]).dropna()
    d = d[d <= s]
    per = pd.PeriodIndex(pd.DatetimeIndex(d), freq="M")
    observed = pd.Series(1, index=per).groupby(level=0).sum().reindex(months, fill_value=0)
    # bootstrap of the visibility curve by decision day (all entries of a day together)
    cdfs = np.empty((n_draws, delays.max_delay_days + 1))
    for b in range(n_draws):
        w = (gen.multinomial(delays.n_clusters, np.full(delays.n_clusters, 1 / delays.n_clusters)).astype(float)
             if delays.n_clusters else np.array([]))
        cdfs[b] = delays.cdf(w)
    floor = delays.floor()
    cdfs = np.maximum(cdfs, floor)
    full_cdf = np.maximum(delays.cdf(), floor)
    prior = rate_prior(events[events[date_column].notna()], before=months[0], n_months=prior_months,
                       date_column=date_column)
    a = (1 - level) / 2
    rows = []
    for m in months:
        ages, future = _month_days(m, s)
        o = int(observed.loc[m])
        if len(ages) == 0:
            continue
        ages_c = np.minimum(ages, delays.max_delay_days)
        share = float(full_cdf[ages_c].mean())
        row = {"month": str(m), "observed": o, "visible_share": round(share, 6),
               "estimate": pd.NA, "lower": pd.NA, "upper": pd.NA, "partial_month": bool(future > 0),
               "target": "full month" if (complete_month and future > 0) else "to snapshot",
               "status": STATUS_TOO_EARLY}
        if share >= min_visible_share:
            p_draw = cdfs[:, ages_c].mean(axis=1)
            seen = float(len(ages))
            rate = gen.gamma(prior.shape + o, 1.0 / (prior.rate + seen * p_draw))
            n = o + gen.poisson(rate * seen * (1.0 - p_draw))
            if complete_month and future > 0:
                n = n + gen.poisson(rate * future)
            row.update(estimate=int(np.median(n)), lower=int(np.quantile(n, a, method="inverted_cdf")),
                       upper=int(np.quantile(n, 1 - a, method="inverted_cdf")), status=STATUS_ESTIMATED)
        rows.append(row)
    frame = pd.DataFrame(rows, columns=NOWCAST_COLUMNS)
    for col in ("estimate", "lower", "upper"):
        frame[col] = frame[col].astype("Int64")
    meta = result_meta(options={"n_months": n_months, "date_column": date_column, "level": level,
                                "n_draws": n_draws, "complete_month": complete_month,
                                "max_delay_days": delays.max_delay_days,
                                "min_visible_share": min_visible_share, "prior_months": prior_months},
                       input_sha256=None, seed=seed,
                       delay_window=[str(delays.window[0].date()), str(delays.window[1].date())],
                       rate_prior={"shape": round(prior.shape, 6), "rate": round(prior.rate, 6),
                                   "months": list(prior.months)})
    from ..results import input_sha256

    meta["input_sha256"] = input_sha256(observed.to_numpy(dtype=float))
    return NowcastResult(frame=frame, snapshot_date=s, level=level, n_delays=delays.n_entries, meta=meta)


def nowcast_monthly(history: History, *, events: pd.DataFrame | None = None, snapshot_date: Any = None,
                    n_months: int = 3, level: float = 0.9, n_draws: int = 2000,
                    max_delay_days: int = MAX_DELAY_DAYS, train_days: int = TRAIN_DAYS,
                    complete_month: bool = False, min_visible_share: float = MIN_VISIBLE_SHARE,
                    prior_months: int = PRIOR_MONTHS, rng: Any = 0) -> NowcastResult:
    """The nowcast band of the latest months of a registry's monthly inclusions.

    Parameters
    ----------
    history : History
        The registry's release chain (:func:`analysis.vintages.history.build_history`).
    events : DataFrame, optional
        The event frame to nowcast (default: the latest release of the chain).
    snapshot_date : date-like, optional
        Date of ``events`` (default: the latest release's date).
    n_months, level, n_draws, complete_month, min_visible_share, prior_months, rng
        As :func:`nowcast_counts`.
    max_delay_days, train_days
        As :func:`delay_sample`.
    """
    latest = history.chain[-1]
    ev = latest.frame if events is None else events
    s = pd.Timestamp(latest.vintage.release_date if snapshot_date is None else snapshot_date)
    delays = delay_sample(history, snapshot_date=s, max_delay_days=max_delay_days, train_days=train_days)
    return nowcast_counts(ev, snapshot_date=s, delays=delays, n_months=n_months, level=level, n_draws=n_draws,
                          complete_month=complete_month, min_visible_share=min_visible_share,
                          prior_months=prior_months, rng=rng)


BACKTEST_COLUMNS = ["cutoff_release", "cutoff_date", "month", "months_before", "observed", "visible_share",
                    "status", "estimate", "lower", "upper", "truth", "covered", "raw_error", "nowcast_error"]


@dataclass(frozen=True, repr=False)
class BacktestResult(Result):
    """Nowcasts made at earlier releases, compared with what the final release shows.

    ``frame``: one row per (cutoff release, month): ``cutoff_release, cutoff_date, month,
    months_before`` (0 = the cutoff's own month), ``observed, visible_share, status,
    estimate, lower, upper, truth, covered, raw_error, nowcast_error``. Months "too early
    to estimate" have NA estimates and ``covered`` False and count in no coverage or
    error figure; :meth:`coverage_by_month` counts them (``n_too_early``).
    """

    frame: pd.DataFrame
    level: float
    truth_release: str
    meta: dict[str, Any]

    kind = "nowcast_backtest"

    @property
    def estimated(self) -> pd.DataFrame:
        """The month-cutoffs that got an estimate (visible share at least the threshold)."""
        return self.frame[self.frame["status"] == STATUS_ESTIMATED] if len(self.frame) else self.frame

    @property
    def coverage(self) -> float:
        """Share of the estimated month-cutoffs whose truth lies in the interval."""
        e = self.estimated
        return float(e["covered"].mean()) if len(e) else float("nan")

    @property
    def max_width(self) -> float:
        """Widest interval (upper − lower) of the estimated month-cutoffs."""
        e = self.estimated
        return float((e["upper"] - e["lower"]).max()) if len(e) else float("nan")

    def coverage_by_month(self) -> pd.DataFrame:
        """Coverage, errors and interval widths of the estimated month-cutoffs, by months before the cutoff.

        ``n`` counts the estimated month-cutoffs, ``n_too_early`` those reported as too
        early to estimate.
        """
        months = sorted(self.frame["months_before"].unique()) if len(self.frame) else []
        rows = [_coverage_row(self.frame[self.frame["months_before"] == k], months_before=int(k)) for k in months]
        return pd.DataFrame(rows, columns=BACKTEST_SUMMARY_COLUMNS)

    def overall(self) -> dict[str, Any]:
        """The same figures over all month-cutoffs (``months_before`` −1)."""
        return _coverage_row(self.frame, months_before=-1)

    def summary(self) -> str:
        lines = [f"Nowcast back-test: {len(self.estimated)} estimated month-cutoffs (and "
                 f"{len(self.frame) - len(self.estimated)} too early to estimate) against {self.truth_release}, "
                 f"{self.level:.0%} intervals, coverage {self.coverage:.3f}, widest interval {self.max_width:g}"]
        for r in self.coverage_by_month().itertuples(index=False):
            lines.append(f"{r.months_before} months before cutoff: n={r.n}, coverage {r.coverage:.3f}, "
                         f"mean |raw error| {r.mean_abs_raw_error:.2f}, mean |nowcast error| "
                         f"{r.mean_abs_nowcast_error:.2f}")
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        return self.frame.copy()

    def plot(self, ax: Any = None) -> Any:
        from ..plots.vintages import plot_backtest

        return plot_backtest(self.estimated.astype({"estimate": float, "lower": float, "upper": float}), ax=ax)

    def to_dict(self) -> dict[str, Any]:
        d = super().to_dict()
        d["coverage"] = jsonable(self.coverage)
        d["max_width"] = jsonable(self.max_width)
        return d


BACKTEST_SUMMARY_COLUMNS = ["months_before", "n", "n_too_early", "coverage", "max_width", "mean_abs_raw_error",
                            "mean_abs_nowcast_error", "share_incomplete"]


def _coverage_row(rows: pd.DataFrame, *, months_before: int) -> dict[str, Any]:
    """Coverage, widest interval and mean absolute errors of the estimated rows among ``rows``."""
    e = rows[rows["status"] == STATUS_ESTIMATED] if len(rows) else rows
    nan = float("nan")

    def mean_abs(col: str) -> float:
        return round(float(e[col].astype(float).abs().mean()), 4) if len(e) else nan

    return {"months_before": months_before, "n": int(len(e)), "n_too_early": int(len(rows) - len(e)),
            "coverage": round(float(e["covered"].mean()), 4) if len(e) else nan,
            "max_width": float((e["upper"] - e["lower"]).max()) if len(e) else nan,
            "mean_abs_raw_error": mean_abs("raw_error"), "mean_abs_nowcast_error": mean_abs("nowcast_error"),
            "share_incomplete": round(float((e["truth"] != e["observed"]).mean()), 4) if len(e) else nan}


def backtest_nowcast(history: History, *, n_months: int = 3, level: float = 0.9, n_draws: int = 1000,
                     max_delay_days: int = MAX_DELAY_DAYS, train_days: int = TRAIN_DAYS,
                     min_delays: int = 30, complete_month: bool = False,
                     min_visible_share: float = MIN_VISIBLE_SHARE, prior_months: int = PRIOR_MONTHS,
                     rng: Any = 0) -> BacktestResult:
    """Cut the history at each earlier release, nowcast, and compare with the final release.

    A cutoff release *c* is used when the final release is at least ``max_delay_days``
    after it (so the truth has had time to fill in) and the delay sample learnt from the
    releases up to *c* holds at least ``min_delays`` entries. The truth for month *m* is
    the count in the final release of entries dated in *m* (up to *c*'s date unless
    ``complete_month``).

    Returns
    -------
    BacktestResult
        Its ``coverage`` is the share of estimated month-cutoffs whose truth lies in the
        interval; months too early to estimate are counted apart.
    """
    seed = rng
    ss = np.random.SeedSequence(rng if isinstance(rng, (int, np.integer)) else None)
    final = history.chain[-1]
    truth_dates = pd.to_datetime(final.frame["included_on"])
    end = pd.Timestamp(final.vintage.release_date)
    rows = []
    children = ss.spawn(len(history.chain))
    for pos, lv in enumerate(history.chain[:-1]):
        s = pd.Timestamp(lv.vintage.release_date)
        if (end - s).days < max_delay_days:
            continue
        cut = History(registry=history.registry, chain=history.chain[: pos + 1],
                      observations=history.observations[history.observations["position"] <= pos],
                      changes=history.changes, entries=history.entries, disappearances=history.disappearances)
        delays = delay_sample(cut, snapshot_date=s, max_delay_days=max_delay_days, train_days=train_days)
        if delays.n_entries < min_delays:
            continue
        res = nowcast_counts(lv.frame, snapshot_date=s, delays=delays, n_months=n_months, level=level,
                             n_draws=n_draws, complete_month=complete_month, min_visible_share=min_visible_share,
                             prior_months=prior_months, rng=children[pos])
        for k, r in enumerate(res.frame.itertuples(index=False)):
            m = pd.Period(r.month, freq="M")
            upto = m.end_time.normalize() if complete_month else min(m.end_time.normalize(), s)
            truth = int(((truth_dates >= m.start_time) & (truth_dates <= upto)).sum())
            est = r.status == STATUS_ESTIMATED
            rows.append({"cutoff_release": lv.vintage.id, "cutoff_date": s, "month": r.month,
                         "months_before": int((pd.Period(s, freq="M") - m).n), "observed": r.observed,
                         "visible_share": r.visible_share, "status": r.status,
                         "estimate": r.estimate, "lower": r.lower, "upper": r.upper, "truth": truth,
                         "covered": bool(est and r.lower <= truth <= r.upper), "raw_error": r.observed - truth,
                         "nowcast_error": (r.estimate - truth) if est else pd.NA})
    frame = pd.DataFrame(rows, columns=BACKTEST_COLUMNS)
    for col in ("estimate", "lower", "upper", "nowcast_error"):
        frame[col] = frame[col].astype("Int64")
    meta = result_meta(options={"n_months": n_months, "level": level, "n_draws": n_draws,
                                "max_delay_days": max_delay_days, "train_days": train_days,
                                "min_delays": min_delays, "complete_month": complete_month,
                                "min_visible_share": min_visible_share, "prior_months": prior_months},
                       input_sha256=None, seed=seed, registry=history.registry)
    from ..results import input_sha256

    meta["input_sha256"] = input_sha256(frame["truth"].to_numpy(dtype=float)) if len(frame) else None
    return BacktestResult(frame=frame, level=level, truth_release=final.vintage.id, meta=meta)


