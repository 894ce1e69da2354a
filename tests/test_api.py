"""The public API: everything in analysis.__all__ exists, and the five-line example of the README runs."""
from __future__ import annotations

import analysis


def test_public_names_resolve():
    missing = [n for n in analysis.__all__ if not hasattr(analysis, n)]
    assert missing == []
    assert set(analysis.LOADER_NAMES) == {
        "foreign_agents_xlsx", "foreign_agents_rest_json", "foreign_agents_pdf_json", "foreign_agents_csv",
        "minjust_rest_values", "undesirable_rest_json", "undesirable_scrape_json", "cdep_form10a",
        "cdep_form10_3", "published_convictions_csv",
        "minjust_pdf", "fz255_foreign_agents", "fz255_undesirable", "minjust_rest_vintage"}


def test_changepoint_names_resolve_lazily_from_their_submodules():
    import subprocess
    import sys

    code = ("import sys, analysis.changepoint as c; from analysis.changepoint import detect_changepoints; "
            "print('analysis.changepoint.bayes' in sys.modules); "
            "assert sorted(c.__all__) == sorted(c._EXPORTS); "
            "assert all(getattr(c, n) is getattr(__import__('analysis.changepoint' + c._EXPORTS[n], "
            "fromlist=[n]), n) for n in c.__all__); print(set(c.__all__) <= set(dir(c)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "True"]


def test_readme_example_runs_on_committed_data():
    y = analysis.monthly_series("foreign_agents", "inclusions", drop_incomplete=True)
    cp = analysis.detect_changepoints(y, cost="negbin")
    assert len(cp.breaks) >= 1 and list(cp.breaks) == sorted(cp.breaks)
    assert all(b.freqstr.startswith("M") for b in cp.breaks)
    fit = analysis.fit_count_model(y, interventions={"255-FZ": analysis.step("2022-12-01")})
    assert "255-FZ" in fit.params.index
    assert isinstance(cp.summary(), str) and isinstance(fit.summary(), str)
