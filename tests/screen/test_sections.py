"""Frames and figures of the report section "What else changed" (synthetic inputs)."""
from __future__ import annotations

import hashlib
import io

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import analysis
from analysis.plots.screen import (
    SCALE_RULE,
    plot_punishment_shares,
    plot_screen_effects,
    plot_screen_top,
    plot_share,
)
from analysis.plots.style import save_figure
from analysis.screening.sections import TOP_COLUMNS, severity_panel, what_else_changed
from analysis.screening.severity import PUNISHMENT_GROUPS, punishment_shares

YEARS = np.arange(2009, 2025)


@pytest.fixture(scope="module")
def result():
    rng = np.random.default_rng(2)
    rows = []
    for art, part, ratio in (("280", "1", 3.5), ("280", "2", 1.0), ("282", None, 0.3), ("105", "1", 1.0),
                             ("207.3", "1", 1.0)):
        for charge in ("main", "all"):
            mu = rng.uniform(30, 90)
            for y in YEARS:
                v = np.nan if (art == "207.3" and y < 2022) else rng.poisson(mu * (ratio if y >= 2022 else 1))
                rows.append({"article": art, "part": part, "charge": charge, "year": int(y), "value": v})
    return analysis.screen(pd.DataFrame(rows), ["article", "part", "charge"], seed=3, n_boot=99, progress=False)


@pytest.fixture(scope="module")
def titles():
    return pd.DataFrame({
        "article": ["280", "280", "282", "105", "105"], "part": [None, "1", None, None, "1"],
        "article_title": ["Призывы к экстремистской деятельности"] * 2 + ["Возбуждение ненависти", "Убийство",
                                                                          "Убийство"],
        "part_title": [None, "Призывы", None, None, "Убийство"],
        "chapter": pd.array([29, 29, 29, 16, 16], dtype="Int64"),
        "chapter_title": ["ПРОТИВ ОСНОВ"] * 3 + ["ПРОТИВ ЖИЗНИ"] * 2})


def test_top_changes_with_labels(result, titles):
    top = what_else_changed(result, titles, k=3)
    assert list(top.columns) == TOP_COLUMNS and list(top["rank"]) == [1, 2, 3]
    assert top["p_bh"].is_monotonic_increasing
    first = top.iloc[0]
    assert first["article"] in ("280", "282")
    assert "Chapter 29" in first["label"] and "charge)" in first["label"]
    # a part without its own title row falls back to its article's row
    t282 = what_else_changed(result, titles, k=10)
    row = t282[t282["article"] == "282"].iloc[0]
    assert row["article_title"] == "Возбуждение ненависти" and row["chapter"] == 29
    # untestable series (207.3 has no years before the event) never appear
    assert "207.3" not in set(t282["article"])
    only = what_else_changed(result.to_frame(), titles, k=10, charges=["main"], exclude=["282"])
    assert set(only["charge"]) == {"main"} and "282" not in set(only["article"])
    assert len(what_else_changed(result, None, k=2)) == 2
    assert top["parts_changed"].isna().all()


def test_articles_whose_parts_changed_are_flagged(result):
    from analysis.screening.sections import part_structure_changes

    conv = pd.DataFrame({"article": ["280", "280", "280", "282", "282"], "part": ["1", "2", "1", None, None],
                         "charge": "main", "year": [2021, 2021, 2023, 2021, 2023],
                         "value": pd.array([3, 4, 5, 6, 7], dtype="Int64")})
    assert part_structure_changes(conv, before=2021, after=2023) == {"280"}
    top = what_else_changed(result, None, k=10, convictions=conv).set_index(["article", "part", "charge"])
    assert top["parts_changed"].xs("280", level="article").all()
    assert not top["parts_changed"].xs("282", level="article").any()


def _groups():
    rows = []
    for art, shares in (("280", [0.3] * 13 + [0.6] * 3), ("207.3", [0.5] * 16)):
        for y, s in zip(YEARS, shares):
            if art == "207.3" and y < 2022:
                continue
            n = 60
            k = int(n * s)
            vals = {"convicted": n, "imprisonment": k, "suspended": (n - k) // 2, "fine": (n - k) // 4,
                    "compulsory_correctional": 2}
            vals["other"] = n - sum(vals[g] for g in PUNISHMENT_GROUPS[:-1])
            rows += [{"article": art, "part": "1", "year": int(y), "group": g, "value": v} for g, v in vals.items()]
    return pd.DataFrame(rows)


def test_severity_panel(titles):
    panel = severity_panel(_groups(), articles=["280", "207.3"], titles=titles)
    tests = panel["tests"].set_index("article")
    assert tests.loc["280", "testable"] and tests.loc["280", "odds_ratio"] > 2
    assert not tests.loc["207.3", "testable"]
    assert tests.loc["280", "article_title"] == "Призывы к экстремистской деятельности"
    s = panel["shares"]
    assert set(s["article"]) == {"280", "207.3"} and set(s["group"]) == set(PUNISHMENT_GROUPS)


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    return hashlib.sha256(buf.getvalue()).digest()


def test_figures_share_one_honest_scale_and_are_deterministic(result, tmp_path):
    axs = plot_screen_top(result, k=4)
    shown = [a for a in axs if a.get_visible()]
    assert len(shown) == 4
    assert len({a.get_ylim() for a in shown}) == 1 and shown[0].get_ylim()[0] == 0.0
    top = result.top(4)
    ymax = max(float(np.nanmax(result.series(int(p)).to_numpy() / r["mean_before"])) for p, r in top.iterrows())
    assert shown[0].get_ylim()[1] == pytest.approx(ymax * 1.05)
    assert "shared" in SCALE_RULE
    a = save_figure(shown[0].figure, tmp_path / "a.png").read_bytes()
    plt.close("all")
    axs = plot_screen_top(result, k=4)
    b = save_figure(axs[0].figure, tmp_path / "b.png").read_bytes()
    assert a == b
    frame = what_else_changed(result, None, k=5)
    ax = plot_screen_effects(frame)
    assert ax.get_xscale() == "log" and len(ax.get_yticklabels()) == len(frame)
    shares = punishment_shares(_groups(), articles=["280"])
    ax = plot_punishment_shares(shares, "280")
    assert ax.get_ylim() == (0.0, 1.0)
    ax = plot_share(shares[shares["group"] == "imprisonment"], event_date="2022-02-24")
    assert ax.get_ylim() == (0.0, 1.0)
    plt.close("all")
