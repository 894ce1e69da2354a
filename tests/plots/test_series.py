"""Series figures: missing periods are blank, stacks add up, files are byte-identical."""
from __future__ import annotations

import hashlib

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from analysis.plots import save_figure
from analysis.plots.series import (
    plot_break_probability,
    plot_breakdown,
    plot_convictions,
    plot_flow_and_stock,
)


def _monthly():
    idx = pd.period_range("2021-01", periods=24, freq="M")
    y = pd.Series(np.arange(24) % 5, index=idx, dtype=float)
    y.iloc[:3] = np.nan
    return y


def _bars(ax):
    return [p for p in ax.patches if p.get_height() > 0 or p.get_width() > 0]


def test_flow_bars_skip_missing_and_stock_on_twin_axis():
    y = _monthly()
    ax = plot_flow_and_stock(y, y.fillna(0).cumsum(), incomplete=["2022-12"],
                             breaks=[y.index[12]], intervals=[(y.index[10], y.index[14])])
    n_bars = len([p for p in ax.containers[0]])
    assert n_bars == int((y.notna() & (y != 0)).sum())  # blank outside coverage; an empty bar is not drawn
    assert len(ax.figure.axes) == 2  # twin axis for the stock
    assert any(line.get_linestyle() == "--" for line in ax.get_lines())  # the break
    assert ax.get_legend() is not None
    plt.close(ax.figure)


def _tops(container):
    """(centre date, top) of every drawn bar of a container."""
    import matplotlib.dates as mdates

    return {mdates.num2date(r.get_x() + r.get_width() / 2).strftime("%Y-%m"): r.get_y() + r.get_height()
            for r in container}


def test_breakdown_stacks_add_up():
    idx = pd.period_range("2022-01", periods=6, freq="M")
    frame = pd.DataFrame({"a": [1, 2, 3, 0, 1, 2], "b": [0, 1, 1, 2, 2, 2]}, index=idx, dtype=float)
    ax = plot_breakdown(frame)
    want = (frame["a"] + frame["b"])[frame["b"] != 0]
    assert _tops(ax.containers[1]) == {str(p): v for p, v in want.items()}
    plt.close(ax.figure)


def test_convictions_stack_main_and_additional():
    idx = pd.period_range("2020", periods=4, freq="Y")
    main = pd.Series([4.0, 6.0, 16.0, 39.0], index=idx)
    add = pd.Series([1.0, 0.0, 2.0, 3.0], index=idx)
    ax = plot_convictions(main, add)
    tops = sorted(_tops(ax.containers[1]).values())
    assert tops == sorted((main + add)[add != 0].tolist())
    plt.close(ax.figure)


def test_break_probability_on_unit_scale():
    idx = pd.period_range("2020-01", periods=10, freq="M")
    ax = plot_break_probability(pd.Series(np.linspace(0, 1, 10), index=idx))
    assert ax.get_ylim() == (0.0, 1.0)
    plt.close(ax.figure)


def test_series_figure_is_byte_identical(tmp_path):
    digests = []
    for k in range(2):
        y = _monthly()
        ax = plot_flow_and_stock(y, y.fillna(0).cumsum(), events=[(pd.Timestamp("2022-03-01"), "law")])
        path = save_figure(ax.figure, tmp_path / f"f{k}.svg")
        plt.close(ax.figure)
        digests.append(hashlib.sha256(path.read_bytes()).hexdigest())
    assert digests[0] == digests[1]
