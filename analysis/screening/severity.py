"""Severity of sentences: shares of each punishment per year, and whether the share of real imprisonment changed.

Input is the punishment table of form 10.3 grouped into
:data:`PUNISHMENT_GROUPS` (see :func:`analysis.punishments.punishment_groups`): a
long frame ``article, part, year, group, value`` where ``group`` is ``convicted``
(«ВСЕГО ОСУЖДЕНО», by the most serious charge) or one of the groups, which add up to
``convicted``. Form 10.3 counts each person once, under the most serious charge, so
the parts of an article add up without double counting.

Intervals for shares are **Wilson score** intervals (Wilson 1927): they keep close
to their level for small counts and shares near 0 or 1, where the Wald interval
collapses, and unlike the exact Clopper–Pearson interval they are not conservative
by construction.

The test of a change in the share of real imprisonment at the event is a
**beta-binomial GLM** (see :mod:`analysis.screening.betabinom` and
:func:`imprisonment_change`); the binomial GLM is reported beside it.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, stats

from ..errors import ModelError
from ..models.interventions import MIN_SIDE
from ..results import Result, result_meta
from .betabinom import BetaBinomialFit, fit_betabinomial
from .multitest import adjust_bh, adjust_holm

__all__ = [
    "PUNISHMENT_GROUPS",
    "SeverityTest",
    "WARTIME_ARTICLES",
    "imprisonment_change",
    "punishment_shares",
    "severity_tests",
    "wilson_interval",
]

#: The wartime and political articles of the severity panel.
WARTIME_ARTICLES = ("207.3", "280.3", "280.4", "284.1", "275", "275.1", "276", "205.2", "280", "282")

#: Punishment groups, in display order; together they add up to the persons convicted.
PUNISHMENT_GROUPS = ("imprisonment", "suspended", "fine", "compulsory_correctional", "other")


def wilson_interval(k: Any, n: Any, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a binomial share ``k / n`` (arrays allowed; NaN where ``n == 0``).

    ``(p + z²/2n ± z sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n)`` with ``z`` the
    ``1 - alpha/2`` normal quantile.
    """
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    z = stats.norm.ppf(1 - alpha / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / n
        denom = 1 + z * z / n
        centre = (p + z * z / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
        lo = np.where(n > 0, np.where(k == 0, 0.0, np.clip(centre - half, 0.0, 1.0)), np.nan)
        hi = np.where(n > 0, np.where(k == n, 1.0, np.clip(centre + half, 0.0, 1.0)), np.nan)
    return lo, hi


def _article_year(groups: pd.DataFrame, articles: Sequence[str] | None) -> pd.DataFrame:
    need = {"article", "year", "group", "value"}
    if not need <= set(groups.columns):
        raise ModelError(f"punishment frame needs columns {sorted(need)}")
    g = groups
    if articles is not None:
        g = g[g["article"].isin([str(a) for a in articles])]
    wide = (g.groupby(["article", "year", "group"], sort=True)["value"]
            .sum(min_count=1).unstack("group"))
    missing = [c for c in ("convicted", *PUNISHMENT_GROUPS) if c not in wide.columns]
    for c in missing:
        wide[c] = np.nan
    return wide[["convicted", *PUNISHMENT_GROUPS]].reset_index()


def punishment_shares(groups: pd.DataFrame, *, articles: Sequence[str] | None = WARTIME_ARTICLES,
                      alpha: float = 0.05) -> pd.DataFrame:
    """Share of each punishment group per article and year, with Wilson intervals.

    Parameters
    ----------
    groups : DataFrame
        Long punishment-group frame (``article, part, year, group, value``).
    articles : sequence of str, optional
        Articles to keep (parts are added up); default :data:`WARTIME_ARTICLES`;
        None keeps all.
    alpha : float, default 0.05

    Returns
    -------
    DataFrame
        ``article, year, group, count, convicted, share, lower, upper``, one row
        per article, year and group (in :data:`PUNISHMENT_GROUPS` order), for years
        with at least one person convicted; ``share`` is missing where the group's
        column is missing in that year's form.
    """
    wide = _article_year(groups, articles)
    wide = wide[wide["convicted"].fillna(0) > 0]
    rows = []
    for grp in PUNISHMENT_GROUPS:
        part = wide[["article", "year", "convicted"]].copy()
        part.insert(2, "group", grp)
        part.insert(3, "count", wide[grp].to_numpy())
        rows.append(part)
    out = pd.concat(rows, ignore_index=True)
    out["share"] = out["count"] / out["convicted"]
    lo, hi = wilson_interval(out["count"].to_numpy(dtype=float), out["convicted"].to_numpy(dtype=float), alpha)
    out["lower"], out["upper"] = lo, hi
    known = out["count"].notna().to_numpy()
    out.loc[~known, ["lower", "upper"]] = np.nan
    out["_a"] = out["article"].map(_article_key)
    out["_g"] = out["group"].map({g: i for i, g in enumerate(PUNISHMENT_GROUPS)})
    out = out.sort_values(["_a", "year", "_g"], kind="stable").drop(columns=["_a", "_g"])
    out["convicted"] = out["convicted"].astype("int64")
    out["count"] = pd.array([None if pd.isna(v) else int(v) for v in out["count"]], dtype="Int64")
    return out.reset_index(drop=True)


def _article_key(article: str) -> tuple[int, int]:
    head, _, tail = str(article).partition(".")
    return int(head), int(tail or -1)


def _fraction_after(years: np.ndarray, event: pd.Timestamp) -> np.ndarray:
    """Share of each calendar year from the event on (days), 0 before, 1 after."""
    out = np.empty(years.size)
    for i, y in enumerate(years):
        start, end = pd.Timestamp(int(y), 1, 1), pd.Timestamp(int(y) + 1, 1, 1)
        out[i] = min(1.0, max(0.0, (end - max(event, start)) / (end - start)))
    return out


@dataclass(frozen=True, repr=False, eq=False)
class SeverityTest(Result):
    """Change in the share of one punishment group at an event, for one article.

    Attributes
    ----------
    article, group, event : str
    event_date : Timestamp
    testable : bool
    reason : str
        Why the test could not be run (empty when it was).
    data : DataFrame
        Per year: ``year, convicted, count, share, lower, upper`` (Wilson) and
        ``fraction`` (share of the year from the event on: the step's value).
    estimates : DataFrame
        One row per model (``beta_binomial``, ``binomial``): ``odds_ratio`` of the
        step with ``lower``/``upper``, ``p_value``, ``rho`` (intra-class
        correlation; 0 for the binomial), ``llf``, ``interval`` (how the interval
        was made) and ``test`` (how the p-value was made).
    rho_pvalue : float
        Likelihood-ratio test of overdispersion (beta-binomial against binomial),
        on the boundary: half a chi-square with 1 degree of freedom.
    share_before, share_after : tuple of float
        Pooled share (with Wilson interval) over the years wholly before the event
        and the years wholly after it.
    meta : dict
    """

    article: str
    group: str
    event: str
    event_date: pd.Timestamp
    testable: bool
    reason: str
    data: pd.DataFrame
    estimates: pd.DataFrame
    rho_pvalue: float
    share_before: tuple[float, float, float]
    share_after: tuple[float, float, float]
    meta: dict[str, Any]

    kind = "severity"

    MODEL = ("count_t ~ BetaBinomial(convicted_t, p_t, rho), logit p_t = b0 + b1 (year_t - event year) "
             "+ g f_t, with f_t the share of year t from the event on; odds ratio exp(g); "
             "likelihood-ratio test of g = 0 referred to F(1, years - 4)")

    def to_frame(self) -> pd.DataFrame:
        """The model estimates (one row per model)."""
        return self.estimates.copy()

    @property
    def odds_ratio(self) -> float:
        """Beta-binomial odds ratio of the step (NaN when not testable)."""
        if not self.testable:
            return float("nan")
        return float(self.estimates.loc[self.estimates["model"] == "beta_binomial", "odds_ratio"].iloc[0])

    def summary(self) -> str:
        head = (f"Share of {self.group} for art. {self.article} at {self.event} "
                f"({self.event_date.date()})")
        b, a = self.share_before, self.share_after
        lines = [head, f"pooled share before {b[0]:.3f} [{b[1]:.3f}, {b[2]:.3f}], after {a[0]:.3f} "
                       f"[{a[1]:.3f}, {a[2]:.3f}] (Wilson)"]
        if not self.testable:
            lines.append(f"not testable: {self.reason}")
            return "\n".join(lines)
        lines.append("model: " + self.MODEL)
        for r in self.estimates.itertuples(index=False):
            lines.append(f"{r.model}: odds ratio {r.odds_ratio:.3g} [{r.lower:.3g}, {r.upper:.3g}] "
                         f"({r.interval}), p = {r.p_value:.3g} ({r.test}), rho = {r.rho:.3g}")
        lines.append(f"overdispersion (beta-binomial vs binomial): LR p = {self.rho_pvalue:.3g}")
        return "\n".join(lines)

    def plot(self, ax: Any = None) -> Any:
        """Share per year with Wilson intervals (see :func:`analysis.plots.screen.plot_share`)."""
        from ..plots.screen import plot_share

        return plot_share(self.data, ax=ax, event_date=self.event_date,
                          title=f"art. {self.article}: share of {self.group.replace('_', ' ')}")


def _profile_interval(y: np.ndarray, n: np.ndarray, X: np.ndarray, j: int, fit: BetaBinomialFit,
                      alpha: float, df: int) -> tuple[float, float]:
    """Profile-likelihood interval for coefficient ``j``: where the LR statistic reaches the F(1, df) quantile."""
    crit = stats.f.ppf(1 - alpha, 1, df) / 2
    keep = [c for c in range(X.shape[1]) if c != j]
    Xr = X[:, keep]
    g_hat = fit.params[j]
    se = fit.bse[j] if np.isfinite(fit.bse[j]) and fit.bse[j] > 0 else 1.0

    def drop(g: float) -> float:
        f = fit_betabinomial(y, n, Xr, offset=X[:, j] * g, start=fit.params[keep], covariance=False)
        return fit.llf - f.llf - crit

    out = []
    for sign in (-1, 1):
        step = 2 * se
        far = g_hat + sign * step
        k = 0
        while drop(far) < 0 and k < 30:
            step *= 2
            far = g_hat + sign * step
            k += 1
        if drop(far) < 0:
            out.append(-np.inf if sign < 0 else np.inf)
            continue
        a, b = sorted((g_hat, far))
        out.append(optimize.brentq(drop, a, b, xtol=1e-8))
    return out[0], out[1]


def imprisonment_change(groups: pd.DataFrame, article: str, *, event: Any = "invasion_2022",
                        group: str = "imprisonment", alpha: float = 0.05) -> SeverityTest:
    """Test whether the share of a punishment group changed at the event, for one article.

    Parameters
    ----------
    groups : DataFrame
        Long punishment-group frame (``article, part, year, group, value``).
    article : str
    event : str or date, default "invasion_2022"
        Calendar id or date (as for :func:`analysis.screen`).
    group : str, default "imprisonment"
        One of :data:`PUNISHMENT_GROUPS`.
    alpha : float, default 0.05

    Returns
    -------
    SeverityTest

    Notes
    -----
    Model (annual, years with at least one person convicted): the number given
    the punishment in year ``t`` out of ``convicted_t`` is beta-binomial with mean
    share ``p_t``, ``logit p_t = b0 + b1 (t - t_event) + g f_t``, where ``f_t`` is the
    share of year ``t`` from the event on (0 before, 1 after, in between for the
    event's own year) and ``rho`` the intra-class correlation, constant across
    years. ``rho`` absorbs year-to-year variation in sentencing beyond binomial
    noise (changing case mix, courts); with ``rho = 0`` it is the binomial GLM. The
    p-value of ``g = 0`` is the likelihood-ratio statistic referred to ``F(1, df)``
    with ``df`` = years minus 4 (``b0, b1, g, rho``), the interval for ``exp(g)`` the
    profile-likelihood interval with the same cut-off: with 16 years and an
    estimated ``rho`` the chi-square reference rejects too often under strong
    overdispersion (``bench/bench_screen.py`` section 4 measures both; the
    chi-square p-value is kept as ``p_value_asymptotic``). The binomial GLM
    (statsmodels, Wald test and interval) is reported beside it; it ignores the
    overdispersion and its p-values are too small when ``rho > 0``. Persons are assumed exchangeable
    within a year; a sentence counts in the year it entered into force.

    Not testable: fewer than 3 years with convictions on either side of the event,
    or a share of 0 or 1 in every year on one side (the odds ratio is unbounded).
    """
    import statsmodels.api as sm

    from .engine import resolve_event

    if group not in PUNISHMENT_GROUPS:
        raise ModelError(f"group must be one of {PUNISHMENT_GROUPS}, not {group!r}")
    name, date, _title = resolve_event(event)
    wide = _article_year(groups, [article])
    wide = wide[(wide["convicted"].fillna(0) > 0) & wide[group].notna()].sort_values("year", kind="stable")
    years = wide["year"].to_numpy(dtype=int)
    n = wide["convicted"].to_numpy(dtype=float)
    y = wide[group].to_numpy(dtype=float)
    f = _fraction_after(years, date)
    lo, hi = wilson_interval(y, n, alpha)
    data = pd.DataFrame({"year": years, "convicted": n.astype("int64"), "count": y.astype("int64"),
                         "share": y / n if n.size else np.array([]), "lower": lo, "upper": hi, "fraction": f})

    def pooled(mask: np.ndarray) -> tuple[float, float, float]:
        if not mask.any():
            return (float("nan"),) * 3
        k, m = y[mask].sum(), n[mask].sum()
        a, b = wilson_interval(k, m, alpha)
        return float(k / m), float(a), float(b)

    before, after = f == 0, f == 1
    reason = ""
    if (f == 0).sum() < MIN_SIDE or (f > 0).sum() < MIN_SIDE:
        reason = (f"too few years: {int((f == 0).sum())} with convictions before the event and "
                  f"{int((f > 0).sum())} from it on, at least {MIN_SIDE} needed on each side")
    else:
        for side, mask in (("before", f == 0), ("from", f > 0)):
            k, m = y[mask].sum(), n[mask].sum()
            if k == 0 or k == m:
                reason = (f"share of {group} is {'0' if k == 0 else '1'} in every year {side} the event "
                          f"(the odds ratio is not bounded)")
                break
    est_cols = ["model", "odds_ratio", "lower", "upper", "p_value", "p_value_asymptotic", "rho", "llf",
                "interval", "test"]
    options = {"article": str(article), "group": group, "event": name, "event_date": date.date().isoformat(),
               "alpha": alpha, "model": SeverityTest.MODEL}
    from ..results import input_sha256

    meta = result_meta(options=options, input_sha256=input_sha256(np.concatenate([years, n, y])) if n.size
                       else None, seed=None)
    if reason:
        return SeverityTest(str(article), group, name, date, False, reason, data,
                            pd.DataFrame(columns=est_cols), float("nan"), pooled(before), pooled(after), meta)

    X = np.column_stack([np.ones(years.size), years - date.year, f])
    full = fit_betabinomial(y, n, X)
    null = fit_betabinomial(y, n, X[:, :2], covariance=False)
    lr = max(2 * (full.llf - null.llf), 0.0)
    df = int(years.size - X.shape[1] - 1)  # residual degrees of freedom: years minus b0, b1, g, rho
    p_bb = float(stats.f.sf(lr, 1, df))
    p_chi2 = float(stats.chi2.sf(lr, 1))
    lo_g, hi_g = _profile_interval(y, n, X, 2, full, alpha, df)
    glm = sm.GLM(np.column_stack([y, n - y]), X, family=sm.families.Binomial()).fit()
    ci = np.asarray(glm.conf_int(alpha))[2]
    binom_llf = float(glm.llf)
    lr_rho = max(2 * (full.llf - binom_llf), 0.0)
    rho_p = float(0.5 * stats.chi2.sf(lr_rho, 1)) if lr_rho > 0 else 1.0
    est = pd.DataFrame([
        {"model": "beta_binomial", "odds_ratio": float(np.exp(full.params[2])), "lower": float(np.exp(lo_g)),
         "upper": float(np.exp(hi_g)), "p_value": p_bb, "p_value_asymptotic": p_chi2, "rho": full.rho,
         "llf": full.llf, "interval": f"profile likelihood, F(1, {df}) cut-off",
         "test": f"likelihood ratio referred to F(1, {df})"},
        {"model": "binomial", "odds_ratio": float(np.exp(glm.params[2])), "lower": float(np.exp(ci[0])),
         "upper": float(np.exp(ci[1])), "p_value": float(glm.pvalues[2]),
         "p_value_asymptotic": float(glm.pvalues[2]), "rho": 0.0, "llf": binom_llf,
         "interval": "Wald", "test": "Wald z"},
    ], columns=est_cols)
    meta["converged"] = bool(full.converged and null.converged)
    meta["rho_at_bound"] = bool(full.at_bound)
    return SeverityTest(str(article), group, name, date, True, "", data, est, rho_p, pooled(before),
                        pooled(after), meta)


def severity_tests(groups: pd.DataFrame, *, articles: Sequence[str] = WARTIME_ARTICLES,
                   event: Any = "invasion_2022", group: str = "imprisonment",
                   alpha: float = 0.05) -> pd.DataFrame:
    """:func:`imprisonment_change` for every article, as one frame.

    Returns
    -------
    DataFrame
        ``article, group, testable, reason, share_before, share_before_lower,
        share_before_upper, share_after, …, odds_ratio, lower, upper, p_value`` (the
        beta-binomial model), ``p_bh`` and ``p_holm`` (adjusted across the tested
        articles), ``rho``, ``rho_pvalue``, ``binomial_odds_ratio``,
        ``binomial_p_value``; in the order of ``articles``.
    """
    rows = []
    for art in articles:
        t = imprisonment_change(groups, art, event=event, group=group, alpha=alpha)
        row: dict[str, Any] = {"article": str(art), "group": group, "testable": t.testable, "reason": t.reason}
        for side, val in (("before", t.share_before), ("after", t.share_after)):
            row[f"share_{side}"], row[f"share_{side}_lower"], row[f"share_{side}_upper"] = val
        if t.testable:
            bb = t.estimates.iloc[0]
            bi = t.estimates.iloc[1]
            row.update(odds_ratio=bb["odds_ratio"], lower=bb["lower"], upper=bb["upper"], p_value=bb["p_value"],
                       rho=bb["rho"], rho_pvalue=t.rho_pvalue, binomial_odds_ratio=bi["odds_ratio"],
                       binomial_p_value=bi["p_value"])
        rows.append(row)
    cols = ["article", "group", "testable", "reason", "share_before", "share_before_lower", "share_before_upper",
            "share_after", "share_after_lower", "share_after_upper", "odds_ratio", "lower", "upper", "p_value",
            "rho", "rho_pvalue", "binomial_odds_ratio", "binomial_p_value"]
    out = pd.DataFrame(rows, columns=cols)
    for c in cols[4:]:
        out[c] = out[c].astype(float)
    p = out["p_value"].to_numpy(dtype=float)
    out.insert(out.columns.get_loc("p_value") + 1, "p_bh", adjust_bh(p))
    out.insert(out.columns.get_loc("p_bh") + 1, "p_holm", adjust_holm(p))
    return out
