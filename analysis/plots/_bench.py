"""Time drawing and saving the report's kinds of figure on the real processed series.

Run ``python -m analysis.plots._bench [repeats] [svg-only]``: for each figure kind it
draws the figure from ``data/processed`` and saves it with
:func:`analysis.plots.save_figure` into a temporary folder, ``repeats`` times, and prints
the median CPU time (process time, steadier than wall time on a shared machine) per kind and in all. Only the figure code is timed (the series are
read once, before). With ``svg-only`` only the SVG is written (as before the PNG and CSV
outputs existed), so that drawing costs can be compared.
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from .. import processed as P
from . import save_figure
from .series import plot_breakdown, plot_convictions, plot_flow_and_stock

EVENTS = [(pd.Timestamp("2017-11-25"), "327-ФЗ"), (pd.Timestamp("2019-12-02"), "426-ФЗ"),
          (pd.Timestamp("2020-12-30"), "481-ФЗ"), (pd.Timestamp("2022-02-24"), "24 Feb 2022"),
          (pd.Timestamp("2022-12-01"), "255-ФЗ")]


def _cases() -> dict:
    m = P.read_monthly_series()
    conv = P.read_annual_convictions()
    out = {}
    for reg in ("foreign_agents", "undesirable"):
        incl = P.monthly_series(reg, "inclusions", frame=m, drop_incomplete=False)
        act = P.monthly_series(reg, "active", frame=m, drop_incomplete=False)
        if act.isna().all():
            act = incl.fillna(0).cumsum().where(incl.notna())
        out[f"flow_and_stock-{reg}"] = lambda incl=incl, act=act: plot_flow_and_stock(
            incl, act, events=EVENTS, incomplete=incl.attrs.get("incomplete", []))
    net = P.monthly_series("foreign_agents", "net", frame=m, drop_incomplete=False)
    out["flow-fa_net"] = lambda: plot_flow_and_stock(net, None, events=EVENTS)
    cats = sorted(c for c in m.loc[(m.registry == "foreign_agents") & (m.measure == "inclusions"), "category"].unique()
                  if c.startswith("basis:"))
    frame = pd.DataFrame({c: P.monthly_series("foreign_agents", "inclusions", c, frame=m, drop_incomplete=False,
                                              trim=False) for c in cats})
    frame = frame.loc[frame.notna().any(axis=1)]
    out["breakdown-fa-basis"] = lambda: plot_breakdown(frame, events=EVENTS)
    main = P.annual_convictions("205.2", "main", frame=conv)
    add = P.annual_convictions("205.2", "additional", frame=conv, trim=False).reindex(main.index)
    out["convictions-205_2"] = lambda: plot_convictions(main, add)
    return out


def main(repeats: int = 5, svg_only: bool = False) -> None:
    cases = _cases()
    total = []
    with tempfile.TemporaryDirectory() as tmp:
        times: dict[str, list[float]] = {k: [] for k in cases}
        for r in range(repeats + 1):
            t_all = 0.0
            for name, draw in cases.items():
                t0 = time.process_time()
                ax = draw()
                path = Path(tmp) / f"{name}.svg"
                if svg_only:
                    try:
                        save_figure(ax.figure, path, formats=("svg",))
                    except TypeError:  # a save_figure without formats= writes the SVG alone
                        save_figure(ax.figure, path)
                else:
                    save_figure(ax.figure, path)
                plt.close(ax.figure)
                dt = time.process_time() - t0
                t_all += dt
                if r:  # the first round warms caches (fonts, imports)
                    times[name].append(dt)
            if r:
                total.append(t_all)
        for name, ts in times.items():
            print(f"{name:32s} {statistics.median(ts) * 1000:8.1f} ms")
        print(f"{'all':32s} {statistics.median(total) * 1000:8.1f} ms (median of {repeats})")
        for f in sorted(Path(tmp).iterdir()):
            print(f"  {f.name:36s} {f.stat().st_size:9d} bytes")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5, svg_only="svg-only" in sys.argv[2:])
