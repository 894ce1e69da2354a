"""Punishment shares (Wilson intervals) and the beta-binomial test of a change in the imprisonment share."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from scipy import optimize, stats
from statsmodels.stats.proportion import proportion_confint

from analysis.screening.severity import (
    PUNISHMENT_GROUPS,
    imprisonment_change,
    punishment_shares,
    severity_tests,
    wilson_interval,
)

YEARS = range(2009, 2025)


def _groups(article: str, shares_by_year, n_by_year, parts=("1", "2")) -> pd.DataFrame:
    """Long punishment-group frame; the imprisonment count is split over two parts."""
    rows = []
    for yr, share, n in zip(YEARS, shares_by_year, n_by_year):
        if n is None:
            continue
        k = int(round(share * n))
        rest = n - k
        counts = {"convicted": n, "imprisonment": k, "suspended": rest // 2, "fine": rest // 4,
                  "compulsory_correctional": rest // 8}
        counts["other"] = n - sum(counts[g] for g in PUNISHMENT_GROUPS[:-1])
        for grp, v in counts.items():
            first = v // 2
            for part, value in zip(parts, (first, v - first)):
                rows.append({"article": article, "part": part, "year": yr, "group": grp, "value": value})
    return pd.DataFrame(rows)


def test_wilson_matches_statsmodels():
    k = np.array([0, 1, 5, 37, 99, 100])
    n = np.array([10, 10, 40, 50, 100, 100])
    for alpha in (0.05, 0.1):
        lo, hi = wilson_interval(k, n, alpha)
        ref_lo, ref_hi = proportion_confint(k, n, alpha=alpha, method="wilson")
        assert np.allclose(lo, ref_lo, atol=1e-12) and np.allclose(hi, ref_hi, atol=1e-12)
    lo, hi = wilson_interval(0, 0)
    assert np.isnan(lo) and np.isnan(hi)


def test_shares_add_parts_and_sum_to_one():
    g = _groups("275", [0.9] * 16, [20 + y for y in range(16)])
    s = punishment_shares(g, articles=["275"])
    assert list(s["group"].unique()) == list(PUNISHMENT_GROUPS)
    assert (s.groupby("year")["share"].sum().round(12) == 1).all()
    first = s[(s["year"] == 2009)].set_index("group")
    assert first.loc["imprisonment", "convicted"] == 20
    assert first.loc["imprisonment", "count"] == 18
    lo, hi = proportion_confint(18, 20, method="wilson")
    assert first.loc["imprisonment", "lower"] == pytest.approx(lo)
    assert first.loc["imprisonment", "upper"] == pytest.approx(hi)


def test_missing_column_stays_missing():
    g = _groups("280", [0.3] * 16, [50] * 16)
    g = g[~((g["year"] == 2010) & (g["group"] == "fine"))]
    s = punishment_shares(g, articles=["280"]).set_index(["year", "group"])
    assert pd.isna(s.loc[(2010, "fine"), "share"]) and pd.isna(s.loc[(2010, "fine"), "lower"])
    assert not pd.isna(s.loc[(2011, "fine"), "share"])


def _independent_lr_pvalue(y, n, X):
    """Chi-square LR test of the last column by Nelder-Mead on scipy's beta-binomial pmf (no shared code)."""
    def nll(theta, Xm):
        p = 1 / (1 + np.exp(-(Xm @ theta[:-1])))
        phi = np.exp(theta[-1])
        return -stats.betabinom.logpmf(y, n, p * phi, (1 - p) * phi).sum()

    def fit(Xm):
        best = None
        for lp in (0.0, 2.0, 4.0, 8.0):
            r = optimize.minimize(nll, np.r_[np.zeros(Xm.shape[1]), lp], args=(Xm,), method="Nelder-Mead",
                                  options={"xatol": 1e-9, "fatol": 1e-11, "maxiter": 40000, "maxfev": 40000})
            if best is None or r.fun < best.fun:
                best = r
        return -best.fun

    lr = 2 * (fit(X) - fit(X[:, :2]))
    return stats.chi2.sf(lr, 1)


def test_planted_rise_is_detected_and_pvalue_matches_independent_fit():
    rng = np.random.default_rng(4)
    share = [0.3] * 13 + [0.75] * 3
    n = list(rng.integers(40, 90, 16))
    noisy = [float(np.clip(s + rng.normal(0, 0.05), 0.01, 0.99)) for s in share]
    g = _groups("207.3", noisy, n)
    t = imprisonment_change(g, "207.3")
    assert t.testable
    bb = t.estimates.set_index("model").loc["beta_binomial"]
    assert bb["p_value"] < 1e-3 and bb["lower"] > 1.5
    assert bb["lower"] < bb["odds_ratio"] < bb["upper"]
    d = t.data
    X = np.column_stack([np.ones(len(d)), d["year"] - 2022, d["fraction"]])
    ref = _independent_lr_pvalue(d["count"].to_numpy(), d["convicted"].to_numpy(), X)
    assert bb["p_value_asymptotic"] == pytest.approx(ref, rel=1e-3, abs=1e-12)
    lr = stats.chi2.isf(bb["p_value_asymptotic"], 1)
    assert bb["p_value"] == pytest.approx(stats.f.sf(lr, 1, len(d) - 4), rel=1e-9)
    assert t.data.loc[t.data["year"] == 2022, "fraction"].iloc[0] == pytest.approx(311 / 365)
    assert "BetaBinomial" in t.summary() and "Wilson" in t.summary()
    json.dumps(t.to_dict())
    ax = t.plot()
    assert ax.get_ylim() == (0.0, 1.0)
    import matplotlib.pyplot as plt

    plt.close("all")


def test_profile_interval_boundary_has_the_chi_square_drop():
    rng = np.random.default_rng(8)
    g = _groups("280", list(rng.uniform(0.2, 0.5, 16)), list(rng.integers(30, 80, 16)))
    t = imprisonment_change(g, "280", alpha=0.1)
    from analysis.screening.betabinom import fit_betabinomial

    d = t.data
    X = np.column_stack([np.ones(len(d)), d["year"] - 2022, d["fraction"]])
    y, n = d["count"].to_numpy(), d["convicted"].to_numpy()
    full = fit_betabinomial(y, n, X)
    bb = t.estimates.iloc[0]
    for bound in (bb["lower"], bb["upper"]):
        prof = fit_betabinomial(y, n, X[:, :2], offset=X[:, 2] * np.log(bound))
        assert 2 * (full.llf - prof.llf) == pytest.approx(stats.f.ppf(0.9, 1, len(d) - 4), abs=1e-4)


def test_not_testable_cases_and_the_panel_frame():
    new = _groups("280.3", [0.0] * 13 + [0.4, 0.5, 0.6], [None] * 13 + [10, 40, 60])
    always = _groups("275", [1.0] * 16, [10] * 16)
    ok = _groups("282", [0.2] * 8 + [0.25] * 8, [300] * 16)
    g = pd.concat([new, always, ok])
    tab = severity_tests(g, articles=["280.3", "275", "282"])
    assert list(tab["article"]) == ["280.3", "275", "282"]
    r = tab.set_index("article")
    assert not r.loc["280.3", "testable"] and r.loc["280.3", "reason"].startswith("too few years")
    assert not r.loc["275", "testable"] and "is 1 in every year" in r.loc["275", "reason"]
    assert r.loc["282", "testable"] and r.loc["282", "p_bh"] == r.loc["282", "p_value"]
    assert r.loc["275", "share_before"] == 1.0
    assert np.isnan(r.loc["280.3", "p_bh"])
