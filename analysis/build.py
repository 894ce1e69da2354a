"""Raw files → validated frames → reconciled histories → the committed processed tables.

``python -m analysis build`` runs :func:`build_processed`. Everything it writes to
``data/processed/`` is aggregate (counts, summaries without names) and deterministic
(sorted rows, fixed formatting, no timestamps), so rebuilding from the same raw files
gives the same bytes. Tables that name entries (the full rejects and the
reconciliation conflicts) go to ``data/processed/audit/``, which is not committed.

Counting choices (all recorded in ``build_info.json``):

* Foreign agents: date basis is the Ministry's inclusion decision; re-inclusions
  count as new inclusions; the official export (15.08.2025) is authoritative up to its
  date and the REST pull (July 2026) extends it.
* Undesirable organizations: date basis is the Ministry's listing date by default;
  the Prosecutor-General decision basis is a separate series ending 27.08.2024 (the
  last entry with a known decision date), its last 50 days marked incomplete because
  listings lag decisions by up to 50 days. Exclusions are not observable: missing.
"""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from datetime import date
from importlib import metadata
from pathlib import Path

import pandas as pd

from . import __version__
from .court_tables import COURT_FILES, court_tables
from .manifest import PROCESSED_DIR, RAW_DIR, RawFile, load_manifest, resolve_raw
from .reconcile import Reconciled, first_listings_only, reconcile_foreign_agents, reconcile_undesirable
from .schemas import MonthlySeriesSchema
from .series import Coverage, fridays_per_month, registry_series
from .sources import get_loader
from .sources.base import LoadResult

#: First month of the common monthly axis (law 121-FZ in force 21.11.2012).
AXIS_START = date(2012, 11, 1)
FA_START = date(2012, 11, 21)
UO_START = date(2015, 6, 3)
DECISION_LAG_DAYS = 50

FA_BASE = "fa_export_2025_08_15"
FA_EXTENSION = "fa_rest_2026_07"
FA_CHECKS = ("fa_inoagent_info_2024_12_27", "fa_fz255_2024_10_01", "fa_theotheo_2024_02_02")
UO_BASE = "uo_rest_2026_07"
UO_DECISIONS = "uo_scrape_2024_09_05"
PUBLISHED = "convictions_published"

PUBLIC_FILES = (
    "monthly_series.csv", "monthly_series_alt.csv", "weekly_series.csv", "calendar.csv",
    "annual_convictions.csv", "rejects_summary.csv", "reconciliation_summary.csv",
    "published_figures.csv", "build_info.json",
    *COURT_FILES,  # every article part of the court forms (analysis.court_tables)
)


@dataclass(frozen=True)
class BuildOutputs:
    """What a build produced (frames in memory plus the files written)."""

    loads: dict[str, LoadResult]
    foreign_agents: Reconciled
    undesirable: Reconciled
    files: list[Path]


def _log(msg: str, progress: bool) -> None:
    if progress:
        print(msg, file=sys.stderr, flush=True)


def load_all(entries: list[RawFile], *, raw_dir: Path = RAW_DIR, mirror: Path | None = None,
             progress: bool = True) -> dict[str, LoadResult]:
    """Run each manifest entry's loader on its verified raw file."""
    loads: dict[str, LoadResult] = {}
    for i, e in enumerate(entries, start=1):
        path = resolve_raw(e, raw_dir, mirror)
        loader = get_loader(e.loader)
        kwargs = {"source_id": e.id}
        if e.format != "xls" and e.loader != "published_convictions_csv":
            kwargs["snapshot_date"] = date.fromisoformat(e.snapshot_date)
        res = loader(path, **kwargs)
        res.check_accounting()
        loads[e.id] = res
        _log(f"[load {i}/{len(entries)}] {e.id}: {res.rows_in} rows, {res.accepted} accepted, "
             f"{res.rejected} rejected or skipped", progress)
    return loads


def _long_to_csv(df: pd.DataFrame, registry: str, *, period_name: str, basis: str | None = None) -> pd.DataFrame:
    out = df.copy()
    out.insert(0, "registry", registry)
    out[period_name] = out.pop("period").map(lambda p: p.start_time.strftime("%Y-%m-%d") if period_name == "week"
                                             else str(p))
    cols = ["registry", "measure", "category", period_name, "value", "complete"]
    out = out[cols]
    if basis is not None:
        out.insert(0, "date_basis", basis)
    return out


def _sort_series(df: pd.DataFrame, period_name: str) -> pd.DataFrame:
    keys = [k for k in ("date_basis", "registry", "measure", "category", period_name) if k in df]
    mcat = pd.Categorical(df["measure"], ["inclusions", "exclusions", "net", "active"], ordered=True)
    tmp = df.assign(_m=mcat)
    keys = [("_m" if k == "measure" else k) for k in keys]
    return tmp.sort_values(keys, kind="stable").drop(columns="_m").reset_index(drop=True)


def make_series(fa: Reconciled, uo: Reconciled, fa_base: pd.DataFrame, fa_base_end: date
                ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The default monthly series, the alternative bases, the weekly series and the calendar."""
    axis_end = max(fa.coverage.end, uo.coverage.end)
    fa_m = registry_series(fa.events, fa.coverage, axis_start=AXIS_START, axis_end=axis_end)
    uo_m = registry_series(uo.events, uo.coverage, axis_start=AXIS_START, axis_end=axis_end,
                           exclusions_observed=False, dimensions=())
    monthly = pd.concat([_long_to_csv(fa_m, "foreign_agents", period_name="month"),
                         _long_to_csv(uo_m, "undesirable", period_name="month")], ignore_index=True)
    monthly = _sort_series(monthly, "month")
    MonthlySeriesSchema.validate(monthly)

    alt = []
    dec = uo.events[uo.events["decision_on"].notna()]
    dec_cov = Coverage(UO_START, dec["included_on"].max().date(), lag_days=DECISION_LAG_DAYS)
    uo_dec = registry_series(dec, dec_cov, date_column="decision_on", axis_start=AXIS_START,
                             axis_end=axis_end, exclusions_observed=False, dimensions=())
    alt.append(_long_to_csv(uo_dec, "undesirable", period_name="month", basis="decision"))
    fa_first = registry_series(first_listings_only(fa.events), fa.coverage, axis_start=AXIS_START,
                               axis_end=axis_end, dimensions=())
    alt.append(_long_to_csv(fa_first, "foreign_agents", period_name="month", basis="first_listing_only"))
    fa_exp = registry_series(fa_base, Coverage(FA_START, fa_base_end), axis_start=AXIS_START,
                             axis_end=axis_end, dimensions=())
    alt.append(_long_to_csv(fa_exp, "foreign_agents", period_name="month", basis="export_only"))
    alt_df = _sort_series(pd.concat(alt, ignore_index=True), "month")

    wk = []
    fa_w = registry_series(fa.events, fa.coverage, freq="W-SUN", dimensions=("kind",))
    wk.append(_long_to_csv(fa_w, "foreign_agents", period_name="week", basis="listing"))
    uo_w = registry_series(uo.events, uo.coverage, freq="W-SUN", exclusions_observed=False, dimensions=())
    wk.append(_long_to_csv(uo_w, "undesirable", period_name="week", basis="listing"))
    weekly = _sort_series(pd.concat(wk, ignore_index=True), "week")

    axis = pd.period_range(pd.Period(AXIS_START, "M"), pd.Period(axis_end, "M"), freq="M")
    calendar = fridays_per_month(axis)
    return monthly, alt_df, weekly, calendar


def _write_csv(df: pd.DataFrame, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")
    return path


def _versions() -> dict[str, str]:
    out = {"analysis": __version__, "python": ".".join(map(str, sys.version_info[:3]))}
    for pkg in ("numpy", "pandas", "pandera", "scipy", "statsmodels", "matplotlib", "xlrd", "openpyxl", "numba"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = "not installed"
    return out


def build_processed(*, raw_dir: Path = RAW_DIR, mirror: Path | None = None, out_dir: Path = PROCESSED_DIR,
                    audit_dir: Path | None = None, progress: bool = True) -> BuildOutputs:
    """Rebuild every processed table from the raw files.

    Parameters
    ----------
    raw_dir : Path
        Folder with fetched raw files (``data/raw``).
    mirror : Path, optional
        Fallback folder laid out like the manifest paths (e.g. ``../shared/data``).
    out_dir : Path
        Where the committed tables go (``data/processed``).
    audit_dir : Path, optional
        Where the tables that name entries go (default ``out_dir / "audit"``).
    progress : bool
        Print progress to stderr.
    """
    from .convictions import annual_convictions

    audit_dir = audit_dir or (out_dir / "audit")
    entries = load_manifest()
    by_id = {e.id: e for e in entries}
    loads = load_all(entries, raw_dir=raw_dir, mirror=mirror, progress=progress)

    _log("reconciling snapshots", progress)
    fa_base_end = date.fromisoformat(by_id[FA_BASE].snapshot_date)
    fa = reconcile_foreign_agents(
        loads[FA_BASE].frame, base_snapshot=pd.Timestamp(fa_base_end),
        extension=loads[FA_EXTENSION].frame,
        extension_snapshot=pd.Timestamp(by_id[FA_EXTENSION].snapshot_date),
        checks=[(loads[k].frame, pd.Timestamp(by_id[k].snapshot_date)) for k in FA_CHECKS],
        registry_start=pd.Timestamp(FA_START))
    uo = reconcile_undesirable(loads[UO_BASE].frame, base_snapshot=pd.Timestamp(by_id[UO_BASE].snapshot_date),
                               decisions=loads[UO_DECISIONS].frame, registry_start=pd.Timestamp(UO_START))

    _log("building series", progress)
    monthly, alt, weekly, calendar = make_series(fa, uo, loads[FA_BASE].frame, fa_base_end)

    conv_frames = [loads[e.id] for e in entries if e.loader in ("cdep_form10a", "cdep_form10_3")]
    annual = annual_convictions(conv_frames)

    rejects = pd.concat([r.rejects for r in loads.values()], ignore_index=True)
    rej_summary = (rejects.groupby(["source_id", "status", "reason"], sort=True).size().rename("n").reset_index()
                   if len(rejects) else pd.DataFrame(columns=["source_id", "status", "reason", "n"]))
    rec_summary = pd.concat([fa.conflict_counts(), uo.conflict_counts()], ignore_index=True)
    published = published_table(loads[PUBLISHED].frame)

    files = [
        _write_csv(monthly, out_dir / "monthly_series.csv"),
        _write_csv(alt, out_dir / "monthly_series_alt.csv"),
        _write_csv(weekly, out_dir / "weekly_series.csv"),
        _write_csv(calendar, out_dir / "calendar.csv"),
        _write_csv(annual, out_dir / "annual_convictions.csv"),
        _write_csv(rej_summary, out_dir / "rejects_summary.csv"),
        _write_csv(rec_summary, out_dir / "reconciliation_summary.csv"),
        _write_csv(published, out_dir / "published_figures.csv"),
    ]
    # every article part of the court forms (analysis.court_tables)
    forms10a = [loads[e.id] for e in entries if e.loader == "cdep_form10a"]
    forms10_3 = [loads[e.id] for e in entries if e.loader == "cdep_form10_3"]
    for name, frame in court_tables(forms10a, forms10_3).items():
        files.append(_write_csv(frame, out_dir / name))

    info = build_info(entries, loads, fa, uo)
    info_path = out_dir / "build_info.json"
    info_path.write_text(json.dumps(info, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    files.append(info_path)

    # audit tables (name entries; not committed)
    _write_csv(rejects.sort_values(["source_id", "source_row"], kind="stable"), audit_dir / "rejects.csv")
    _write_csv(pd.concat([fa.conflicts, uo.conflicts], ignore_index=True), audit_dir / "reconciliation.csv")
    _log(f"wrote {len(files)} files to {out_dir}", progress)
    return BuildOutputs(loads, fa, uo, files)


def published_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The published-figures table without verbatim quotes (which may name people), sorted."""
    cols = ["article", "code", "period_start", "period_end", "measure", "value", "source_name", "source_url",
            "retrieved_from"]
    out = frame[cols].copy()
    for c in ("period_start", "period_end"):
        out[c] = pd.to_datetime(out[c]).dt.strftime("%Y-%m-%d")
    return out.sort_values(["article", "period_start", "period_end", "measure", "source_name", "value"],
                           kind="stable").reset_index(drop=True)


def build_info(entries: list[RawFile], loads: dict[str, LoadResult], fa: Reconciled, uo: Reconciled) -> dict:
    """Sources, coverage, options and versions, for the report's data section."""
    sources = []
    for e in entries:
        r = loads[e.id]
        cov_start = cov_end = None
        fr = r.frame
        if "included_on" in fr and len(fr):
            cov_start = fr["included_on"].min().strftime("%Y-%m-%d")
            cov_end = fr["included_on"].max().strftime("%Y-%m-%d")
        elif "year" in fr and len(fr):
            cov_start, cov_end = str(int(fr["year"].min())), str(int(fr["year"].max()))
        sources.append({
            "id": e.id, "file": e.path, "sha256": e.sha256, "snapshot_date": e.snapshot_date,
            "format": e.format, "loader": e.loader, "licence": e.licence, "url": e.url,
            "refresh_url": e.refresh_url, "mirror_only": e.mirror_only, "role": e.role, "note": e.note,
            "first_event": cov_start, "last_event": cov_end,
            "rows_in": r.rows_in, "accepted": r.accepted, "rejected": r.rejected,
        })
    contrib = pd.concat([fa.contributions, uo.contributions], ignore_index=True)
    contrib = contrib.astype(object).where(contrib.notna(), None)
    return {
        "sources": sources,
        "coverage": {
            "foreign_agents": {"start": str(fa.coverage.start), "end": str(fa.coverage.end)},
            "undesirable": {"start": str(uo.coverage.start), "end": str(uo.coverage.end)},
            "undesirable_decision_basis": {"start": str(UO_START),
                                           "end": uo.events.loc[uo.events["decision_on"].notna(), "included_on"]
                                           .max().strftime("%Y-%m-%d"),
                                           "lag_days_marked_incomplete": DECISION_LAG_DAYS},
        },
        "contributions": contrib.to_dict(orient="records"),
        "events": {"foreign_agents": int(len(fa.events)), "undesirable": int(len(uo.events))},
        "options": {
            "foreign_agents_date_basis": "Minjust inclusion decision (included_on)",
            "undesirable_date_basis": "Minjust listing decision (included_on); alternative: Prosecutor-General decision",
            "reinclusions": "counted as new inclusions (alternative: first listing only)",
            "incomplete_last_month": "kept, flagged complete=false",
            "months_outside_coverage": "missing",
            "undesirable_exclusions": "not observable: missing",
            "weeks": "Monday to Sunday (W-SUN), labelled by the Monday",
        },
        "versions": {k: v for k, v in _versions().items() if k in ("analysis",)},
    }
