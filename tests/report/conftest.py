"""Fixtures for the report tests: a synthetic processed-data folder and a fast configuration."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from synthetic import write_synthetic_processed  # noqa: E402

from analysis.report.config import DEFAULT_CONFIG  # noqa: E402


@pytest.fixture(autouse=True, scope="session")
def _no_results_cache():
    """Every report test computes from scratch unless it asks for the cache (see test_cache.py)."""
    mp = pytest.MonkeyPatch()
    mp.setenv("ANALYSIS_REPORT_CACHE", "0")
    yield
    mp.undo()


@pytest.fixture(scope="session")
def synthetic_dir(tmp_path_factory) -> Path:
    """A seeded synthetic ``data/processed`` folder."""
    return write_synthetic_processed(tmp_path_factory.mktemp("processed"))


@pytest.fixture(scope="session")
def fast_config(tmp_path_factory) -> Path:
    """The default configuration with few bootstrap and Monte Carlo draws."""
    text = DEFAULT_CONFIG.read_text(encoding="utf-8")
    text = text.replace("conf_int_draws = 49", "conf_int_draws = 9")
    text = text.replace("counterfactual_draws = 1000", "counterfactual_draws = 100")
    text = text.replace("bayes_max_breaks = 6", "bayes_max_breaks = 1")
    text = text.replace("placebo_max_dates = 40", "placebo_max_dates = 8")
    text = text.replace("bootstrap = 199", "bootstrap = 19")
    p = tmp_path_factory.mktemp("config") / "fast.toml"
    p.write_text(text, encoding="utf-8")
    return p


@pytest.fixture(scope="session")
def tiny_config(tmp_path_factory) -> Path:
    """One series, no models: for tests of the assembly only."""
    text = """
[report]
title = "Tiny"
[changepoint]
conf_int_draws = 5
bayes_max_breaks = 1
[[series]]
id = "fa"
registry = "foreign_agents"
changepoints = false
[convictions]
articles = ["275"]
"""
    p = tmp_path_factory.mktemp("config") / "tiny.toml"
    p.write_text(text, encoding="utf-8")
    return p
