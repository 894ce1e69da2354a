"""Sections ``smuce``, ``bayes_speed`` and ``real`` of ``bench/bench_changepoint.py``.

``smuce``
    At alpha = 0.1, monthly series of n = 120, 1,000 series per design (``--quick``: 100):
    stationary Poisson (rate 5) and negative binomial (mean 5, size 5), and one break at
    position 60 (level 5 then 10) in each family. The default call
    ``multiscale_changepoints(y)`` (negative binomial with estimated size, pulses set aside by
    the rule) and, for Poisson data, ``family="poisson"``. Reports P(K̂ > K) with its 95%
    Wilson interval (the claim is P(K̂ > K) <= 0.1), P(K̂ = K), P(K̂ < K), coverage of the
    true break by its simultaneous interval and of the true step function by the band, both
    over the series with K̂ = K and over all series, and the mean interval width. A second
    table: P(truth outside the set), i.e. P(M > q), of the exact-tail statistic at the true
    parameters, against the Gaussian critical value, for rates 0.5 to 50.
``bayes_speed``
    ``bayesian_changepoints(y, max_breaks=6)`` (defaults otherwise) at n = 1,000 and 10,000
    on stationary Poisson(5), stationary NB(mean 5, size 5) and NB with one doubling at n/2;
    best of 3 runs (1 at n = 10,000), and the first call in a fresh process.
``real``
    Every change-point series of the default report configuration (needs the data: the
    processed tables, and for the report's inputs ``ANALYSIS_MIRROR``): the default search's
    breaks and pulses, the default posterior's most probable breaks and pulses, whether each
    search break has a posterior break within one month (and the reverse), the posterior
    mass at its cap, and the multiscale set's lower bound on the number of breaks; then the
    foreign-agent inclusions in detail against the previous Bayesian default.

Seeds: ``--seed`` (default 1) seeds a ``numpy.random.SeedSequence``; each design draws from its
own spawned child, so a section gives the same numbers whatever else runs.
"""
from __future__ import annotations

import math
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from scipy import special

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis.changepoint import bayesian_changepoints, multiscale_changepoints  # noqa: E402
from analysis.changepoint.smuce import critical_value, scale_penalty  # noqa: E402

from bench_changepoint import _fmt, table as _table, wilson  # noqa: E402,F401 - one set of table helpers


def _rate(k: int, n: int) -> str:
    lo, hi = wilson(k, n)
    return f"{k / n:.3f} [{lo:.3f}, {hi:.3f}]" if n else "-"


def _draw(family: str, mean: np.ndarray, rng: np.random.Generator, size: float = 5.0) -> np.ndarray:
    if family == "poisson":
        return rng.poisson(mean).astype(float)
    return rng.negative_binomial(size, size / (size + mean)).astype(float)


# ---------------------------------------------------------------- smuce
def _exact_tail_statistic(y: np.ndarray, theta: np.ndarray, size: float, pen: np.ndarray) -> float:
    """M = max_I (Phi^-1(1 - p_I) - pen_L) with p_I the smaller exact tail of S_I at the true level."""
    n = y.size
    c = np.concatenate([[0.0], np.cumsum(y)])
    ii, jj = np.triu_indices(n)
    S = c[jj + 1] - c[ii]
    L = (jj - ii + 1).astype(float)
    mu = np.concatenate([[0.0], np.cumsum(theta)])
    m = mu[jj + 1] - mu[ii]                     # true mean of S_I (theta constant on the designs' pieces)
    if math.isinf(size):
        lower = special.gammaincc(S + 1.0, m)                     # P(S_I <= s)
        upper = np.where(S > 0, special.gammainc(np.maximum(S, 1e-300), m), 1.0)  # P(S_I >= s)
    else:
        th = m / L
        p = size / (size + th)
        lower = special.betainc(L * size, S + 1.0, p)
        upper = np.where(S > 0, special.betainc(np.maximum(S, 1e-300), L * size, 1.0 - p), 1.0)
    tail = np.minimum(lower, upper)
    return float(np.max(-special.ndtri(np.clip(tail, 1e-300, 1.0)) - pen[(jj - ii + 1)]))


def bench_smuce(args) -> None:
    n, alpha, reps = 120, 0.1, args.reps
    print(f"\n## smuce: multiscale confidence set, n = {n}, alpha = {alpha}, {reps} series per design")
    print("Claim: P(K̂ > K) <= 0.1. Intervals and band: coverage of the truth (simultaneous).")
    designs = [
        ("Poisson, no break", "poisson", np.full(n, 5.0), ()),
        ("NB size 5, no break", "negbin", np.full(n, 5.0), ()),
        ("Poisson, break 5->10 at 60", "poisson", np.r_[np.full(60, 5.0), np.full(60, 10.0)], (60,)),
        ("NB size 5, break 5->10 at 60", "negbin", np.r_[np.full(60, 5.0), np.full(60, 10.0)], (60,)),
    ]
    calls = [("default", {}), ("family=poisson", {"family": "poisson"})]
    children = np.random.SeedSequence(args.seed).spawn(len(designs))
    rows = []
    for (label, fam, mean, truth), ss in zip(designs, children):
        K = len(truth)
        rng = np.random.default_rng(ss)
        sims = [_draw(fam, mean, rng) for _ in range(reps)]
        for call, kw in calls:
            if call != "default" and fam != "poisson":
                continue
            over = exact = under = 0
            ci_hit = ci_hit_k = band_hit = band_hit_k = 0
            widths = []
            t0 = time.perf_counter()
            for y in sims:
                res = multiscale_changepoints(y, alpha=alpha, **kw)
                kh = res.n_breaks
                over += kh > K
                under += kh < K
                if kh == K:
                    exact += 1
                    inside = bool(((res.band["lower"] <= mean) & (mean <= res.band["upper"])).all())
                    band_hit_k += inside
                    if K:
                        iv = res.intervals.iloc[0]
                        hit = iv["lower_position"] <= truth[0] <= iv["upper_position"]
                        ci_hit_k += bool(hit)
                        widths.append(iv["upper_position"] - iv["lower_position"] + 1)
            elapsed = time.perf_counter() - t0
            ci_hit, band_hit = ci_hit_k, band_hit_k
            rows.append({
                "design": label, "call": call, "P(K̂>K) [95% Wilson]": _rate(over, reps),
                "P(K̂=K)": exact / reps, "P(K̂<K)": under / reps,
                "interval | K̂=K": (ci_hit_k / exact if (K and exact) else None),
                "interval, all": (ci_hit / reps if K else None),
                "band | K̂=K": (band_hit_k / exact if exact else None), "band, all": band_hit / reps,
                "mean width": (float(np.mean(widths)) if widths else None),
                "ms/series": 1e3 * elapsed / reps,
            })
    print(_table(rows, ["design", "call", "P(K̂>K) [95% Wilson]", "P(K̂=K)", "P(K̂<K)", "interval | K̂=K",
                        "interval, all", "band | K̂=K", "band, all", "mean width", "ms/series"]))
    print("(interval, all / band, all: series with K̂ != K count as not covered)")
    # how far the exact-tail count statistic is from the Gaussian calibration
    q = critical_value(n, alpha)
    pen = scale_penalty(n)
    print(f"\nP(truth outside the set) = P(M > q) at the true level, q = {q:.4f} "
          f"(Gaussian M_n, 0.9 quantile); Gaussian nominal 0.1")
    cal = [("Poisson", 0.5, math.inf), ("Poisson", 5.0, math.inf), ("Poisson", 50.0, math.inf),
           ("NB size 5", 5.0, 5.0), ("NB size 1", 5.0, 1.0)]
    ss2 = np.random.SeedSequence([args.seed, 7]).spawn(len(cal))
    rows = []
    for (lab, lam, size), s2 in zip(cal, ss2):
        rng = np.random.default_rng(s2)
        theta = np.full(n, lam)
        k = 0
        stats_ = []
        for _ in range(reps):
            y = _draw("poisson" if math.isinf(size) else "negbin", theta, rng, size=size)
            m = _exact_tail_statistic(y, theta, size, pen)
            stats_.append(m)
            k += m > q
        rows.append({"counts": lab, "level": lam, "P(M > q) [95% Wilson]": _rate(k, reps),
                     "0.9 quantile of M": float(np.quantile(stats_, 0.9))})
    print(_table(rows, ["counts", "level", "P(M > q) [95% Wilson]", "0.9 quantile of M"]))


# ---------------------------------------------------------------- bayes_speed
_FIRST_CALL = """
import time, numpy as np
t0 = time.perf_counter()
from analysis.changepoint import bayesian_changepoints
t1 = time.perf_counter()
y = np.random.default_rng(0).poisson(5, 1000).astype(float)
bayesian_changepoints(y, max_breaks=6)
t2 = time.perf_counter()
print(f"{t1 - t0:.3f} {t2 - t1:.3f}")
"""


def bench_bayes_speed(args) -> None:
    sizes = (1000, 3000) if args.quick else (1000, 10_000)
    print(f"\n## bayes_speed: bayesian_changepoints(y, max_breaks=6), defaults otherwise (negbin, pulses='auto')")
    print("Target: n = 1,000 under 1 s, n = 10,000 under 5 s. 'seconds' is wall time (best of the runs);")
    print("'cpu seconds' is this process's CPU time, which other jobs on the machine do not inflate.")
    children = np.random.SeedSequence([args.seed, 3]).spawn(len(sizes))
    warm = np.random.default_rng(0).poisson(5, 50).astype(float)
    bayesian_changepoints(warm, max_breaks=6)       # compile (or load the compiled kernels)
    rows = []
    for n, ss in zip(sizes, children):
        rng = np.random.default_rng(ss)
        half = n // 2
        cases = {
            "Poisson(5)": _draw("poisson", np.full(n, 5.0), rng),
            "NB(5, size 5)": _draw("negbin", np.full(n, 5.0), rng),
            "NB size 5, 5->10 at n/2": _draw("negbin", np.r_[np.full(half, 5.0), np.full(n - half, 10.0)], rng),
        }
        repeat = 3 if n <= 3000 else 1
        for label, y in cases.items():
            best = cpu = math.inf
            res = None
            for _ in range(repeat):
                t0, c0 = time.perf_counter(), time.process_time()
                res = bayesian_changepoints(y, max_breaks=6)
                best = min(best, time.perf_counter() - t0)
                cpu = min(cpu, time.process_time() - c0)
            rows.append({"n": n, "series": label, "seconds": best, "cpu seconds": cpu, "family": res.family,
                         "size": (None if math.isinf(res.size) else res.size), "MAP breaks": len(res.map_positions),
                         "P(k = cap)": res.cap_mass, "band error bound": res.meta["band_error"],
                         "pulses": len(res.pulses)})
    print(_table(rows, ["n", "series", "seconds", "cpu seconds", "family", "size", "MAP breaks", "P(k = cap)",
                        "band error bound", "pulses"]))
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", _FIRST_CALL], capture_output=True, text=True, env=env, cwd=ROOT)
    if out.returncode == 0:
        imp, first = out.stdout.split()
        print(f"fresh process: import {imp} s, first call at n = 1,000 {first} s (compiled kernels loaded "
              "from the numba cache when present)")
    else:  # pragma: no cover - only when the subprocess cannot start
        print("fresh-process timing failed:", out.stderr.strip().splitlines()[-1:])


# ---------------------------------------------------------------- bayes_real
def _inclusions_detail() -> None:
    print("\n## real: foreign-agent inclusions in detail (monthly, complete months)")
    try:
        from analysis.changepoint import detect_changepoints
        from analysis.processed import monthly_series

        y = monthly_series("foreign_agents", "inclusions", drop_incomplete=True)
    except Exception as exc:  # noqa: BLE001 - the data mirror may be absent
        print(f"skipped: {exc}")
        return
    search = detect_changepoints(y, cost="negbin")
    print("NB search breaks:", ", ".join(str(b) for b in search.breaks))
    for label, kw in (("default (negbin, pulses='auto', cap 'auto')", {}),
                      ("previous default (Poisson, no pulses, min_size 1, cap 6)",
                       {"family": "poisson", "pulses": None, "min_size": 1, "max_breaks": 6})):
        res = bayesian_changepoints(y, **kw)
        top = res.break_probability.nlargest(5)
        print(f"\n{label}:")
        print("  MAP breaks:", ", ".join(str(b) for b in res.map_breaks) or "none",
              "| pulses:", ", ".join(str(p) for p in res.pulses["period"]) or "none",
              f"| P(k = cap {res.max_breaks}) = {res.cap_mass:.3g}")
        print("  P(number of breaks):", ", ".join(f"{k}: {v:.3f}" for k, v in res.n_breaks_posterior.items() if v >= 0.001))
        print("  highest break probabilities:", ", ".join(f"{p} {v:.3f}" for p, v in top.items()))
        for p in ("2018-01", "2020-12", "2017-12"):
            print(f"  P(break at {p}) = {res.break_probability.loc[p]:.4f}", end="")
        print()
        if res.cap_note:
            print("  " + res.cap_note)
    ms = multiscale_changepoints(y)
    print("\nmultiscale set (alpha 0.1): at least", ms.n_breaks, "breaks; intervals:",
          "; ".join(f"{r['period']} [{r['lower']}, {r['upper']}]" for _, r in ms.intervals.iterrows()))


def _within(a, b, months: int = 1) -> list[bool]:
    """For each period of ``a``: is there a period of ``b`` at most ``months`` away?"""
    return [any(abs((p - q).n) <= months for q in b) for p in a]


def bench_real(args) -> None:
    """The default search against the default posterior on every report series."""
    from analysis.changepoint import detect_changepoints
    from analysis.report.compute import get_series
    from analysis.report.config import load_config
    from analysis.report.inputs import load_inputs

    print("\n## real: default search, default posterior and multiscale set on the report's series")
    try:
        cfg = load_config()
        inputs = load_inputs()
    except Exception as exc:  # noqa: BLE001 - the processed tables may be absent
        print(f"skipped: {type(exc).__name__}: {exc}")
        return
    rows = []
    for spec in cfg.series:
        if not spec.changepoints:
            continue
        y = get_series(inputs, spec)
        t0 = time.perf_counter()
        s = detect_changepoints(y, **({"cost": spec.cost} if spec.cost else {}))
        sb = [pd_period(p) for p in s.breaks]
        row = {"series": spec.id, "n": len(y), "cost": s.cost,
               "search_breaks": " ".join(str(p) for p in sb) or "-",
               "search_pulses": " ".join(str(p) for p in s.pulses["period"]) or "-"}
        if spec.bayes:
            try:
                b = bayesian_changepoints(y)
                m = multiscale_changepoints(y)
            except Exception as exc:  # noqa: BLE001 - e.g. a series that is not counts
                row["agree_1m"] = f"not computed: {exc}"
            else:
                bb = [pd_period(p) for p in b.map_breaks]
                ok_s, ok_b = _within(sb, bb), _within(bb, sb)
                row.update({
                    "posterior_MAP_breaks": " ".join(str(p) for p in bb) or "-",
                    "posterior_pulses": " ".join(str(p) for p in b.pulses["period"]) or "-",
                    "agree_1m": "yes" if all(ok_s) and all(ok_b) else
                    f"no ({sum(ok_s)}/{len(sb)} search, {sum(ok_b)}/{len(bb)} posterior matched)",
                    "P(k=cap)": f"{b.cap_mass:.2g} (cap {b.max_breaks})", "multiscale_min_K": m.n_breaks})
        row["seconds"] = time.perf_counter() - t0
        rows.append(row)
    print(_table(rows, ["series", "n", "cost", "search_breaks", "search_pulses", "posterior_MAP_breaks",
                        "posterior_pulses", "agree_1m", "P(k=cap)", "multiscale_min_K", "seconds"]))
    print("agree_1m: every search break has a posterior MAP break within one month, and the reverse")
    _inclusions_detail()


def pd_period(p):
    import pandas as pd

    return p if isinstance(p, pd.Period) else pd.Period(p)
