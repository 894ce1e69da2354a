"""The calendar of laws and events: content, checks and selection for a series."""
from __future__ import annotations

from importlib import resources

import pandas as pd
import pytest

from analysis.errors import InputError
from analysis.events import event_annotations, load_events
from analysis.models import Step, events_for_series, interventions_for_series

REQUIRED = {
    # id: (act number, date signed, date in force or None when the calendar does not assert it)
    "fz121_2012": ("121-FZ", "2012-07-20", "2012-11-21"),
    "fz129_2015": ("129-FZ", "2015-05-23", "2015-06-03"),
    "fz327_2017": ("327-FZ", "2017-11-25", "2017-11-25"),
    "fz426_2019": ("426-FZ", "2019-12-02", "2019-12-02"),
    "fz481_2020": ("481-FZ", "2020-12-30", None),
    "fz31_2022": ("31-FZ", "2022-03-04", None),
    "fz32_2022": ("32-FZ", "2022-03-04", "2022-03-04"),
    "fz255_2022": ("255-FZ", "2022-07-14", "2022-12-01"),
    "fz519_2018": ("519-FZ", "2018-12-27", None),
}


def test_calendar_holds_the_required_laws():
    ev = load_events().set_index("id")
    for key, (number, signed, in_force) in REQUIRED.items():
        row = ev.loc[key]
        assert row["act_number"] == number
        assert row["date_signed"] == pd.Timestamp(signed)
        if in_force is None:
            assert pd.isna(row["date_in_force"])
        else:
            assert row["date_in_force"] == pd.Timestamp(in_force)
        assert row["title_en"] and row["title_ru"] and row["what_changed"]
        assert number.split("-")[0] in row["act"]
    assert ev.loc["invasion_2022", "date_in_force"] == pd.Timestamp("2022-02-24")
    assert ev.loc["invasion_2022", "kind"] == "event"


def test_calendar_is_sorted_and_typed():
    ev = load_events()
    dated = ev["date_in_force"].dropna()
    assert dated.is_monotonic_increasing
    assert ev["date_in_force"].isna().sum() == len(ev) - len(dated)
    assert ev["id"].is_unique


def test_bad_calendar_files_name_row_and_column(tmp_path):
    good = pd.read_csv(str(resources.files("analysis") / "data" / "events.csv"), dtype=str, keep_default_na=False)
    bad = good.copy()
    bad.loc[1, "kind"] = "rumour"
    p = tmp_path / "bad.csv"
    bad.to_csv(p, index=False)
    with pytest.raises(InputError, match="row 3, column 'kind'"):
        load_events(str(p))
    bad = good.copy()
    bad.loc[0, "date_in_force"] = "2012-07-01"  # before signature
    bad.to_csv(p, index=False)
    with pytest.raises(InputError, match="in force before signed"):
        load_events(str(p))
    good.drop(columns=["act"]).to_csv(p, index=False)
    with pytest.raises(InputError, match="missing column"):
        load_events(str(p))


def test_events_for_monthly_series_with_room_on_both_sides():
    idx = pd.period_range("2012-01", "2023-06", freq="M")
    ev = events_for_series(idx, applies_to="foreign_agents").set_index("id")
    assert ev.loc["fz121_2012", "usable"] and ev.loc["fz255_2022", "usable"]
    assert ev.loc["fz121_2012", "period"] == pd.Period("2012-11", "M")
    assert not ev.loc["fz481_2020", "usable"]
    assert "no date in force" in ev.loc["fz481_2020", "reason"]
    assert "fz129_2015" not in ev.index  # about the other registry
    # a series that ends soon after a law: not enough room after it
    short = events_for_series(pd.period_range("2012-01", "2022-12", freq="M"), applies_to="foreign_agents")
    row = short.set_index("id").loc["fz255_2022"]
    assert not row["usable"] and "at least 3" in row["reason"]


def test_events_too_close_together_keep_the_first():
    idx = pd.period_range("2018-01", "2024-12", freq="M")
    ev = events_for_series(idx, applies_to="criminal_code").set_index("id")
    assert ev.loc["invasion_2022", "usable"]
    assert not ev.loc["fz32_2022", "usable"]
    assert "after invasion_2022" in ev.loc["fz32_2022", "reason"]
    steps = interventions_for_series(idx, applies_to="criminal_code")
    assert list(steps) == ["invasion_2022"] and isinstance(steps["invasion_2022"], Step)
    annual = interventions_for_series(pd.period_range("2009", "2024", freq="Y"), applies_to="criminal_code", lag=6)
    assert annual["invasion_2022"].effective_start == pd.Timestamp("2022-08-24")


def test_event_annotations_for_figures():
    ann = event_annotations(applies_to="undesirable")
    labels = [lab for _, lab in ann]
    assert "129-FZ" in labels and "255-FZ" not in labels
    assert all(isinstance(d, pd.Timestamp) for d, _ in ann)


def test_list_events_filters():
    from analysis.events import list_events
    laws = list_events(applies_to="undesirable", kind="law")
    assert laws["id"].tolist() == ["fz129_2015"]
    assert "invasion_2022" in list_events(applies_to="undesirable")["id"].tolist()
    assert len(list_events()) == len(load_events())
