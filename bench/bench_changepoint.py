"""Benchmark and simulation study of the change-point engine.

Prints plain-text tables:

1. speed of the whole ``detect_changepoints`` call (result object included) on
   piecewise-constant Poisson series, against ruptures ``Pelt(model="l2", jump=1)`` and
   ``Binseg(model="l2", jump=1)``, for 10 equal segments and for segments of 200 points;
2. peak memory (resident set size of a fresh process) of the default search;
3. coverage of ``conf_int`` — n = 120, one break at position 60, rates
   ``5/sqrt(ratio)`` and ``5*sqrt(ratio)`` for ratios 1.5, 2 and 3, 1,000 series each;
4. false-alarm rate at the default penalty on stationary Poisson (rates 1–50) and
   negative-binomial series (moderate overdispersion), lengths 60–240, 500 series per
   setting;
5. Poisson against negative-binomial cost on overdispersed monthly-like series with
   single-month pulses.

Usage (from the repository root)::

    .venv/bin/python bench/bench_changepoint.py            # full run (ruptures Pelt at n=10,000 takes minutes)
    .venv/bin/python bench/bench_changepoint.py --quick    # smoke run, about a minute

Options: ``--seed`` (default 1), ``--sections speed,memory,coverage,calibration,overdispersion``,
``--ruptures-max-n`` (largest n at which ruptures is timed; default 10,000, quick 2,000).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis.changepoint import detect_changepoints  # noqa: E402


def _table(rows: list[dict], cols: list[str]) -> str:
    widths = {c: max(len(c), *(len(_fmt(r.get(c))) for r in rows)) for c in cols}
    out = ["  ".join(c.rjust(widths[c]) for c in cols), "  ".join("-" * widths[c] for c in cols)]
    for r in rows:
        out.append("  ".join(_fmt(r.get(c)).rjust(widths[c]) for c in cols))
    return "\n".join(out)


def _fmt(v) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        if v != v:
            return "nan"
        if abs(v) >= 100:
            return f"{v:.0f}"
        if abs(v) >= 1:
            return f"{v:.2f}"
        return f"{v:.4f}"
    return str(v)


def piecewise_poisson(n: int, seg_len: int, rng: np.random.Generator) -> np.ndarray:
    k = int(np.ceil(n / seg_len))
    levels = rng.uniform(2.0, 20.0, size=k)
    return rng.poisson(np.repeat(levels, seg_len)[:n]).astype(float)


def _time(fn, repeat: int) -> tuple[float, object]:
    best = np.inf
    out = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


# ---------------------------------------------------------------- 1. speed
def bench_speed(args, rng) -> None:
    import ruptures as rpt

    sizes = [1000, 2000, 10000] if args.quick else [1000, 2000, 10000, 100000]
    detect_changepoints(piecewise_poisson(300, 100, rng))  # compile
    detect_changepoints(piecewise_poisson(300, 100, rng), method="binseg")
    rows = []
    for n in sizes:
        for label, seg_len in (("10 segments", n // 10), ("segments of 200", 200)):
            y = piecewise_poisson(n, seg_len, rng)
            true_k = int(np.ceil(n / seg_len)) - 1
            t_ours, res = _time(lambda: detect_changepoints(y), 3)
            t_bs, res_bs = _time(lambda: detect_changepoints(y, method="binseg"), 1 if n > 10000 else 3)
            row = {"n": n, "design": label, "true_breaks": true_k, "ours_pelt_s": t_ours,
                   "ours_breaks": res.n_breaks, "candidates_max": res.meta["max_candidates"],
                   "ours_binseg_s": t_bs, "binseg_breaks": res_bs.n_breaks}
            # ruptures' l2 cost is a sum of squares: scale the penalty by the mean so that
            # it asks for a comparable evidence per change (3 log n on the Poisson scale)
            pen = 3 * np.log(n) * float(y.mean())
            if n <= args.ruptures_max_n:
                t0 = time.perf_counter()
                bk = rpt.Pelt(model="l2", jump=1, min_size=2).fit(y).predict(pen=pen)
                row["rpt_pelt_s"] = time.perf_counter() - t0
                row["rpt_pelt_breaks"] = len(bk) - 1
                row["speedup_vs_rpt_pelt"] = row["rpt_pelt_s"] / t_ours
                t0 = time.perf_counter()
                bk = rpt.Binseg(model="l2", jump=1, min_size=2).fit(y).predict(pen=pen)
                row["rpt_binseg_s"] = time.perf_counter() - t0
                row["rpt_binseg_breaks"] = len(bk) - 1
            rows.append(row)
            print(f"  done n={n} {label}", file=sys.stderr, flush=True)
    print("\n## 1. Speed: whole detect_changepoints call (Poisson cost, MBIC, exact), seconds (best of 3)")
    print(_table(rows, ["n", "design", "true_breaks", "ours_pelt_s", "ours_breaks", "candidates_max",
                        "ours_binseg_s", "binseg_breaks", "rpt_pelt_s", "rpt_pelt_breaks",
                        "speedup_vs_rpt_pelt", "rpt_binseg_s", "rpt_binseg_breaks"]))
    print("ruptures is not timed above n =", args.ruptures_max_n, "(its exact PELT is quadratic inside long"
          " segments; '-' = not run).")


# ---------------------------------------------------------------- 2. memory
_MEM_CHILD = r"""
import resource, sys, json, numpy as np
sys.path.insert(0, {root!r})
from analysis.changepoint import detect_changepoints


def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


rng = np.random.default_rng(0)
n, seg = {n}, {seg}
y = rng.poisson(np.repeat(rng.uniform(2, 20, n // seg + 1), seg)[:n]).astype(float)
detect_changepoints(y[:2000]{extra})            # compile and warm up
try:
    with open("/proc/self/clear_refs", "w") as f:  # reset the high-water mark (Linux)
        f.write("5")
except OSError:
    pass
base = status("VmRSS")
res = detect_changepoints(y{extra})
peak = status("VmHWM")
print(json.dumps({{"base_mb": base, "peak_mb": peak, "breaks": res.n_breaks}}))
"""


def bench_memory(args, rng) -> None:
    rows = []
    cases = [(100000, 10000, ""), (100000, 200, ""), (100000, 10000, ", n_breaks=9"),
             (100000, 10000, ", cost='negbin'")]
    if args.quick:
        cases = cases[:2]
    for n, seg, extra in cases:
        code = _MEM_CHILD.format(root=str(ROOT), n=n, seg=seg, extra=extra)
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        d = json.loads(out.stdout.strip().splitlines()[-1])
        rows.append({"n": n, "segment_length": seg, "call": "detect_changepoints(y" + extra + ")",
                     "rss_before_mb": d["base_mb"], "peak_rss_mb": d["peak_mb"],
                     "increase_mb": d["peak_mb"] - d["base_mb"], "breaks": d["breaks"]})
    print("\n## 2. Memory: resident set size before the call and its peak during the call (fresh process,"
          " warmed up on 2,000 points; Linux VmHWM after resetting it)")
    print(_table(rows, ["n", "segment_length", "call", "rss_before_mb", "peak_rss_mb", "increase_mb",
                        "breaks"]))


# ---------------------------------------------------------------- 3. coverage
def bench_coverage(args, rng) -> None:
    n_series = 100 if args.quick else 1000
    n_boot = 199 if args.quick else 999
    rows = []
    for ratio in (1.5, 2.0, 3.0):
        lo_rate, hi_rate = 5 / np.sqrt(ratio), 5 * np.sqrt(ratio)
        hits = exact = 0
        widths = []
        detected = 0
        t0 = time.perf_counter()
        for _ in range(n_series):
            y = np.concatenate([rng.poisson(lo_rate, 60), rng.poisson(hi_rate, 60)]).astype(float)
            res = detect_changepoints(y, n_breaks=1)
            ci = res.conf_int(alpha=0.05, n_boot=n_boot, rng=rng)
            lo, hi = int(ci.loc[0, "lower_position"]), int(ci.loc[0, "upper_position"])
            hits += lo <= 60 <= hi
            exact += res.positions[0] == 60
            widths.append(hi - lo + 1)
            detected += detect_changepoints(y).n_breaks >= 1
        rows.append({"ratio": ratio, "rates": f"{lo_rate:.2f} -> {hi_rate:.2f}", "series": n_series,
                     "n_boot": n_boot, "coverage": hits / n_series,
                     "mc_se": float(np.sqrt(0.95 * 0.05 / n_series)), "median_width": float(np.median(widths)),
                     "mean_width": float(np.mean(widths)), "estimate_exact": exact / n_series,
                     "detected_at_mbic": detected / n_series, "seconds": time.perf_counter() - t0})
    print("\n## 3. Coverage of conf_int(alpha=0.05): n=120, break at 60 (forced single break)")
    print(_table(rows, ["ratio", "rates", "series", "n_boot", "coverage", "mc_se", "median_width", "mean_width",
                        "estimate_exact", "detected_at_mbic", "seconds"]))


# ---------------------------------------------------------------- 4. calibration
def bench_calibration(args, rng) -> None:
    n_series = 100 if args.quick else 500
    rows = []
    for lam in (1.0, 5.0, 20.0, 50.0):
        for n in (60, 120, 240):
            fa = sum(detect_changepoints(rng.poisson(lam, n)).n_breaks > 0 for _ in range(n_series))
            rows.append({"cost": "poisson", "data": f"Poisson({lam:g})", "n": n, "series": n_series,
                         "false_alarm_rate": fa / n_series})
    for lam, r in ((2.0, 3.0), (10.0, 3.0), (30.0, 3.0)):
        for n in (60, 120, 240):
            fa = 0
            for _ in range(n_series):
                y = rng.negative_binomial(r, r / (r + lam), n)
                fa += detect_changepoints(y, cost="negbin").n_breaks > 0
            rows.append({"cost": "negbin", "data": f"NB(mean {lam:g}, size {r:g})", "n": n, "series": n_series,
                         "false_alarm_rate": fa / n_series})
    print("\n## 4. False-alarm rate at the default penalty (MBIC) on stationary series")
    print(_table(rows, ["cost", "data", "n", "series", "false_alarm_rate"]))
    print("max false-alarm rate:", max(r["false_alarm_rate"] for r in rows))


# ---------------------------------------------------------------- 5. overdispersion
def _f1(found, true, margin=3):
    used, tp = set(), 0
    for f in found:
        c = [t for t in true if abs(t - f) <= margin and t not in used]
        if c:
            used.add(min(c, key=lambda t: abs(t - f)))
            tp += 1
    if not found and not true:
        return 1.0
    if tp == 0:
        return 0.0
    p, r = tp / len(found), tp / len(true)
    return 2 * p * r / (p + r)


def bench_overdispersion(args, rng) -> None:
    n_series = 50 if args.quick else 300
    n = 120
    designs = {
        "stationary NB(2, size 1) + one pulse of 14": ([], lambda: np.full(n, 2.0), 1.0, True),
        "NB size 1, level 2 -> 6 at month 70": ([70], lambda: np.where(np.arange(n) < 70, 2.0, 6.0), 1.0, False),
        "NB size 1, level 2 -> 6 at 70, + pulse of 14": ([70], lambda: np.where(np.arange(n) < 70, 2.0, 6.0), 1.0,
                                                        True),
        "NB size 4, level 5 -> 10 -> 4 (40, 80)": ([40, 80], lambda: np.repeat([5.0, 10.0, 4.0], 40), 4.0, False),
        "Poisson, level 3 -> 6 at 60 (no overdispersion)": ([60], lambda: np.where(np.arange(n) < 60, 3.0, 6.0),
                                                           None, False),
    }
    rows = []
    for name, (true, mu_fn, size, pulse) in designs.items():
        stats = {c: {"breaks": [], "f1": [], "any": 0} for c in ("poisson", "negbin")}
        sizes = []
        for _ in range(n_series):
            mu = mu_fn()
            y = (rng.poisson(mu) if size is None else rng.negative_binomial(size, size / (size + mu))).astype(float)
            if pulse:
                y[int(rng.integers(10, 60))] = 14.0
            for c in ("poisson", "negbin"):
                res = detect_changepoints(y, cost=c)
                stats[c]["breaks"].append(res.n_breaks)
                stats[c]["f1"].append(_f1(res.positions, true))
                stats[c]["any"] += res.n_breaks > len(true)
                if c == "negbin":
                    sizes.append(res.meta["size"])
        for c in ("poisson", "negbin"):
            rows.append({"design": name, "cost": c, "true_breaks": len(true),
                         "mean_breaks": float(np.mean(stats[c]["breaks"])),
                         "share_too_many": stats[c]["any"] / n_series,
                         "mean_F1_margin3": float(np.mean(stats[c]["f1"])),
                         "median_size_est": float(np.median(sizes)) if c == "negbin" else None})
    print(f"\n## 5. Poisson vs negative-binomial cost on overdispersed series (n={n}, {n_series} series each)")
    print(_table(rows, ["design", "cost", "true_breaks", "mean_breaks", "share_too_many", "mean_F1_margin3",
                        "median_size_est"]))


SECTIONS = {"speed": bench_speed, "memory": bench_memory, "coverage": bench_coverage,
            "calibration": bench_calibration, "overdispersion": bench_overdispersion}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="small, fast smoke run")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--sections", default=",".join(SECTIONS),
                    help="comma-separated subset of: " + ", ".join(SECTIONS))
    ap.add_argument("--ruptures-max-n", type=int, default=None)
    args = ap.parse_args(argv)
    if args.ruptures_max_n is None:
        args.ruptures_max_n = 2000 if args.quick else 10000
    rng = np.random.default_rng(args.seed)
    print(f"# bench_changepoint  quick={args.quick} seed={args.seed} cores={os.cpu_count()}")
    for name in args.sections.split(","):
        SECTIONS[name.strip()](args, rng)


if __name__ == "__main__":
    main()
