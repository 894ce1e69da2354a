"""The compiled first-order filter against scipy.signal.lfilter, bit for bit."""
import numpy as np
import pytest
from scipy import signal

from analysis.models._filter import ar1_filter


@pytest.mark.parametrize("a", [0.0, 0.37, -0.81, 0.999999])
def test_matches_lfilter_bit_for_bit(a):
    rng = np.random.default_rng(7)
    x = rng.normal(size=(300, 5)) * rng.lognormal(size=5)
    np.testing.assert_array_equal(ar1_filter(x, a), signal.lfilter([1.0], [1.0, -a], x, axis=0))
    v = x[:, 0]
    zi = 2.5 * a
    want, _ = signal.lfilter([1.0], [1.0, -a], v, zi=[zi])
    np.testing.assert_array_equal(ar1_filter(v, a, zi), want)


def test_non_contiguous_and_empty_inputs():
    rng = np.random.default_rng(8)
    x = rng.normal(size=(50, 6))[:, ::2]
    np.testing.assert_array_equal(ar1_filter(x, 0.5), signal.lfilter([1.0], [1.0, -0.5], x, axis=0))
    assert ar1_filter(np.empty((0, 3)), 0.5).shape == (0, 3)
    assert ar1_filter(np.empty((10, 0)), 0.5).shape == (10, 0)
