"""Figures drawn from the committed processed data: labels, recorded data, outputs, languages.

The checks are against the artists matplotlib draws (their data and their rendered
boxes), not against the numbers the plot code reports about itself.
"""
from __future__ import annotations

import hashlib
import io

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from analysis import processed as P
from analysis.changepoint import detect_changepoints
from analysis.plots import save_figure
from analysis.plots.drawn import drawn_data, figure_notes
from analysis.plots.labels import place_all
from analysis.plots.series import plot_breakdown, plot_breaks, plot_convictions, plot_flow_and_stock
from analysis.plots.texts import TEXTS

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

# laws of the report's calendar (analysis/config/default.toml), with the report's short labels
EVENTS = [("2012-11-21", "121-ФЗ"), ("2017-11-25", "327-ФЗ media", "Federal Law No. 327-FZ: media as foreign agents"),
          ("2019-12-02", "426-ФЗ persons", "Federal Law No. 426-FZ: individuals as media foreign agents"),
          ("2020-12-30", "481-ФЗ signed"), ("2022-02-24", "24 Feb 2022"), ("2022-12-01", "255-ФЗ")]


@pytest.fixture(scope="module")
def monthly():
    return P.read_monthly_series()


def _fa(monthly, measure):
    return P.monthly_series("foreign_agents", measure, frame=monthly, drop_incomplete=False)


def _boxes(fig, artists):
    r = fig.canvas.get_renderer()
    return [a.get_window_extent(r) for a in artists]


def _overlap(a, b) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def _event_texts(ax):
    return [t for t in ax.texts if (getattr(t, "_analysis_raw", None) or t.get_text()).strip() in {e[1] for e in EVENTS}]


def _drawn_figures(monthly, lang):
    flow = _fa(monthly, "inclusions")
    stock = _fa(monthly, "active")
    yield plot_flow_and_stock(flow, stock, events=EVENTS, incomplete=flow.attrs.get("incomplete", []), lang=lang)
    y = P.monthly_series("foreign_agents", "inclusions", frame=monthly).dropna()
    res = detect_changepoints(y)
    yield plot_breaks(y, res, events=EVENTS, probability=pd.Series(np.linspace(0, 1, len(y)), index=y.index),
                      lang=lang)
    yield plot_flow_and_stock(_fa(monthly, "net"), None, events=EVENTS, lang=lang)


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_event_labels_overlap_neither_each_other_nor_the_data(monthly, lang, tmp_path):
    for k, ax in enumerate(_drawn_figures(monthly, lang)):
        fig = ax.figure
        save_figure(fig, tmp_path / f"f{k}.svg")  # places the labels on the final layout
        fig.canvas.draw()
        texts = _event_texts(ax)
        assert len(texts) >= 5
        boxes = _boxes(fig, texts)
        for i in range(len(boxes)):
            for j in range(i + 1, len(boxes)):
                assert not _overlap(boxes[i], boxes[j]), (texts[i].get_text(), texts[j].get_text())
        # no label touches a bar, a line of data or a band of the axes or its twin
        own = [a for a in fig.axes if a is ax or getattr(a, "_analysis_twin_of", None) is ax]
        r = fig.canvas.get_renderer()
        rects = [rect for a in own for c in a.containers for rect in c if rect.get_height() != 0]
        for t, b in zip(texts, boxes):
            for rect in rects:
                assert not _overlap(b, rect.get_window_extent(r)), (t.get_text(), rect)
            for a in own:
                curves = [ln for ln in a.get_lines() if ln.get_linestyle() not in (":", "--")]
                for art in curves + [p for p in a.patches if type(p).__name__ == "StepPatch"]:
                    if hasattr(art, "get_xydata"):
                        pts = art.get_transform().transform(art.get_xydata())
                    else:
                        pts = art.get_transform().transform(art.get_path().vertices)
                    pts = pts[np.isfinite(pts).all(axis=1)]
                    inside = (pts[:, 0] > b.x0) & (pts[:, 0] < b.x1) & (pts[:, 1] > b.y0) & (pts[:, 1] < b.y1)
                    assert not inside.any(), (t.get_text(), art.get_label())
        plt.close(fig)


def test_event_lines_stop_under_their_labels(monthly):
    ax = plot_flow_and_stock(_fa(monthly, "inclusions"), None, events=EVENTS)
    place_all(ax.figure)
    r = ax.figure.canvas.get_renderer()
    texts = _event_texts(ax)
    boxes = _boxes(ax.figure, texts)
    lines = [ln for ln in ax.get_lines() if ln.get_linestyle() == ":"]
    for ln in lines:
        (x0, y0), (x1, y1) = ln.get_transform().transform(ln.get_xydata())
        for b in boxes:
            assert not (b.x0 < x0 < b.x1 and y0 < b.y0 - 0.5 and y1 > b.y0 + 0.5 and y1 > b.y1 - 0.5), \
                "an event line runs through a label"
    assert r is not None
    plt.close(ax.figure)


def _bars_of(ax):
    """(period start as YYYY-MM, height) of every drawn bar of the first container."""
    out = {}
    for rect in ax.containers[0]:
        centre = mdates.num2date(rect.get_x() + rect.get_width() / 2)
        out[centre.strftime("%Y-%m")] = rect.get_height()
    return out


def test_csv_values_are_the_plotted_data(monthly, tmp_path):
    net = _fa(monthly, "net")
    stock = _fa(monthly, "active")
    ax = plot_flow_and_stock(net, stock, events=EVENTS)
    save_figure(ax.figure, tmp_path / "net.svg")
    csv = pd.read_csv(tmp_path / "net.csv", dtype={"x": str})
    bars = csv[csv["layer"] == "bars"].set_index("x")["value"]
    drawn = _bars_of(ax)
    # every drawn bar is in the CSV with the same value; the CSV's other rows are 0 or empty
    for month, h in drawn.items():
        assert bars[month] == pytest.approx(h)
    rest = bars.drop(list(drawn))
    assert ((rest == 0) | rest.isna()).all()
    assert (bars < 0).sum() == (np.array(list(drawn.values())) < 0).sum() > 0
    # the stock line's y data are the CSV's stock values, month by month
    ax2 = ax.figure.axes[-1]
    line = ax2.get_lines()[0]
    st = csv[csv["layer"] == "stock"]["value"].to_numpy()
    np.testing.assert_allclose(np.asarray(line.get_ydata(), dtype=float)[: len(st)], st, equal_nan=True)
    plt.close(ax.figure)


def test_csv_of_stacked_breakdown_matches_bar_tops(monthly, tmp_path):
    m = monthly
    cats = sorted(c for c in m.loc[(m.registry == "foreign_agents") & (m.measure == "inclusions"), "category"]
                  .unique() if c.startswith("basis:"))
    frame = pd.DataFrame({c: P.monthly_series("foreign_agents", "inclusions", c, frame=m, drop_incomplete=False,
                                              trim=False) for c in cats})
    frame = frame.loc[frame.notna().any(axis=1)]
    ax = plot_breakdown(frame, unknown="basis:unknown", unknown_explanation="the source gives no legal basis")
    save_figure(ax.figure, tmp_path / "b.svg")
    csv = pd.read_csv(tmp_path / "b.csv", dtype={"x": str})
    stacked = csv[csv["layer"] == "stacked_bars"].set_index("x")[[str(c) for c in cats if c != "basis:unknown"]
                                                                  + ["basis:unknown"]]
    top = stacked.fillna(0).sum(axis=1)
    last = ax.containers[-1]  # the unknown layer, stacked last
    for rect in last:
        month = mdates.num2date(rect.get_x() + rect.get_width() / 2).strftime("%Y-%m")
        assert rect.get_y() + rect.get_height() == pytest.approx(top[month])
        assert rect.get_hatch()
    assert any("the source gives no legal basis" in n for n in figure_notes(ax.figure))
    plt.close(ax.figure)


def test_csv_is_machine_format_in_russian(monthly, tmp_path):
    ax = plot_flow_and_stock(_fa(monthly, "net"), None, events=EVENTS, lang="ru")
    save_figure(ax.figure, tmp_path / "ru.svg")
    raw = (tmp_path / "ru.csv").read_text(encoding="utf-8")
    assert "\u2212" not in raw and "\xa0" not in raw
    body = [ln.split(",") for ln in raw.splitlines()[1:]]
    values = [row[3] for row in body if row[1] == "bars" and row[3]]
    assert any(v.startswith("-") for v in values)
    assert all(float(v) == float(v) for v in values)  # parse with "." decimals
    months = [row[2] for row in body if row[1] == "bars"]
    assert all(len(m) == 7 and m[4] == "-" for m in months)  # ISO year-month
    plt.close(ax.figure)


def test_two_saves_are_byte_identical_for_svg_png_and_csv(monthly, tmp_path):
    digests = []
    for k in range(2):
        flow = _fa(monthly, "inclusions")
        ax = plot_flow_and_stock(flow, _fa(monthly, "active"), events=EVENTS, lang="ru")
        save_figure(ax.figure, tmp_path / f"f{k}.svg")
        plt.close(ax.figure)
        digests.append({ext: hashlib.sha256((tmp_path / f"f{k}.{ext}").read_bytes()).hexdigest()
                        for ext in ("svg", "png", "csv")})
    assert digests[0] == digests[1]
    png = (tmp_path / "f0.png").read_bytes()
    assert b"Software" not in png and b"matplotlib" not in png.lower()
    from PIL import Image

    w, h = Image.open(io.BytesIO(png)).size
    assert (w, h) == (1760, 792)  # 8 × 3.6 in at 2 × 110 dpi


def test_negative_values_are_shown(monthly):
    net = _fa(monthly, "net")
    assert (net < 0).sum() >= 10
    ax = plot_flow_and_stock(net, None, events=EVENTS)
    lo = ax.get_ylim()[0]
    assert lo <= float(net.min())
    plt.close(ax.figure)


def test_bands_lie_behind_bars(monthly):
    y = P.monthly_series("foreign_agents", "inclusions", frame=monthly).dropna()
    res = detect_changepoints(y)
    ci = [(b - 2, b + 2) for b in res.breaks]
    ax = plot_breaks(y, res, intervals=ci, events=EVENTS)
    bars = ax.containers[0][0].get_zorder()
    bands = [c for c in ax.patches if c.get_alpha() is not None and c.get_alpha() < 1]
    assert bands and all(b.get_zorder() < bars for b in bands)
    labels = ax.get_legend_handles_labels()[1]
    assert any("level of the regime" in lab for lab in labels)
    assert any("interval of the break date" in lab for lab in labels)
    plt.close(ax.figure)


def test_convictions_trend_counterfactual_and_ticks_at_bar_centres():
    from analysis.models import fit_count_model, step

    conv = P.read_annual_convictions()
    main = P.annual_convictions("205.2", "main", frame=conv)
    add = P.annual_convictions("205.2", "additional", frame=conv, trim=False).reindex(main.index)
    y = main.dropna()
    fit = fit_count_model(y, family="negbin", seasonality=None, interventions={"invasion": step("2022-02-24")})
    ax = plot_convictions(main, add, fit=fit, n_sim=200, breaks=[y.index[-4]], intervals=[(y.index[-5], y.index[-3])])
    labels = ax.get_legend_handles_labels()[1]
    assert "fitted trend and effects" in labels and "counterfactual without the interventions" in labels
    # the middle of each year, computed independently of the plot code
    mids = {p.year: (mdates.date2num(pd.Timestamp(f"{p.year}-01-01")) + mdates.date2num(pd.Timestamp(f"{p.year + 1}-01-01"))) / 2
            for p in main.index}
    centres = [r.get_x() + r.get_width() / 2 for r in ax.containers[0]]
    assert all(min(abs(c - m) for m in mids.values()) < 1e-6 for c in centres)
    ticks = ax.get_xticks()
    labels_x = [t.get_text() for t in ax.get_xticklabels()]
    assert len(ticks) >= 5
    for t, lab in zip(ticks, labels_x):
        assert abs(t - mids[int(lab)]) < 1e-6  # each tick sits at the middle of the year it names
    fitted = drawn_data(ax.figure).query("layer == 'fitted'")["value"].to_numpy()
    np.testing.assert_allclose(fitted, fit.fitted.to_numpy())
    span = [p for p in ax.patches if p.get_alpha() == 0.15]  # the break band
    assert span and all(p.get_zorder() < ax.containers[0][0].get_zorder() for p in span)
    plt.close(ax.figure)


def test_shorthands_are_explained_once(monthly):
    ax = plot_flow_and_stock(_fa(monthly, "inclusions"), None, events=EVENTS + EVENTS[1:2])
    notes = figure_notes(ax.figure)
    assert len(notes) == 1
    assert notes[0].count("327-ФЗ media") == 1 and "426-ФЗ persons" in notes[0]
    plt.close(ax.figure)


def test_russian_figures_have_russian_words_and_locale_ticks(monthly):
    ax = plot_flow_and_stock(_fa(monthly, "inclusions"), _fa(monthly, "active"), events=EVENTS, lang="ru")
    ax.figure.canvas.draw()
    ax2 = ax.figure.axes[-1]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "в реестре (всего)" in legend and ax2.get_ylabel() == "в реестре (всего)"
    assert not any("запас" in s for s in legend + [ax.get_ylabel(), ax2.get_ylabel()])
    ticks = [t.get_text() for t in ax2.get_yticklabels() if t.get_text()]
    assert any("\xa0" in t for t in ticks)  # «1 000»: Babel's Russian grouping
    plt.close(ax.figure)


def test_language_tables_have_the_same_keys_and_placeholders():
    import string

    en, ru = TEXTS["en"], TEXTS["ru"]
    assert set(en) == set(ru)
    for k in en:
        f = {p[1] for p in string.Formatter().parse(en[k]) if p[1]}
        g = {p[1] for p in string.Formatter().parse(ru[k]) if p[1]}
        assert f == g, k
    assert not any("запас" in v for v in ru.values())
    assert sum("разрыв" in v for v in ru.values()) == 0  # one word for a break: «смена режима»


def test_long_labels_are_wrapped_and_still_do_not_collide(monthly, tmp_path):
    long_events = [("2020-12-30", "December 2020 foreign-agent amendments (481-ФЗ)"),
                   ("2022-02-24", "Full-scale invasion of Ukraine"),
                   ("2022-12-01", "Law on control of persons under foreign influence (255-ФЗ)")]
    ax = plot_flow_and_stock(_fa(monthly, "inclusions"), None, events=long_events)
    save_figure(ax.figure, tmp_path / "long.svg")
    fig = ax.figure
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    texts = [t for t in ax.texts if getattr(t, "_analysis_raw", None)]
    assert len(texts) == 3
    boxes = [t.get_window_extent(r) for t in texts]
    axbox = ax.get_window_extent(r)
    for i in range(3):
        assert boxes[i].x1 <= fig.bbox.x1 + 0.5  # nothing is cut off by the figure edge
        for j in range(i + 1, 3):
            assert not _overlap(boxes[i], boxes[j])
    # no dotted line runs through a label
    for ln in [ln for ln in ax.get_lines() if ln.get_linestyle() == ":"]:
        (x0, y0), (x1, y1) = ln.get_transform().transform(ln.get_xydata())
        for b in boxes:
            assert not (b.x0 + 0.5 < x0 < b.x1 - 0.5 and min(y0, y1) < b.y1 - 0.5 and max(y0, y1) > b.y0 + 0.5)
    assert axbox.width > 0
    plt.close(fig)
