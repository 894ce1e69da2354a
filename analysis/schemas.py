"""pandera schemas for the frames that cross module boundaries.

The event frame is what every registry loader returns; the rejects frame is the
one-row-per-rejected-input-row account that goes with it; the conviction frame is
what court-statistics loaders return; the monthly series frame is what `build`
writes to ``data/processed/monthly_series.csv``.
"""
from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

REGISTRIES = ("foreign_agents", "undesirable")
KINDS = ("individual", "organisation")
CATEGORIES = (
    "individual",
    "legal_entity",
    "unregistered_association",
    "foreign_structure",
    "unknown",
)
#: Normalised legal bases (the law under which an entry was listed).
LEGAL_BASES = (
    "7-FZ art. 32",        # 12.01.1996 No. 7-FZ "On non-commercial organisations", art. 32 (NGO foreign agents, 2012)
    "2124-1 art. 6",       # 27.12.1991 No. 2124-1 "On mass media", art. 6 (media foreign agents, 2017)
    "2124-1 art. 25.1",    # idem, art. 25.1 (individual media foreign agents, 2019)
    "272-FZ art. 2.1",     # 28.12.2012 No. 272-FZ ("Dima Yakovlev law"), art. 2.1 (individuals, 2020)
    "82-FZ art. 29.1",     # 19.05.1995 No. 82-FZ "On public associations", art. 29.1 (unregistered associations, 2020)
    "255-FZ art. 7",       # 14.07.2022 No. 255-FZ, art. 7 (foreign-agent status, in force 01.12.2022)
    "255-FZ art. 9",       # 14.07.2022 No. 255-FZ, art. 9 (persons affiliated with foreign agents)
    "129-FZ",              # 23.05.2015 No. 129-FZ (undesirable organisations; art. 3.1 of 272-FZ)
    "unknown",
)
REJECT_STATUSES = ("rejected", "skipped")
CHARGES = ("main", "additional", "all")
MEASURES = ("inclusions", "exclusions", "net", "active")


class EventSchema(pa.DataFrameModel):
    """One registry listing event (an inclusion, with its exclusion if any)."""

    registry: Series[str] = pa.Field(isin=list(REGISTRIES))
    entry_id: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=1)
    name: Series[str] = pa.Field(str_length={"min_value": 1})
    kind: Series[str] = pa.Field(isin=list(KINDS))
    category: Series[str] = pa.Field(isin=list(CATEGORIES))
    legal_basis: Series[str] = pa.Field(isin=list(LEGAL_BASES))
    included_on: Series[pa.DateTime] = pa.Field(nullable=False)
    excluded_on: Series[pa.DateTime] = pa.Field(nullable=True)
    decision_on: Series[pa.DateTime] = pa.Field(nullable=True)
    source_id: Series[str]
    source_row: Series[int] = pa.Field(ge=1)

    class Config:
        strict = True
        ordered = True
        coerce = False

    @pa.dataframe_check
    def exclusion_after_inclusion(cls, df: pd.DataFrame) -> Series[bool]:
        return df["excluded_on"].isna() | (df["excluded_on"] >= df["included_on"])


class RejectSchema(pa.DataFrameModel):
    """One input row that did not become an event, with the reason."""

    source_id: Series[str]
    source_row: Series[int] = pa.Field(ge=1)
    column: Series[str] = pa.Field(nullable=True)
    raw_value: Series[str] = pa.Field(nullable=True)
    reason: Series[str] = pa.Field(str_length={"min_value": 1})
    status: Series[str] = pa.Field(isin=list(REJECT_STATUSES))

    class Config:
        strict = True
        ordered = True


class ConvictionSchema(pa.DataFrameModel):
    """Persons convicted per article part, year and charge, as the forms print them."""

    article: Series[str] = pa.Field(str_matches=r"^\d{3}(\.\d+)?$")
    part: Series[str] = pa.Field(nullable=True)
    charge: Series[str] = pa.Field(isin=["main", "additional"])
    year: Series[int] = pa.Field(ge=2000, le=2100)
    value: Series[int] = pa.Field(ge=0)
    source_id: Series[str]
    source_row: Series[int] = pa.Field(ge=1)

    class Config:
        strict = True
        ordered = True


class MonthlySeriesSchema(pa.DataFrameModel):
    """Long-format monthly series as written to ``monthly_series.csv``."""

    registry: Series[str] = pa.Field(isin=list(REGISTRIES))
    measure: Series[str] = pa.Field(isin=list(MEASURES))
    category: Series[str]
    month: Series[str] = pa.Field(str_matches=r"^\d{4}-\d{2}$")
    value: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=-100000)
    complete: Series[bool]

    class Config:
        strict = True
        ordered = True
        unique = ["registry", "measure", "category", "month"]


# ---------------------------------------------------------------------------
# The files of data/processed as the readers see them (analysis.processed).
# Not strict: a reader needs these columns and these values; a file may carry more.
# The structure a schema cannot express (a complete grid of months, all = main +
# additional) is checked by the readers themselves.
#
# These are pandera's object-API schemas (``DataFrameSchema``), not class models: a
# class model resolves its annotations on first use, and with dask installed (the
# ``cluster`` extra) pandera then imports dask.dataframe, most of a second in every
# process that only reads the committed files.
# ---------------------------------------------------------------------------

_MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"
_DAY = r"^\d{4}-\d{2}-\d{2}$"


def _text(*checks: pa.Check) -> pa.Column:
    return pa.Column(str, list(checks))


_NONEMPTY = pa.Check.str_length(min_value=1)

#: ``monthly_series.csv`` and ``monthly_series_alt.csv`` after reading (``complete`` as bool).
SeriesFileSchema = pa.DataFrameSchema(
    {
        "registry": _text(pa.Check.isin(list(REGISTRIES))),
        "measure": _text(pa.Check.isin(list(MEASURES))),
        "category": _text(_NONEMPTY),
        "month": _text(pa.Check.str_matches(_MONTH)),
        "value": pa.Column(pd.Int64Dtype(), nullable=True),
        "complete": pa.Column(bool),
    },
    checks=[pa.Check(lambda df: (df["measure"] == "net") | df["value"].isna() | (df["value"] >= 0),
                     name="flows_and_stock_not_negative")],
    strict=False,
    name="SeriesFileSchema",
)

#: ``weekly_series.csv`` after reading (``week`` is the Monday, ``YYYY-MM-DD``).
WeeklyFileSchema = pa.DataFrameSchema(
    {
        "registry": _text(pa.Check.isin(list(REGISTRIES))),
        "measure": _text(pa.Check.isin(list(MEASURES))),
        "category": _text(_NONEMPTY),
        "week": _text(pa.Check.str_matches(_DAY)),
        "value": pa.Column(pd.Int64Dtype(), nullable=True),
        "complete": pa.Column(bool),
    },
    strict=False,
    name="WeeklyFileSchema",
)

#: ``calendar.csv``: days and Fridays per month.
CalendarFileSchema = pa.DataFrameSchema(
    {
        "month": pa.Column(str, pa.Check.str_matches(_MONTH), unique=True),
        "days": pa.Column(int, [pa.Check.ge(28), pa.Check.le(31)]),
        "fridays": pa.Column(int, [pa.Check.ge(4), pa.Check.le(5)]),
    },
    strict=False,
    name="CalendarFileSchema",
)

#: ``annual_convictions.csv``: persons convicted per article, charge and year.
ConvictionsFileSchema = pa.DataFrameSchema(
    {
        "article": _text(pa.Check.str_matches(r"^\d{3}(\.\d+)?$")),
        "charge": _text(pa.Check.isin(list(CHARGES))),
        "year": pa.Column(int, [pa.Check.ge(2000), pa.Check.le(2100)]),
        "value": pa.Column(pd.Int64Dtype(), pa.Check.ge(0), nullable=True),
    },
    strict=False,
    unique=["article", "charge", "year"],
    name="ConvictionsFileSchema",
)

#: ``published_figures.csv``: published figures without quotes.
PublishedFileSchema = pa.DataFrameSchema(
    {
        "article": _text(_NONEMPTY),
        "period_start": _text(pa.Check.str_matches(_DAY)),
        "period_end": _text(pa.Check.str_matches(_DAY)),
        "measure": _text(pa.Check.str_matches(r"^[a-z][a-z0-9_]*$")),
        "value": pa.Column(float, pa.Check.ge(0)),
        "source_name": _text(_NONEMPTY),
    },
    checks=[pa.Check(lambda df: df["period_end"] >= df["period_start"], name="period_is_ordered")],
    strict=False,
    name="PublishedFileSchema",
)

#: ``rejects_summary.csv``: rejected or skipped input rows by source, status and reason.
RejectsSummaryFileSchema = pa.DataFrameSchema(
    {
        "source_id": _text(_NONEMPTY),
        "status": _text(pa.Check.isin(list(REJECT_STATUSES))),
        "reason": _text(_NONEMPTY),
        "n": pa.Column(int, pa.Check.ge(1)),
    },
    strict=False,
    name="RejectsSummaryFileSchema",
)

#: ``reconciliation_summary.csv``: reconciliation conflicts by registry and kind.
ReconciliationSummaryFileSchema = pa.DataFrameSchema(
    {
        "registry": _text(_NONEMPTY),
        "kind": _text(_NONEMPTY),
        "n": pa.Column(int, pa.Check.ge(1)),
    },
    strict=False,
    name="ReconciliationSummaryFileSchema",
)
