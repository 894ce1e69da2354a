"""Registry start dates come from the law calendar, with its official citations."""
import datetime as dt

import pytest

from analysis import events, registries


def test_start_dates_are_the_in_force_dates_of_the_founding_laws():
    # 121-FZ of 20.07.2012 entered into force on 21.11.2012; 129-FZ of 23.05.2015 on 03.06.2015.
    assert registries.FOREIGN_AGENTS_START == dt.date(2012, 11, 21)
    assert registries.UNDESIRABLE_START == dt.date(2015, 6, 3)
    assert registries.AXIS_START == dt.date(2012, 11, 1)
    for reg in registries.REGISTRIES.values():
        ev = events.get_event(reg.founding_event)
        assert ev["date_in_force"].date() == reg.start
        assert reg.id in str(ev["applies_to"])


def test_unknown_registry_is_refused():
    with pytest.raises(ValueError, match="unknown registry"):
        registries.registry_start("nonsense")
