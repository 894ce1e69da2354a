"""Count regression: trend, seasonality, interventions, diagnostics, counterfactuals.

:func:`fit_count_model` fits a Poisson or NB2 regression to a monthly or annual count
series, with interventions placed on real dates (:func:`step`, :func:`pulse`,
:func:`ramp`, :func:`steps_from_breaks`) and steps that start inside a period acting
exactly on the share of the period they cover. The result
(:class:`CountModelResult`) carries estimates, diagnostics, predictions with count
intervals, and counterfactuals with the excess they imply.

Modules: :mod:`.interventions` (shapes and their placement), :mod:`.design` (checks
and columns), :mod:`.likelihood` (exact likelihood and its maximisation),
:mod:`.diagnostics` (tests), :mod:`.simulate` (Monte Carlo intervals),
:mod:`.results` (result objects), :mod:`.fit` (the entry point).
"""
from .diagnostics import TestResult
from .fit import fit_count_model
from .interventions import Pulse, Ramp, Step, pulse, ramp, step, steps_from_breaks
from .results import CountModelResult, Counterfactual

__all__ = [
    "CountModelResult",
    "Counterfactual",
    "Pulse",
    "Ramp",
    "Step",
    "TestResult",
    "fit_count_model",
    "pulse",
    "ramp",
    "step",
    "steps_from_breaks",
]
