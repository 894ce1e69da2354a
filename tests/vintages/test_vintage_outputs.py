"""Outputs of ``vintages``: byte-identical rebuild of the committed tables, no identifier anywhere, figures."""
from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import io
import sys
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "data" / "processed" / "vintages"


def _privacy_module():
    spec = importlib.util.spec_from_file_location("privacy_scan", ROOT / "tests" / "test_privacy.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up there
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def vintage_build(mirror, tmp_path_factory):
    from analysis.vintages.build import build_vintages

    out = tmp_path_factory.mktemp("vintage-build")
    err = io.StringIO()
    with contextlib.redirect_stderr(err), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        b = build_vintages(raw_dir=out / "no-raw", mirror=mirror, out_dir=out / "vintages", progress=True)
    (out / "messages.log").write_text(err.getvalue() + "\n".join(str(w.message) for w in caught), encoding="utf-8")
    return b, out


@pytest.mark.raw
def test_committed_tables_rebuild_byte_for_byte(vintage_build):
    b, _ = vintage_build
    built = sorted(p.name for p in b.out_dir.glob("*.csv"))
    committed = sorted(p.name for p in COMMITTED.glob("*.csv"))
    assert built == committed and len(built) == 12
    for name in built:
        a = hashlib.sha256((b.out_dir / name).read_bytes()).hexdigest()
        c = hashlib.sha256((COMMITTED / name).read_bytes()).hexdigest()
        assert a == c, f"{name} differs from the committed table: run `python -m analysis vintages`"


@pytest.mark.raw
def test_every_vintage_loads_with_every_row_accounted_for(vintage_build):
    v = vintage_build[0].tables["vintages"]
    assert len(v) == 83
    assert (v["rows_in"] == v["accepted"] + v["rejected"] + v["skipped"]).all()
    assert (v[v["series"] == "minjust_pdf"]["rows_in"] > 0).sum() == 39


@pytest.mark.raw
def test_no_identifier_in_any_vintage_output_or_the_pdf_cache(vintage_build, mirror):
    """Tables, audit tables, messages and the cache of parsed PDFs, scanned as tests/test_privacy.py does."""
    from analysis._cache import cache_dir

    priv = _privacy_module()
    ids = priv.collect_identifiers(mirror)
    _, out = vintage_build
    files = sorted(p for p in out.rglob("*") if p.is_file())
    assert any(p.parent.name == "audit" for p in files)
    cache = sorted(cache_dir("pdf").glob("*.json"))
    assert len(cache) >= 39
    hits = priv.scan(files + cache, ids)
    assert hits == [], f"identifiers found: {hits[:10]}"


@pytest.mark.raw
def test_vintage_figures_are_deterministic(vintage_build, tmp_path):
    import matplotlib.pyplot as plt

    from analysis.plots.style import save_figure
    from analysis.plots.vintages import (plot_changes_by_kind, plot_nowcast, plot_publication_lag,
                                         plot_revision_triangle, plot_series_with_nowcast)
    from analysis.vintages.tables import audit_tables, histories  # noqa: F401

    t = vintage_build[0].tables
    import pandas as pd

    lags = pd.read_csv(vintage_build[1] / "vintages" / "audit" / "publication_lags.csv")
    now = t["nowcast"][t["nowcast"]["registry"] == "foreign_agents"]
    tri = t["revision_triangle"]
    flow = tri[(tri["registry"] == "foreign_agents") & (tri["measure"] == "inclusions")
               & (tri["release_id"] == "fa_export_2025_08_15")].set_index("month")["value"].astype(float)
    flow.index = pd.PeriodIndex(flow.index, freq="M")
    draws = [lambda: plot_revision_triangle(tri, registry="foreign_agents"),
             lambda: plot_changes_by_kind(t["changes_by_kind"]),
             lambda: plot_publication_lag(lags[lags["registry"] == "foreign_agents"]),
             lambda: plot_nowcast(now), lambda: plot_series_with_nowcast(flow, now)]
    for k, draw in enumerate(draws):
        digests = []
        for rep in range(2):
            ax = draw()
            p = save_figure(ax.figure, tmp_path / f"f{k}-{rep}.svg")
            plt.close(ax.figure)
            digests.append(hashlib.sha256(p.read_bytes()).hexdigest())
        assert digests[0] == digests[1], k


@pytest.mark.raw
def test_nowcast_backtest_on_the_real_vintages_covers_and_is_bounded(vintage_build):
    """Back-test on the real release chains: 90% intervals cover at least 80% of the estimated
    month-cutoffs, and no interval is wider than the largest monthly inclusion count of the
    registry's final release (the stated bound: an interval wider than any month ever was says nothing)."""
    t = vintage_build[0].tables
    bt, tri = t["nowcast_backtest"], t["revision_triangle"]
    for reg, g in bt.groupby("registry"):
        final = tri[(tri["registry"] == reg) & (tri["measure"] == "inclusions")
                    & (tri["release_id"] == g["truth_release"].iloc[0])]
        overall = g[g["months_before"] == -1].iloc[0]
        assert overall["n"] > 0 and overall["coverage"] >= 0.8, g
        assert overall["max_width"] <= final["value"].max(), g
    now = t["nowcast"]
    assert set(now["status"]) <= {"estimated", "too early to estimate"}
    assert now.loc[now["status"] != "estimated", ["estimate", "lower", "upper"]].isna().all().all()
