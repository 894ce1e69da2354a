"""Classical series against references from an independent brute-force scan (and R)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import special

from analysis.changepoint import bayesian_changepoints, detect_changepoints
from analysis.errors import ModelError


def test_coal_series_is_the_published_one(coal, reference):
    assert coal.sum() == 191
    assert len(coal) == 112
    assert coal.tolist() == reference["coal_counts"]


@pytest.mark.parametrize("method", ["pelt", "dp", "binseg"])
def test_coal_single_break_poisson_mle(coal, reference, method):
    ref = reference["coal_poisson_single_break"]
    res = detect_changepoints(coal, cost="poisson", pulses=False, n_breaks=1, method=method)
    assert res.positions == (41,) == (ref["position"],)
    assert res.breaks == (pd.Period("1892", freq="Y"),)
    seg = res.to_frame()
    assert seg["estimate"].tolist() == pytest.approx([ref["rate_before"], ref["rate_after"]], rel=1e-12)
    # the cost is the deviance: -2 log L up to the data-only constant -2 * (saturated log L)
    y = coal.to_numpy(dtype=float)
    const = 2 * float(np.sum(special.xlogy(y, y) - y - special.gammaln(y + 1.0)))
    assert res.total_cost - const == pytest.approx(-2 * ref["loglik"], rel=1e-10)


def test_coal_default_penalty_finds_the_same_single_break(coal):
    res = detect_changepoints(coal)
    assert res.positions == (41,)
    ci = res.conf_int()
    assert ci.loc[0, "lower"] <= pd.Period("1892", freq="Y") <= ci.loc[0, "upper"]
    # the classical answer (1890-1892 region) lies in a short interval
    assert ci.loc[0, "upper_position"] - ci.loc[0, "lower_position"] <= 12


def test_coal_bayesian_single_break_posterior(coal, reference):
    ref = reference["coal_bayes_single_break"]
    res = bayesian_changepoints(coal, family="poisson", pulses=None, min_size=1, max_breaks=1)
    assert res.mode_position == ref["mode_position"] == 41
    assert res.break_probability.index[res.mode_position] == pd.Period("1892", freq="Y")
    np.testing.assert_allclose(res.break_probability.to_numpy(), ref["break_probability"], atol=1e-10)
    assert res.n_breaks_posterior.loc[0] == pytest.approx(ref["p_no_break"], abs=1e-12)
    assert res.prior["rate"] == pytest.approx(ref["rate"])
    assert res.map_positions == (41,)


def test_nile_forced_single_break_in_mean(nile, reference):
    ref = reference["nile_single_break"]
    res = detect_changepoints(nile, cost="normal_mean", n_breaks=1)
    assert res.positions == (28,) == (ref["position"],)
    assert res.breaks == (pd.Period("1899", freq="Y"),)
    seg = res.to_frame()
    assert seg["estimate"].tolist() == pytest.approx([ref["mean_before"], ref["mean_after"]], rel=1e-12)
    scale = res.meta["scale"]
    assert res.total_cost * scale**2 == pytest.approx(ref["rss"], rel=1e-9)


def test_r_cross_check_file_agrees(reference):
    from pathlib import Path

    txt = (Path(__file__).parent / "reference" / "reference_R.txt").read_text().split("\n")
    vals = dict(line.split()[:2] for line in txt if line.strip())
    assert int(vals["coal_total"]) == 191
    assert int(vals["coal_poisson_position"]) == reference["coal_poisson_single_break"]["position"]
    assert float(vals["coal_poisson_loglik"]) == pytest.approx(reference["coal_poisson_single_break"]["loglik"])
    assert int(vals["nile_position"]) == reference["nile_single_break"]["position"]


def test_missing_values_raise_unless_policy(coal):
    y = coal.astype(float).copy()
    y.iloc[0] = np.nan
    with pytest.raises(ModelError, match="missing"):
        detect_changepoints(y)
    res = detect_changepoints(y, missing="drop-edges", n_breaks=1)
    assert res.breaks == (pd.Period("1892", freq="Y"),)
    assert res.meta["dropped_head"] == 1
    y.iloc[50] = np.nan
    with pytest.raises(ModelError, match="inside"):
        detect_changepoints(y, missing="drop-edges")
    with pytest.raises(ModelError):
        bayesian_changepoints(y)
