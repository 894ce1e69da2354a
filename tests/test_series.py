"""Series builder: zeros inside coverage, missing outside, stock identities (hypothesis)."""
from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.series import Coverage, fridays_per_month, registry_series, to_series

START, END = date(2015, 6, 3), date(2019, 3, 14)


def _events(incl: list[date], excl: list[int | None], kinds: list[str]) -> pd.DataFrame:
    n = len(incl)
    out = []
    for d, e in zip(incl, excl):
        if e is None:
            out.append(pd.NaT)
        else:
            out.append(pd.Timestamp(min(d + timedelta(days=e), END)))
    return pd.DataFrame({
        "registry": "foreign_agents", "kind": kinds[:n],
        "category": ["individual" if k == "individual" else "legal_entity" for k in kinds[:n]],
        "legal_basis": "unknown", "included_on": pd.to_datetime(incl), "excluded_on": pd.to_datetime(out),
    })


event_lists = st.integers(0, 40).flatmap(lambda n: st.tuples(
    st.lists(st.dates(START, END), min_size=n, max_size=n),
    st.lists(st.one_of(st.none(), st.integers(0, 900)), min_size=n, max_size=n),
    st.lists(st.sampled_from(["individual", "organisation"]), min_size=n, max_size=n),
))


@settings(max_examples=150, deadline=None)
@given(event_lists)
def test_counts_and_stock_identities(args):
    incl, excl, kinds = args
    ev = _events(incl, excl, kinds)
    cov = Coverage(START, END)
    df = registry_series(ev, cov, axis_start=date(2014, 1, 1), axis_end=date(2019, 12, 31))
    inc = to_series(df, measure="inclusions")
    exc = to_series(df, measure="exclusions")
    act = to_series(df, measure="active")
    net = to_series(df, measure="net")
    inside = inc.notna()
    # monthly inclusions sum to the number of dated events in coverage
    assert int(inc[inside].sum()) == len(ev)
    assert int(exc[inside].sum()) == int(ev["excluded_on"].notna().sum())
    # outside coverage: missing, never 0
    assert inc[inc.index < pd.Period(START, "M")].isna().all()
    assert inc[inc.index > pd.Period(END, "M")].isna().all()
    # active stock = cumulative inclusions - cumulative exclusions
    np.testing.assert_array_equal(act[inside].to_numpy(dtype=int),
                                  (inc[inside].cumsum() - exc[inside].cumsum()).to_numpy(dtype=int))
    np.testing.assert_array_equal(net[inside].to_numpy(dtype=int),
                                  (inc[inside] - exc[inside]).to_numpy(dtype=int))
    # breakdowns add up to the total
    parts = [to_series(df, measure="inclusions", category=f"kind:{k}") for k in sorted(set(kinds))]
    if parts:
        np.testing.assert_array_equal(sum(p[inside].to_numpy(dtype=int) for p in parts),
                                      inc[inside].to_numpy(dtype=int))


def test_empty_month_is_zero_and_last_month_incomplete():
    ev = _events([date(2016, 1, 8), date(2016, 3, 4)], [None, None], ["individual"] * 2)
    df = registry_series(ev, Coverage(date(2016, 1, 1), date(2016, 4, 10)))
    s = df[(df.measure == "inclusions") & (df.category == "all")]
    assert s["value"].tolist() == [1, 0, 1, 0]
    assert s["complete"].tolist() == [True, True, True, False]


def test_lag_marks_recent_periods_incomplete():
    ev = _events([date(2016, 1, 8)], [None], ["individual"])
    df = registry_series(ev, Coverage(date(2016, 1, 1), date(2016, 4, 10), lag_days=50))
    s = df[(df.measure == "inclusions") & (df.category == "all")]
    assert s["complete"].tolist() == [True, False, False, False]


def test_unobservable_exclusions_are_missing():
    ev = _events([date(2016, 1, 8)], [None], ["organisation"])
    df = registry_series(ev, Coverage(date(2016, 1, 1), date(2016, 3, 31)), exclusions_observed=False)
    assert df[df.measure != "inclusions"]["value"].isna().all()
    assert df[df.measure == "inclusions"]["value"].notna().all()


def test_weekly_series_monday_weeks():
    ev = _events([date(2024, 1, 5), date(2024, 1, 12), date(2024, 1, 12)], [None] * 3, ["individual"] * 3)
    df = registry_series(ev, Coverage(date(2024, 1, 1), date(2024, 1, 21)), freq="W-SUN", dimensions=())
    s = df[(df.measure == "inclusions")]
    assert [p.start_time.date() for p in s["period"]] == [date(2024, 1, 1), date(2024, 1, 8), date(2024, 1, 15)]
    assert s["value"].tolist() == [1, 2, 0]


def test_fridays():
    cal = fridays_per_month(pd.period_range("2022-08", "2022-09", freq="M"))
    assert cal["fridays"].tolist() == [4, 5]  # Aug 2022: 5, 12, 19, 26; Sep 2022: 2, 9, 16, 23, 30
    assert cal["days"].tolist() == [31, 30]
