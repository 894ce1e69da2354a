"""Calendar arithmetic on whole days, over the full range of pandas periods.

Placing an intervention on a series needs the first and last day of each period and the
day an effect starts. Casting period dates to ``datetime64[ns]`` would wrap outside
1677-09-21 … 2262-04-11 and silently place steps in the wrong periods, so this module
works on integers only:

* a **day number** is the number of days since 1970-01-01 in the proleptic Gregorian
  calendar (negative before it), computed from (year, month, day) by the closed-form
  civil-to-days formula (Hinnant, *chrono-Compatible Low-Level Date Algorithms*);
* the bounds of a period come from its ordinal converted to monthly ordinals
  (``asfreq("M")``), which pandas does in integer arithmetic for any period frequency
  whose periods are whole months (monthly, quarterly, annual with any anchor).
"""
from __future__ import annotations

import datetime as _dt
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ModelError

__all__ = ["days_from_civil", "civil_from_days", "month_start_day", "period_day_bounds", "day_number",
           "add_months", "day_to_timestamp"]


def days_from_civil(year: Any, month: Any, day: Any) -> np.ndarray:
    """Day numbers (days since 1970-01-01) of Gregorian dates; vectorised over int arrays."""
    y = np.asarray(year, dtype=np.int64) - (np.asarray(month, dtype=np.int64) <= 2)
    m = np.asarray(month, dtype=np.int64)
    d = np.asarray(day, dtype=np.int64)
    era = np.floor_divide(y, 400)
    yoe = y - era * 400                                     # [0, 399]
    mp = np.where(m > 2, m - 3, m + 9)                      # March = 0
    doy = (153 * mp + 2) // 5 + d - 1                       # [0, 365]
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy           # [0, 146096]
    return era * 146097 + doe - 719468


def civil_from_days(days: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Inverse of :func:`days_from_civil`: (year, month, day) of day numbers."""
    z = np.asarray(days, dtype=np.int64) + 719468
    era = np.floor_divide(z, 146097)
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = np.where(mp < 10, mp + 3, mp - 9)
    return y + (m <= 2), m, d


def month_start_day(month_ordinal: Any) -> np.ndarray:
    """Day number of the first day of monthly period ordinals (months since 1970-01)."""
    o = np.asarray(month_ordinal, dtype=np.int64)
    return days_from_civil(1970 + np.floor_divide(o, 12), np.mod(o, 12) + 1, 1)


#: How many distinct indexes :func:`period_day_bounds` keeps the answer for.
BOUNDS_CACHE_SIZE = 8


def period_day_bounds(index: pd.PeriodIndex) -> tuple[np.ndarray, np.ndarray]:
    """First day and the day after the last day of each period, as day numbers.

    Works for periods made of whole months (``M``, ``Q``, ``Y`` with any anchor).

    Returns
    -------
    starts, ends : ndarray of int64
        Read-only: the same arrays are returned for the same periods.

    Notes
    -----
    A fit asks for the bounds of the same index several times (placing the
    interventions, checking their placement, each refit of an outlier search), so the
    answers for the last :data:`BOUNDS_CACHE_SIZE` distinct indexes are kept, keyed by
    the frequency and the ordinals themselves (equal periods, equal answer). Monthly
    ordinals are already months since 1970-01; other frequencies go through
    ``asfreq("M")``.
    """
    if len(index) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    ordinals = np.ascontiguousarray(index.asi8, dtype=np.int64)
    return _cached_bounds(index.freqstr, ordinals.tobytes())


@lru_cache(maxsize=BOUNDS_CACHE_SIZE)
def _cached_bounds(freqstr: str, ordinal_bytes: bytes) -> tuple[np.ndarray, np.ndarray]:
    ordinals = np.frombuffer(ordinal_bytes, dtype=np.int64)
    if freqstr == "M":
        start, nxt = ordinals, ordinals + 1
    else:
        index = pd.PeriodIndex.from_ordinals(ordinals, freq=freqstr)
        start = index.asfreq("M", how="start").asi8
        nxt = (index + 1).asfreq("M", how="start").asi8
    starts, ends = month_start_day(start), month_start_day(nxt)
    starts.flags.writeable = False
    ends.flags.writeable = False
    return starts, ends


def day_number(x: Any) -> int:
    """Day number of a date-like value (str, date, Timestamp, numpy datetime64); a Period means its first day."""
    if isinstance(x, pd.Period):
        if x.freqstr.upper().startswith(("M", "Q", "Y", "A")):
            return int(month_start_day(x.asfreq("M", how="start").ordinal))
        x = x.start_time
    if isinstance(x, _dt.datetime):
        x = x.date() if not isinstance(x, pd.Timestamp) else x
    if isinstance(x, _dt.date) and not isinstance(x, _dt.datetime):
        return int(days_from_civil(x.year, x.month, x.day))
    try:
        ts = pd.Timestamp(x)
    except (TypeError, ValueError, OverflowError) as exc:
        raise ModelError(f"cannot read {x!r} as a date") from exc
    if ts is pd.NaT or pd.isna(ts):
        raise ModelError(f"cannot read {x!r} as a date")
    if ts.tz is not None:
        ts = ts.tz_localize(None)
    return int(days_from_civil(ts.year, ts.month, ts.day))


def add_months(day: int, months: int) -> int:
    """Day number ``months`` calendar months after ``day`` (day of month clipped to the month's end)."""
    y, m, d = (int(v) for v in civil_from_days(day))
    o = (y - 1970) * 12 + (m - 1) + int(months)
    ny, nm = 1970 + o // 12, o % 12 + 1
    last = int(month_start_day(o + 1) - month_start_day(o))
    return int(days_from_civil(ny, nm, min(d, last)))


def day_to_timestamp(day: int) -> pd.Timestamp:
    """Midnight of day number ``day`` as a Timestamp (second resolution, so any year 1–9999 is representable)."""
    y, m, d = (int(v) for v in civil_from_days(day))
    return pd.Timestamp(_dt.datetime(y, m, d)).as_unit("s")
