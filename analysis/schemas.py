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
# ---------------------------------------------------------------------------

_MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"
_DAY = r"^\d{4}-\d{2}-\d{2}$"


class SeriesFileSchema(pa.DataFrameModel):
    """``monthly_series.csv`` and ``monthly_series_alt.csv`` after reading (``complete`` as bool)."""

    registry: Series[str] = pa.Field(isin=list(REGISTRIES))
    measure: Series[str] = pa.Field(isin=list(MEASURES))
    category: Series[str] = pa.Field(str_length={"min_value": 1})
    month: Series[str] = pa.Field(str_matches=_MONTH)
    value: Series[pd.Int64Dtype] = pa.Field(nullable=True)
    complete: Series[bool]

    class Config:
        strict = False

    @pa.dataframe_check
    def flows_and_stock_not_negative(cls, df: pd.DataFrame) -> Series[bool]:
        return (df["measure"] == "net") | df["value"].isna() | (df["value"] >= 0)


class WeeklyFileSchema(pa.DataFrameModel):
    """``weekly_series.csv`` after reading (``week`` is the Monday, ``YYYY-MM-DD``)."""

    registry: Series[str] = pa.Field(isin=list(REGISTRIES))
    measure: Series[str] = pa.Field(isin=list(MEASURES))
    category: Series[str] = pa.Field(str_length={"min_value": 1})
    week: Series[str] = pa.Field(str_matches=_DAY)
    value: Series[pd.Int64Dtype] = pa.Field(nullable=True)
    complete: Series[bool]

    class Config:
        strict = False


class CalendarFileSchema(pa.DataFrameModel):
    """``calendar.csv``: days and Fridays per month."""

    month: Series[str] = pa.Field(str_matches=_MONTH, unique=True)
    days: Series[int] = pa.Field(ge=28, le=31)
    fridays: Series[int] = pa.Field(ge=4, le=5)

    class Config:
        strict = False


class ConvictionsFileSchema(pa.DataFrameModel):
    """``annual_convictions.csv``: persons convicted per article, charge and year."""

    article: Series[str] = pa.Field(str_matches=r"^\d{3}(\.\d+)?$")
    charge: Series[str] = pa.Field(isin=list(CHARGES))
    year: Series[int] = pa.Field(ge=2000, le=2100)
    value: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0)

    class Config:
        strict = False
        unique = ["article", "charge", "year"]


class PublishedFileSchema(pa.DataFrameModel):
    """``published_figures.csv``: published figures without quotes."""

    article: Series[str] = pa.Field(str_length={"min_value": 1})
    period_start: Series[str] = pa.Field(str_matches=_DAY)
    period_end: Series[str] = pa.Field(str_matches=_DAY)
    measure: Series[str] = pa.Field(str_matches=r"^[a-z][a-z0-9_]*$")
    value: Series[float] = pa.Field(ge=0)
    source_name: Series[str] = pa.Field(str_length={"min_value": 1})

    class Config:
        strict = False

    @pa.dataframe_check
    def period_is_ordered(cls, df: pd.DataFrame) -> Series[bool]:
        return df["period_end"] >= df["period_start"]


class RejectsSummaryFileSchema(pa.DataFrameModel):
    """``rejects_summary.csv``: rejected or skipped input rows by source, status and reason."""

    source_id: Series[str] = pa.Field(str_length={"min_value": 1})
    status: Series[str] = pa.Field(isin=list(REJECT_STATUSES))
    reason: Series[str] = pa.Field(str_length={"min_value": 1})
    n: Series[int] = pa.Field(ge=1)

    class Config:
        strict = False


class ReconciliationSummaryFileSchema(pa.DataFrameModel):
    """``reconciliation_summary.csv``: reconciliation conflicts by registry and kind."""

    registry: Series[str] = pa.Field(str_length={"min_value": 1})
    kind: Series[str] = pa.Field(str_length={"min_value": 1})
    n: Series[int] = pa.Field(ge=1)

    class Config:
        strict = False
