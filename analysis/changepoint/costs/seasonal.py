"""A count cost with a shared seasonal (month-of-year) profile, estimated with the segmentation."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from ...errors import ModelError
from .base import Cost, FittedOneParameter, OneParameterCost
from .negbin import NegBinCost, estimate_dispersion_given_segments

__all__ = ["SeasonalCost", "initial_profile", "profile_given_segments"]


def initial_profile(y: np.ndarray, season: np.ndarray, period: int) -> np.ndarray:
    """Starting profile: median ratio of ``y`` to its centred moving average, by season.

    The centred ``2 x period`` moving average follows level shifts within a year, so the
    ratios are barely affected by the breaks the search is about to find; medians keep
    pulses out. Normalised to mean 1 over the seasons.
    """
    y = np.asarray(y, dtype=float)
    n = y.size
    w = np.ones(period + 1)
    if period % 2 == 0:
        w[0] = w[-1] = 0.5
    w /= w.sum()
    h = len(w) // 2
    ma = np.convolve(y, w, mode="same")
    ok = np.zeros(n, dtype=bool)
    ok[h:n - h] = True
    ok &= ma > 0
    prof = np.ones(period)
    for m in range(period):
        k = ok & (season == m)
        if k.sum() >= 2:
            prof[m] = float(np.median(y[k] / ma[k]))
    prof = np.clip(prof, 0.05, None)
    return prof / prof.mean()


def profile_given_segments(y: np.ndarray, positions: tuple[int, ...], inlier: np.ndarray, season: np.ndarray,
                           period: int, start: np.ndarray, n_iter: int = 25) -> np.ndarray:
    """Profile that, with the segment levels, solves the mean equations of the model.

    Alternates ``lambda_j = sum y / sum s`` over segment ``j`` and
    ``s_m = sum y / sum lambda`` over season ``m`` (inlier periods only) — the Poisson
    maximum-likelihood equations, which are also the quasi-likelihood equations of the
    NB model with size proportional to the profile. Normalised to mean 1.
    """
    b = [0, *positions, y.size]
    seg = np.zeros(y.size, dtype=np.int64)
    for i in range(len(b) - 1):
        seg[b[i]:b[i + 1]] = i
    k = inlier
    prof = start.copy()
    lam = np.zeros(len(b) - 1)
    for _ in range(n_iter):
        sp = prof[season]
        num = np.bincount(seg[k], weights=y[k], minlength=lam.size)
        den = np.bincount(seg[k], weights=sp[k], minlength=lam.size)
        lam = np.divide(num, den, out=np.zeros_like(num), where=den > 0)
        lt = lam[seg]
        num_s = np.bincount(season[k], weights=y[k], minlength=period)
        den_s = np.bincount(season[k], weights=lt[k], minlength=period)
        new = np.divide(num_s, den_s, out=np.ones(period), where=den_s > 0)
        new = np.clip(new, 0.05, None)
        new = new / new.mean()
        if np.max(np.abs(new - prof)) < 1e-10:
            prof = new
            break
        prof = new
    return prof


@dataclass(frozen=True)
class SeasonalCost(Cost):
    """A count cost whose level is multiplied by a shared seasonal profile.

    Parameters
    ----------
    base : Cost, default NegBinCost()
        The count cost (:class:`~.negbin.NegBinCost` with a shared size, or
        :class:`~.poisson.PoissonCost`).
    max_iter : int, default 10

    Notes
    -----
    Model: period ``t`` in a segment of level ``lambda`` and season ``m(t)`` (month of
    year for a monthly series, quarter for a quarterly one) has mean
    ``lambda * s_m(t)``, with one profile ``s`` (mean 1) shared by all segments. Given
    the profile the segments still have one parameter each, so the searches are the same
    exact, functionally pruned ones. The profile is estimated jointly with the
    segmentation by alternation: start from :func:`initial_profile`, segment, re-estimate
    the profile (:func:`profile_given_segments`) and, for NB, the shared size given the
    segments and the profile, segment again, until the breaks repeat (at most
    ``max_iter`` rounds). The profile's ``period - 1`` free values are shared, so the
    penalty per change is that of the base cost. Needs the season of every period
    (``season``), which :func:`~analysis.changepoint.detect_changepoints` takes from a
    monthly or quarterly ``PeriodIndex``.
    """

    base: Cost = field(default_factory=NegBinCost)
    max_iter: int = 10
    name: str = field(init=False, default="")
    n_params: int = field(init=False, default=1)
    data: ClassVar[str] = "counts"
    supports_pulses: ClassVar[bool] = True

    def __post_init__(self) -> None:
        if not isinstance(self.base, OneParameterCost) or self.base.data != "counts":
            raise ModelError("SeasonalCost needs a one-parameter count cost as base (negbin or poisson)")
        if isinstance(self.base, NegBinCost) and self.base.dispersion == "segment":
            raise ModelError("SeasonalCost needs a shared NB size")
        object.__setattr__(self, "name", f"{self.base.name}_seasonal")
        object.__setattr__(self, "n_params", self.base.n_params)

    def options(self) -> dict[str, Any]:
        return {"base": self.base.name, **self.base.options()}

    def fit(self, y: np.ndarray, *, pulses: bool = False, cap: float = math.inf,
            season: np.ndarray | None = None, period: int | None = None,
            profile: np.ndarray | None = None, size: float | None = None) -> FittedOneParameter:
        if season is None or period is None:
            raise ModelError("the seasonal cost needs the season of every period (a monthly or quarterly "
                             "PeriodIndex)")
        season = np.asarray(season, dtype=np.int64)
        y = np.asarray(y, dtype=float)
        prof = initial_profile(y, season, period) if profile is None else np.asarray(profile, dtype=float)
        info = {"profile": [float(v) for v in prof], "period": int(period)}
        kw: dict[str, Any] = {}
        if isinstance(self.base, NegBinCost) and size is not None:
            kw["size"] = size
        fc = self.base.fit(y, pulses=pulses, cap=cap, profile=prof[season], info=info, **kw)
        object.__setattr__(fc, "cost_wrapper", self)
        object.__setattr__(fc, "season", season)
        object.__setattr__(fc, "season_profile", prof)
        return fc

    def refit(self, fc, positions, inlier):
        season = fc.season
        period = int(fc.info["period"])
        prof = profile_given_segments(fc.y, positions, inlier, season, period, fc.season_profile)
        size = None
        if isinstance(self.base, NegBinCost):
            if self.base.dispersion == "iterate":
                size = estimate_dispersion_given_segments(fc.y, positions, inlier, prof[season])
            else:
                size = fc.size
        return self.fit(fc.y, pulses=fc.pulses, cap=fc.cap, season=season, period=period, profile=prof,
                        size=size)
