"""The report's jobs (series, articles, figures) give the same bytes in one process or in several."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from analysis.errors import InputError
from analysis.report import run_report
from analysis.report.compute import deal, effective_jobs, map_jobs

SMALL = """
[report]
title = "Small"
[changepoint]
conf_int_draws = 5
bayes_max_breaks = 1
[[series]]
id = "fa"
registry = "foreign_agents"
bayes = false
[[series]]
id = "und"
registry = "undesirable"
changepoints = false
[convictions]
articles = ["275"]
"""


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def small_config(tmp_path_factory) -> Path:
    p = tmp_path_factory.mktemp("config") / "small.toml"
    p.write_text(SMALL, encoding="utf-8")
    return p


def test_two_workers_write_the_bytes_of_one(tmp_path, synthetic_dir, small_config, monkeypatch):
    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("ANALYSIS_REPORT_CACHE", "0")  # every figure drawn here
    one = run_report(small_config, tmp_path / "one", progress=False, data_dir=synthetic_dir, n_jobs=1)
    monkeypatch.setenv("ANALYSIS_REPORT_CACHE", "1")  # every figure drawn by two workers, and kept
    two = run_report(small_config, tmp_path / "two", progress=False, data_dir=synthetic_dir, n_jobs=2)
    assert not list((tmp_path / "one").glob(".*")) and len(one.figures) == len(two.figures) > 4
    assert _digest(tmp_path / "one") == _digest(tmp_path / "two")
    # the figures kept from the workers serve a run in one process
    run_report(small_config, tmp_path / "kept", progress=False, data_dir=synthetic_dir, n_jobs=1)
    assert _digest(tmp_path / "one") == _digest(tmp_path / "kept")


def test_map_jobs_keeps_the_order_of_the_jobs():
    jobs = list(range(7))
    assert map_jobs(abs, [-j for j in jobs], n_jobs=1) == jobs
    assert map_jobs(abs, [-j for j in jobs], n_jobs=2) == jobs
    chunks = deal(jobs, 3)
    assert sorted(j for c in chunks for j in c) == jobs and len(chunks) == 3
    assert deal([], 3) == [] and deal(jobs, 20) == [[j] for j in jobs]


def test_worker_counts_follow_joblib():
    assert effective_jobs(1) == 1 and effective_jobs(None) == 1 and effective_jobs(3) == 3
    assert effective_jobs(-1) >= 1
    for bad in (0, 1.5, True, "2"):
        with pytest.raises(InputError):
            effective_jobs(bad)


def test_a_bad_worker_count_is_refused_before_anything_is_read(tmp_path, small_config):
    with pytest.raises(InputError, match="n_jobs"):
        run_report(small_config, tmp_path / "x", progress=False, data_dir=tmp_path / "nowhere", n_jobs=0)


def test_a_series_job_needs_only_the_inputs_it_is_sent(synthetic_dir, small_config):
    """What a worker receives (series_inputs) gives the result the full inputs give."""
    import pickle

    from analysis.report.compute import series_inputs, series_result
    from analysis.report.config import load_config
    from analysis.report.inputs import load_inputs

    cfg = load_config(small_config)
    full = load_inputs(synthetic_dir)
    slim = series_inputs(full)
    assert len(pickle.dumps(slim)) < len(pickle.dumps(full))
    for spec in cfg.series:
        a, b = series_result(cfg, full, spec), series_result(cfg, slim, spec)
        assert pickle.dumps(a) == pickle.dumps(b)
