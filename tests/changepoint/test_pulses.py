"""The pulse rule against the likelihood computed independently by scipy.stats."""
import math

import numpy as np
import pytest
from scipy import stats

from analysis.changepoint.pulses import find_pulses, pulse_penalty, unit_deviance


def _saturated_gap(y, mu, size):
    """2 [log f(y; y) - log f(y; mu)] from scipy's pmf (independent of the closed form)."""
    def logpmf(v, m):
        if math.isinf(size):
            return stats.poisson.logpmf(v, m) if m > 0 else (0.0 if v == 0 else -np.inf)
        return stats.nbinom.logpmf(v, size, size / (size + m)) if m > 0 else (0.0 if v == 0 else -np.inf)
    return np.array([2 * (logpmf(v, v) - logpmf(v, mu)) for v in y])


@pytest.mark.parametrize("size", [math.inf, 0.7, 5.0, 300.0])
def test_unit_deviance_equals_the_likelihood_ratio(size):
    y = np.array([0, 1, 3, 5, 9, 20, 50, 400], dtype=float)
    for mu in (0.3, 5.0, 42.0):
        np.testing.assert_allclose(unit_deviance(y, mu, size), _saturated_gap(y, mu, size), rtol=1e-10, atol=1e-10)


def test_penalty_is_three_log_n_and_rule_is_strict():
    assert pulse_penalty(120) == pytest.approx(3 * math.log(120))
    y = np.full(120, 5.0)
    y[[0, 60, 119]] = 50.0
    assert find_pulses(y, 5.0).tolist() == [0, 60, 119]
    d = unit_deviance(np.array([16.0]), 5.0)[0]
    assert find_pulses(np.array([16.0, 5.0]), 5.0, penalty=d).size == 0  # equal is not above
    with pytest.raises(ValueError):
        pulse_penalty(1)
