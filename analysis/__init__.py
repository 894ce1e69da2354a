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

__version__ = "0.1.0"

from .changepoint import (
    BayesianChangePointResult,
    ChangePointResult,
    CropsPath,
    GammaPrior,
    NegBinCost,
    NormalMeanCost,
    NormalMeanVarCost,
    PoissonCost,
    bayesian_changepoints,
    crops,
    detect_changepoints,
)
from .errors import AnalysisError, AnalysisWarning, ChecksumError, InputError, ModelError
from .events import event_annotations, events_for_series, interventions_for_series, list_events, load_events
from .models import (
    CountModelResult,
    Counterfactual,
    TestResult,
    fit_count_model,
    pulse,
    ramp,
    step,
    steps_from_breaks,
)
from .processed import (
    annual_convictions,
    monthly_series,
    read_annual_convictions,
    read_monthly_series,
    series_catalogue,
)
from .report import build_report
from .sources import LOADER_NAMES, get_loader
from .sources.cdep import load_cdep_form10_3, load_cdep_form10a
from .sources.foreign_agents import (
    load_foreign_agents_csv,
    load_foreign_agents_pdf_json,
    load_foreign_agents_rest_json,
    load_foreign_agents_xlsx,
)
from .sources.minjust_rest import load_minjust_rest_values
from .sources.published import load_published_convictions
from .sources.undesirable import load_undesirable_rest_json, load_undesirable_scrape_json
from .sources.base import LoadResult

__all__ = [
    "AnalysisError",
    "AnalysisWarning",
    "BayesianChangePointResult",
    "ChangePointResult",
    "ChecksumError",
    "CountModelResult",
    "Counterfactual",
    "CropsPath",
    "GammaPrior",
    "InputError",
    "LOADER_NAMES",
    "LoadResult",
    "ModelError",
    "NegBinCost",
    "NormalMeanCost",
    "NormalMeanVarCost",
    "PoissonCost",
    "TestResult",
    "__version__",
    "annual_convictions",
    "bayesian_changepoints",
    "build_report",
    "crops",
    "detect_changepoints",
    "event_annotations",
    "events_for_series",
    "fit_count_model",
    "get_loader",
    "interventions_for_series",
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
    "pulse",
    "ramp",
    "read_annual_convictions",
    "read_monthly_series",
    "series_catalogue",
    "step",
    "steps_from_breaks",
]
