"""Independent reference values for the change-point tests (brute force, numpy/scipy only).

Run from the repository root:

    .venv/bin/python tests/changepoint/reference/make_reference.py

It writes ``reference_values.json`` beside this file. Nothing from ``analysis`` is
imported: every number comes from a direct likelihood scan written here.

* Coal-mining disasters: yearly counts 1851-1962 binned from the 191 dates in
  ``tests/changepoint/data/coal_dates.csv`` (Jarrett 1979; R package boot, ``coal``).
  Single-break Poisson MLE by scanning every split with full Poisson log-likelihoods
  (``scipy.stats.poisson.logpmf``); and the single-break posterior with independent
  Gamma(1, 1/mean) rate priors and a uniform prior on the location, by direct
  evaluation of each location's marginal likelihood with scipy's gamma functions.
* Nile annual flow 1871-1970 (statsmodels.datasets.nile): single break in mean by
  scanning the residual sum of squares of every split.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from scipy import special, stats

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "data"


def coal_counts() -> np.ndarray:
    import pandas as pd

    dates = pd.read_csv(DATA / "coal_dates.csv", comment="#")["date"].to_numpy()
    years = np.floor(dates).astype(int)
    return np.array([(years == yr).sum() for yr in range(1851, 1963)])


def poisson_scan(y: np.ndarray, min_size: int = 2) -> dict:
    best = None
    for k in range(min_size, len(y) - min_size + 1):
        a, b = y[:k], y[k:]
        ll = stats.poisson.logpmf(a, a.mean()).sum() + stats.poisson.logpmf(b, b.mean()).sum()
        if best is None or ll > best[0]:
            best = (ll, k)
    ll0 = stats.poisson.logpmf(y, y.mean()).sum()
    ll, k = best
    return {"position": int(k), "first_year_new_regime": 1851 + int(k), "rate_before": float(y[:k].mean()),
            "rate_after": float(y[k:].mean()), "loglik": float(ll), "loglik_no_break": float(ll0),
            "lr_statistic": float(2 * (ll - ll0))}


def bayes_single_break(y: np.ndarray, shape: float, rate: float, break_prob: float) -> dict:
    """Posterior over 'no break' and 'break at k' (k = 1..n-1), uniform location prior."""
    def log_ml(seg: np.ndarray) -> float:
        s, n = seg.sum(), len(seg)
        return (shape * np.log(rate) - special.gammaln(shape) + special.gammaln(shape + s)
                - (shape + s) * np.log(rate + n) - special.gammaln(seg + 1).sum())

    n = len(y)
    rho = break_prob / (1 - break_prob)
    logw = [log_ml(y)] + [np.log(rho) + log_ml(y[:k]) + log_ml(y[k:]) for k in range(1, n)]
    logw = np.array(logw)
    w = np.exp(logw - logw.max())
    w /= w.sum()
    probs = np.zeros(n)
    probs[1:] = w[1:]
    return {"shape": shape, "rate": rate, "break_prob": break_prob, "p_no_break": float(w[0]),
            "break_probability": probs.tolist(), "mode_position": int(np.argmax(probs)),
            "mode_year": 1851 + int(np.argmax(probs))}


def nile_scan(y: np.ndarray, min_size: int = 2) -> dict:
    best = None
    for k in range(min_size, len(y) - min_size + 1):
        rss = ((y[:k] - y[:k].mean()) ** 2).sum() + ((y[k:] - y[k:].mean()) ** 2).sum()
        if best is None or rss < best[0]:
            best = (rss, k)
    rss, k = best
    return {"position": int(k), "first_year_new_regime": 1871 + int(k), "rss": float(rss),
            "mean_before": float(y[:k].mean()), "mean_after": float(y[k:].mean())}


def main() -> None:
    import statsmodels.api as sm

    coal = coal_counts()
    assert coal.sum() == 191 and coal.size == 112
    nile = sm.datasets.nile.load_pandas().data["volume"].to_numpy(dtype=float)
    assert nile.size == 100
    out = {
        "coal_counts": coal.tolist(),
        "coal_total": int(coal.sum()),
        "coal_poisson_single_break": poisson_scan(coal),
        "coal_bayes_single_break": bayes_single_break(coal, 1.0, 1.0 / coal.mean(), 1.0 / coal.size),
        "nile_volume": nile.tolist(),
        "nile_single_break": nile_scan(nile),
    }
    (HERE / "reference_values.json").write_text(json.dumps(out, indent=1) + "\n")
    print(json.dumps({k: v for k, v in out.items() if k not in ("nile_volume", "coal_counts")}, indent=1)[:2000])


if __name__ == "__main__":
    main()
