"""Count models by simulation and against statsmodels: interval coverage, placebo size, speed.

Sections (``--section``, default all):

``coverage``
    For each setting, simulate series from a known model with an intervention, fit the
    model, and count how often the 95% interval of the effect contains the true value
    (the default interval; the plain Wald interval at the maximum-likelihood theta in
    ``wald_coverage``), and — where forecasts are offered — how often the 95% prediction
    intervals of held-out periods contain the simulated counts. Settings: monthly Poisson
    and NB2 level changes; a level and a slope change at the same date (both effects);
    annual series with a step inside a year (fractional coverage, counts drawn from the
    exact aggregated mean) under weak (theta = 30) and strong (theta = 5) overdispersion;
    a Poisson log-linear AR(1) series; an NB2 log-linear INGARCH(1,1) series fitted with
    :func:`fit_ingarch` at persistence a + b = 0.7 and 0.85 (its default bootstrap-t
    intervals, 199 replicates; the Wald-t interval in ``wald_coverage``), for the immediate effect and, where the persistence
    interval stays below 1, the long-run effect (its default Fieller interval; the
    delta-method interval in ``wald_coverage`` and the bootstrap-t interval in
    ``lr_bootstrap_t_coverage``). Monte Carlo standard error in ``coverage_se`` and the
    95% Wilson interval of each coverage in ``wilson_lower``/``wilson_upper``.
    ``--only-ingarch`` runs the INGARCH setting alone.
``placebo``
    Series without an effect (monthly NB2, trend, theta = 5, 30 years); the in-time
    placebo test of :func:`placebo_test` for an "event" 12 months before the end, at
    alpha = 0.05 (windows of 24 + 12 months, fake dates 12 months apart: 27 of them and a
    smallest p-value of 1/28). Its rejection rate should be at most alpha plus two standard errors of the rate.
``speed``
    ``fit_count_model`` against statsmodels on the same design (intercept, trend in years,
    11 month dummies, one whole-month step) at 150 and 10,000 months (the long series runs
    from 1700 to 2533, beyond the datetime64[ns] range): NB2 (statsmodels
    ``NegativeBinomial(loglike_method="nb2")``, default BFGS and Newton) and Poisson (GLM).
    Medians of CPU time (``time.process_time``) over repeated fits; ``fit_count_model``
    includes its diagnostics (the Poisson fit for the overdispersion tests) and the Cox–Reid
    adjusted theta.

Usage::

    python bench/bench_models.py                      # 1000 series per coverage setting, 500 placebo series
    python bench/bench_models.py --quick              # 200 and 100: a smoke run
    python bench/bench_models.py --section speed
    python bench/bench_models.py --n 2000 --seed 7
"""
from __future__ import annotations

import argparse
import math
import time
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.errors import AnalysisWarning, ModelError
from analysis.models import Specification, fit_count_model, fit_ingarch, level_and_slope, placebo_test, step

SECTIONS = ("coverage", "placebo", "speed")


@dataclass(frozen=True)
class Setting:
    name: str
    family: str
    freq: str
    n: int
    horizon: int
    start: str
    const: float
    trend: float
    gamma: float
    theta: float | None
    season_amp: float
    slope: float = 0.0          # a slope change (per year) at ``start`` as well, when non-zero


SETTINGS = [
    Setting("monthly Poisson, level change", "poisson", "M", 96, 12, "2014-01", np.log(10), 0.05, 0.4, None, 0.2),
    Setting("monthly NB (theta=5), level change", "negbin", "M", 96, 12, "2014-01", np.log(10), 0.05, 0.4, 5.0, 0.2),
    Setting("monthly NB (theta=5), level and slope change", "negbin", "M", 120, 0, "2015-01", np.log(10), 0.05, 0.3,
            5.0, 0.2, slope=0.15),
    Setting("annual Poisson, fractional step", "poisson", "Y", 20, 3, "2014-03-04", np.log(60), 0.03, 0.5, None, 0.0),
    Setting("annual NB (theta=30), fractional step", "negbin", "Y", 20, 3, "2014-03-04", np.log(60), 0.03, 0.5,
            30.0, 0.0),
    Setting("annual NB (theta=5), mid-year step", "negbin", "Y", 20, 0, "2014-07-01", np.log(60), 0.03, 0.5, 5.0, 0.0),
]


def true_means(s: Setting, index: pd.PeriodIndex) -> np.ndarray:
    """Exact expected counts of the simulation model on ``index``."""
    t = np.arange(len(index), dtype=float)
    ppy = 12 if s.freq == "M" else 1
    base = s.const + s.trend * t / ppy
    if s.freq == "M":
        base = base + s.season_amp * np.sin(2 * np.pi * (index.month.to_numpy() - 1) / 12)
    start = pd.Timestamp(s.start)
    a = index.start_time
    b = (index + 1).start_time
    f = np.clip(((b - start) / (b - a)).to_numpy(float), 0.0, 1.0)
    if s.slope:
        pos = int(np.argmax(f > 0))
        base = base + s.slope * np.maximum(0.0, t - pos) / ppy
    return np.exp(base) * ((1 - f) + f * np.exp(s.gamma))


def draw(mu: np.ndarray, theta: float | None, rng: np.random.Generator) -> np.ndarray:
    if theta is None:
        return rng.poisson(mu)
    return rng.poisson(rng.gamma(theta, mu / theta))


def wilson(p: float, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """95% Wilson score interval of a proportion ``p`` observed on ``n`` trials."""
    if n <= 0:
        return float("nan"), float("nan")
    den = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return centre - half, centre + half


def _se(p: float, n: int) -> float:
    return float(np.sqrt(p * (1 - p) / max(n, 1)))


def run_setting(s: Setting, n_series: int, seed: np.random.SeedSequence, n_sim: int) -> list[dict]:
    first = "2008-01" if s.freq == "M" else "2005"
    index = pd.period_range(first, periods=s.n + s.horizon, freq=s.freq)
    mu = true_means(s, index)
    # separate streams: the simulated series do not depend on the Monte Carlo of the intervals
    rng, rng_pi = (np.random.default_rng(q) for q in seed.spawn(2))
    terms = level_and_slope(s.start, name="law") if s.slope else {"law": step(s.start)}
    truth = {"law": s.gamma, "law_slope": s.slope}
    cover = {k: 0 for k in terms}
    cover_wald = {k: 0 for k in terms}
    est = {k: [] for k in terms}
    pi_in = pi_total = failed = 0
    t0 = time.perf_counter()
    for _ in range(n_series):
        y_all = draw(mu, s.theta, rng)
        y = pd.Series(y_all[: s.n], index=index[: s.n])
        try:
            res = fit_count_model(y, family=s.family, seasonality="month" if s.freq == "M" else None,
                                  interventions=terms)
        except ModelError:
            failed += 1
            continue
        ci, ciw = res.conf_int(), res.conf_int(method="wald")
        for k in terms:
            cover[k] += int(ci.at[k, "lower"] <= truth[k] <= ci.at[k, "upper"])
            cover_wald[k] += int(ciw.at[k, "lower"] <= truth[k] <= ciw.at[k, "upper"])
            est[k].append(res.params[k])
        if s.horizon:
            pred = res.predict(horizon=s.horizon, n_sim=n_sim, rng=rng_pi).iloc[s.n:]
            fut = y_all[s.n:]
            pi_in += int(np.sum((fut >= pred["lower"].to_numpy()) & (fut <= pred["upper"].to_numpy())))
            pi_total += s.horizon
    fitted = n_series - failed
    rows = []
    for k in terms:
        label = s.name + (" — slope" if k == "law_slope" else (" — level" if s.slope else ""))
        c = cover[k] / fitted
        rows.append({"setting": label, "series": fitted, "failed": failed, "effect_coverage": c,
                     "wald_coverage": cover_wald[k] / fitted, "coverage_se": _se(0.95, fitted),
                     "mean_estimate": float(np.mean(est[k])), "true_effect": truth[k],
                     "pi_coverage": pi_in / pi_total if pi_total else np.nan,
                     "seconds": time.perf_counter() - t0})
    return rows


def run_ar_setting(n_series: int, seed: np.random.SeedSequence, n_sim: int, *, n: int = 120, horizon: int = 6,
                   const: float = 1.0, phi: float = 0.5, gamma: float = 0.4) -> list[dict]:
    """Poisson log-linear AR(1): log mu_t = const + phi log(1 + y_{t-1}) + gamma step_t."""
    index = pd.period_range("2008-01", periods=n + horizon, freq="M")
    at = n // 2
    rng, rng_pi = (np.random.default_rng(q) for q in seed.spawn(2))
    cover = cover_wald = pi_in = failed = 0
    estimates = []
    t0 = time.perf_counter()
    for _ in range(n_series):
        y = np.zeros(n + horizon)
        y[0] = rng.poisson(np.exp(const / (1 - phi)))
        for t in range(1, n + horizon):
            y[t] = rng.poisson(np.exp(const + phi * np.log1p(y[t - 1]) + gamma * (t >= at)))
        s = pd.Series(y[:n], index=index[:n])
        try:
            res = fit_count_model(s, family="poisson", trend=None, seasonality=None, ar=1,
                                  interventions={"law": step(index[at])})
        except ModelError:
            failed += 1
            continue
        lo, hi = res.conf_int().loc["law"]
        cover += int(lo <= gamma <= hi)
        lo_w, hi_w = res.conf_int(method="wald").loc["law"]
        cover_wald += int(lo_w <= gamma <= hi_w)
        estimates.append(res.params["law"])
        pred = res.predict(horizon=horizon, n_sim=n_sim, rng=rng_pi).iloc[n:]
        fut = y[n:]
        pi_in += int(np.sum((fut >= pred["lower"].to_numpy()) & (fut <= pred["upper"].to_numpy())))
    fitted = n_series - failed
    return [{"setting": "monthly Poisson AR(1), recursive forecast", "series": fitted, "failed": failed,
             "effect_coverage": cover / fitted, "wald_coverage": cover_wald / fitted,
             "coverage_se": _se(0.95, fitted), "mean_estimate": float(np.mean(estimates)), "true_effect": gamma,
             "pi_coverage": pi_in / (fitted * horizon), "seconds": time.perf_counter() - t0}]


def simulate_ingarch(rng: np.random.Generator, n: int, *, const: float, b: float, a: float, gamma: float, at: int,
                     theta: float | None) -> np.ndarray:
    """nu_t = const + gamma step_t + b log(1 + y_{t-1}) + a nu_{t-1}; y_1 from the stationary mean."""
    y = np.zeros(n)
    nu = const / (1 - a - b)
    y[0] = draw(np.array([math.exp(nu)]), theta, rng)[0]
    nu = math.log1p(y[0])
    for t in range(1, n):
        nu = const + gamma * (t >= at) + b * math.log1p(y[t - 1]) + a * nu
        y[t] = draw(np.array([math.exp(nu)]), theta, rng)[0]
    return y


def run_ingarch_setting(n_series: int, seed: np.random.SeedSequence, *, n: int = 150, const: float = 0.5,
                        b: float = 0.3, a: float = 0.4, gamma: float = 0.3, theta: float = 10.0) -> list[dict]:
    """NB2 log-linear INGARCH(1,1) with a step at 60% of the series, fitted by ``fit_ingarch``."""
    index = pd.period_range("2008-01", periods=n, freq="M")
    at = int(0.6 * n)
    rng = np.random.default_rng(seed)
    cover = cover_wald = failed = 0
    cover_lr = n_lr = 0
    cover_lr_other = {"delta": 0, "bootstrap": 0}
    estimates = []
    long_true = gamma / (1 - a - b)
    t0 = time.perf_counter()
    for _ in range(n_series):
        y = simulate_ingarch(rng, n, const=const, b=b, a=a, gamma=gamma, at=at, theta=theta)
        try:
            res = fit_ingarch(pd.Series(y, index=index), family="negbin", trend=None, seasonality=None,
                              interventions={"law": step(index[at])})
        except ModelError:
            failed += 1
            continue
        lo, hi = res.conf_int().loc["law"]
        cover += int(lo <= gamma <= hi)
        lo_w, hi_w = res.conf_int(method="wald").loc["law"]
        cover_wald += int(lo_w <= gamma <= hi_w)
        lr = res.long_run()
        if not lr.at["law", "status"]:
            n_lr += 1
            cover_lr += int(lr.at["law", "lower"] <= long_true <= lr.at["law", "upper"])
            for m in cover_lr_other:
                other = res.long_run(method=m)
                cover_lr_other[m] += int(other.at["law", "lower"] <= long_true <= other.at["law", "upper"])
        estimates.append(res.params["law"])
    fitted = n_series - failed
    label = f"monthly NB (theta={theta:g}) INGARCH(1,1) a+b={a + b:.2f}"
    return [{"setting": f"{label}, immediate effect (bootstrap-t)", "series": fitted, "failed": failed,
             "effect_coverage": cover / fitted, "wald_coverage": cover_wald / fitted,
             "coverage_se": _se(0.95, fitted), "mean_estimate": float(np.mean(estimates)), "true_effect": gamma,
             "pi_coverage": np.nan, "seconds": time.perf_counter() - t0},
            {"setting": f"{label}, long-run effect (Fieller, where reported)",
             "series": n_lr, "failed": fitted - n_lr, "effect_coverage": cover_lr / max(n_lr, 1),
             "wald_coverage": cover_lr_other["delta"] / max(n_lr, 1), "coverage_se": _se(0.95, n_lr),
             "mean_estimate": np.nan, "true_effect": long_true, "pi_coverage": np.nan, "seconds": 0.0,
             "lr_bootstrap_t_coverage": cover_lr_other["bootstrap"] / max(n_lr, 1)}]


def coverage(n: int, seed: int, n_sim: int, *, only_ingarch: bool = False) -> pd.DataFrame:
    # the same spawned streams whether or not the other settings run
    k = len(SETTINGS)
    seeds = np.random.SeedSequence(seed).spawn(k + 3)
    rows: list[dict] = []
    if not only_ingarch:
        for s, q in zip(SETTINGS, seeds):
            rows.extend(run_setting(s, n, q, n_sim))
        rows.extend(run_ar_setting(n, seeds[k], n_sim))
    rows.extend(run_ingarch_setting(n, seeds[k + 1]))
    # persistence a + b = 0.85, where the delta method fails most: the same long-run effect (1.0)
    rows.extend(run_ingarch_setting(n, seeds[k + 2], const=0.25, b=0.45, a=0.4, gamma=0.15))
    table = pd.DataFrame(rows)
    wl = [wilson(c, n) for c, n in zip(table["effect_coverage"], table["series"])]
    table["wilson_lower"], table["wilson_upper"] = [w[0] for w in wl], [w[1] for w in wl]
    with pd.option_context("display.width", 260, "display.max_colwidth", 80, "display.float_format",
                           "{:.3f}".format):
        print(table.to_string(index=False))
    print("\nwald_coverage: the plain Wald interval (for the INGARCH long-run row, the delta-method interval); "
          "lr_bootstrap_t_coverage: the parametric bootstrap-t interval of the long-run effect; wilson_lower/upper: "
          "95% Wilson interval of effect_coverage; the long-run rows count only series where the interval of a + b "
          "stays below 1 (the others are refused, 'failed').")
    inside = table["effect_coverage"].between(0.93, 0.97)
    print(f"\nNominal level 0.95; target 0.93-0.97 for every effect interval: "
          f"{int(inside.sum())} of {len(table)} inside (Monte Carlo standard error in coverage_se).")
    return table


# ---------------------------------------------------------------------------------------- placebo


def placebo(n_series: int, seed: int, *, n: int = 360, theta: float = 5.0, max_dates: int | None = None,
            alpha: float = 0.05, post: int = 12) -> pd.DataFrame:
    """Rejection rate of the in-time placebo test on series without an effect."""
    rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(1)[0])
    index = pd.period_range("2010-01", periods=n, freq="M")
    t = np.arange(n)
    mu = 8.0 * np.exp(0.08 * t / 12)
    at = index[n - post]
    spec = Specification(seasonality=None, dynamics="none", trend="linear", pulses=None)
    rej = 0
    pvals = []
    m_dates = []
    t0 = time.perf_counter()
    for _ in range(n_series):
        y = pd.Series(draw(mu, theta, rng), index=index)
        pt = placebo_test(y, effect="law", interventions={"law": step(at)}, spec=spec, max_dates=max_dates)
        pvals.append(pt.pvalue)
        m_dates.append(pt.n_placebo)
        rej += int(pt.rejects(alpha))
    rate = rej / n_series
    se = _se(alpha, n_series)
    table = pd.DataFrame([{"series": n_series, "placebo_dates": int(np.median(m_dates)),
                           "min_pvalue": 1 / (1 + int(np.median(m_dates))), "alpha": alpha, "rejection_rate": rate,
                           "se_of_rate_at_alpha": se, "bound_alpha_plus_2se": alpha + 2 * se,
                           "within_bound": rate <= alpha + 2 * se, "mean_pvalue": float(np.mean(pvals)),
                           "seconds": time.perf_counter() - t0}])
    with pd.option_context("display.width", 220, "display.float_format", "{:.4f}".format):
        print(table.to_string(index=False))
    print(f"\nIn-time placebo at alpha = {alpha} on {n_series} series without an effect (monthly NB2, theta = "
          f"{theta:g}, trend, n = {n} months, the last {post} after the event): rejection rate {rate:.4f}, bound "
          f"alpha + 2 SE = {alpha + 2 * se:.4f}.")
    return table


# ---------------------------------------------------------------------------------------- speed


def _design(n: int, seed: int) -> tuple[pd.Series, np.ndarray, pd.Period]:
    rng = np.random.default_rng(seed)
    idx = pd.period_range("1700-01", periods=n, freq="M")
    t = np.arange(n)
    mu = np.exp(2 + 0.3 * np.sin(2 * np.pi * t / 12) + 0.4 * (t >= n // 2))
    y = rng.poisson(rng.gamma(5, mu / 5))
    X = np.column_stack([np.ones(n), t / 12] + [(idx.month == m).astype(float) for m in range(2, 13)]
                        + [(t >= n // 2).astype(float)])
    return pd.Series(y, index=idx), X, idx[n // 2]


def _cpu_median(fn, repeats: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        t0 = time.process_time()
        fn()
        times.append(time.process_time() - t0)
    return float(np.median(times))


def speed(repeats_short: int, repeats_long: int) -> pd.DataFrame:
    import statsmodels
    import statsmodels.api as sm

    rows = []
    for n, reps in ((150, repeats_short), (10_000, repeats_long)):
        y, X, at = _design(n, 0)
        yv = y.to_numpy()
        ours_nb = _cpu_median(lambda: fit_count_model(y, family="negbin", interventions={"law": step(at)}), reps)
        ours_p = _cpu_median(lambda: fit_count_model(y, family="poisson", interventions={"law": step(at)}), reps)
        sm_nb = _cpu_median(lambda: sm.NegativeBinomial(yv, X, loglike_method="nb2").fit(disp=0), reps)
        sm_nb_newton = _cpu_median(
            lambda: sm.NegativeBinomial(yv, X, loglike_method="nb2").fit(disp=0, method="newton"), reps)
        sm_p = _cpu_median(lambda: sm.GLM(yv, X, family=sm.families.Poisson()).fit(), reps)
        # same answers
        a = fit_count_model(y, family="negbin", interventions={"law": step(at)})
        b = sm.NegativeBinomial(yv, X, loglike_method="nb2").fit(disp=0, method="newton", maxiter=200, tol=1e-12)
        diff = float(np.max(np.abs(a.params.to_numpy() - b.params[:-1])))
        rows.append({"months": n, "fit_count_model NB2 [ms]": 1e3 * ours_nb,
                     "statsmodels NB2 bfgs [ms]": 1e3 * sm_nb, "statsmodels NB2 newton [ms]": 1e3 * sm_nb_newton,
                     "fit_count_model Poisson [ms]": 1e3 * ours_p, "statsmodels GLM Poisson [ms]": 1e3 * sm_p,
                     "NB2 ratio ours/statsmodels (bfgs)": ours_nb / sm_nb, "max |coef difference| NB2": diff,
                     "repeats": reps})
    table = pd.DataFrame(rows)
    with pd.option_context("display.width", 250, "display.float_format", "{:.4g}".format):
        print(table.to_string(index=False))
    print(f"\nCPU medians (time.process_time), statsmodels {statsmodels.__version__}; the design has an intercept, "
          f"a trend, 11 month dummies and a step; the 10,000-month series runs from 1700-01 to "
          f"{pd.Period('1700-01', 'M') + 9999}.")
    return table


def main(argv: list[str] | None = None) -> dict[str, pd.DataFrame]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                 epilog="sections: " + ", ".join(SECTIONS))
    ap.add_argument("--quick", action="store_true", help="200 series per coverage setting, 100 placebo series")
    ap.add_argument("--section", choices=[*SECTIONS, "all"], default="all")
    ap.add_argument("--n", type=int, default=None, help="series per coverage setting (default 1000)")
    ap.add_argument("--placebo-series", type=int, default=None, help="null series for the placebo (default 500)")
    ap.add_argument("--seed", type=int, default=20240501)
    ap.add_argument("--only-ingarch", action="store_true", help="coverage: the INGARCH setting alone")
    ap.add_argument("--n-sim", type=int, default=1000, help="Monte Carlo draws per prediction interval")
    args = ap.parse_args(argv)
    n = args.n or (200 if args.quick else 1000)
    n_placebo = args.placebo_series or (100 if args.quick else 500)
    out: dict[str, pd.DataFrame] = {}
    with warnings.catch_warnings():
        # plain fits warn when the pulse rule finds outliers; simulated series have some by chance
        warnings.simplefilter("ignore", AnalysisWarning)
        if args.section in ("coverage", "all"):
            print("== coverage ==")
            out["coverage"] = coverage(n, args.seed, args.n_sim, only_ingarch=args.only_ingarch)
        if args.section in ("placebo", "all"):
            print("\n== placebo ==")
            out["placebo"] = placebo(n_placebo, args.seed)
        if args.section in ("speed", "all"):
            print("\n== speed ==")
            out["speed"] = speed(10 if args.quick else 40, 3 if args.quick else 9)
    return out


if __name__ == "__main__":
    main()
