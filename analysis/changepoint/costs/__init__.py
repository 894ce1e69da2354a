"""Segment costs, one class per file; every search takes any of them.

=====================  ==========================================  ==================
name                   class                                       search
=====================  ==========================================  ==================
``poisson``            :class:`~.poisson.PoissonCost`              functional pruning
``negbin``             :class:`~.negbin.NegBinCost`                functional pruning
``normal_mean``        :class:`~.normal_mean.NormalMeanCost`       functional pruning
``normal_meanvar``     :class:`~.normal_meanvar.NormalMeanVarCost` PELT
``*_seasonal``         :class:`~.seasonal.SeasonalCost`            functional pruning
=====================  ==========================================  ==================

How to add a cost: see :mod:`.base` (a new file with the class and its compiled
primitives, plus its test; nothing else changes).
"""
from __future__ import annotations

from ...errors import ModelError
from .base import MAX_SIZE, Cost, FittedCost, FittedOneParameter, FittedStats, OneParameterCost, StatsCost
from .negbin import NegBinCost, estimate_dispersion_given_segments, estimate_dispersion_moments
from .normal_mean import NormalMeanCost, robust_scale_of_differences
from .normal_meanvar import NormalMeanVarCost
from .poisson import PoissonCost
from .seasonal import SeasonalCost

__all__ = [
    "Cost",
    "OneParameterCost",
    "StatsCost",
    "FittedCost",
    "FittedOneParameter",
    "FittedStats",
    "PoissonCost",
    "NegBinCost",
    "NormalMeanCost",
    "NormalMeanVarCost",
    "SeasonalCost",
    "MAX_SIZE",
    "get_cost",
    "estimate_dispersion_moments",
    "estimate_dispersion_given_segments",
    "robust_scale_of_differences",
]

_BY_NAME = {
    "poisson": PoissonCost,
    "negbin": NegBinCost,
    "normal_mean": NormalMeanCost,
    "normal_meanvar": NormalMeanVarCost,
}


def get_cost(cost: str | Cost) -> Cost:
    """Cost description from a name (``poisson``, ``negbin``, ``normal_mean``, ``normal_meanvar``) or instance."""
    if isinstance(cost, Cost):
        return cost
    if isinstance(cost, str) and cost in _BY_NAME:
        return _BY_NAME[cost]()
    raise ModelError(f"unknown cost {cost!r}; choose one of {sorted(_BY_NAME)}, 'auto', or pass a Cost instance")
