"""Wall time of a cold report build and of each of its stages.

Runs the report in a fresh interpreter (imports and compilation included, set-up of the
virtual environment excluded), ``--repeat`` times, and prints a table: total wall time
of the process, time to import the package, and the time of each stage as reported by
:func:`analysis.report.run_report`. Target: a cold report under 60 s on 2 cores.

Usage::

    python bench/bench_report.py [--repeat 2] [--config FILE] [--data DIR]
"""
from __future__ import annotations

import argparse
import json
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
run = run_report(sys.argv[1] or None, sys.argv[2], progress=False, data_dir=sys.argv[3] or None)
print(json.dumps({"import": t_import, **run.timings, "figures": len(run.figures)}))
"""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--config", default="")
    ap.add_argument("--data", default="", help="processed-data folder (default: data/processed)")
    args = ap.parse_args(argv)
    rows = []
    for i in range(args.repeat):
        with tempfile.TemporaryDirectory() as out:
            t0 = time.perf_counter()
            proc = subprocess.run([sys.executable, "-c", CHILD, args.config, out, args.data], cwd=ROOT,
                                  capture_output=True, text=True)
            wall = time.perf_counter() - t0
        if proc.returncode != 0:
            print(proc.stderr, file=sys.stderr)
            return 1
        rec = json.loads(proc.stdout.strip().splitlines()[-1])
        rec["wall"] = wall
        rows.append(rec)
    stages = ["import", "load", "series", "breaks", "models", "convictions", "tables", "data", "render"]
    print(f"{'run':>4} " + " ".join(f"{s:>11}" for s in stages) + f" {'total wall':>11} {'figures':>8}")
    for i, r in enumerate(rows, 1):
        print(f"{i:>4} " + " ".join(f"{r.get(s, float('nan')):>10.2f}s" for s in stages)
              + f" {r['wall']:>10.2f}s {r['figures']:>8d}")
    worst = max(r["wall"] for r in rows)
    print(f"\ncold report, worst of {len(rows)}: {worst:.1f} s (target < 60 s) -> {'OK' if worst < 60 else 'SLOW'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
