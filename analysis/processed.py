"""Read the committed processed data (``data/processed/``) as validated frames and series.

This is the reading side of ``python -m analysis build``: the report, the notebooks and
users load series from here without touching raw files. Every reader takes an explicit
``data_dir``; when it is omitted the folder named by the environment variable
``ANALYSIS_PROCESSED`` is used, else ``data/processed`` of the repository.

Conventions kept from the files: a month outside a source's coverage is missing (NaN),
never 0; ``complete`` is False for the month (or week) that contains the coverage end.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import InputError

#: Environment variable naming an alternative processed-data folder.
ENV_VAR = "ANALYSIS_PROCESSED"

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
}


def processed_dir(data_dir: str | Path | None = None) -> Path:
    """Folder of the processed data.

    Parameters
    ----------
    data_dir : path, optional
        Explicit folder. When None, ``$ANALYSIS_PROCESSED`` if set, else the
        repository's ``data/processed``.
    """
    if data_dir is not None:
        return Path(data_dir)
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[1] / "data" / "processed"


def _path(key: str, data_dir: str | Path | None) -> Path:
    p = processed_dir(data_dir) / FILES[key]
    if not p.is_file():
        raise InputError(str(p), "processed file not found; run `python -m analysis build` first")
    return p


def _read_csv(key: str, data_dir: str | Path | None, dtype: dict[str, Any]) -> pd.DataFrame:
    p = _path(key, data_dir)
    try:
        df = pd.read_csv(p, dtype=dtype, keep_default_na=False, na_values=[""])
    except (ValueError, pd.errors.ParserError) as exc:
        raise InputError(str(p), f"cannot be parsed as CSV ({exc})") from None
    missing = [c for c in dtype if c not in df.columns]
    if missing:
        raise InputError(str(p), f"required column(s) missing: {', '.join(missing)}")
    return df


def _bool(col: pd.Series) -> pd.Series:
    return col.astype(str).str.strip().str.lower().isin(["true", "1", "yes"])


_SERIES_DTYPE = {"registry": str, "measure": str, "category": str, "month": str,
                 "value": "Int64", "complete": str}


def read_monthly_series(data_dir: str | Path | None = None, *, alternative: bool = False) -> pd.DataFrame:
    """The long monthly series table.

    Parameters
    ----------
    data_dir : path, optional
        Processed-data folder (see :func:`processed_dir`).
    alternative : bool, default False
        Read ``monthly_series_alt.csv`` (alternative date bases, with a leading
        ``date_basis`` column) instead of the default-basis file.

    Returns
    -------
    DataFrame
        Columns ``[date_basis,] registry, measure, category, month, value, complete``;
        ``value`` is nullable Int64 (missing outside coverage), ``complete`` bool.
    """
    dtype = dict(_SERIES_DTYPE)
    if alternative:
        dtype = {"date_basis": str, **dtype}
    df = _read_csv("monthly_alt" if alternative else "monthly", data_dir, dtype)
    df["complete"] = _bool(df["complete"])
    return df


def read_weekly_series(data_dir: str | Path | None = None) -> pd.DataFrame:
    """The long weekly series table (``week`` = ISO week start date, as text)."""
    df = _read_csv("weekly", data_dir, {"date_basis": str, "registry": str, "measure": str,
                                         "category": str, "week": str, "value": "Int64",
                                         "complete": str})
    df["complete"] = _bool(df["complete"])
    return df


def read_calendar(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Monthly calendar (``days``, ``fridays``) indexed by a monthly PeriodIndex."""
    df = _read_csv("calendar", data_dir, {"month": str, "days": "int64", "fridays": "int64"})
    df.index = pd.PeriodIndex(df.pop("month"), freq="M", name="month")
    return df.sort_index()


def read_annual_convictions(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Annual convictions per article (``article, charge, year, value``; value nullable Int64)."""
    return _read_csv("convictions", data_dir, {"article": str, "charge": str, "year": "int64",
                                                "value": "Int64"})


def read_published_figures(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Published aggregate figures (no names) with their source and address."""
    return _read_csv("published", data_dir, {"article": str, "code": str, "period_start": str,
                                              "period_end": str, "measure": str, "value": float,
                                              "source_name": str, "source_url": str})


def read_rejects_summary(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Counts of rejected or skipped input rows by source, status and reason."""
    return _read_csv("rejects", data_dir, {"source_id": str, "status": str, "reason": str, "n": "int64"})


def read_reconciliation_summary(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Counts of reconciliation conflicts by registry and kind."""
    return _read_csv("reconciliation", data_dir, {"registry": str, "kind": str, "n": "int64"})


def read_build_info(data_dir: str | Path | None = None) -> dict[str, Any]:
    """Sources (file, sha256, snapshot date, coverage, row counts), options and versions of the build."""
    p = _path("build_info", data_dir)
    try:
        info = json.loads(p.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputError(str(p), f"not valid JSON ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(info, dict):
        raise InputError(str(p), "expected a JSON object")
    info.setdefault("sources", [])
    info.setdefault("options", {})
    info.setdefault("versions", {})
    return info


def _select(df: pd.DataFrame, **where: str) -> pd.DataFrame:
    mask = np.ones(len(df), dtype=bool)
    for col, val in where.items():
        mask &= (df[col] == val).to_numpy()
    return df.loc[mask]


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
        re-reading the file.

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
    sel = _select(frame, **where)
    if sel.empty:
        raise InputError(FILES["monthly_alt" if date_basis else "monthly"],
                         f"no series for {where}")
    sel = sel.sort_values("month", kind="stable")
    idx = pd.PeriodIndex(sel["month"].to_numpy(), freq="M", name="month")
    y = pd.Series(sel["value"].astype("Float64").to_numpy(dtype=float, na_value=np.nan),
                  index=idx, name=f"{registry}/{measure}/{category}")
    complete = pd.Series(sel["complete"].to_numpy(dtype=bool), index=idx)
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
    sel = _select(frame, article=str(article), charge=charge).sort_values("year", kind="stable")
    if sel.empty:
        raise InputError(FILES["convictions"], f"no series for article {article!r}, charge {charge!r}")
    idx = pd.PeriodIndex(sel["year"].astype(str).to_numpy(), freq="Y", name="year")
    y = pd.Series(sel["value"].astype("Float64").to_numpy(dtype=float, na_value=np.nan),
                  index=idx, name=f"art. {article} ({charge})")
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
    keys = frame[["registry", "measure", "category"]].drop_duplicates()
    keys = keys.sort_values(["registry", "measure", "category"], kind="stable")
    for reg, meas, cat in keys.itertuples(index=False):
        sel = _select(frame, registry=reg, measure=meas, category=cat)
        have = sel[sel["value"].notna()].sort_values("month", kind="stable")
        if have.empty:
            first = last = None
            total = None
        else:
            first, last = have["month"].iloc[0], have["month"].iloc[-1]
            total = int(have["value"].iloc[-1]) if meas == "active" else int(have["value"].sum())
        rows.append({"registry": reg, "measure": meas, "category": cat, "first": first,
                     "last": last, "months": int(len(have)), "total": total})
    out = pd.DataFrame(rows, columns=["registry", "measure", "category", "first", "last",
                                      "months", "total"])
    out["total"] = out["total"].astype("Int64")
    return out
