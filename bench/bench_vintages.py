"""Full run over every registry vintage: cold load and diff time, agreement, changes, lags, nowcast.

    python bench/bench_vintages.py [--engines] [--warm]

Cold means an empty PDF cache (a fresh temporary ``ANALYSIS_CACHE_DIR``); ``--warm``
keeps the user cache instead. ``--engines`` also parses every PDF with pdfplumber (about
8 minutes on 2 cores) and counts the reduced rows on which the two engines differ.
Raw files come from ``$ANALYSIS_MIRROR`` (default ``../shared/data``).
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--engines", action="store_true", help="compare the pdfium and pdfplumber engines on all PDFs")
    ap.add_argument("--warm", action="store_true", help="use the user cache (default: a fresh, empty cache)")
    args = ap.parse_args()
    mirror = Path(os.environ.get("ANALYSIS_MIRROR", ROOT.parent / "shared" / "data"))
    tmp = tempfile.TemporaryDirectory()
    if not args.warm:
        os.environ["ANALYSIS_CACHE_DIR"] = tmp.name
    warnings.simplefilter("ignore")
    t0 = time.perf_counter()
    from analysis.vintages.store import load_vintages, read_vintages
    from analysis.vintages.tables import histories, vintage_tables

    loaded = load_vintages(read_vintages(), raw_dir=Path("/nonexistent"), mirror=mirror)
    t1 = time.perf_counter()
    hist = histories(loaded)
    t2 = time.perf_counter()
    tables = vintage_tables(loaded, hist=hist)
    t3 = time.perf_counter()
    print(f"cache: {'user (warm)' if args.warm else 'empty (cold)'}")
    print(f"load {len(loaded)} vintages: {t1 - t0:.1f} s; histories and diffs: {t2 - t1:.1f} s; "
          f"load + diff: {t2 - t0:.1f} s; all tables incl. nowcast back-test: {t3 - t0:.1f} s")
    v = tables["vintages"]
    ok = (v["rows_in"] == v["accepted"] + v["rejected"] + v["skipped"]).all()
    print(f"files: {len(v)} ({v.groupby('series').size().to_dict()}); rows in = accepted + rejected + skipped "
          f"for every file: {bool(ok)}")
    print("inclusion-date agreement:")
    for r in tables["agreement"].itertuples(index=False):
        print(f"  {r.release_a} vs {r.release_b}: {r.n_agree}/{r.n_common} = {r.rate:.4f}")
    print("entry changes by kind:")
    print(tables["changes_by_kind"].to_string(index=False))
    d = tables["disappearances"]
    for status, g in d.groupby("status"):
        print(f"missing from a release, {status}: {len(g)} (registry numbers "
              f"{', '.join(f'{r}:{e}' for r, e in zip(g['registry'], g['entry_id']))})")
    real = d[d["status"] == "disappearance"]
    print(f"disappearances: {len(real)}" + (f" ({', '.join(map(str, real['entry_id']))})" if len(real) else ""))
    lag = tables["publication_lag"]
    print("publication lag (days, upper bound; entries first seen after a gap > 14 days left out):")
    print(lag[lag["category"] == "all"].to_string(index=False))
    print("revisions after a month is complete (inclusions):")
    rev = tables["revisions_by_lag"]
    print(rev[(rev["measure"] == "inclusions") & rev["lag_months"].isin([0, 1, 3, 6, 12])].to_string(index=False))
    print("nowcast back-test (months_before -1 = all):")
    print(tables["nowcast_backtest"].to_string(index=False))
    fa = hist["foreign_agents"]
    from analysis.vintages.nowcast import backtest_nowcast

    cm = backtest_nowcast(fa, complete_month=True)
    print(f"foreign agents, forecasting the rest of the running month too: coverage {cm.coverage:.3f}, "
          f"widest interval {cm.max_width:g}")
    print(cm.coverage_by_month().to_string(index=False))
    # planted thinning (4-day minimum delay, weekly releases): months with nothing visible yet occur
    sys.path.insert(0, str(ROOT / "tests" / "vintages"))
    from test_nowcast import thinned

    from analysis.vintages.history import build_history

    rel, monthly = thinned()
    pt = backtest_nowcast(build_history(rel, registry="foreign_agents"), n_draws=400, rng=2)
    print(f"planted thinning: coverage {pt.coverage:.3f} of {len(pt.estimated)} estimated month-cutoffs, "
          f"{len(pt.frame) - len(pt.estimated)} too early to estimate, widest interval {pt.max_width:g} "
          f"(largest planted month {int(monthly.max())})")
    print(pt.coverage_by_month().to_string(index=False))
    print("entries dated 2024 across the releases:")
    print(tables["year_check"][["release_id", "n_dated_in_year", "n_disappeared", "n_renumbered",
                                "n_redated"]].tail(6).to_string(index=False))
    if args.engines:
        from analysis.sources.kit.normalise import clean_text
        from analysis.sources.minjust_pdf import extract_pdf_rows

        pdfs = sorted((mirror / "registry_vintages" / "minjust_pdf").glob("*.pdf"))
        t4 = time.perf_counter()
        rows_diff = files_diff = 0
        for p in pdfs:
            a = extract_pdf_rows(p, engine="pdfium", use_cache=False)
            b = extract_pdf_rows(p, engine="pdfplumber", use_cache=False)
            na = [[clean_text(c) if isinstance(c, str) else c for c in r] for r in a["rows"]]
            nb = [[clean_text(c) if isinstance(c, str) else c for c in r] for r in b["rows"]]
            n = sum(x != y for x, y in zip(na, nb)) + abs(len(na) - len(nb))
            rows_diff += n
            files_diff += n > 0
        print(f"engines: {len(pdfs)} PDFs, {files_diff} files with differing reduced rows, {rows_diff} rows "
              f"differ in all ({time.perf_counter() - t4:.0f} s for both engines)")
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
