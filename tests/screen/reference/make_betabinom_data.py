"""Make the data sets of the beta-binomial reference (run once; output committed).

Three annual series of 16 years with a logit-linear trend and a step covering 0.85 of
year 2022 and the years after (as the toolkit places a step on 24.02.2022):
strong overdispersion, mild overdispersion, and none. Run from this folder:
``python make_betabinom_data.py && Rscript betabinom_reference.R``.
"""
import numpy as np
import pandas as pd

rng = np.random.default_rng(20240917)
years = np.arange(2009, 2025)
frac = np.clip(years - 2021 - 0.15, 0, 1)
frac[years == 2022] = 0.85
rows = []
for name, rho, n_mean in (("strong", 0.15, 60), ("mild", 0.03, 200), ("none", 0.0, 120)):
    n = rng.poisson(n_mean, years.size) + 5
    p = 1 / (1 + np.exp(-(-0.4 + 0.05 * (years - 2022) + 0.9 * frac)))
    if rho > 0:
        phi = (1 - rho) / rho
        share = rng.beta(p * phi, (1 - p) * phi)
    else:
        share = p
    y = rng.binomial(n, share)
    for yr, f, nn, yy in zip(years, frac, n, y):
        rows.append({"dataset": name, "year": int(yr), "trend": int(yr - 2022), "step": float(f),
                     "n": int(nn), "y": int(yy)})
pd.DataFrame(rows).to_csv("betabinom_data.csv", index=False, lineterminator="\n")
