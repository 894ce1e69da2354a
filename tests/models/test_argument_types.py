"""Type mistakes in the public signatures of the count models raise ModelError naming what was expected."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.errors import ModelError
from analysis.models import fit_count_model, fit_ingarch, step

IDX = pd.period_range("2015-01", periods=60, freq="M")
Y = pd.Series(np.random.default_rng(0).poisson(8, 60), index=IDX)
FITS = [pytest.param(fit_count_model, {}, id="fit_count_model"),
        pytest.param(fit_ingarch, {"n_boot": 0}, id="fit_ingarch")]


@pytest.mark.parametrize(("fit", "extra"), FITS)
@pytest.mark.parametrize(("value", "message"), [
    ([step("2017-07-01")], "not a list of 1 unnamed intervention"),
    ((step("2017-07-01"), step("2018-07-01")), "not a tuple of 2 unnamed intervention"),
    (step("2017-07-01"), "not a single Step: give it a name"),
    ("2017-07-01", "not the string '2017-07-01'"),
    (["law"], "holding str"),
    (42, "not int"),
])
def test_interventions_of_the_wrong_form(fit, extra, value, message):
    with pytest.raises(ModelError, match="interventions must be a mapping of name to intervention") as err:
        fit(Y, interventions=value, **extra)
    assert message in str(err.value)
    assert "{'law': step(" in str(err.value)


@pytest.mark.parametrize(("fit", "extra"), FITS)
def test_named_pairs_are_read_as_a_mapping(fit, extra):
    a = fit(Y, family="poisson", interventions=[("law", step("2017-07-01"))], **extra)
    b = fit(Y, family="poisson", interventions={"law": step("2017-07-01")}, **extra)
    pd.testing.assert_series_equal(a.params, b.params)
    with pytest.raises(ModelError, match="used twice"):
        fit(Y, interventions=[("law", step("2017-07-01")), ("law", step("2018-01-01"))], **extra)


@pytest.mark.parametrize(("fit", "extra"), FITS)
@pytest.mark.parametrize(("kwargs", "message"), [
    ({"interventions": {"law": "2017-07-01"}}, "must be built with step"),
    ({"interventions": {1: step("2017-07-01")}}, "names must be non-empty strings"),
    ({"min_side": "3"}, "min_side must be a non-negative whole number"),
    ({"min_side": -1}, "min_side must be a non-negative whole number"),
    ({"fourier_order": "2"}, "fourier_order must be a whole number"),
    ({"pulses": "2017-07"}, "pulses must be None, 'auto' or a list"),
    ({"family": ["negbin"]}, "family must be"),
    ({"exog": [1, 2, 3]}, "exog must be a pandas"),
])
def test_other_arguments_of_the_wrong_type(fit, extra, kwargs, message):
    with pytest.raises(ModelError, match=message):
        fit(Y, **kwargs, **extra)


@pytest.mark.parametrize(("fit", "extra"), FITS)
@pytest.mark.parametrize(("y", "message"), [
    (pd.Series(["3"] * 60, index=IDX), "y must hold numbers"),
    (pd.Series(["a"] * 60, index=IDX), "y must hold numbers"),
    (pd.Series([True, False] * 30, index=IDX), "y must hold numbers"),
    (pd.Series(pd.date_range("2000-01-01", periods=60), index=IDX), "y must hold numbers"),
    (pd.Series(np.ones(60) + 1j, index=IDX), "y must hold numbers"),
    (pd.Series([3, "x"] * 30, index=IDX, dtype=object), "y must hold numbers"),
    (pd.Series([np.inf] + [3.0] * 59, index=IDX), "infinite value"),
    (list(range(60)), "y must be a pandas Series"),
    (np.arange(60), "y must be a pandas Series"),
])
def test_non_numeric_or_non_series_y(fit, extra, y, message):
    with pytest.raises(ModelError, match=message):
        fit(y, **extra)


def test_numbers_in_an_object_or_nullable_column_are_counts():
    ref = fit_count_model(Y, family="poisson")
    as_obj = fit_count_model(pd.Series(Y.tolist(), index=IDX, dtype=object), family="poisson")
    as_nullable = fit_count_model(Y.astype("Int64"), family="poisson")
    pd.testing.assert_series_equal(ref.params, as_obj.params)
    pd.testing.assert_series_equal(ref.params, as_nullable.params)
