"""Cost names in figure legends are words of the figure's language, never a cost id."""
import re

import pytest

from analysis.changepoint.costs import _BY_NAME
from analysis.plots.texts import cost_label, text


@pytest.mark.parametrize("cost", [*_BY_NAME, "negbin_seasonal", "poisson_seasonal"])
def test_every_cost_has_a_russian_name(cost):
    label = text("segment_level", "ru", cost=cost_label(cost, "ru"))
    assert not re.search(r"[A-Za-z]", label), label


def test_unknown_cost_keeps_its_id():
    assert cost_label("my_cost", "en") == "my_cost"
