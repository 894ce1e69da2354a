"""Read the committed processed data (``data/processed/``) as validated frames and series.

This is the reading side of ``python -m analysis build``: the report, the notebooks and
users load series from here without touching raw files. Every reader takes an explicit
``data_dir``. When it is omitted, the folder is found by :func:`processed_dir`: the
environment variable ``ANALYSIS_PROCESSED``, else ``data/processed`` of the checkout
the package was imported from, else the processed data installed with the package
(see :mod:`analysis._locations`). When none exists, the error lists where it looked.

Conventions kept from the files: a month outside a source's coverage is missing (NaN),
never 0; ``complete`` is False for the month (or week) that contains the coverage end.

Nothing is read on trust. Every reader

* refuses a missing file with :class:`~analysis.errors.ProcessedFileMissing` (an
  :class:`~analysis.errors.InputError`: the report treats some files as optional);
* refuses an empty file, one whose sha256 differs from what ``build_info.json``
  recorded when it was built (cut short, half written, edited), one off its schema
  (:mod:`analysis.schemas`, ``*FileSchema``), and one whose structure is broken (a
  series missing months, all ≠ main + additional) with
  :class:`~analysis.errors.ProcessedDataError`, which is *not* an ``InputError``, so
  that a damaged file can never pass for an absent one.

A damaged file is therefore an error naming it, never a silently shorter report.

The schema check is not repeated for a file that is, byte for byte, one a build
validated with the same schemas: a build checks every file it writes against the
schemas (:func:`verify_processed`) before it swaps the folder in, and records for each
file its sha256 and a token binding that sha256 to the schema definitions
(:func:`schema_token`) in ``build_info.json``. Where the bytes and the token both still
match, the schema check would run the same code on the same bytes again; every other
file (no record, an older record, other schemas, a sha256 recorded by hand) is checked in
full, and the structural checks run on every read. ``revalidate=True`` (and
:func:`verify_processed`) checks every file in full regardless.

Series lookups (:func:`monthly_series`, :func:`annual_convictions`,
:func:`series_catalogue`) index the long table once by key and then cost the length of
one series, whatever the size of the table.
"""
from __future__ import annotations

import hashlib
import io
import json
import weakref
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ._locations import ENV_PROCESSED, find_processed_dir
from .errors import InputError, ProcessedDataError, ProcessedFileMissing

#: Environment variable naming an alternative processed-data folder.
ENV_VAR = ENV_PROCESSED

#: Files written by ``python -m analysis build``.
FILES = {
    "monthly": "monthly_series.csv",
    "monthly_alt": "monthly_series_alt.csv",
    "weekly": "weekly_series.csv",
    "calendar": "calendar.csv",
    "convictions": "annual_convictions.csv",
    "rejects": "rejects_summary.csv",
    "reconciliation": "reconciliation_summary.csv",
    "build_info": "build_info.json",
    "published": "published_figures.csv",
    # every article part of the court forms (read by analysis.court_tables)
    "convictions_all": "convictions_all.csv",
    "punishments": "punishments.csv",
    "punishment_columns": "punishment_columns.csv",
    "article_titles": "article_titles.csv",
    "chapter_totals": "chapter_totals.csv",
}


def processed_dir(data_dir: str | Path | None = None) -> Path:
    """Folder of the processed data.

    Parameters
    ----------
    data_dir : path, optional
        Explicit folder, used as given. When None: ``$ANALYSIS_PROCESSED`` if set,
        else the checkout's ``data/processed``, else the data installed with the
        package.

    Raises
    ------
    ProcessedDataNotFound
        (a :class:`~analysis.errors.ProcessedFileMissing`) when no folder is given and
        none of the default places exists; the message lists where it looked and what
        to do.
    """
    return find_processed_dir(data_dir)


def _path(key: str, data_dir: str | Path | None) -> Path:
    folder = processed_dir(data_dir)
    p = folder / FILES[key]
    if not p.is_file():
        if not folder.exists() and (folder.parent / f".{folder.name}.old").exists():
            raise ProcessedDataError(str(folder), "is missing because a build was stopped half way through its "
                                                  "swap; run `python -m analysis build` (it restores the old "
                                                  "folder or writes a new one)")
        if not folder.exists():
            raise ProcessedFileMissing(str(folder), "processed-data folder does not exist; point --data DIR "
                                                    f"(or ${ENV_VAR}) at a folder of processed data, such as "
                                                    "a checkout's data/processed")
        raise ProcessedFileMissing(str(p), "processed file not found; rebuild the folder with "
                                           "`python -m analysis build` (in a checkout with the raw files)")
    return p


def _file_bytes(key: str, data_dir: str | Path | None) -> tuple[Path, bytes]:
    """The bytes of a processed file, refused when empty or not what ``build_info.json`` records."""
    p = _path(key, data_dir)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise ProcessedDataError(str(p), f"cannot be read ({exc.strerror})") from None
    if not data.strip():
        raise ProcessedDataError(str(p), "is empty (an interrupted or failed build?); rebuild it with "
                                         "`python -m analysis build`")
    if key != "build_info":
        _check_recorded(p, data)
    return p, data


def _recorded_outputs(info_path: Path) -> dict[str, Any]:
    try:
        info = json.loads(info_path.read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise ProcessedDataError(str(info_path), "is not valid JSON, so the files it records cannot be "
                                                 "checked; rebuild with `python -m analysis build`") from None
    outputs = info.get("outputs", {}) if isinstance(info, dict) else None
    if not isinstance(outputs, dict):
        raise ProcessedDataError(str(info_path), "its 'outputs' record is not an object")
    return outputs


def _check_recorded(p: Path, data: bytes) -> None:
    """Compare a file with the sha256 and size ``build_info.json`` recorded when it was built.

    Folders without that record (written by hand, or by an older build) are read
    unchecked; their content is still validated against the schemas.
    """
    info_path = p.parent / FILES["build_info"]
    if not info_path.is_file():
        return
    rec = _recorded_outputs(info_path).get(p.name)
    if not isinstance(rec, dict) or "sha256" not in rec:
        return
    got = hashlib.sha256(data).hexdigest()
    if got != rec["sha256"]:
        size = rec.get("bytes")
        what = (f"{len(data):,} bytes where the build wrote {size:,}" if isinstance(size, int) and size != len(data)
                else "same size, other content")
        raise ProcessedDataError(str(p), f"is not the file the build wrote ({what}; sha256 {got[:12]}…, "
                                         f"build_info.json records {str(rec['sha256'])[:12]}…): cut short or "
                                         "edited; rebuild with `python -m analysis build`")


def _read_csv(key: str, data_dir: str | Path | None, dtype: dict[str, Any]) -> pd.DataFrame:
    p, data = _file_bytes(key, data_dir)
    text_cols = {c: str for c in dtype}
    try:
        df = pd.read_csv(io.BytesIO(data), dtype=text_cols, keep_default_na=False, na_values=[""])
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise ProcessedDataError(str(p), f"cannot be parsed as CSV ({_one_line(exc)})") from None
    missing = [c for c in dtype if c not in df.columns]
    if missing:
        raise ProcessedDataError(str(p), f"required column(s) missing: {', '.join(missing)}")
    for col, kind in dtype.items():
        if kind is str:
            continue
        raw = df[col]
        try:
            if kind == "bool":
                bad = ~raw.isin(["True", "False"])
                if bad.any():
                    i = int(np.flatnonzero(bad.to_numpy())[0])
                    raise ValueError(f"{raw.iloc[i]!r} is not True or False")
                df[col] = raw == "True"
            elif kind in ("Int64", "int64"):
                num = pd.to_numeric(raw, errors="raise")
                if kind == "int64" and num.isna().any():
                    raise ValueError("a value is missing")
                if (num.dropna() % 1 != 0).any():
                    raise ValueError("a value is not a whole number")
                df[col] = num.astype(kind)
            elif kind is float:
                df[col] = pd.to_numeric(raw, errors="raise").astype(float)
        except (ValueError, TypeError, OverflowError) as exc:
            raise ProcessedDataError(str(p), f"column {col!r}: {_one_line(exc)}") from None
    return df


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200]


def schema_fingerprint() -> str:
    """The sha256 of the schema definitions (the source of :mod:`analysis.schemas`), as builds record it."""
    return hashlib.sha256((Path(__file__).resolve().parent / "schemas.py").read_bytes()).hexdigest()


def schema_token(file_sha256: str) -> str:
    """What a build records as ``schema_checked`` for a file it checked against the current schemas.

    The sha256 of the schemas' fingerprint and the file's sha256 together: it matches only
    for those bytes and those schema definitions.
    """
    return hashlib.sha256(f"{schema_fingerprint()}:{file_sha256}".encode()).hexdigest()


def _validated_by_build(key: str, data_dir: str | Path | None) -> bool:
    """True when ``build_info.json`` records, for this file, the token of its sha256 under the current schemas.

    Called after :func:`_read_csv`, which has refused the file if its bytes differ from the
    recorded sha256: a True here means the bytes are those a build validated, with these
    schemas.
    """
    p = _path(key, data_dir)
    info_path = p.parent / FILES["build_info"]
    if not info_path.is_file():
        return False
    rec = _recorded_outputs(info_path).get(p.name)
    if not isinstance(rec, dict) or not isinstance(rec.get("sha256"), str):
        return False
    return rec.get("schema_checked") == schema_token(rec["sha256"])


def _validate(df: pd.DataFrame, schema: str, key: str, data_dir: str | Path | None,
              revalidate: bool = False) -> pd.DataFrame:
    """Validate ``df`` against the pandera schema named ``schema``; the first failure becomes a one-line error naming the file.

    Skipped (``df`` returned as read) for a file a build validated with the same schemas,
    unless ``revalidate`` (see the module docstring).
    """
    if not revalidate and _validated_by_build(key, data_dir):
        return df
    from pandera import errors as pa_errors

    from . import schemas

    try:
        return getattr(schemas, schema).validate(df, lazy=True)
    except pa_errors.SchemaErrors as exc:
        fc = exc.failure_cases
        first = fc.iloc[0]
        where = f"row {int(first['index']) + 2}" if pd.notna(first.get("index")) else "the table"
        raise ProcessedDataError(str(processed_dir(data_dir) / FILES[key]),
                                 f"{len(fc)} value(s) break its schema; first: column {first['column']!r}, "
                                 f"check {first['check']!r}, {where}: {first['failure_case']!r}") from None


def _structure_error(key: str, data_dir: str | Path | None, message: str) -> ProcessedDataError:
    return ProcessedDataError(str(processed_dir(data_dir) / FILES[key]), message)


def _check_grid(df: pd.DataFrame, groups: list[str], series_keys: list[str], period: str, key: str,
                data_dir: str | Path | None, *, step_days: int | None = None) -> None:
    """Every series of a group covers the same unbroken run of periods, once each.

    ``build`` writes every series of a registry on one axis, so a missing row (a file
    cut at a line break, a row deleted) breaks this.
    """
    keys = groups + series_keys + [period]
    dup = df.duplicated(keys)
    if dup.any():
        row = int(np.flatnonzero(dup.to_numpy())[0]) + 2
        raise _structure_error(key, data_dir, f"row {row} repeats a {period} of its series")
    for gkey, g in df.groupby(groups, sort=True) if groups else [((), df)]:
        axis = sorted(set(g[period]))
        if step_days is None:
            months = pd.PeriodIndex(axis, freq="M")
            full = pd.period_range(months[0], months[-1], freq="M")
            gaps = len(full) != len(months)
        else:
            days = pd.DatetimeIndex(axis).to_numpy().astype("datetime64[D]").astype(np.int64)
            gaps = len(days) > 1 and bool((np.diff(days) != step_days).any())
        if gaps:
            raise _structure_error(key, data_dir, f"the {period}s of {gkey} are not an unbroken run")
        sizes = g.groupby(series_keys, sort=False).size() if series_keys else pd.Series([len(g)])
        short = sizes[sizes != len(axis)]
        if len(short):
            raise _structure_error(key, data_dir, f"series {short.index[0]} of {gkey} has {int(short.iloc[0])} of "
                                                  f"the {len(axis)} {period}s of its registry (rows missing)")


_SERIES_DTYPE = {"registry": str, "measure": str, "category": str, "month": str,
                 "value": "Int64", "complete": "bool"}


def read_monthly_series(data_dir: str | Path | None = None, *, alternative: bool = False,
                        revalidate: bool = False) -> pd.DataFrame:
    """The long monthly series table, validated.

    Parameters
    ----------
    data_dir : path, optional
        Processed-data folder (see :func:`processed_dir`).
    alternative : bool, default False
        Read ``monthly_series_alt.csv`` (alternative date bases, with a leading
        ``date_basis`` column) instead of the default-basis file.
    revalidate : bool, default False
        Check the schema even when the file is one a build validated (see the module
        docstring).

    Returns
    -------
    DataFrame
        Columns ``[date_basis,] registry, measure, category, month, value, complete``;
        ``value`` is nullable Int64 (missing outside coverage), ``complete`` bool.

    Raises
    ------
    ProcessedFileMissing
        When the file is not there (an :class:`~analysis.errors.InputError`).
    ProcessedDataError
        When it is empty, not what ``build_info.json`` records, off its schema
        (:class:`~analysis.schemas.SeriesFileSchema`), or not a complete grid (every
        series of a registry on the same unbroken run of months).
    """
    dtype = dict(_SERIES_DTYPE)
    key = "monthly_alt" if alternative else "monthly"
    if alternative:
        dtype = {"date_basis": str, **dtype}
    df = _validate(_read_csv(key, data_dir, dtype), "SeriesFileSchema", key, data_dir, revalidate)
    groups = (["date_basis"] if alternative else []) + ["registry"]
    _check_grid(df, groups, ["measure", "category"], "month", key, data_dir)
    return df


def read_weekly_series(data_dir: str | Path | None = None, *, revalidate: bool = False) -> pd.DataFrame:
    """The long weekly series table (``week`` = ISO week start date, as text), validated like the monthly one."""
    df = _read_csv("weekly", data_dir, {"date_basis": str, "registry": str, "measure": str,
                                         "category": str, "week": str, "value": "Int64",
                                         "complete": "bool"})
    df = _validate(df, "WeeklyFileSchema", "weekly", data_dir, revalidate)
    _check_grid(df, ["date_basis", "registry"], ["measure", "category"], "week", "weekly", data_dir, step_days=7)
    return df


def read_calendar(data_dir: str | Path | None = None, *, revalidate: bool = False) -> pd.DataFrame:
    """Monthly calendar (``days``, ``fridays``) indexed by a monthly PeriodIndex.

    Every month must be there once, in an unbroken run, with the days and Fridays the
    calendar gives it.
    """
    df = _read_csv("calendar", data_dir, {"month": str, "days": "int64", "fridays": "int64"})
    df = _validate(df, "CalendarFileSchema", "calendar", data_dir, revalidate)
    _check_grid(df, [], [], "month", "calendar", data_dir)
    idx = pd.PeriodIndex(df.pop("month"), freq="M", name="month")
    df.index = idx
    want_days = np.asarray(idx.days_in_month)
    if (df["days"].to_numpy() != want_days).any():
        i = int(np.flatnonzero(df["days"].to_numpy() != want_days)[0])
        raise _structure_error("calendar", data_dir, f"{idx[i]} has {want_days[i]} days, not {df['days'].iloc[i]}")
    return df.sort_index()


def read_annual_convictions(data_dir: str | Path | None = None, *, revalidate: bool = False) -> pd.DataFrame:
    """Annual convictions per article (``article, charge, year, value``; value nullable Int64), validated.

    Every article and charge must cover the same years, and where main, additional and
    all are given, all = main + additional.
    """
    df = _read_csv("convictions", data_dir, {"article": str, "charge": str, "year": "int64",
                                              "value": "Int64"})
    df = _validate(df, "ConvictionsFileSchema", "convictions", data_dir, revalidate)
    years = set(df["year"])
    per = df.groupby(["article", "charge"], sort=True)["year"].nunique()
    short = per[per != len(years)]
    if len(short):
        raise _structure_error("convictions", data_dir, f"article {short.index[0][0]}, charge {short.index[0][1]} "
                                                        f"covers {int(short.iloc[0])} of the {len(years)} years "
                                                        "(rows missing)")
    wide = df.pivot_table(index=["article", "year"], columns="charge", values="value", aggfunc="first",
                          dropna=False)
    if {"main", "additional", "all"} <= set(wide.columns):
        w = wide.dropna(subset=["main", "additional", "all"])
        bad = w[w["main"] + w["additional"] != w["all"]]
        if len(bad):
            (art, yr), r = bad.index[0], bad.iloc[0]
            raise _structure_error("convictions", data_dir, f"article {art}, {yr}: all ({r['all']}) is not main "
                                                            f"({r['main']}) + additional ({r['additional']})")
    return df


def read_published_figures(data_dir: str | Path | None = None, *, revalidate: bool = False) -> pd.DataFrame:
    """Published aggregate figures (no names) with their source and address, validated."""
    df = _read_csv("published", data_dir, {"article": str, "code": str, "period_start": str,
                                            "period_end": str, "measure": str, "value": float,
                                            "source_name": str, "source_url": str})
    return _validate(df, "PublishedFileSchema", "published", data_dir, revalidate)


def read_rejects_summary(data_dir: str | Path | None = None, *, revalidate: bool = False) -> pd.DataFrame:
    """Counts of rejected or skipped input rows by source, status and reason, validated."""
    df = _read_csv("rejects", data_dir, {"source_id": str, "status": str, "reason": str, "n": "int64"})
    return _validate(df, "RejectsSummaryFileSchema", "rejects", data_dir, revalidate)


def read_reconciliation_summary(data_dir: str | Path | None = None, *, revalidate: bool = False) -> pd.DataFrame:
    """Counts of reconciliation conflicts by registry and kind, validated."""
    df = _read_csv("reconciliation", data_dir, {"registry": str, "kind": str, "n": "int64"})
    return _validate(df, "ReconciliationSummaryFileSchema", "reconciliation", data_dir, revalidate)


def read_build_info(data_dir: str | Path | None = None) -> dict[str, Any]:
    """Sources (file, sha256, snapshot date, coverage, row counts), options, versions and output hashes."""
    p, data = _file_bytes("build_info", data_dir)
    try:
        info = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ProcessedDataError(str(p), "is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise ProcessedDataError(str(p), f"not valid JSON ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(info, dict):
        raise ProcessedDataError(str(p), "expected a JSON object")
    for k in ("sources", "options", "versions", "outputs"):
        if k in info and not isinstance(info[k], (list if k == "sources" else dict)):
            raise ProcessedDataError(str(p), f"{k!r} has the wrong type")
    info.setdefault("sources", [])
    info.setdefault("options", {})
    info.setdefault("versions", {})
    return info


#: Readers of every file :func:`verify_processed` checks, by key of :data:`FILES`.
def _court(reader: str, data_dir: str | Path | None) -> pd.DataFrame:
    from . import court_tables

    return getattr(court_tables, reader)(data_dir)


_READERS = {
    "monthly": lambda d: read_monthly_series(d, revalidate=True),
    "monthly_alt": lambda d: read_monthly_series(d, alternative=True, revalidate=True),
    "weekly": lambda d: read_weekly_series(d, revalidate=True),
    "calendar": lambda d: read_calendar(d, revalidate=True),
    "convictions": lambda d: read_annual_convictions(d, revalidate=True),
    "rejects": lambda d: read_rejects_summary(d, revalidate=True),
    "reconciliation": lambda d: read_reconciliation_summary(d, revalidate=True),
    "build_info": lambda d: read_build_info(d),
    "published": lambda d: read_published_figures(d, revalidate=True),
    "convictions_all": lambda d: _court("read_convictions_all", d),
    "punishments": lambda d: _court("read_punishments", d),
    "punishment_columns": lambda d: _court("read_punishment_columns", d),
    "article_titles": lambda d: _court("read_article_titles", d),
    "chapter_totals": lambda d: _court("read_chapter_totals", d),
}


def verify_processed(data_dir: str | Path | None = None) -> None:
    """Read and validate every file of a processed folder; raise on the first problem.

    ``build`` calls it on its stage folder before swapping it in. Every file must be
    present, match the sha256 ``build_info.json`` records for it, and pass its reader's
    checks, the schema included (``revalidate=True``: a recorded fingerprint is not
    taken on trust here).

    Raises
    ------
    ProcessedFileMissing, ProcessedDataError
    """
    for key in FILES:
        _READERS[key](data_dir)


# ---------------------------------------------------------------------------
# One series out of a long table: the table is indexed once, a lookup is O(1)
# ---------------------------------------------------------------------------


class _SeriesIndex:
    """Row positions of every series of a long table, each in period order, plus the value arrays.

    Built once per table and key set (one pass and one sort); a lookup is then a
    dictionary access plus the series' own length, whatever the size of the table.
    """

    def __init__(self, frame: pd.DataFrame, keys: tuple[str, ...], period: str) -> None:
        self.length = len(frame)
        order = np.lexsort([frame[period].to_numpy()] + [frame[k].to_numpy() for k in reversed(keys)])
        ordered = frame.iloc[order]
        groups = ordered.groupby(list(keys), sort=False).indices
        self.positions = {(k if isinstance(k, tuple) else (k,)): order[v] for k, v in groups.items()}
        self.periods = frame[period].astype(str).to_numpy()
        self.freq = "M" if period == "month" else "Y"
        codes, uniques = pd.factorize(self.periods)
        self.ordinals = np.asarray(pd.PeriodIndex(uniques, freq=self.freq).asi8)[codes]
        self.values = frame["value"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        self.complete = frame["complete"].to_numpy(dtype=bool) if "complete" in frame else None


#: id(frame) → (weak reference to the frame, {(keys, period): _SeriesIndex}); an entry
#: goes when its frame is garbage-collected (frames are not hashable, so no WeakKeyDictionary).
_INDEXES: dict[int, tuple[weakref.ref, dict]] = {}


def _indexes_of(frame: pd.DataFrame) -> dict:
    key = id(frame)
    entry = _INDEXES.get(key)
    if entry is not None and entry[0]() is frame:
        return entry[1]

    def forget(ref: weakref.ref, key: int = key) -> None:
        if _INDEXES.get(key, (None,))[0] is ref:
            del _INDEXES[key]

    per_frame: dict = {}
    _INDEXES[key] = (weakref.ref(frame, forget), per_frame)
    return per_frame


def _series_index(frame: pd.DataFrame, keys: tuple[str, ...], period: str) -> _SeriesIndex:
    """The index of ``frame`` by ``keys`` (cached for the frame's lifetime; rebuilt if the frame grew or shrank)."""
    per_frame = _indexes_of(frame)
    index = per_frame.get((keys, period))
    if index is None or index.length != len(frame):
        index = _SeriesIndex(frame, keys, period)
        per_frame[(keys, period)] = index
    return index


def _rows_of(frame: pd.DataFrame, where: dict[str, str], period: str) -> tuple[_SeriesIndex, np.ndarray | None]:
    keys = tuple(where)
    index = _series_index(frame, keys, period)
    pos = index.positions.get(tuple(where[k] for k in keys))
    if pos is not None and len(pos):
        # a frame changed in place since it was indexed: index it again
        first = int(pos[0])
        if any(frame[k].iat[first] != v for k, v in where.items()):
            _indexes_of(frame).pop((keys, period), None)
            index = _series_index(frame, keys, period)
            pos = index.positions.get(tuple(where[k] for k in keys))
    return index, pos


def monthly_series(registry: str, measure: str = "inclusions", category: str = "all", *,
                   date_basis: str | None = None, drop_incomplete: bool = False,
                   trim: bool = True, data_dir: str | Path | None = None,
                   frame: pd.DataFrame | None = None) -> pd.Series:
    """One monthly series as a float Series with a monthly ``PeriodIndex``.

    Parameters
    ----------
    registry : {"foreign_agents", "undesirable"}
    measure : {"inclusions", "exclusions", "net", "active"}
    category : str, default "all"
        ``all``, ``kind:<kind>``, ``category:<category>`` or ``basis:<legal basis>``.
    date_basis : str, optional
        Read the alternative-basis file and select this basis (e.g. ``decision``,
        ``first_listing_only``). None reads the default basis.
    drop_incomplete : bool, default False
        Drop months marked incomplete (the month containing the coverage end).
    trim : bool, default True
        Drop the leading and trailing missing months (outside coverage); interior
        missing months are kept as NaN.
    data_dir : path, optional
        Processed-data folder.
    frame : DataFrame, optional
        An already read long table (as from :func:`read_monthly_series`), to avoid
        re-reading the file. It is indexed by series once (the index lives as long as
        the frame), so each further call costs the length of the series, not of the
        table; treat the frame as read-only.

    Returns
    -------
    Series
        Float values (NaN where missing), ``PeriodIndex`` freq ``M`` named ``month``;
        ``attrs["incomplete"]`` lists the incomplete months as ``YYYY-MM`` text.

    Raises
    ------
    InputError
        When the selection is empty.
    """
    if frame is None:
        frame = read_monthly_series(data_dir, alternative=date_basis is not None)
    where = {"registry": registry, "measure": measure, "category": category}
    if date_basis is not None:
        where["date_basis"] = date_basis
    index, pos = _rows_of(frame, where, "month")
    if pos is None or not len(pos):
        raise InputError(FILES["monthly_alt" if date_basis else "monthly"],
                         f"no series for {where}")
    idx = pd.PeriodIndex.from_ordinals(index.ordinals[pos], freq="M", name="month")
    y = pd.Series(index.values[pos], index=idx, name=f"{registry}/{measure}/{category}")
    complete = pd.Series(index.complete[pos], index=idx)
    if drop_incomplete:
        y = y[complete.to_numpy()]
        complete = complete[complete.to_numpy()]
    if trim:
        ok = np.flatnonzero(~np.isnan(y.to_numpy()))
        if len(ok):
            y = y.iloc[ok[0]: ok[-1] + 1]
            complete = complete.iloc[ok[0]: ok[-1] + 1]
    y.attrs["incomplete"] = [str(p) for p in complete.index[~complete.to_numpy()]]
    y.attrs["date_basis"] = date_basis or "default"
    return y


def annual_convictions(article: str, charge: str = "main", *, data_dir: str | Path | None = None,
                       frame: pd.DataFrame | None = None, trim: bool = True) -> pd.Series:
    """Annual convictions of one article as a float Series with a yearly ``PeriodIndex``.

    Parameters
    ----------
    article : str
        Criminal Code article, e.g. ``"275"``.
    charge : {"main", "additional", "all"}
        Main charge, additional charge (persons), or all persons (main + additional).
    trim : bool, default True
        Drop leading and trailing years in which the article did not exist (missing).
    """
    if frame is None:
        frame = read_annual_convictions(data_dir)
    index, pos = _rows_of(frame, {"article": str(article), "charge": charge}, "year")
    if pos is None or not len(pos):
        raise InputError(FILES["convictions"], f"no series for article {article!r}, charge {charge!r}")
    idx = pd.PeriodIndex.from_ordinals(index.ordinals[pos], freq="Y", name="year")
    y = pd.Series(index.values[pos], index=idx, name=f"art. {article} ({charge})")
    if trim:
        ok = np.flatnonzero(~np.isnan(y.to_numpy()))
        if len(ok):
            y = y.iloc[ok[0]: ok[-1] + 1]
    return y


def series_catalogue(data_dir: str | Path | None = None, *, frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per monthly series: registry, measure, category, first and last month with data, months, total.

    Sorted by registry, measure and category. ``total`` is the sum of values for flow
    measures and the last value for the ``active`` stock.
    """
    if frame is None:
        frame = read_monthly_series(data_dir)
    rows = []
    index = _series_index(frame, ("registry", "measure", "category"), "month")
    for reg, meas, cat in sorted(index.positions):
        pos = index.positions[(reg, meas, cat)]
        vals = index.values[pos]
        have = pos[~np.isnan(vals)]
        if not len(have):
            first = last = None
            total = None
        else:
            first, last = str(index.periods[have[0]]), str(index.periods[have[-1]])
            v = index.values[have]
            total = int(v[-1]) if meas == "active" else int(v.sum())
        rows.append({"registry": reg, "measure": meas, "category": cat, "first": first,
                     "last": last, "months": int(len(have)), "total": total})
    out = pd.DataFrame(rows, columns=["registry", "measure", "category", "first", "last",
                                      "months", "total"])
    out["total"] = out["total"].astype("Int64")
    return out
