"""Counting choices are real parameters of the build, written as they are and rendered from there."""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from analysis.build import BuildOptions
from analysis.errors import AnalysisError
from analysis.report.texts import Texts

PROCESSED = Path(__file__).resolve().parents[2] / "data" / "processed"


def test_options_are_frozen_and_validated():
    opt = BuildOptions()
    with pytest.raises(dataclasses.FrozenInstanceError):
        opt.reinclusions = "first_listing_only"
    for bad in ({"reinclusions": "twice"}, {"undesirable_date_basis": "rumour"}, {"decision_lag_days": -1},
                {"weeks": "fortnightly"}):
        with pytest.raises(AnalysisError):
            BuildOptions(**bad)
    assert BuildOptions(reinclusions="first_listing_only", undesirable_date_basis="decision").reinclusions == \
        "first_listing_only"


def test_committed_build_info_records_the_default_options():
    info = json.loads((PROCESSED / "build_info.json").read_text(encoding="utf-8"))
    assert info["options"] == dataclasses.asdict(BuildOptions())
    assert info["coverage"]["undesirable_decision_basis"]["lag_days_marked_incomplete"] == \
        BuildOptions().decision_lag_days


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_every_option_value_has_a_sentence(lang):
    tx = Texts(lang)
    for field in dataclasses.fields(BuildOptions):
        if field.name == "decision_lag_days":
            continue
        assert tx.has(f"choices.{field.name}.{field.default}"), field.name

