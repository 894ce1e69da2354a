"""Where the readers look for processed data: argument > $ANALYSIS_PROCESSED > checkout > installed data."""
from __future__ import annotations

from pathlib import Path

import pytest

from analysis import _locations
from analysis import processed as P
from analysis.errors import InputError

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def layout(tmp_path, monkeypatch):
    """A fake checkout and a fake installed-data folder, each with its own folder."""
    checkout = tmp_path / "checkout"
    (checkout / "data" / "processed").mkdir(parents=True)
    packaged = tmp_path / "site" / "analysis" / "data" / "processed"
    packaged.mkdir(parents=True)
    monkeypatch.delenv(_locations.ENV_PROCESSED, raising=False)
    monkeypatch.setattr(_locations, "checkout_root", lambda: checkout)
    monkeypatch.setattr(_locations, "packaged_processed_dir", lambda: packaged)
    return checkout / "data" / "processed", packaged


def test_argument_wins_over_everything(layout, tmp_path, monkeypatch):
    monkeypatch.setenv(_locations.ENV_PROCESSED, str(tmp_path / "env"))
    assert P.processed_dir(tmp_path / "given") == tmp_path / "given"


def test_environment_variable_wins_over_checkout_and_package(layout, tmp_path, monkeypatch):
    monkeypatch.setenv(_locations.ENV_PROCESSED, str(tmp_path / "env"))
    assert P.processed_dir() == tmp_path / "env"  # used as given, even though it does not exist


def test_checkout_wins_over_installed_data(layout):
    checkout, _ = layout
    assert P.processed_dir() == checkout


def test_installed_data_when_not_in_a_checkout(layout, monkeypatch):
    _, packaged = layout
    monkeypatch.setattr(_locations, "checkout_root", lambda: None)
    assert P.processed_dir() == packaged


def test_checkout_folder_missing_falls_back_to_installed_data(layout):
    checkout, packaged = layout
    checkout.rmdir()
    assert P.processed_dir() == packaged


def test_nothing_found_is_one_input_error_listing_every_place(layout, monkeypatch):
    checkout, packaged = layout
    checkout.rmdir()
    packaged.rmdir()
    with pytest.raises(InputError) as exc:
        P.read_monthly_series()
    msg = str(exc.value)
    assert "\n" not in msg
    for where in ("--data", "$ANALYSIS_PROCESSED", str(checkout), str(packaged), "python -m analysis build"):
        assert where in msg


def test_explicit_folder_without_the_file_names_it(tmp_path):
    with pytest.raises(InputError) as exc:
        P.read_monthly_series(tmp_path)
    assert str(tmp_path / "monthly_series.csv") in str(exc.value)


def test_this_checkout_is_recognised():
    assert _locations.checkout_root() == ROOT
    assert _locations.cwd_checkout(ROOT / "tests") == ROOT
