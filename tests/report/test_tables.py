import numpy as np
import pytest
from statsmodels.stats.multitest import multipletests

from analysis.report.tables import holm


def test_holm_known_answer():
    # m = 4; sorted p: 0.01, 0.02, 0.03, 0.5 -> 0.04, 0.06, 0.06 (monotone), 0.5
    p = [0.03, 0.01, 0.5, 0.02]
    assert holm(p) == pytest.approx([0.06, 0.04, 0.5, 0.06])


def test_holm_matches_statsmodels():
    rng = np.random.default_rng(1)
    p = rng.uniform(0, 0.2, size=25)
    ref = multipletests(p, method="holm")[1]
    assert holm(p) == pytest.approx(ref)


def test_holm_ignores_missing():
    out = holm([np.nan, 0.01, 0.04])
    assert np.isnan(out[0])
    assert out[1:] == pytest.approx([0.02, 0.04])
    assert np.isnan(holm([np.nan])).all()
