"""Count regression: trend, seasonality, interventions, outliers, dynamics, diagnostics, counterfactuals.

:func:`fit_count_model` fits a Poisson or NB2 regression to a monthly or annual count
series, with interventions placed on real dates (:func:`step`, :func:`ramp`,
:func:`level_and_slope`, :func:`pulse`, :func:`steps_from_breaks`) and steps that start
inside a period acting exactly on the share of the period they cover; one-period outliers
get terms of their own with ``pulses="auto"``. :func:`fit_ingarch` fits the log-linear
INGARCH(1,1) model with the same terms. The results (:class:`CountModelResult`,
:class:`IngarchResult`) carry estimates, diagnostics, long-run effects, predictions with
count intervals, and counterfactuals with the excess they imply.

For a headline effect, :func:`analyse_effects` chooses the specification by a stated rule
(:func:`choose_specification`), shows the estimate across specifications
(:func:`sensitivity_table`) and runs in-time placebo tests (:func:`placebo_test`); the
notebooks and the report call it for the same question.

Modules: :mod:`.interventions` (shapes and their placement), :mod:`.design` (checks and
columns), :mod:`.likelihood` (exact likelihood and its maximisation), :mod:`.outliers`
(the pulse search), :mod:`.ingarch` (INGARCH(1,1)), :mod:`.dynamics` (persistence and
long-run effects), :mod:`.diagnostics` (tests), :mod:`.simulate` (Monte Carlo
intervals), :mod:`.results` (result objects), :mod:`.fit` (the entry point),
:mod:`.event_selection` (calendar events as interventions), :mod:`.sensitivity`
(specification choice, sensitivity, placebo).
"""
from .diagnostics import TestResult
from .event_selection import EventIntervention, events_for_series, interventions_for_series, interventions_from_events
from .fit import fit_count_model
from .ingarch import IngarchResult, fit_ingarch
from .interventions import Pulse, Ramp, Step, level_and_slope, pulse, ramp, step, steps_from_breaks
from .results import CountModelResult, Counterfactual
from .sensitivity import (
    EffectAnalysis,
    PlaceboResult,
    SensitivityResult,
    Specification,
    SpecificationChoice,
    analyse_effects,
    choose_specification,
    default_candidates,
    fit_specification,
    placebo_test,
    sensitivity_table,
)

__all__ = [
    "CountModelResult",
    "Counterfactual",
    "EffectAnalysis",
    "EventIntervention",
    "IngarchResult",
    "PlaceboResult",
    "Pulse",
    "Ramp",
    "SensitivityResult",
    "Specification",
    "SpecificationChoice",
    "Step",
    "TestResult",
    "analyse_effects",
    "choose_specification",
    "default_candidates",
    "events_for_series",
    "fit_count_model",
    "fit_ingarch",
    "fit_specification",
    "interventions_for_series",
    "interventions_from_events",
    "level_and_slope",
    "placebo_test",
    "pulse",
    "ramp",
    "sensitivity_table",
    "step",
    "steps_from_breaks",
]
