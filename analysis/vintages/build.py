"""``python -m analysis vintages``: load every vintage and write the vintage tables atomically.

Aggregate tables go to ``data/processed/vintages/`` (committed; rebuilt byte for byte);
per-entry tables that name entries go to ``data/processed/vintages/audit/`` (never
committed). The folder is written in a temporary sibling and renamed into place, so an
interrupted run leaves the previous tables whole.
"""
from __future__ import annotations

import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..manifest import PROCESSED_DIR, RAW_DIR
from .store import load_vintages, read_vintages
from .tables import audit_tables, histories, vintage_tables

__all__ = ["VINTAGES_DIR", "build_vintages", "VintageBuild", "write_csv"]

VINTAGES_DIR = PROCESSED_DIR / "vintages"


def write_csv(df: pd.DataFrame, path: Path) -> None:
    """Deterministic CSV: UTF-8, ``\\n`` line ends, no index, ``NA`` written as empty."""
    df.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")


@dataclass(frozen=True)
class VintageBuild:
    """What a run wrote and how long its steps took."""

    out_dir: Path
    tables: dict[str, pd.DataFrame]
    load_seconds: float
    analyse_seconds: float
    n_vintages: int


def build_vintages(*, raw_dir: Path = RAW_DIR, mirror: Path | None = None, out_dir: Path = VINTAGES_DIR,
                   progress: bool = True, engine: str = "pdfium", audit: bool = True) -> VintageBuild:
    """Load every vintage of ``data/raw/vintages.toml`` and write the vintage tables.

    Parameters
    ----------
    raw_dir, mirror : Path
        Where the raw files are (see :func:`analysis.vintages.store.load_vintages`).
    out_dir : Path
        Output folder (default ``data/processed/vintages``); replaced atomically.
    progress : bool
        One line per vintage and per step on stderr.
    engine : {"pdfium", "pdfplumber"}
        Table extractor of the ministry PDFs.
    audit : bool
        Also write the per-entry audit tables into ``out_dir/audit``.
    """
    t0 = time.perf_counter()
    loaded = load_vintages(read_vintages(), raw_dir=raw_dir, mirror=mirror, progress=progress,
                           loader_options={"minjust_pdf": {"engine": engine}})
    t1 = time.perf_counter()
    if progress:
        print(f"vintages: {len(loaded)} vintages loaded in {t1 - t0:.1f} s; comparing releases", file=sys.stderr)
    hist = histories(loaded)
    tables = vintage_tables(loaded, hist=hist)
    t2 = time.perf_counter()
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".vintages-", dir=out_dir.parent))
    try:
        for name, df in sorted(tables.items()):
            write_csv(df, tmp / f"{name}.csv")
        if audit:
            (tmp / "audit").mkdir()
            for name, df in sorted(audit_tables(hist).items()):
                write_csv(df, tmp / "audit" / f"{name}.csv")
        old = None
        if out_dir.exists():
            old = out_dir.with_name(out_dir.name + ".old")
            if old.exists():
                shutil.rmtree(old)
            out_dir.rename(old)
        tmp.rename(out_dir)
        if old is not None:
            shutil.rmtree(old)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if progress:
        for reg, h in hist.items():
            print(f"vintages: {h.summary()}", file=sys.stderr)
        print(f"vintages: tables written to {out_dir} (analysis {t2 - t1:.1f} s)", file=sys.stderr)
    return VintageBuild(out_dir=out_dir, tables=tables, load_seconds=t1 - t0, analyse_seconds=t2 - t1,
                        n_vintages=len(loaded))
