"""Planted screen: false discovery proportion, power, throughput, and a projection to a cluster.

Data: 2,000 synthetic count series per replicate, half annual (2009–2024) and half
monthly (2015-01 to 2024-12). Each series is negative binomial around a level drawn
log-uniformly (annual 3–300 per year, monthly 1–50 per month), with a log-linear
trend of up to ±5% a year, a size (1/overdispersion) drawn from 5–50, and for monthly
series a seasonal wave of amplitude up to 0.3. 100 series (50 of each kind) get a
planted step of rate ratio drawn from 2–4, starting on the invasion date
(24.02.2022); on the period that contains that day the mean is
``mu * ((1 - f) + f * ratio)`` with ``f`` the share of the period after it.

Sections:

1. *FDP and power*: ``analysis.screen`` on every replicate (break intervals off: they
   do not enter the p-values), discoveries at Benjamini–Hochberg ``q = 0.1``; the
   realised false discovery proportion averaged over the replicates (target ≤ 0.1),
   power (planted steps found / planted), Holm discoveries, the share of null series
   with at least one change point. Untestable planted series count as misses.
2. *Throughput* of the full screen (with break intervals) of one replicate: serial,
   ``n_jobs=2`` local processes (loky), and a ``dask.distributed.LocalCluster`` with two
   worker processes under ``parallel_config(backend="dask")``; the three tables are
   compared for identity.
3. *Projection*: per-series cost ``c`` (serial time / series), per-task overhead ``o``
   (time per trivial task through joblib's Dask backend on the same cluster, one task
   per series), cluster start-up ``t0``; a screen of ``N`` series on ``W`` workers takes
   about ``T = t0 + N (c / W + o)`` (scheduler overhead counted as serial, a
   conservative bound).
4. *Severity test calibration*: rejection rate at 5% of the beta-binomial and the
   binomial GLM test under no change, with and without overdispersion.

Usage::

    python bench/bench_screen.py            # 20 replicates of 2,000 series (about 30 min on 2 cores)
    python bench/bench_screen.py --quick    # 2 replicates of 400 series
    python bench/bench_screen.py --sections throughput   # one section only
"""
from __future__ import annotations

import argparse
import contextlib
import io
import time

import numpy as np
import pandas as pd

import analysis
from analysis.screening import adjust_bh, adjust_holm
from analysis.screening.severity import imprisonment_change

EVENT = pd.Timestamp("2022-02-24")


def _fraction_after(index: pd.PeriodIndex) -> np.ndarray:
    start = index.start_time
    end = (index + 1).start_time
    span = (end - start).days.to_numpy(dtype=float)
    return np.clip((end - EVENT).days.to_numpy(dtype=float) / span, 0.0, 1.0)


def planted_frame(n_series: int, n_planted: int, rng: np.random.Generator) -> tuple[pd.DataFrame, set[str]]:
    """Half annual, half monthly series; ``n_planted`` of them (half of each kind) with a step."""
    annual = pd.period_range("2009", "2024", freq="Y")
    monthly = pd.period_range("2015-01", "2024-12", freq="M")
    frames, planted = [], set()
    half = n_series // 2
    for kind, index, lo, hi in (("Y", annual, 3, 300), ("M", monthly, 1, 50)):
        f = _fraction_after(index)
        years = (index.start_time - index.start_time[0]).days.to_numpy(dtype=float) / 365.25
        month = index.month.to_numpy() if kind == "M" else np.zeros(len(index))
        plant = set(rng.choice(half, n_planted // 2, replace=False).tolist())
        ids, vals = [], []
        for i in range(half):
            level = np.exp(rng.uniform(np.log(lo), np.log(hi)))
            trend = rng.uniform(-0.05, 0.05)
            size = rng.uniform(5, 50)
            amp = rng.uniform(0, 0.3) if kind == "M" else 0.0
            phase = rng.uniform(0, 2 * np.pi)
            mu = level * np.exp(trend * years + amp * np.sin(2 * np.pi * month / 12 + phase))
            name = f"{kind}{i:05d}"
            if i in plant:
                ratio = rng.uniform(2, 4)
                mu = mu * ((1 - f) + f * ratio)
                planted.add(name)
            ids.append(np.full(len(index), name))
            vals.append(rng.negative_binomial(size, size / (size + mu)))
        frames.append(pd.DataFrame({"series": np.concatenate(ids), "kind": kind,
                                    "period": pd.PeriodIndex(np.tile(index, half), freq=kind).astype(str),
                                    "value": np.concatenate(vals)}))
    return pd.concat(frames, ignore_index=True), planted


def run_screen(frame: pd.DataFrame, *, seed: int, intervals: bool, n_jobs: int | None = 1,
               n_boot: int | None = None) -> analysis.ScreenResult:
    """Screen annual and monthly parts separately (one frequency per screen), then join the tables."""
    results = []
    for j, kind in enumerate(("Y", "M")):
        part = frame[frame["kind"] == kind].copy()
        part["period"] = pd.PeriodIndex(part["period"], freq=kind)
        results.append(analysis.screen(part, ["series"], time="period", value="value", seed=[seed, j],
                                       intervals=intervals, n_jobs=n_jobs, n_boot=n_boot, progress=False))
    return results


def joined_table(results: list[analysis.ScreenResult]) -> pd.DataFrame:
    """One table over both screens with BH and Holm recomputed over all series (one family)."""
    t = pd.concat([r.to_frame() for r in results], ignore_index=True)
    p = t["p_value"].to_numpy(dtype=float)
    t["p_bh"] = adjust_bh(p)
    t["p_holm"] = adjust_holm(p)
    return t


def fdp_power(n_series: int, n_planted: int, reps: int, q: float, seed: int, n_jobs: int) -> None:
    rows = []
    t0 = time.perf_counter()
    for r in range(reps):
        rng = np.random.default_rng([seed, r])
        frame, planted = planted_frame(n_series, n_planted, rng)
        t = joined_table(run_screen(frame, seed=seed + r, intervals=False, n_jobs=n_jobs))
        is_planted = t["series"].isin(planted).to_numpy()
        disc = (t["p_bh"] <= q).to_numpy()
        holm = (t["p_holm"] <= q).to_numpy()
        false = int((disc & ~is_planted).sum())
        null_cp = (t.loc[~is_planted, "n_breaks"].fillna(0) > 0).mean()
        power_kind = {k: float((disc & is_planted & (t["series"].str[0] == k).to_numpy()).sum()
                               / max((is_planted & (t["series"].str[0] == k).to_numpy()).sum(), 1))
                      for k in ("Y", "M")}
        rows.append({"replicate": r, "tested": int(t["testable"].sum()), "discoveries": int(disc.sum()),
                     "false": false, "fdp": false / max(int(disc.sum()), 1),
                     "power": float((disc & is_planted).sum() / len(planted)),
                     "power_annual": power_kind["Y"], "power_monthly": power_kind["M"],
                     "holm_discoveries": int(holm.sum()), "holm_false": int((holm & ~is_planted).sum()),
                     "null_with_breaks": float(null_cp)})
        print(f"  replicate {r + 1}/{reps}: {rows[-1]['discoveries']} discoveries, {false} false, "
              f"power {rows[-1]['power']:.2f} ({time.perf_counter() - t0:.0f} s)", flush=True)
    d = pd.DataFrame(rows)
    print(f"\n1. FDP and power at q = {q} over {reps} replicates of {n_series} series ({n_planted} planted steps, "
          f"ratio 2-4):")
    print(d.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    se = d["fdp"].std(ddof=1) / np.sqrt(len(d)) if len(d) > 1 else float("nan")
    print(f"   mean realised FDP = {d['fdp'].mean():.4f} (se {se:.4f}; target <= {q}); "
          f"{'PASS' if d['fdp'].mean() <= q else 'FAIL'}")
    print(f"   mean power = {d['power'].mean():.3f} (annual {d['power_annual'].mean():.3f}, "
          f"monthly {d['power_monthly'].mean():.3f}); Holm: {d['holm_discoveries'].mean():.1f} discoveries, "
          f"{d['holm_false'].mean():.2f} false per replicate")
    print(f"   null series with at least one change point (default search): {d['null_with_breaks'].mean():.3f}")


def _warm() -> int:
    """Import the toolkit and run each kernel once in a worker (numba loads or compiles its code)."""
    y = pd.Series([3.0, 4, 2, 5, 9, 8, 11, 9, 10, 12], index=pd.period_range("2015", periods=10, freq="Y"))
    cp = analysis.detect_changepoints(y)
    if cp.n_breaks:
        cp.conf_int(n_boot=9, rng=1)
    analysis.fit_count_model(y, interventions={"e": analysis.step("2021-03-01")})
    return 1


def throughput(n_series: int, n_planted: int, seed: int) -> tuple[float, float, float, float]:
    from dask.distributed import Client, LocalCluster
    from joblib import Parallel, delayed, parallel_config

    rng = np.random.default_rng([seed, 999])
    frame, _ = planted_frame(n_series, n_planted, rng)
    timings, tables = {}, {}
    _warm()
    t = time.perf_counter()
    Parallel(n_jobs=2)(delayed(_warm)() for _ in range(4))  # start the two loky workers (they are reused)
    loky_start = time.perf_counter() - t
    for label, n_jobs in (("serial", 1), ("n_jobs=2 (loky)", 2)):
        t = time.perf_counter()
        tables[label] = joined_table(run_screen(frame, seed=seed, intervals=True, n_jobs=n_jobs))
        timings[label] = time.perf_counter() - t
    t_start = time.perf_counter()
    with contextlib.redirect_stderr(io.StringIO()), \
            LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        client.run(_warm)
        startup = time.perf_counter() - t_start
        with parallel_config(backend="dask"):
            t = time.perf_counter()
            tables["LocalCluster, 2 workers"] = joined_table(run_screen(frame, seed=seed, intervals=True, n_jobs=-1))
            timings["LocalCluster, 2 workers"] = time.perf_counter() - t
            # scheduling cost of one task: trivial tasks, one per call, no batching
            k = 1000
            t = time.perf_counter()
            Parallel(n_jobs=-1, batch_size=1)(delayed(int)(i) for i in range(k))
            task_overhead = (time.perf_counter() - t) / k
    print(f"\n2. Throughput of one full screen ({n_series} series, break intervals with the default bootstrap; "
          "workers started and warmed before timing):")
    for label, sec in timings.items():
        same = tables[label].equals(tables["serial"])
        print(f"   {label:26s} {sec:8.1f} s  {n_series / sec:8.1f} series/s  identical to serial: {same}")
    c = timings["serial"] / n_series
    eff = timings["serial"] / (2 * timings["LocalCluster, 2 workers"])
    import os

    print(f"   load average of the machine (1, 5, 15 min) at the end: {tuple(round(v, 2) for v in os.getloadavg())} "
          "on 2 cores (other work shares them)")
    print(f"   start-up: loky workers {loky_start:.1f} s, LocalCluster with 2 processes {startup:.1f} s "
          "(process start, toolkit import, numba code load)")
    print(f"   per-task scheduling cost (trivial tasks, batch size 1, Dask backend): {task_overhead * 1000:.2f} ms; "
          f"parallel efficiency of the 2-worker cluster: e = T_serial / (2 T_cluster) = {eff:.2f}")
    return c, task_overhead, eff, startup


def projection(c: float, o: float, eff: float, t0: float, n: int = 100_000, w: int = 32) -> None:
    print("\n3. Projection of a screen of N series on W workers: T = t0 + N c / (W e) + N o")
    print(f"   measured here: c = {c * 1000:.1f} ms per series (serial), o = {o * 1000:.2f} ms scheduling per task "
          f"(one task per series: an upper bound, joblib batches tasks), t0 = {t0:.1f} s (cluster start-up), "
          f"e = parallel efficiency")
    for label, e in (("e = 1 (dedicated cores)", 1.0), (f"e = {eff:.2f} (as measured on this shared machine)", eff)):
        e = max(e, 1e-3)
        total = t0 + n * c / (w * e) + n * o
        print(f"   N = {n:,}, W = {w}, {label}: T = {t0:.1f} + {n:,} * {c * 1000:.1f} ms / ({w} * {e:.2f}) "
              f"+ {n:,} * {o * 1000:.2f} ms = {total:.0f} s ({total / 60:.1f} min)")
    b = 16
    total_b = t0 + n * c / w + n * o / b
    print(f"   with B = {b} series per task (joblib batches tasks automatically): T = t0 + N c / W + N o / B = "
          f"{t0:.1f} + {n * c / w:.0f} + {n * o / b:.0f} = {total_b:.0f} s ({total_b / 60:.1f} min)")
    print(f"   compute alone N c / W = {n * c / w:.0f} s; the scheduling term is paid by the one scheduler "
          "and shrinks with the batch size")


def severity_calibration(reps: int, seed: int) -> None:
    rng = np.random.default_rng([seed, 77])
    rows = []
    for rho in (0.0, 0.05, 0.2):
        for r in range(reps):
            recs = []
            for yr in range(2009, 2025):
                n = int(rng.poisson(60)) + 5
                share = rng.beta(0.6 * (1 - rho) / rho, 0.4 * (1 - rho) / rho) if rho > 0 else 0.6
                k = int(rng.binomial(n, share))
                recs += [{"article": "x", "part": None, "year": yr, "group": "convicted", "value": n},
                         {"article": "x", "part": None, "year": yr, "group": "imprisonment", "value": k}]
            est = imprisonment_change(pd.DataFrame(recs), "x").estimates.set_index("model")
            rows.append({"rho": rho, "beta_binomial_F": est.loc["beta_binomial", "p_value"] < 0.05,
                         "beta_binomial_chi2": est.loc["beta_binomial", "p_value_asymptotic"] < 0.05,
                         "binomial": est.loc["binomial", "p_value"] < 0.05})
    d = pd.DataFrame(rows).groupby("rho").mean()
    print(f"\n4. Severity test under no change ({reps} series per row, 16 years, about 65 persons a year): "
          "rejection rate at 5%")
    print(d.to_string(float_format=lambda v: f"{v:.3f}"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="2 replicates of 400 series")
    ap.add_argument("--reps", type=int, default=None)
    ap.add_argument("--series", type=int, default=None)
    ap.add_argument("--seed", type=int, default=2022)
    ap.add_argument("--n-jobs", type=int, default=2, help="workers for the FDP replicates")
    ap.add_argument("--sections", nargs="+", default=["fdp", "throughput", "severity"],
                    choices=["fdp", "throughput", "severity"], help="which sections to run (default: all)")
    args = ap.parse_args()
    n_series = args.series or (400 if args.quick else 2000)
    n_planted = max(2, n_series // 20)
    reps = args.reps or (2 if args.quick else 20)
    if "fdp" in args.sections:
        fdp_power(n_series, n_planted, reps, 0.1, args.seed, args.n_jobs)
    if "throughput" in args.sections:
        c, o_task, eff, t0 = throughput(n_series, n_planted, args.seed)
        projection(c, o_task, eff, t0)
    if "severity" in args.sections:
        severity_calibration(40 if args.quick else 200, args.seed)


if __name__ == "__main__":
    main()
