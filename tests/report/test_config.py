import pytest

from analysis.errors import InputError
from analysis.report.config import DEFAULT_CONFIG, config_from_dict, load_config


def test_default_config_loads():
    cfg = load_config()
    ids = [s.id for s in cfg.series]
    assert ids == sorted(set(ids), key=ids.index)  # unique
    assert "fa_inclusions" in ids and "und_inclusions" in ids
    assert cfg.changepoint.cost in ("poisson", "negbin")
    fa = next(s for s in cfg.series if s.id == "fa_inclusions")
    # estimable laws are at least nine months apart and inside coverage (2013-06 onwards)
    dates = sorted(i.date for i in fa.interventions)
    assert dates[0] > "2014-06"
    months = [int(d[:4]) * 12 + int(d[5:7]) for d in dates]
    assert min(b - a for a, b in zip(months, months[1:])) >= 9
    assert {h.published for h in cfg.headlines} >= {223, 65, 169}


def test_default_config_path_exists():
    assert DEFAULT_CONFIG.is_file()


@pytest.mark.parametrize("raw, fragment", [
    ({"bogus": {}}, "unknown key"),
    ({"changepoint": {"penalty": "bogus"}}, "penalty"),
    ({"changepoint": {"cost": "l2"}}, "cost"),
    ({"series": [{"id": "a"}]}, "registry"),
    ({"series": [{"id": "a", "registry": "x"}]}, "registry"),
    ({"series": [{"id": "a", "registry": "undesirable"}, {"id": "a", "registry": "undesirable"}]}, "duplicate"),
    ({"series": [{"id": "a", "registry": "undesirable",
                  "interventions": [{"name": "x", "date": "2020-01-01", "shape": "wave"}]}]}, "shape"),
    ({"report": {"alpha": 2}}, "alpha"),
    ({"series": [{"id": "a", "registry": "undesirable", "ar": -1}]}, "ar must be"),
    ({"series": [{"id": "a", "registry": "undesirable", "ar": 1.5}]}, "ar must be"),
])
def test_bad_config_is_refused(raw, fragment):
    with pytest.raises(InputError, match=fragment):
        config_from_dict(raw, path="x.toml")


def test_bad_toml_names_the_file(tmp_path):
    p = tmp_path / "c.toml"
    p.write_text("[report\n", encoding="utf-8")
    with pytest.raises(InputError, match="c.toml"):
        load_config(p)
    with pytest.raises(InputError, match="not found"):
        load_config(tmp_path / "missing.toml")


def test_series_ar_overrides_the_model_default():
    cfg = config_from_dict({"count_model": {"ar": 2},
                            "series": [{"id": "a", "registry": "undesirable"},
                                       {"id": "b", "registry": "undesirable", "ar": 0},
                                       {"id": "c", "registry": "undesirable", "ar": 1}]})
    assert [s.ar_order(cfg.model) for s in cfg.series] == [2, 0, 1]


def test_default_config_choices():
    cfg = load_config()
    # specifications are chosen by the stated rule, with outlier terms; no hand-set AR order per series
    assert cfg.model.specification == "rule" and cfg.model.pulses == "auto" and cfg.model.sensitivity
    assert all(s.ar is None for s in cfg.series)
    # the modelled conviction articles were not changed by 32-FZ: the step is the invasion, dated by the calendar
    (conv,) = cfg.convictions.interventions
    assert conv.event == "invasion_2022" and conv.date == "2022-02-24" and conv.lag == 4
    assert conv.date_source == "calendar (date in force)"
    assert "fz32_2022" not in {i.event for i in cfg.convictions.interventions}
    # art. 282 also has the partial decriminalisation of 519-FZ, whose in-force date the calendar leaves empty
    extra = [i for i in cfg.convictions.interventions_for("282") if i.event == "fz519_2018"]
    assert len(extra) == 1 and extra[0].reason and extra[0].date_source.startswith("override")
    assert [i.event for i in cfg.convictions.interventions_for("275")] == ["invasion_2022"]


def test_events_by_id_take_the_calendar_date_and_overrides_need_a_reason():
    cfg = config_from_dict({"series": [{"id": "a", "registry": "foreign_agents",
                                        "interventions": [{"event": "fz255_2022"}]}]})
    (it,) = cfg.series[0].interventions
    assert it.date == "2022-12-01" and "255" in it.name and it.date_source == "calendar (date in force)"
    with pytest.raises(InputError, match="needs a 'reason'"):
        config_from_dict({"series": [{"id": "a", "registry": "foreign_agents",
                                      "interventions": [{"event": "fz255_2022", "date": "2022-07-14"}]}]})
    with pytest.raises(InputError, match="no date in force"):
        config_from_dict({"series": [{"id": "a", "registry": "foreign_agents",
                                      "interventions": [{"event": "fz481_2020"}]}]})
    with pytest.raises(InputError, match="no event"):
        config_from_dict({"annotations": [{"event": "fz999_2030"}]})
    ok = config_from_dict({"series": [{"id": "a", "registry": "foreign_agents", "interventions": [
        {"event": "fz481_2020", "date": "2020-12-30", "reason": "date of publication"}]}]})
    assert ok.series[0].interventions[0].date_source == "override of the calendar: date of publication"
