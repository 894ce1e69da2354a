"""Drawn figures are reused only for the same data, configuration and code, and the report keeps its bytes."""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from analysis.report import run_report
from analysis.report.compute import results_key
from analysis.report.config import load_config


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_second_run_reuses_the_figures_and_gives_the_same_bytes(tmp_path, synthetic_dir, tiny_config, monkeypatch):
    monkeypatch.setenv("ANALYSIS_REPORT_CACHE", "1")
    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(tmp_path / "cache"))
    a = run_report(tiny_config, tmp_path / "a", progress=False, data_dir=synthetic_dir)
    kept = sorted(p.name for p in (tmp_path / "cache").rglob("*") if p.is_file())
    b = run_report(tiny_config, tmp_path / "b", progress=False, data_dir=synthetic_dir)
    assert "series" in a.timings and "series" in b.timings  # the record is computed every time
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    svgs = [p for p in (tmp_path / "a" / "figures").iterdir() if p.suffix == ".svg"]
    assert svgs and sum(name.endswith(".svg") for name in kept) == len(svgs)
    assert not list((tmp_path / "cache").rglob("*.pickle"))  # nothing is ever unpickled


def test_without_the_cache_the_same_bytes_are_drawn(tmp_path, synthetic_dir, tiny_config, monkeypatch):
    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("ANALYSIS_REPORT_CACHE", "1")
    run_report(tiny_config, tmp_path / "a", progress=False, data_dir=synthetic_dir)
    monkeypatch.setenv("ANALYSIS_REPORT_CACHE", "0")
    run_report(tiny_config, tmp_path / "b", progress=False, data_dir=synthetic_dir)
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")


def test_key_changes_with_data_and_configuration(tmp_path, synthetic_dir, tiny_config, fast_config):
    cfg = load_config(tiny_config)
    k = results_key(cfg, "x", synthetic_dir)
    assert results_key(cfg, "x", synthetic_dir) == k
    assert results_key(load_config(fast_config), "x", synthetic_dir) != k
    assert results_key(cfg, "y", synthetic_dir) != k
    data = tmp_path / "data"
    shutil.copytree(synthetic_dir, data)
    with (data / "monthly_series.csv").open("a", encoding="utf-8") as fh:
        fh.write("\n")
    assert results_key(cfg, "x", data) != k
