"""Change-point engine for count and continuous series.

* :func:`detect_changepoints` — exact penalised search of a piecewise-constant level plus
  one-period pulses (functional pruning with the bounded loss for one-parameter costs,
  PELT otherwise), exact search with a given number of breaks, binary segmentation.
  Default cost by kind of data (``negbin`` with a shared size for counts, ``normal_mean``
  with an iterated robust scale otherwise), penalty R changepoint's MBIC, seasonality
  and dependence adjustments switched on by residual diagnostics. Break-date intervals
  on demand via :meth:`ChangePointResult.conf_int` (parametric bootstrap).
* :func:`crops` — all optimal segmentations over a penalty range, with exact switch points.
* :func:`bayesian_changepoints` — exact product-partition posterior (Poisson–Gamma or
  beta–negative-binomial), with pulses as their own level.
* :func:`multiscale_changepoints` — multiscale confidence set (SMUCE-type): a lower
  confidence bound for the number of breaks, simultaneous break intervals, a band.

Costs are classes (:mod:`analysis.changepoint.costs`), one per file; every search takes
any of them. Breaks are reported as the **first period of the new regime**, with its
0-based position.
"""
from .bayes import GammaPrior, bayesian_changepoints
from .costs import (
    Cost,
    NegBinCost,
    NormalMeanCost,
    NormalMeanVarCost,
    OneParameterCost,
    PoissonCost,
    SeasonalCost,
    StatsCost,
    get_cost,
)
from .crops import crops
from .detect import detect_changepoints
from .diagnostics import DiagnosticTest
from .penalties import penalty_value
from .pulses import find_pulses, pulse_penalty, unit_deviance
from .results import BayesianChangePointResult, ChangePointResult, CropsPath
from .smuce import multiscale_changepoints
from .smuce_results import MultiscaleChangePointResult
from .uncertainty import DEFAULT_N_BOOT, DEFAULT_SEED

__all__ = [
    "BayesianChangePointResult",
    "ChangePointResult",
    "Cost",
    "CropsPath",
    "MultiscaleChangePointResult",
    "DEFAULT_N_BOOT",
    "DEFAULT_SEED",
    "DiagnosticTest",
    "GammaPrior",
    "NegBinCost",
    "NormalMeanCost",
    "NormalMeanVarCost",
    "OneParameterCost",
    "PoissonCost",
    "SeasonalCost",
    "StatsCost",
    "bayesian_changepoints",
    "crops",
    "detect_changepoints",
    "find_pulses",
    "get_cost",
    "multiscale_changepoints",
    "penalty_value",
    "pulse_penalty",
    "unit_deviance",
]
