"""Wall time of a cold and a warm report build and of each of their stages.

Runs the report in a fresh interpreter (imports and compilation included, set-up of the
virtual environment excluded), ``--repeat`` times, and prints a table: total wall time
of the process, time to import the package, and the time of each stage as reported by
:func:`analysis.report.run_report`. A cold run computes everything
(``ANALYSIS_REPORT_CACHE=0``); a warm run reuses the record and the figures of the
previous run, kept in a temporary cache folder. Targets on 2 cores: cold under 60 s,
warm under 20 s.

Usage::

    python bench/bench_report.py [--repeat 2] [--config FILE] [--data DIR] [--lang en|ru]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, sys, time
t0 = time.perf_counter()
from analysis.report import run_report
t_import = time.perf_counter() - t0
run = run_report(sys.argv[1] or None, sys.argv[2], progress=False, data_dir=sys.argv[3] or None, lang=sys.argv[4])
print(json.dumps({"import": t_import, **run.timings, "n_figures": len(run.figures)}))
"""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--config", default="")
    ap.add_argument("--data", default="", help="processed-data folder (default: data/processed)")
    ap.add_argument("--lang", default="en", choices=["en", "ru"])
    args = ap.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as cache:
        for i in range(args.repeat):
            for kind in ("cold", "warm"):
                env = dict(os.environ, ANALYSIS_CACHE_DIR=cache, ANALYSIS_REPORT_CACHE="0" if kind == "cold" else "1")
                with tempfile.TemporaryDirectory() as out:
                    t0 = time.perf_counter()
                    proc = subprocess.run([sys.executable, "-c", CHILD, args.config, out, args.data, args.lang],
                                          cwd=ROOT, capture_output=True, text=True, env=env)
                    wall = time.perf_counter() - t0
                if proc.returncode != 0:
                    print(proc.stderr, file=sys.stderr)
                    return 1
                rec = json.loads(proc.stdout.strip().splitlines()[-1])
                rec["wall"], rec["kind"] = wall, kind
                rows.append(rec)
            if i == 0:  # the first warm run fills the cache; time the ones after it
                rows.pop()
    stages = ["import", "load", "series", "convictions", "tables", "render", "figures", "write"]
    print(f"{'run':>5} " + " ".join(f"{s:>11}" for s in stages) + f" {'total wall':>11} {'figures':>8}")
    for r in rows:
        print(f"{r['kind']:>5} " + " ".join(f"{r.get(s, float('nan')):>10.2f}s" for s in stages)
              + f" {r['wall']:>10.2f}s {r['n_figures']:>8d}")
    cold = max(r["wall"] for r in rows if r["kind"] == "cold")
    print(f"\ncold report, worst: {cold:.1f} s (target < 60 s) -> {'OK' if cold < 60 else 'SLOW'}")
    warm = [r["wall"] for r in rows if r["kind"] == "warm"]
    if warm:
        print(f"warm report, worst: {max(warm):.1f} s (target < 20 s) -> {'OK' if max(warm) < 20 else 'SLOW'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
