"""Raw files → validated frames → reconciled histories → the committed processed tables.

``python -m analysis build`` runs :func:`build_processed`: :func:`compute_processed`
loads and aggregates everything in memory, then :func:`write_processed` writes the files
into a stage folder, validates them and swaps the folder in as a whole
(:mod:`analysis._atomic`), so an interrupt leaves the complete old ``data/processed/``
or the complete new one, never a mixture. Everything written there is aggregate
(counts, summaries without names) and deterministic (sorted rows, fixed formatting, no
timestamps), so rebuilding from the same raw files gives the same bytes;
``build_info.json`` records the sha256 and row count of every other file, which the
readers check. Tables that name entries (the full rejects and the reconciliation
conflicts) go to ``data/processed/audit/``, which is not committed.

Counting choices (all recorded in ``build_info.json``):

* Foreign agents: date basis is the Ministry's inclusion decision; re-inclusions
  count as new inclusions; the official export (15.08.2025) is authoritative up to its
  date and the REST pull (July 2026) extends it.
* Undesirable organizations: date basis is the Ministry's listing date by default;
  the Prosecutor-General decision basis is a separate series ending 27.08.2024 (the
  last entry with a known decision date), its last 50 days marked incomplete because
  listings lag decisions by up to 50 days. Exclusions are not observable: missing.
* Convictions: form 10-а per article part; where it rejected a part row of an article,
  form 10.3 for that article's main charge. Every disagreement between the two forms is
  listed in ``build_info["form_cross_check"]``.
"""
from __future__ import annotations

import json
import warnings
import sys
from dataclasses import asdict, dataclass
from datetime import date
from importlib import metadata
from pathlib import Path

import pandas as pd

from . import __version__, _atomic
from .court_tables import COURT_FILES, SCREEN_FILE, court_tables
from .errors import AnalysisError, AnalysisWarning, InputError
from .manifest import MANIFEST_PATH, PROCESSED_DIR, RAW_DIR, RawFile, load_manifest, resolve_raw, sha256_bytes
from .reconcile import (
    Reconciled,
    conflict_counts,
    first_listings_only,
    loader_conflicts,
    reconcile_foreign_agents,
    reconcile_undesirable,
)
from .registries import AXIS_START, FOREIGN_AGENTS_START, UNDESIRABLE_START
from .processed import schema_token
from .schemas import MonthlySeriesSchema
from .series import Coverage, fridays_per_month, registry_series
from .sources import get_loader
from .sources.base import LoadResult

# Registry start dates and the first month of the common axis, defined once.
FA_START, UO_START = FOREIGN_AGENTS_START, UNDESIRABLE_START
DECISION_LAG_DAYS = 50


@dataclass(frozen=True)
class BuildOptions:
    """The counting choices of a build; written to ``build_info.json`` as they are (``asdict``).

    Attributes
    ----------
    reinclusions : {"new_inclusion", "first_listing_only"}
        How a second listing of the same foreign-agent name counts in the default
        series: as a new inclusion, or not at all. The other choice is always written
        as the alternative basis ``first_listing_only``.
    undesirable_date_basis : {"included_on", "decision"}
        Date of an undesirable organization in the default series: the Ministry's
        listing, or the Prosecutor-General's decision (known only to August 2024, so
        that series ends there). The other basis is written as an alternative.
    decision_lag_days : int
        Days before the end of the decision-dated coverage marked incomplete, because
        listings lag decisions by up to this many days.
    weeks : str
        pandas frequency of the weekly series (``W-SUN``: Monday to Sunday, labelled by
        the Monday).
    foreign_agents_date_basis : {"included_on"}
        The Ministry's inclusion decision: the only date the foreign-agent sources give.
    incomplete_last_month : {"flagged"}
        The month containing the end of coverage is written, flagged ``complete=False``.
    months_outside_coverage, undesirable_exclusions : {"missing"}
        Months outside a source's coverage, and exclusions from the undesirable list
        (which no source shows), are missing values, never zeros.

    Notes
    -----
    The single-valued fields are facts of the sources recorded beside the choices, so
    that the report renders every counting rule from one record.
    """

    reinclusions: str = "new_inclusion"
    undesirable_date_basis: str = "included_on"
    decision_lag_days: int = DECISION_LAG_DAYS
    weeks: str = "W-SUN"
    foreign_agents_date_basis: str = "included_on"
    incomplete_last_month: str = "flagged"
    months_outside_coverage: str = "missing"
    undesirable_exclusions: str = "missing"

    def __post_init__(self) -> None:
        allowed = {"reinclusions": ("new_inclusion", "first_listing_only"),
                   "undesirable_date_basis": ("included_on", "decision"),
                   "foreign_agents_date_basis": ("included_on",), "incomplete_last_month": ("flagged",),
                   "months_outside_coverage": ("missing",), "undesirable_exclusions": ("missing",)}
        for name, values in allowed.items():
            if getattr(self, name) not in values:
                raise AnalysisError(f"build option {name} must be one of {values}, not {getattr(self, name)!r}")
        if not isinstance(self.decision_lag_days, int) or self.decision_lag_days < 0:
            raise AnalysisError(f"build option decision_lag_days must be a non-negative integer, "
                                f"not {self.decision_lag_days!r}")
        try:
            pd.tseries.frequencies.to_offset(self.weeks)
        except ValueError:
            raise AnalysisError(f"build option weeks must be a pandas weekly frequency, not {self.weeks!r}") from None

FA_BASE = "fa_export_2025_08_15"
FA_EXTENSION = "fa_rest_2026_07"
FA_CHECKS = ("fa_inoagent_info_2024_12_27", "fa_fz255_2024_10_01", "fa_theotheo_2024_02_02")
UO_BASE = "uo_rest_2026_07"
UO_DECISIONS = "uo_scrape_2024_09_05"
PUBLISHED = "convictions_published"
COURT_FORM_LOADERS = ("cdep_form10a", "cdep_form10_3")

PUBLIC_FILES = (
    "monthly_series.csv", "monthly_series_alt.csv", "weekly_series.csv", "calendar.csv",
    "annual_convictions.csv", "rejects_summary.csv", "reconciliation_summary.csv",
    "published_figures.csv", "build_info.json",
    *COURT_FILES,  # every article part of the court forms (analysis.court_tables)
)
#: Written by ``python -m analysis screen``, not by the build; carried over a rebuild while
#: its recorded input is still the build's ``convictions_all.csv`` (see :func:`_carry_screen`).
SCREEN_FILES = (SCREEN_FILE, str(Path(SCREEN_FILE).with_suffix(".json")))
#: Written by ``python -m analysis vintages`` (its own atomic folder); carried over as it is.
OTHER_FOLDERS = ("vintages",)
KNOWN_FILES = (*PUBLIC_FILES, *SCREEN_FILES, *OTHER_FOLDERS, "audit")


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
    """Run each manifest entry's loader on its verified raw file.

    Every loader gets the entry's snapshot date (dates, export stamps and reporting
    periods after it are refused) and, for the court forms, the reporting year the
    title sheet must state.
    """
    loads: dict[str, LoadResult] = {}
    for i, e in enumerate(entries, start=1):
        path = resolve_raw(e, raw_dir, mirror)
        loader = get_loader(e.loader)
        kwargs: dict = {"source_id": e.id, "snapshot_date": date.fromisoformat(e.snapshot_date)}
        if e.loader in COURT_FORM_LOADERS:
            kwargs["year"] = e.year
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


def make_series(fa: Reconciled, uo: Reconciled, fa_base: pd.DataFrame, fa_base_end: date,
                options: BuildOptions | None = None) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The default monthly series, the alternative bases, the weekly series and the calendar (see :class:`BuildOptions`)."""
    opt = options or BuildOptions()
    axis_end = max(fa.coverage.end, uo.coverage.end)
    fa_events = first_listings_only(fa.events) if opt.reinclusions == "first_listing_only" else fa.events
    fa_m = registry_series(fa_events, fa.coverage, axis_start=AXIS_START, axis_end=axis_end)
    dec = uo.events[uo.events["decision_on"].notna()]
    if dec.empty:
        raise AnalysisError("no undesirable-organisation entry could be given a Prosecutor-General decision "
                            "date (entry numbers of the REST pull and the scrape do not match); see "
                            "data/processed/audit/reconciliation.csv")
    dec_cov = Coverage(UO_START, dec["included_on"].max().date(), lag_days=opt.decision_lag_days)
    if opt.undesirable_date_basis == "decision":
        uo_m = registry_series(dec, dec_cov, date_column="decision_on", axis_start=AXIS_START, axis_end=axis_end,
                               exclusions_observed=False, dimensions=())
    else:
        uo_m = registry_series(uo.events, uo.coverage, axis_start=AXIS_START, axis_end=axis_end,
                               exclusions_observed=False, dimensions=())
    monthly = pd.concat([_long_to_csv(fa_m, "foreign_agents", period_name="month"),
                         _long_to_csv(uo_m, "undesirable", period_name="month")], ignore_index=True)
    monthly = _sort_series(monthly, "month")
    MonthlySeriesSchema.validate(monthly)

    alt = []
    if opt.undesirable_date_basis == "decision":
        uo_alt = registry_series(uo.events, uo.coverage, axis_start=AXIS_START, axis_end=axis_end,
                                 exclusions_observed=False, dimensions=())
        alt.append(_long_to_csv(uo_alt, "undesirable", period_name="month", basis="listing"))
    else:
        uo_dec = registry_series(dec, dec_cov, date_column="decision_on", axis_start=AXIS_START,
                                 axis_end=axis_end, exclusions_observed=False, dimensions=())
        alt.append(_long_to_csv(uo_dec, "undesirable", period_name="month", basis="decision"))
    if opt.reinclusions == "first_listing_only":
        fa_all = registry_series(fa.events, fa.coverage, axis_start=AXIS_START, axis_end=axis_end, dimensions=())
        alt.append(_long_to_csv(fa_all, "foreign_agents", period_name="month", basis="with_reinclusions"))
    else:
        fa_first = registry_series(first_listings_only(fa.events), fa.coverage, axis_start=AXIS_START,
                                   axis_end=axis_end, dimensions=())
        alt.append(_long_to_csv(fa_first, "foreign_agents", period_name="month", basis="first_listing_only"))
    fa_exp = registry_series(fa_base, Coverage(FA_START, fa_base_end), axis_start=AXIS_START,
                             axis_end=axis_end, dimensions=())
    alt.append(_long_to_csv(fa_exp, "foreign_agents", period_name="month", basis="export_only"))
    alt_df = _sort_series(pd.concat(alt, ignore_index=True), "month")

    wk = []
    fa_w = registry_series(fa_events, fa.coverage, freq=opt.weeks, dimensions=("kind",))
    wk.append(_long_to_csv(fa_w, "foreign_agents", period_name="week", basis="listing"))
    uo_w = registry_series(uo.events, uo.coverage, freq=opt.weeks, exclusions_observed=False, dimensions=())
    wk.append(_long_to_csv(uo_w, "undesirable", period_name="week", basis="listing"))
    weekly = _sort_series(pd.concat(wk, ignore_index=True), "week")

    axis = pd.period_range(pd.Period(AXIS_START, "M"), pd.Period(axis_end, "M"), freq="M")
    calendar = fridays_per_month(axis)
    return monthly, alt_df, weekly, calendar


def _csv_bytes(df: pd.DataFrame) -> bytes:
    return df.to_csv(index=False, lineterminator="\n").encode("utf-8")


def _versions() -> dict[str, str]:
    out = {"analysis": __version__, "python": ".".join(map(str, sys.version_info[:3]))}
    for pkg in ("numpy", "pandas", "pandera", "scipy", "statsmodels", "matplotlib", "xlrd", "openpyxl", "numba"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = "not installed"
    return out


@dataclass(frozen=True)
class Computed:
    """Everything a build computes before writing: the loads, the histories and the file bytes.

    ``contents`` maps a path relative to the output folder (``monthly_series.csv``,
    ``audit/rejects.csv`` …) to the exact bytes to write.
    """

    loads: dict[str, LoadResult]
    foreign_agents: Reconciled
    undesirable: Reconciled
    contents: dict[str, bytes]


def compute_processed(*, raw_dir: Path = RAW_DIR, mirror: Path | None = None, manifest: Path = MANIFEST_PATH,
                      progress: bool = True, options: BuildOptions | None = None) -> Computed:
    """Load, reconcile and aggregate every raw file; return the output files as bytes (nothing is written).

    Parameters
    ----------
    raw_dir, mirror : Path
        As for :func:`build_processed`.
    manifest : Path
        The raw-input manifest (default ``data/raw/manifest.toml``).
    progress : bool
        Print progress to stderr.
    options : BuildOptions, optional
        The counting choices (the defaults of :class:`BuildOptions` when None).

    Raises
    ------
    InputError
        When a raw file is missing, unverified or unusable.
    AnalysisError
        When the histories cannot be turned into series.
    """
    from .convictions import annual_convictions

    options = options or BuildOptions()
    entries = load_manifest(manifest)
    by_id = {e.id: e for e in entries}
    for key in (FA_BASE, FA_EXTENSION, *FA_CHECKS, UO_BASE, UO_DECISIONS, PUBLISHED):
        if key not in by_id:
            raise InputError(str(manifest), f"no entry with id {key!r}")
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
    monthly, alt, weekly, calendar = make_series(fa, uo, loads[FA_BASE].frame, fa_base_end, options)

    conv_entries = [e for e in entries if e.loader in COURT_FORM_LOADERS]
    annual = annual_convictions([loads[e.id] for e in conv_entries])
    cross = form_cross_check([loads[e.id] for e in conv_entries if e.loader == "cdep_form10a"],
                             [loads[e.id] for e in conv_entries if e.loader == "cdep_form10_3"])

    rejects = pd.concat([r.rejects for r in loads.values()], ignore_index=True)
    rej_summary = (rejects.groupby(["source_id", "status", "reason"], sort=True).size().rename("n").reset_index()
                   if len(rejects) else pd.DataFrame(columns=["source_id", "status", "reason", "n"]))
    conflicts = pd.concat([fa.conflicts, uo.conflicts, *[loader_conflicts(r) for r in loads.values()]],
                          ignore_index=True)
    rec_summary = conflict_counts(conflicts)
    published = published_table(loads[PUBLISHED].frame)

    tables = {
        "monthly_series.csv": monthly,
        "monthly_series_alt.csv": alt,
        "weekly_series.csv": weekly,
        "calendar.csv": calendar,
        "annual_convictions.csv": annual,
        "rejects_summary.csv": rej_summary,
        "reconciliation_summary.csv": rec_summary,
        "published_figures.csv": published,
    }
    # every article part of the court forms (analysis.court_tables)
    tables.update(court_tables([loads[e.id] for e in conv_entries if e.loader == "cdep_form10a"],
                               [loads[e.id] for e in conv_entries if e.loader == "cdep_form10_3"]))
    contents = {name: _csv_bytes(df) for name, df in tables.items()}
    info = build_info(entries, loads, fa, uo, options)
    info["form_cross_check"] = cross
    # "schema_checked": the files are checked against these schemas before the folder is swapped in
    # (write_processed); a reader skips the schema check of a file whose bytes and schemas both still match
    info["outputs"] = {name: {"sha256": sha256_bytes(data), "bytes": len(data), "rows": int(len(tables[name])),
                              "schema_checked": schema_token(sha256_bytes(data))}
                       for name, data in contents.items()}
    contents["build_info.json"] = (json.dumps(info, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()
    # audit tables (name entries; not committed)
    contents["audit/rejects.csv"] = _csv_bytes(rejects.sort_values(["source_id", "source_row"], kind="stable"))
    contents["audit/reconciliation.csv"] = _csv_bytes(conflicts)
    return Computed(loads, fa, uo, contents)


def write_processed(contents: dict[str, bytes], out_dir: Path = PROCESSED_DIR, *,
                    audit_dir: Path | None = None, progress: bool = True) -> list[Path]:
    """Write a build's files so that ``out_dir`` is replaced as a whole (see :mod:`analysis._atomic`).

    Every file is written into a stage folder beside ``out_dir``, read back and
    validated (:func:`analysis.processed.verify_processed`), and only then swapped in.
    An interrupt at any moment leaves either the complete old folder or the complete new
    one. With ``audit_dir`` outside ``out_dir``, the audit tables replace that folder the
    same way, after ``out_dir``.

    Returns
    -------
    list of Path
        The public files (not the audit tables), at their final place.

    Raises
    ------
    OutputError
        When ``out_dir`` is not a folder, holds files a build did not write, or is being
        replaced by another run.
    """
    from . import processed

    out_dir = Path(out_dir)
    audit_inside = audit_dir is None or Path(audit_dir).absolute() == (out_dir / "audit").absolute()
    public = {k: v for k, v in contents.items() if not k.startswith("audit/")}
    audit = {k: v for k, v in contents.items() if k.startswith("audit/")}
    _log(f"writing {len(public)} processed tables", progress)
    with _atomic.replacing(out_dir, known=KNOWN_FILES) as stage:
        for name, data in (contents if audit_inside else public).items():
            _atomic.write_bytes(stage / name, data)
        processed.verify_processed(stage)
        _carry_screen(out_dir, stage, progress)
        _carry_folders(out_dir, stage)
    if not audit_inside:
        with _atomic.replacing(Path(audit_dir), known=tuple(Path(k).name for k in audit)) as stage:
            for name, data in audit.items():
                _atomic.write_bytes(stage / Path(name).name, data)
    _log(f"wrote {len(public)} files to {out_dir}", progress)
    return [out_dir / name for name in public]


def _carry_folders(old_dir: Path, stage: Path) -> None:
    """Copy the folders other commands own (:data:`OTHER_FOLDERS`) into ``stage``, byte for byte.

    They are replaced as a whole by their own command; a build must neither drop them
    nor change them. Audit sub-folders (tables that name entries) are copied too, so a
    rebuild leaves the working tree as it was.
    """
    for name in OTHER_FOLDERS:
        src = old_dir / name
        if not src.is_dir():
            continue
        for f in sorted(src.rglob("*")):
            if f.is_file() and not f.is_symlink():
                _atomic.write_bytes(stage / f.relative_to(old_dir), f.read_bytes())


def _carry_screen(old_dir: Path, stage: Path, progress: bool) -> None:
    """Copy the screen table of ``old_dir`` into ``stage`` if it was computed from the same input.

    The screen (minutes of model fits) is not recomputed by every build. Its ``.json``
    records the sha256 of the series it screened; when the staged ``convictions_all.csv``
    gives the same series, the table is still right and is kept, byte for byte.
    Otherwise it is left out, with a warning to rerun ``python -m analysis screen``.
    """
    from .screening.cli import DEFAULT_BY, SCREEN_SEED, read_long_csv
    from .screening.engine import series_tasks

    table, meta_file = (old_dir / n for n in SCREEN_FILES)
    if not (table.is_file() and meta_file.is_file()):
        return
    try:
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        frame = read_long_csv(stage / "convictions_all.csv", list(DEFAULT_BY), "year", "value")
        digest = series_tasks(frame, DEFAULT_BY, seed=SCREEN_SEED)[3]
    except (OSError, ValueError, AnalysisError) as exc:
        warnings.warn(f"{table}: not carried over ({exc}); rerun `python -m analysis screen`",
                      AnalysisWarning, stacklevel=3)
        return
    if meta.get("input_sha256") != digest:
        warnings.warn(f"{table}: screens another version of convictions_all.csv and is left out; rerun "
                      "`python -m analysis screen`", AnalysisWarning, stacklevel=3)
        return
    for src in (table, meta_file):
        _atomic.write_bytes(stage / src.name, src.read_bytes())
    _log(f"kept {table.name} (its input is unchanged)", progress)


def build_processed(*, raw_dir: Path = RAW_DIR, mirror: Path | None = None, out_dir: Path = PROCESSED_DIR,
                    audit_dir: Path | None = None, manifest: Path = MANIFEST_PATH,
                    progress: bool = True, options: BuildOptions | None = None) -> BuildOutputs:
    """Rebuild every processed table from the raw files.

    Parameters
    ----------
    raw_dir : Path
        Folder with fetched raw files (``data/raw``).
    mirror : Path, optional
        Fallback folder laid out like the manifest paths (e.g. ``../shared/data``).
    out_dir : Path
        Where the committed tables go (``data/processed``). It is replaced as a whole
        (:func:`write_processed`).
    audit_dir : Path, optional
        Where the tables that name entries go (default ``out_dir / "audit"``).
    manifest : Path
        The raw-input manifest (default ``data/raw/manifest.toml``).
    progress : bool
        Print progress to stderr.
    options : BuildOptions, optional
        The counting choices, written to ``build_info.json`` (the defaults when None).

    Raises
    ------
    AnalysisError
        Any problem, as a one-line message: a missing, unverified or unusable input
        (:class:`~analysis.errors.InputError`), an output folder that cannot be replaced,
        or histories that cannot be turned into series. Row-level problems are never
        errors: they are rejects, counted in ``rejects_summary.csv``.
    """
    _atomic.check_target(out_dir, known=KNOWN_FILES)  # refuse a wrong --out before the work
    computed = compute_processed(raw_dir=raw_dir, mirror=mirror, manifest=manifest, progress=progress,
                                 options=options)
    files = write_processed(computed.contents, out_dir, audit_dir=audit_dir, progress=progress)
    return BuildOutputs(computed.loads, computed.foreign_agents, computed.undesirable, files)


def form_cross_check(form10a: list[LoadResult], form10_3: list[LoadResult]) -> dict:
    """Where forms 10-а and 10.3 print the same figure, compare them; list every disagreement.

    Form 10.3's «ВСЕГО ОСУЖДЕНО» counts the same persons as column 1 of form 10-а (the
    main charge), per article part and in the national total. The values are not
    changed: 10-а is used for the series, and each difference is recorded here (and in
    ``build_info.json``) for the reader to judge.
    """
    from .convictions import compare_forms

    cmp = compare_forms(form10a, form10_3)
    diff = cmp[cmp["difference"] != 0]
    a = {r.meta["year"]: r.meta["grand_total_main"] for r in form10a}
    b = {r.meta["year"]: r.meta["grand_total_main"] for r in form10_3}
    national = [{"year": int(y), "form10a": int(a[y]), "form10_3": int(b[y]), "difference": int(a[y] - b[y])}
                for y in sorted(set(a) & set(b)) if a[y] is not None and b[y] is not None and a[y] != b[y]]
    return {
        "compared_parts": int(len(cmp)),
        "years": sorted(int(y) for y in set(cmp["year"])),
        "disagreements": [{"year": int(r.year), "article": str(r.article), "part": str(r.part),
                           "form10a": int(r.form10a), "form10_3": int(r.form10_3),
                           "difference": int(r.difference)} for r in diff.itertuples(index=False)],
        "national_total_disagreements": national,
    }


def published_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The published-figures table without verbatim quotes (which may name people), sorted."""
    cols = ["article", "code", "period_start", "period_end", "measure", "value", "source_name", "source_url",
            "retrieved_from"]
    out = frame[cols].copy()
    for c in ("period_start", "period_end"):
        out[c] = pd.to_datetime(out[c]).dt.strftime("%Y-%m-%d")
    return out.sort_values(["article", "period_start", "period_end", "measure", "source_name", "value"],
                           kind="stable").reset_index(drop=True)


def build_info(entries: list[RawFile], loads: dict[str, LoadResult], fa: Reconciled, uo: Reconciled,
               options: BuildOptions | None = None) -> dict:
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
                                           "lag_days_marked_incomplete": (options or BuildOptions()).decision_lag_days},
        },
        "contributions": contrib.to_dict(orient="records"),
        "events": {"foreign_agents": int(len(fa.events)), "undesirable": int(len(uo.events))},
        "options": asdict(options or BuildOptions()),
        "versions": {k: v for k, v in _versions().items() if k in ("analysis",)},
    }
