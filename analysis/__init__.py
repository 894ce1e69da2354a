"""Statistical time-series toolkit for measuring state repression in Russia.

Data flows one way: raw files → loaders (:mod:`analysis.sources`) → validated event
frames → reconciled histories (:mod:`analysis.reconcile`) → series
(:mod:`analysis.series`, committed in ``data/processed``) → models
(:mod:`analysis.changepoint`, :mod:`analysis.models`) → results objects → figures
(:mod:`analysis.plots`) → report (:mod:`analysis.report`).

Everything exported here is the public API; the rest may change.

Examples
--------
>>> import analysis
>>> y = analysis.monthly_series("foreign_agents", "inclusions", drop_incomplete=True)  # doctest: +SKIP
>>> cp = analysis.detect_changepoints(y, cost="negbin")             # doctest: +SKIP
>>> cp.conf_int()                                                    # doctest: +SKIP
>>> fit = analysis.fit_count_model(y, interventions={"255-FZ": analysis.step("2022-12")})  # doctest: +SKIP
"""
from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# Public name → module that defines it. Imported on first use, so that the command
# line (``python -m analysis validate ...``) does not pay for numba, statsmodels and
# matplotlib when it only needs a loader.
_EXPORTS: dict[str, str] = {
    "AnalysisError": ".errors",
    "AnalysisWarning": ".errors",
    "BayesianChangePointResult": ".changepoint",
    "ChangePointResult": ".changepoint",
    "ChecksumError": ".errors",
    "CountModelResult": ".models",
    "Counterfactual": ".models",
    "CropsPath": ".changepoint",
    "DiagnosticTest": ".changepoint",
    "GammaPrior": ".changepoint",
    "InputError": ".errors",
    "LOADER_NAMES": ".sources",
    "LoadResult": ".sources.base",
    "ModelError": ".errors",
    "MultiscaleChangePointResult": ".changepoint",
    "NegBinCost": ".changepoint",
    "NormalMeanCost": ".changepoint",
    "NormalMeanVarCost": ".changepoint",
    "PoissonCost": ".changepoint",
    "ScreenResult": ".screening",
    "SeasonalCost": ".changepoint",
    "TestResult": ".models",
    "annual_convictions": ".processed",
    "bayesian_changepoints": ".changepoint",
    "build_report": ".report",
    "crops": ".changepoint",
    "detect_changepoints": ".changepoint",
    "event_annotations": ".events",
    "events_for_series": ".models",
    "fit_count_model": ".models",
    "get_loader": ".sources",
    "interventions_for_series": ".models",
    "interventions_from_events": ".models",
    "IngarchResult": ".models",
    "Specification": ".models",
    "analyse_effects": ".models",
    "choose_specification": ".models",
    "fit_ingarch": ".models",
    "level_and_slope": ".models",
    "placebo_test": ".models",
    "sensitivity_table": ".models",
    "list_events": ".events",
    "load_cdep_form10_3": ".sources.cdep",
    "load_cdep_form10a": ".sources.cdep",
    "load_events": ".events",
    "load_foreign_agents_csv": ".sources.foreign_agents",
    "load_foreign_agents_pdf_json": ".sources.foreign_agents",
    "load_foreign_agents_rest_json": ".sources.foreign_agents",
    "load_foreign_agents_xlsx": ".sources.foreign_agents",
    "load_minjust_rest_values": ".sources.minjust_rest",
    "load_published_convictions": ".sources.published",
    "load_undesirable_rest_json": ".sources.undesirable",
    "load_undesirable_scrape_json": ".sources.undesirable",
    "monthly_series": ".processed",
    "multiscale_changepoints": ".changepoint",
    "pulse": ".models",
    "ramp": ".models",
    "screen": ".screening",
    "read_annual_convictions": ".processed",
    "read_monthly_series": ".processed",
    "series_catalogue": ".processed",
    "step": ".models",
    "steps_from_breaks": ".models",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'analysis' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))


__all__ = [
    "AnalysisError",
    "AnalysisWarning",
    "BayesianChangePointResult",
    "ChangePointResult",
    "ChecksumError",
    "CountModelResult",
    "Counterfactual",
    "CropsPath",
    "DiagnosticTest",
    "GammaPrior",
    "IngarchResult",
    "InputError",
    "LOADER_NAMES",
    "LoadResult",
    "ModelError",
    "MultiscaleChangePointResult",
    "NegBinCost",
    "NormalMeanCost",
    "NormalMeanVarCost",
    "PoissonCost",
    "ScreenResult",
    "SeasonalCost",
    "Specification",
    "TestResult",
    "__version__",
    "analyse_effects",
    "annual_convictions",
    "bayesian_changepoints",
    "build_report",
    "choose_specification",
    "crops",
    "detect_changepoints",
    "event_annotations",
    "events_for_series",
    "fit_count_model",
    "fit_ingarch",
    "get_loader",
    "interventions_for_series",
    "interventions_from_events",
    "level_and_slope",
    "list_events",
    "load_cdep_form10_3",
    "load_cdep_form10a",
    "load_foreign_agents_csv",
    "load_foreign_agents_pdf_json",
    "load_foreign_agents_rest_json",
    "load_foreign_agents_xlsx",
    "load_minjust_rest_values",
    "load_published_convictions",
    "load_undesirable_rest_json",
    "load_undesirable_scrape_json",
    "load_events",
    "monthly_series",
    "multiscale_changepoints",
    "placebo_test",
    "pulse",
    "ramp",
    "read_annual_convictions",
    "read_monthly_series",
    "screen",
    "sensitivity_table",
    "series_catalogue",
    "step",
    "steps_from_breaks",
]
