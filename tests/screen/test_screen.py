"""``analysis.screen``: the same numbers on every backend, the default calls, reasons, results API."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import analysis
from analysis.errors import ModelError
from analysis.events import load_events

YEARS = np.arange(2009, 2025)


def _frame(n_series: int = 10, seed: int = 0) -> pd.DataFrame:
    """Annual NB series; the first three have a planted step of ratio 3 from 2022."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n_series):
        mu = rng.uniform(15, 60)
        for y in YEARS:
            m = mu * (3.0 if (i < 3 and y >= 2022) else 1.0) * (1.6 if (i % 4 == 3 and y >= 2015) else 1.0)
            rows.append({"article": str(100 + i), "part": "1" if i % 2 else None, "year": int(y),
                         "value": int(rng.negative_binomial(20, 20 / (20 + m)))})
    return pd.DataFrame(rows)


def _screen(frame: pd.DataFrame, **kw) -> analysis.ScreenResult:
    return analysis.screen(frame, ["article", "part"], seed=7, n_boot=199, progress=False, **kw)


def test_identical_serial_two_processes_and_dask_cluster():
    frame = _frame()
    serial = _screen(frame)
    assert serial.table["n_breaks"].fillna(0).sum() > 0  # the comparison includes bootstrap intervals
    two = _screen(frame, n_jobs=2)
    distributed = pytest.importorskip("dask.distributed")
    from joblib import parallel_config

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, distributed.Client(cluster):
        with parallel_config(backend="dask"):
            dask = _screen(frame, n_jobs=-1)
    for other in (two, dask):
        pd.testing.assert_frame_equal(serial.to_frame(), other.to_frame(), check_exact=True)
        pd.testing.assert_frame_equal(serial.breaks, other.breaks, check_exact=True)
        assert serial.meta == other.meta


def test_each_series_gets_the_default_calls():
    """Effects equal a direct fit_count_model call, breaks a direct detect_changepoints call."""
    frame = _frame(4)
    res = _screen(frame)
    for pos in range(4):
        sub = frame[frame["article"] == str(100 + pos)]
        y = pd.Series(sub["value"].to_numpy(float), index=pd.period_range("2009", periods=16, freq="Y"))
        fit = analysis.fit_count_model(y, interventions={"invasion_2022": analysis.step("2022-02-24")})
        row = res.table.iloc[pos]
        rr = fit.rate_ratios().loc["invasion_2022"]
        assert row["rate_ratio"] == rr["rate_ratio"]
        assert (row["lower"], row["upper"]) == (rr["lower"], rr["upper"])
        assert row["p_value"] == fit.pvalues_adjusted["invasion_2022"]
        cp = analysis.detect_changepoints(y)
        assert row["n_breaks"] == cp.n_breaks
        got = res.breaks[res.breaks["article"] == str(100 + pos)]["break"].tolist()
        assert got == [str(b) for b in cp.breaks]


def test_planted_steps_are_found_and_adjusted_pvalues_are_bh_and_holm():
    from statsmodels.stats.multitest import multipletests

    res = _screen(_frame(12, seed=3), intervals=False)
    t = res.table
    p = t["p_value"].to_numpy()
    assert np.allclose(t["p_bh"], multipletests(p, method="fdr_bh")[1])
    assert np.allclose(t["p_holm"], multipletests(p, method="holm")[1])
    top3 = set(res.top(3)["article"])
    assert top3 == {"100", "101", "102"}
    for _, r in t.iloc[:3].iterrows():
        assert r["lower"] < 3.0 < r["upper"] * 1.5 and r["rate_ratio"] > 1.5


def test_event_comes_from_the_calendar_and_a_date_is_accepted():
    cal = load_events().set_index("id")
    res = _screen(_frame(3), intervals=False)
    assert res.event_date == cal.loc["invasion_2022", "date_in_force"]
    assert res.meta["options"]["event_date"] == "2022-02-24"
    other = _screen(_frame(3), event="2020-07-01", intervals=False)
    assert other.event == "event" and other.event_date == pd.Timestamp("2020-07-01")
    with pytest.raises(ModelError):
        _screen(_frame(2), event="no such event")


def test_untestable_series_are_kept_with_their_reason():
    rows = []
    spec = {
        "ok": [30] * 16,
        "short": [np.nan] * 10 + [30] * 6,
        "gap": [30] * 5 + [np.nan] + [30] * 10,
        "sparse": [0] * 12 + [1, 2, 1, 0],
        "new": [0] * 13 + [20, 30, 40],
        "frac": [30.5] * 16,
        "after_end": None,
    }
    for name, vals in spec.items():
        if vals is None:
            continue
        for y, v in zip(YEARS, vals):
            rows.append({"article": name, "part": None, "year": int(y), "value": v})
    for y in range(2009, 2021):  # ends before the event
        rows.append({"article": "after_end", "part": None, "year": y, "value": 25})
    res = _screen(pd.DataFrame(rows), intervals=False)
    t = res.table.set_index("article")
    assert len(t) == len(spec)
    assert bool(t.loc["ok", "testable"])
    reasons = t["reason"]
    assert reasons["short"].startswith("too short")
    assert reasons["gap"].startswith("gap")
    assert reasons["sparse"].startswith("too sparse") and "in all" in reasons["sparse"]
    assert "no events before" in reasons["new"]
    assert reasons["frac"].startswith("values are not")
    assert reasons["after_end"].startswith("event too close")
    assert t.loc[~t["testable"], ["p_value", "p_bh", "p_holm"]].isna().all().all()
    # series whose event effect cannot be estimated still get the change-point search
    assert not pd.isna(t.loc["new", "n_breaks"]) and not pd.isna(t.loc["after_end", "n_breaks"])
    assert pd.isna(t.loc["short", "n_breaks"])
    assert "not testable" in res.summary()
    assert res.not_testable()["n"].sum() == len(spec) - 1


def test_monthly_periods_and_result_api():
    rng = np.random.default_rng(5)
    idx = pd.period_range("2016-01", "2024-12", freq="M")
    rows = []
    for k in range(3):
        lam = np.where(idx >= pd.Period("2022-03", "M"), 24.0, 8.0) if k == 0 else np.full(len(idx), 10.0)
        for p, v in zip(idx, rng.poisson(lam)):
            rows.append({"series": f"s{k}", "month": p, "n": int(v)})
    res = analysis.screen(pd.DataFrame(rows), ["series"], time="month", value="n", seed=1, n_boot=99,
                          progress=False)
    t = res.to_frame()
    assert t.loc[0, "first"] == "2016-01" and t.loc[0, "n_periods"] == len(idx)
    assert t.loc[0, "p_bh"] < 1e-4 and 2.0 < t.loc[0, "rate_ratio"] < 4.5
    assert set(res.meta) >= {"package_version", "options", "input_sha256", "seed"}
    assert res.meta["seed"] == 1
    json.dumps(res.to_dict())
    assert repr(res).startswith("<ScreenResult: Screen of 3 series")
    assert "<strong>" in res._repr_html_()
    assert len(res.discoveries(0.1)) >= 1
    assert res.top(2, direction="down")["rate_ratio"].lt(1).all()
    s = res.series(0)
    assert isinstance(s.index, pd.PeriodIndex) and s.sum() == t.loc[0, "total"]
    axs = res.plot(k=2)
    assert len([a for a in axs if a.get_visible()]) == 2
    import matplotlib.pyplot as plt

    plt.close("all")


def test_input_errors():
    f = _frame(2)
    with pytest.raises(ModelError, match="two rows"):
        analysis.screen(pd.concat([f, f.iloc[:1]]), ["article", "part"], progress=False)
    with pytest.raises(ModelError, match="no column"):
        analysis.screen(f, ["nope"], progress=False)
    with pytest.raises(ModelError, match="integer years or pandas Periods"):
        analysis.screen(f.assign(year=f["year"].astype(str)), ["article"], progress=False)


def test_null_pvalues_are_not_anti_conservative():
    """Under no change, the share of p < 0.05 is near 0.05 (binomial bound), for annual NB series."""
    rng = np.random.default_rng(99)
    rows = []
    for i in range(150):
        mu, size = rng.uniform(5, 80), rng.uniform(3, 40)
        for y, v in zip(YEARS, rng.negative_binomial(size, size / (size + mu), YEARS.size)):
            rows.append({"k": i, "year": int(y), "value": int(v)})
    res = analysis.screen(pd.DataFrame(rows), ["k"], seed=1, intervals=False, progress=False)
    p = res.table.loc[res.table["testable"], "p_value"].to_numpy()
    assert p.size > 140
    assert np.mean(p < 0.05) < 0.05 + 3 * np.sqrt(0.05 * 0.95 / p.size)
