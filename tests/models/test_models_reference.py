"""Estimates against stored output of independent implementations on the Seatbelts data.

``reference_values.csv`` was produced by ``tests/models/reference/glm_nb_reference.R`` (R 4.2.2,
MASS 7.3-58.2: glm, glm.nb, optim). ``level_slope_values.csv`` (level and slope change on the
same date) was produced by ``level_slope_reference.py`` with statsmodels, because R was not
available; ``level_slope_reference.R`` computes the same quantities with glm and glm.nb. The
tests need only the stored CSV files.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.models import fit_count_model, step

REF = Path(__file__).parent / "reference"
RTOL = 1e-6


@pytest.fixture(scope="module")
def reference() -> pd.DataFrame:
    return pd.read_csv(REF / "reference_values.csv", keep_default_na=False)


@pytest.fixture(scope="module")
def monthly() -> pd.DataFrame:
    d = pd.read_csv(REF / "seatbelts_monthly.csv")
    d.index = pd.PeriodIndex(d["period"], freq="M")
    return d


@pytest.fixture(scope="module")
def annual() -> pd.Series:
    d = pd.read_csv(REF / "seatbelts_annual.csv")
    return pd.Series(d["DriversKilled"].to_numpy(), index=pd.period_range(str(d["year"].iloc[0]),
                                                                         periods=len(d), freq="Y"))


def _ref(reference: pd.DataFrame, model: str, quantity: str) -> pd.Series:
    r = reference[(reference.model == model) & (reference.quantity == quantity)]
    return pd.Series(r["value"].astype(float).to_numpy(), index=r["term"].to_numpy())


def _compare(res, reference, model, *, theta=True):
    coef = _ref(reference, model, "coef")
    se = _ref(reference, model, "se")
    assert set(coef.index) == set(res.params.index)
    np.testing.assert_allclose(res.params[coef.index], coef, rtol=RTOL)
    np.testing.assert_allclose(res.bse[se.index], se, rtol=RTOL)
    np.testing.assert_allclose(res.llf, _ref(reference, model, "llf").iloc[0], rtol=RTOL)
    if theta:
        np.testing.assert_allclose(res.theta, _ref(reference, model, "theta").iloc[0], rtol=RTOL)
        np.testing.assert_allclose(res.alpha, 1 / _ref(reference, model, "theta").iloc[0], rtol=RTOL)


@pytest.mark.parametrize("family", ["poisson", "negbin"])
def test_monthly_whole_month_step_matches_r_glm(monthly, reference, family):
    res = fit_count_model(monthly["DriversKilled"], family=family, exog=monthly[["PetrolPrice"]],
                          interventions={"law": step("1983-02-01")})
    assert all(res.fitted.index == monthly.index)
    _compare(res, reference, f"monthly_{family}", theta=family == "negbin")
    if family == "negbin":
        np.testing.assert_allclose(res.se_theta, _ref(reference, "monthly_negbin", "se_theta").iloc[0], rtol=RTOL)
    np.testing.assert_allclose(res.aic, _ref(reference, f"monthly_{family}", "aic").iloc[0], rtol=RTOL)


def test_monthly_partial_month_step_matches_r_optim(monthly, reference):
    # the law was in force from 31 January 1983: it covers 1/31 of January
    res = fit_count_model(monthly["DriversKilled"], family="negbin", exog=monthly[["PetrolPrice"]],
                          interventions={"law": step("1983-01-31")})
    _compare(res, reference, "monthly_frac_negbin")


@pytest.mark.parametrize("family", ["poisson", "negbin"])
def test_annual_fractional_step_matches_r_optim(annual, reference, family):
    res = fit_count_model(annual, family=family, interventions={"law": step("1983-02-01")}, min_side=2)
    assert any("does not apply" in n for n in res.meta["notes"])
    _compare(res, reference, f"annual_frac_{family}", theta=family == "negbin")


# ------------------------------------------------------------------ level and slope change at the same date

@pytest.fixture(scope="module")
def level_slope_reference() -> pd.DataFrame:
    return pd.read_csv(REF / "level_slope_values.csv", keep_default_na=False)


@pytest.mark.parametrize("family", ["poisson", "negbin"])
def test_level_and_slope_change_matches_the_reference_at_default_checks(monthly, level_slope_reference, family):
    # the standard segmented-regression design (Lopez Bernal et al. 2017): a step and a ramp on the same date,
    # accepted with the default placement checks (min_side=3)
    from analysis.models import level_and_slope

    res = fit_count_model(monthly["DriversKilled"], family=family, exog=monthly[["PetrolPrice"]],
                          interventions=level_and_slope("1983-02-01", name="law"))
    ref = level_slope_reference
    model = f"level_slope_{family}"
    assert (ref["program"].str.startswith("statsmodels")).all()
    _compare(res, ref, model, theta=family == "negbin")
    np.testing.assert_allclose(res.aic, _ref(ref, model, "aic").iloc[0], rtol=RTOL)
    if family == "negbin":
        np.testing.assert_allclose(res.se_theta, _ref(ref, model, "se_theta").iloc[0], rtol=RTOL)
    assert res.to_frame().set_index("term").loc[["law", "law_slope"], "kind"].tolist() == ["step", "ramp"]
