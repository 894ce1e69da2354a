"""Adjusted p-values against statsmodels' ``multipletests`` (an independent implementation)."""
from __future__ import annotations

import numpy as np
import pytest
from statsmodels.stats.multitest import multipletests

from analysis.screening import adjust_bh, adjust_holm, adjust_pvalues


@pytest.mark.parametrize("seed", range(6))
def test_bh_and_holm_match_statsmodels(seed):
    rng = np.random.default_rng(seed)
    m = int(rng.integers(1, 400))
    p = np.concatenate([rng.uniform(size=m), rng.beta(0.2, 5, size=m // 3)])
    p[rng.integers(0, p.size, size=p.size // 10)] = p[0]  # ties
    assert np.allclose(adjust_bh(p), multipletests(p, method="fdr_bh")[1], rtol=0, atol=1e-15)
    assert np.allclose(adjust_holm(p), multipletests(p, method="holm")[1], rtol=0, atol=1e-15)


def test_missing_pvalues_are_left_out_of_the_family():
    p = np.array([0.01, np.nan, 0.04, 0.03, np.nan])
    ok = ~np.isnan(p)
    bh, holm = adjust_bh(p), adjust_holm(p)
    assert np.isnan(bh[~ok]).all() and np.isnan(holm[~ok]).all()
    assert np.allclose(bh[ok], multipletests(p[ok], method="fdr_bh")[1])
    assert np.allclose(holm[ok], multipletests(p[ok], method="holm")[1])


def test_rejections_equal_statsmodels_at_q():
    rng = np.random.default_rng(11)
    p = np.concatenate([rng.uniform(size=900), rng.uniform(0, 1e-3, size=100)])
    for q in (0.01, 0.05, 0.1, 0.2):
        assert np.array_equal(adjust_bh(p) <= q, multipletests(p, alpha=q, method="fdr_bh")[0])
        assert np.array_equal(adjust_holm(p) <= q, multipletests(p, alpha=q, method="holm")[0])


def test_edge_cases_and_errors():
    assert adjust_bh(np.array([])).size == 0
    assert np.isnan(adjust_holm(np.array([np.nan]))).all()
    assert adjust_pvalues(np.array([0.2]), "holm")[0] == 0.2
    with pytest.raises(ValueError):
        adjust_pvalues(np.array([0.2]), "bonferroni")
    with pytest.raises(ValueError):
        adjust_bh(np.array([1.5]))
    with pytest.raises(ValueError):
        adjust_bh(np.zeros((2, 2)))
