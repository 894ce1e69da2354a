"""How the report hands its facts to the figures: the date up to which the legal basis is known."""
from __future__ import annotations

from types import SimpleNamespace

from analysis.report.sections.series import basis_known_until


def _results(sources):
    return SimpleNamespace(build_info={"sources": sources})


def _src(loader, last, role="primary"):
    return {"loader": loader, "last_event": last, "role": role}


def test_basis_is_known_until_the_export_that_the_rest_pull_extends():
    res = _results([_src("foreign_agents_xlsx", "2025-08-15"), _src("foreign_agents_rest_json", "2026-07-10"),
                    _src("foreign_agents_pdf_json", "2025-12-01", role="secondary"),
                    _src("undesirable_xlsx", "2026-01-01")])
    assert basis_known_until(res, "foreign_agents") == "2025-08-15"


def test_no_rest_pull_means_no_unknown_basis_explanation():
    res = _results([_src("foreign_agents_xlsx", "2025-08-15"), _src("undesirable_rest_json", "2026-07-10")])
    assert basis_known_until(res, "foreign_agents") is None


def test_latest_of_several_exports_is_taken():
    res = _results([_src("foreign_agents_xlsx", "2024-01-31"), _src("foreign_agents_csv", "2025-03-01"),
                    _src("foreign_agents_rest_json", "2026-07-10")])
    assert basis_known_until(res, "foreign_agents") == "2025-03-01"
