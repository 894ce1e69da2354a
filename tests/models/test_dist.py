"""The light distribution functions against scipy.stats, bit for bit, edges included."""
import numpy as np
import pytest
from scipy import stats

from analysis.models import _dist

X = np.concatenate([np.linspace(-40, 40, 4001), [0.0, -0.0, np.inf, -np.inf, np.nan]])
Q = np.concatenate([np.linspace(0, 1, 2001), [1e-300, np.nan]])


def test_normal():
    np.testing.assert_array_equal(_dist.norm_sf(X), stats.norm.sf(X))
    np.testing.assert_array_equal(_dist.norm_ppf(Q), stats.norm.ppf(Q))


@pytest.mark.parametrize("df", [1, 2, 3.5, 17, 150, 1e4])
def test_chi2_and_t(df):
    np.testing.assert_array_equal(_dist.chi2_sf(X, df), stats.chi2.sf(X, df))
    np.testing.assert_array_equal(_dist.t_sf(X, df), stats.t.sf(X, df))
    np.testing.assert_array_equal(_dist.t_ppf(Q, df), stats.t.ppf(Q, df))
    assert _dist.t_ppf(0.975, df) == stats.t.ppf(0.975, df)
    assert _dist.t_ppf(0.0, df) == -np.inf
