"""Reference values for the level-and-slope interrupted time series on Seatbelts (Poisson and NB2).

Produced by an implementation independent of the toolkit: statsmodels (GLM with the
Poisson family; ``NegativeBinomial(loglike_method="nb2")`` for the maximum-likelihood
theta, then GLM with the negative-binomial family at that theta for the standard errors
with theta held fixed, which is what R's ``summary(glm.nb(...))`` reports), on a design
built here from the stored data with numpy only. ``level_slope_reference.R`` is the R
script that computes the same quantities with ``glm`` and ``MASS::glm.nb``; R was not
available where these values were produced, so the stored numbers come from this script
(column ``program`` says so).

Run from the repository root::

    python tests/models/reference/level_slope_reference.py

Writes ``level_slope_values.csv`` next to this file (model, quantity, term, value,
program; 17 significant digits).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import statsmodels
import statsmodels.api as sm
from scipy import special

HERE = Path(__file__).parent


def design() -> tuple[np.ndarray, np.ndarray, list[str]]:
    d = pd.read_csv(HERE / "seatbelts_monthly.csv")
    n = len(d)
    i = np.arange(n)
    month = i % 12 + 1
    law_start = (1983 - 1969) * 12 + 1          # 0-based position of February 1983
    cols = {"const": np.ones(n), "trend": i / 12.0}
    for m in range(2, 13):
        cols[f"month_{m:02d}"] = (month == m).astype(float)
    cols["PetrolPrice"] = d["PetrolPrice"].to_numpy(float)
    cols["law"] = (i >= law_start).astype(float)
    cols["law_slope"] = np.maximum(0, i - law_start) / 12.0
    names = list(cols)
    return d["DriversKilled"].to_numpy(float), np.column_stack([cols[c] for c in names]), names


def nb_loglik_theta(y: np.ndarray, mu: np.ndarray, theta: float) -> float:
    return float(np.sum(special.gammaln(y + theta) - special.gammaln(theta) - special.gammaln(y + 1)
                        + theta * np.log(theta) + y * np.log(mu) - (theta + y) * np.log(theta + mu)))


def main() -> pd.DataFrame:
    y, X, names = design()
    prog = f"statsmodels {statsmodels.__version__}"
    rows = []

    def add(model, quantity, term, value):
        rows.append({"model": model, "quantity": quantity, "term": term, "value": f"{value:.17g}", "program": prog})

    pois = sm.GLM(y, X, family=sm.families.Poisson()).fit(tol=1e-14, maxiter=500)
    for j, t in enumerate(names):
        add("level_slope_poisson", "coef", t, pois.params[j])
        add("level_slope_poisson", "se", t, pois.bse[j])
    add("level_slope_poisson", "llf", "", pois.llf)
    add("level_slope_poisson", "aic", "", pois.aic)

    nb = sm.NegativeBinomial(y, X, loglike_method="nb2").fit(start_params=np.append(pois.params, 0.01),
                                                             method="newton", maxiter=500, tol=1e-14, disp=0)
    alpha = nb.params[-1]
    glm = sm.GLM(y, X, family=sm.families.NegativeBinomial(alpha=alpha)).fit(start_params=nb.params[:-1],
                                                                             tol=1e-14, maxiter=500)
    theta = 1.0 / alpha
    for j, t in enumerate(names):
        add("level_slope_negbin", "coef", t, nb.params[j])
        add("level_slope_negbin", "se", t, glm.bse[j])
    mu = glm.mu
    llf = nb_loglik_theta(y, mu, theta)
    add("level_slope_negbin", "llf", "", llf)
    add("level_slope_negbin", "aic", "", -2 * llf + 2 * (len(names) + 1))
    add("level_slope_negbin", "theta", "", theta)
    # SE of theta as MASS::glm.nb (theta.ml): observed information in theta with the means fixed,
    # -sum[trigamma(y + theta) - trigamma(theta) + 1/theta - 2/(theta + mu) + (y + theta)/(theta + mu)^2]
    d2 = float(np.sum(special.polygamma(1, y + theta) - special.polygamma(1, theta) + 1 / theta
                      - 2 / (theta + mu) + (y + theta) / (theta + mu) ** 2))
    add("level_slope_negbin", "se_theta", "", 1.0 / np.sqrt(-d2))
    out = pd.DataFrame(rows)
    out.to_csv(HERE / "level_slope_values.csv", index=False)
    return out


if __name__ == "__main__":
    print(main().to_string(index=False))
