"""Placement of steps, pulses and ramps on monthly and annual series (known fractions)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.errors import ModelError
from analysis.models import pulse, ramp, step, steps_from_breaks
from analysis.models.interventions import encode_interventions

MONTHS = pd.period_range("2020-01", periods=24, freq="M")
YEARS = pd.period_range("2009", "2024", freq="Y")


def test_step_inside_a_month_covers_the_remaining_days():
    enc = encode_interventions(MONTHS, {"law": step("2020-04-11")})
    f = enc.fraction[:, 0]
    assert f[:3].tolist() == [0.0, 0.0, 0.0]
    assert f[3] == pytest.approx(20 / 30)
    assert np.all(f[4:] == 1.0)
    assert not enc.is_linear


def test_step_on_first_day_is_a_whole_period_step():
    enc = encode_interventions(MONTHS, {"law": step(pd.Period("2020-04", "M"))})
    assert enc.fraction[:, 0].tolist() == [0.0] * 3 + [1.0] * 21
    assert enc.is_linear
    assert enc.seg_weight.shape[1] == 1


def test_annual_fraction_counts_days_of_the_year():
    # 4 March 2022: 31 + 28 + 3 = 62 days of 2022 precede it
    enc = encode_interventions(YEARS, {"law": step("2022-03-04")})
    assert enc.fraction[YEARS.get_loc(pd.Period("2022", "Y")), 0] == pytest.approx(303 / 365)
    # 1 March of a leap year: 60 days precede it
    enc = encode_interventions(YEARS, {"law": step("2020-03-01")})
    assert enc.fraction[YEARS.get_loc(pd.Period("2020", "Y")), 0] == pytest.approx(306 / 366)


def test_two_steps_inside_one_year_split_it_into_three_segments():
    enc = encode_interventions(YEARS, {"a": step("2016-03-01"), "b": step("2016-10-01")}, min_side=0,
                               check=False)
    t = YEARS.get_loc(pd.Period("2016", "Y"))
    w = enc.seg_weight[t]
    assert w.sum() == pytest.approx(1.0)
    assert w == pytest.approx([60 / 366, 214 / 366, 92 / 366])
    assert enc.seg_active[t].tolist() == [[0, 0], [1, 0], [1, 1]]


def test_lag_shifts_the_start_by_months():
    s = step("2022-03-04", lag=6)
    assert s.effective_start == pd.Timestamp("2022-09-04")
    enc = encode_interventions(YEARS, {"law": s})
    assert enc.fraction[YEARS.get_loc(pd.Period("2022", "Y")), 0] == pytest.approx(119 / 365)
    with pytest.raises(ModelError, match="lag"):
        step("2022-03-04", lag=-1)


def test_pulse_and_ramp_columns():
    enc = encode_interventions(MONTHS, {"p": pulse("2020-06-15"), "r": ramp("2021-01-20")})
    p, r = enc.loglinear[:, 0], enc.loglinear[:, 1]
    assert p.sum() == 1 and p[5] == 1
    assert np.all(r[:12] == 0)
    assert r[12:15] == pytest.approx([0, 1 / 12, 2 / 12])


def test_steps_from_breaks_are_flagged_as_estimated():
    steps = steps_from_breaks([pd.Period("2021-05", "M"), "2020-07"])
    assert list(steps) == ["break_1", "break_2"]
    assert steps["break_1"].start == pd.Timestamp("2020-07-01")
    assert all(s.estimated for s in steps.values())
    assert not step("2020-07-01").estimated


@pytest.mark.parametrize("when", ["2019-12-31", "2022-01-01"])
def test_intervention_outside_series(when):
    with pytest.raises(ModelError, match="outside the series"):
        encode_interventions(MONTHS, {"law": step(when)})


def test_too_few_observations_on_one_side_states_minimum():
    with pytest.raises(ModelError, match=r"2 observation\(s\) before .*at least 3"):
        encode_interventions(MONTHS, {"law": step("2020-03-01")})
    with pytest.raises(ModelError, match=r"2 from its start; at least 3"):
        encode_interventions(MONTHS, {"law": step("2021-11-10")})
    # a step starting inside the last period but one: two periods touched
    enc = encode_interventions(MONTHS, {"law": step("2020-03-01")}, min_side=2)
    assert enc.fraction[:, 0].sum() == 22


def test_two_steps_a_month_apart_are_refused_as_collinear():
    with pytest.raises(ModelError, match="collinear"):
        encode_interventions(MONTHS, {"a": step("2020-06-01"), "b": step("2020-07-01")})


def test_bad_dates_and_objects():
    with pytest.raises(ModelError, match="date"):
        step("not a date")
    with pytest.raises(ModelError, match="step"):
        encode_interventions(MONTHS, {"law": "2020-06-01"})
