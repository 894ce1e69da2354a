import hashlib

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from analysis.plots import add_breaks, add_source_line, plot_counts, save_figure


def _draw(path):
    idx = pd.period_range("2020-01", periods=36, freq="M")
    y = pd.Series(np.arange(36) % 7, index=idx, dtype=float)
    y.iloc[3] = np.nan
    ax = plot_counts(y, title="t")
    add_breaks(ax, [idx[20]], intervals=[(idx[18], idx[22])])
    add_source_line(ax.figure, "test")
    save_figure(ax.figure, path)
    plt.close(ax.figure)
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_figures_are_byte_identical(tmp_path):
    for ext in ("svg", "png", "pdf"):
        a = _draw(tmp_path / f"a.{ext}")
        b = _draw(tmp_path / f"b.{ext}")
        assert a == b, ext


def test_svg_has_no_date(tmp_path):
    _draw(tmp_path / "a.svg")
    text = (tmp_path / "a.svg").read_text()
    assert "<dc:date>" not in text
