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
from __future__ import annotations

from .._lazy import lazy_exports

#: Public name -> submodule that defines it. A submodule is imported on first use of one of
#: its names, so that ``from analysis.changepoint import detect_changepoints`` loads neither
#: the posterior's nor the multiscale set's kernels.
_EXPORTS = {
    "GammaPrior": ".bayes", "bayesian_changepoints": ".bayes",
    "Cost": ".costs", "NegBinCost": ".costs", "NormalMeanCost": ".costs", "NormalMeanVarCost": ".costs",
    "OneParameterCost": ".costs", "PoissonCost": ".costs", "SeasonalCost": ".costs", "StatsCost": ".costs",
    "get_cost": ".costs",
    "crops": ".crops",
    "detect_changepoints": ".detect",
    "DiagnosticTest": ".diagnostics",
    "penalty_value": ".penalties",
    "find_pulses": ".pulses", "pulse_penalty": ".pulses", "unit_deviance": ".pulses",
    "BayesianChangePointResult": ".results", "ChangePointResult": ".results", "CropsPath": ".results",
    "multiscale_changepoints": ".smuce",
    "MultiscaleChangePointResult": ".smuce_results",
    "DEFAULT_N_BOOT": ".uncertainty", "DEFAULT_SEED": ".uncertainty",
}

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
__all__ = sorted(_EXPORTS)
