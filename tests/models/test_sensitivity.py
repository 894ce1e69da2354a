"""Specification choice, sensitivity tables, placebo tests and the analysis that combines them."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from analysis.errors import ModelError
from simulated import persistent_series  # tests/models/simulated.py
from analysis.models import (
    Specification,
    analyse_effects,
    choose_specification,
    fit_specification,
    placebo_test,
    sensitivity_table,
    step,
)


def iid_series(seed=0, n=120, gamma=0.6, at=72):
    rng = np.random.default_rng(seed)
    idx = pd.period_range("2012-01", periods=n, freq="M")
    t = np.arange(n)
    y = rng.poisson(rng.gamma(30, 10 * np.exp(gamma * (t >= at)) / 30))
    return pd.Series(y, index=idx), idx[at]


def test_the_rule_picks_dynamics_for_persistent_counts_and_none_for_independent_ones():
    y, at = persistent_series()
    ch = choose_specification(y, interventions={"law": step(at)},
                              candidates=[Specification(None, d) for d in ("none", "ar1", "ingarch")])
    assert ch.chosen.dynamics in ("ar1", "ingarch")
    row = ch.candidates[ch.candidates["chosen"]].iloc[0]
    assert row["passes"] and row["aicc"] == ch.candidates.loc[ch.candidates["passes"], "aicc"].min()
    assert "lowest AICc" in ch.reason and "Ljung-Box" in ch.rule
    y2, at2 = iid_series(seed=1)
    ch2 = choose_specification(y2, interventions={"law": step(at2)},
                               candidates=[Specification(None, d) for d in ("none", "ar1")])
    assert ch2.chosen.dynamics == "none"
    json.dumps(ch2.to_dict())
    assert ch2.meta["options"]["candidates"][0]["dynamics"] == "none"


def test_common_sample_makes_information_criteria_comparable():
    y, at = iid_series(seed=2)
    a = fit_specification(y, Specification(None, "none"), interventions={"law": step(at)}, common_sample=True)
    b = fit_specification(y, Specification(None, "ar1"), interventions={"law": step(at)}, common_sample=True)
    assert a.nobs == b.nobs == len(y) - 1
    assert a.fitted.index[0] == b.fitted.index[0]


def test_segmented_trend_adds_a_slope_change_at_the_effect():
    y, at = iid_series(seed=3)
    res = fit_specification(y, Specification("fourier", "none", "segmented"), interventions={"law": step(at)},
                            effect="law")
    assert {"law", "law_slope"} <= set(res.params.index)
    with pytest.raises(ModelError, match="segmented"):
        fit_specification(y, Specification(None, "none", "segmented"), interventions={"law": step(at)})


def test_sensitivity_marks_a_strong_effect_robust_and_a_null_one_fragile():
    grid = [Specification(s, d, t, p) for s in (None, "fourier") for d in ("none", "ar1") for t in ("linear", "none")
            for p in ("auto", None)]
    y, at = iid_series(seed=4, gamma=0.8)
    base = Specification(None, "none")
    st = sensitivity_table(y, interventions={"law": step(at)}, base=base, grid=grid)
    assert len(st.frame) == len(grid)
    assert st.frame["is_base"].sum() == 1
    v = st.verdicts.loc["law"]
    assert not v["fragile"] and v["min_rr"] > 1.5 and "robust" in v["verdict"]
    # a null effect whose significance depends on the trend: significant without a trend, not with it
    rng = np.random.default_rng(5)
    idx = pd.period_range("2012-01", periods=120, freq="M")
    t = np.arange(120)
    z = pd.Series(rng.poisson(rng.gamma(30, 10 * np.exp(0.35 * t / 12) / 30)), index=idx)
    st2 = sensitivity_table(z, interventions={"law": step(idx[60])}, base=base, grid=grid)
    v2 = st2.verdicts.loc["law"]
    assert v2["fragile"] and "FRAGILE" in v2["verdict"]
    assert st2.fragile("law")
    assert list(st2.table("law")["is_base"])[0]
    json.dumps(st2.to_dict())


def test_date_bases_enter_as_rows_with_the_base_specification():
    y, at = iid_series(seed=6)
    alt = y.copy()
    alt.iloc[70:75] += 5
    st = sensitivity_table(y, interventions={"law": step(at)}, base=Specification(None, "none"),
                           grid=[Specification(None, "none")], alternatives={"decision": alt})
    assert set(st.frame["basis"]) == {"default", "decision"}


def test_placebo_rejects_a_planted_effect_and_states_its_minimum():
    # 25 years; the event 12 months before the end: fake dates 12 months apart, windows of 24 + 12 months
    y, at = iid_series(seed=7, n=300, gamma=1.0, at=288)
    spec = Specification(None, "none", "linear", None)
    pt = placebo_test(y, effect="law", interventions={"law": step(at)}, spec=spec)
    assert pt.n_placebo == 22 and pt.min_pvalue == pytest.approx(1 / 23)
    assert pt.pvalue == pytest.approx(pt.min_pvalue) and pt.rejects(0.05)
    dates = list(pt.placebos["period"])
    assert dates[-1] == y.index[288 - 12] and all(b - a == 12 for a, b in
                                                  zip([d.ordinal for d in dates], [d.ordinal for d in dates[1:]]))
    assert pt.meta["window_pre_periods"] == 24 and pt.meta["window_post_periods"] == 12
    # no effect: the placebo p-value is not small
    y0, at0 = iid_series(seed=8, n=300, gamma=0.0, at=288)
    p0 = placebo_test(y0, effect="law", interventions={"law": step(at0)}, spec=spec)
    assert p0.pvalue > 0.05
    json.dumps(p0.to_dict())
    assert "fake dates" in p0.summary()
    # a long post-event period leaves few fake dates, and the result says the test cannot reject
    y1, at1 = iid_series(seed=9, n=120, gamma=0.0, at=60)
    p1 = placebo_test(y1, effect="law", interventions={"law": step(at1)}, spec=spec)
    assert p1.n_placebo <= 1 and ("cannot reject" in p1.summary() or "no placebo" in p1.summary())


def test_analyse_effects_reports_meaning_fragility_and_placebo_in_one_caveat():
    y, at = iid_series(seed=9, n=132, gamma=0.7, at=84)
    grid_cands = [Specification(s, "none") for s in (None, "fourier")]
    an = analyse_effects(y, interventions={"law": step(at)}, candidates=grid_cands, placebo_max_dates=12)
    row = an.effects.loc["law"]
    assert 1.5 < row["rate_ratio"] < 3 and row["lower"] < row["rate_ratio"] < row["upper"]
    assert "relative to the log-linear trend" in row["caveat"]
    assert "placebo" in row["caveat"] and ("robust" in row["caveat"] or "fragile" in row["caveat"])
    assert an.model.kind in ("count_model", "ingarch")
    assert "Effects on" in an.summary()
    json.dumps(an.to_dict())
