"""Figures of count models: content and byte-for-byte determinism."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from analysis.events import event_annotations
from analysis.models import fit_count_model, step, steps_from_breaks
from analysis.plots.style import save_figure


def _fit(interventions):
    rng = np.random.default_rng(0)
    idx = pd.period_range("2019-01", periods=60, freq="M")
    t = np.arange(60)
    y = pd.Series(rng.poisson(8 * np.exp(0.6 * (t >= 30))), index=idx)
    return fit_count_model(y, family="poisson", seasonality=None, interventions=interventions)


def test_plot_shows_observed_fit_counterfactual_and_law():
    res = _fit({"law": step("2021-07-01")})
    ax = res.plot(events=event_annotations(applies_to="foreign_agents"))
    labels = ax.get_legend_handles_labels()[1]
    assert {"observed", "fitted mean", "counterfactual mean"} <= set(labels)
    assert len(ax.patches) >= 60  # one bar per month
    texts = [t.get_text().strip() for t in ax.texts]
    assert "law" in texts
    assert ax.get_ylabel() == "count per month"
    plt.close(ax.figure)


def test_estimated_breaks_are_drawn_as_breaks():
    res = _fit(steps_from_breaks([pd.Period("2021-07", "M")]))
    ax = res.plot(counterfactual=False)
    assert "estimated break" in ax.get_legend_handles_labels()[1]
    plt.close(ax.figure)


def test_figures_are_deterministic(tmp_path):
    res = _fit({"law": step("2021-07-01")})
    out = []
    for k in range(2):
        ax = res.plot(rng=3)
        out.append(save_figure(ax.figure, tmp_path / f"m{k}.svg").read_bytes())
        plt.close(ax.figure)
    assert out[0] == out[1]
    ax = res.counterfactual(rng=1, n_sim=300).plot()
    assert "cumulative excess" in ax.get_legend_handles_labels()[1]
    plt.close(ax.figure)


def test_sensitivity_placebo_and_choice_figures_draw():
    import matplotlib.pyplot as plt

    from analysis.models import Specification, choose_specification, placebo_test, sensitivity_table

    rng = np.random.default_rng(3)
    idx = pd.period_range("2005-01", periods=240, freq="M")
    y = pd.Series(rng.poisson(10 * np.exp(0.5 * (np.arange(240) >= 228))), index=idx)
    ints = {"law": step(idx[228])}
    base = Specification(None, "none", "linear", None)
    st = sensitivity_table(y, interventions=ints, base=base, grid=[base, Specification("fourier", "none")])
    ax = st.plot(effect="law")
    assert ax.get_xscale() == "log" and len(ax.get_yticklabels()) == 2
    pt = placebo_test(y, effect="law", interventions=ints, spec=base)
    ax2 = pt.plot()
    assert pt.effect in ax2.get_title(loc="left")
    ch = choose_specification(y, interventions=ints, candidates=[base, Specification("fourier", "none", pulses=None)])
    ax3 = ch.plot()
    assert len(ax3.patches) == 2
    plt.close("all")
