"""Change-point engine for count series.

* :func:`detect_changepoints` — exact penalised search (PELT with functional pruning for
  one-parameter costs), exact search with a given number of breaks, binary segmentation;
  costs ``poisson``, ``negbin`` (shared or per-segment size), ``normal_mean``,
  ``normal_meanvar``; penalties MBIC (default), BIC, AIC or manual. Break-date intervals
  on demand via :meth:`ChangePointResult.conf_int` (parametric bootstrap).
* :func:`crops` — all optimal segmentations over a penalty range, with exact switch points.
* :func:`bayesian_changepoints` — exact product-partition posterior (Poisson–Gamma or
  beta–negative-binomial), with pulses as their own level.
* :func:`multiscale_changepoints` — multiscale confidence set (SMUCE-type): a lower
  confidence bound for the number of breaks, simultaneous break intervals, a band.

Breaks are reported as the **first period of the new regime**, with its 0-based position.
"""
from .bayes import GammaPrior, bayesian_changepoints
from .costs import Cost, NegBinCost, NormalMeanCost, NormalMeanVarCost, PoissonCost, get_cost
from .crops import crops
from .detect import detect_changepoints
from .penalties import penalty_value
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
    "GammaPrior",
    "NegBinCost",
    "NormalMeanCost",
    "NormalMeanVarCost",
    "PoissonCost",
    "bayesian_changepoints",
    "crops",
    "detect_changepoints",
    "get_cost",
    "multiscale_changepoints",
    "penalty_value",
]
