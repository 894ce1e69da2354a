"""Results objects of the change-point engine.

All are frozen dataclasses inheriting :class:`analysis.results.Result`, with ``summary()``,
``to_frame()``, ``to_dict()``, ``plot(ax=None)``, ``_repr_html_()`` and the common ``meta``
record (:func:`analysis.results.result_meta`: ``package_version``, ``options``,
``input_sha256``, ``seed``). Frames are built when first asked for, so that a search on
a short series costs about the search.

Positions are 0-based positions of the **first observation of each new regime**;
``breaks`` are the same as periods when the input had a ``PeriodIndex``.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from ..results import Result, jsonable, result_meta
from .bayes_results import BayesianChangePointResult
from .costs import FittedCost
from .pulses import find_pulses
from .uncertainty import DEFAULT_N_BOOT, DEFAULT_SEED, bootstrap_break_intervals

__all__ = ["ChangePointResult", "CropsPath", "BayesianChangePointResult"]


def _lab(index: pd.Index | None, pos: int) -> Any:
    if index is None:
        return int(pos)
    return index[int(pos)]


def _jsonable(x: Any) -> Any:
    return jsonable(x)


def _frame_html(title: str, lines: list[str], frame: pd.DataFrame) -> str:
    head = "".join(f"<li>{html.escape(s)}</li>" for s in lines)
    return f"<div><strong>{html.escape(title)}</strong><ul>{head}</ul>{frame.to_html(index=False)}</div>"


_PULSE_COLUMNS = ["period", "position", "value", "level", "ratio", "evidence"]


@dataclass(frozen=True, repr=False)
class ChangePointResult(Result):
    """Breaks and pulses found in one series by :func:`~analysis.changepoint.detect_changepoints`.

    Attributes
    ----------
    positions : tuple of int
        0-based positions of the first observation of each new regime.
    breaks : tuple
        The same as periods (or index labels) when the input had a ``PeriodIndex`` or
        ``DatetimeIndex``; otherwise equal to ``positions``.
    segments : DataFrame
        One row per segment: ``start``, ``end`` (positions, ``end`` exclusive),
        ``first``/``last`` (periods), ``n``, ``estimate`` (rate or mean of the periods
        that are not pulses; for a seasonal cost the level before the profile) with
        ``lower``/``upper`` (95% interval, see the cost), ``total``, ``n_pulses``, and
        ``size`` (NB) or ``sd`` (Gaussian).
    pulses : DataFrame
        One row per pulse: ``period`` (the series' own index label, or the position),
        ``position``, ``value``, ``level`` (the fitted mean of its regime in that
        period), ``ratio`` (``value / level``) and ``evidence`` (the period's unit
        deviance from ``level``, the likelihood-ratio statistic of giving it its own
        mean; a pulse has ``evidence > meta["pulse_penalty"]``, see
        :mod:`analysis.changepoint.pulses`). Empty when pulses were not modelled.
    diagnostics : dict
        ``ljung_box`` (:class:`~analysis.changepoint.diagnostics.DiagnosticTest` on the
        final segment residuals), ``ljung_box_before`` (before the dependence
        adjustment, if one was made), ``lrv_ratio``, ``seasonality`` (residual
        seasonality F test, for monthly or quarterly series of three years or more),
        ``seasonality_before`` (of the fit without a profile, if one was then used),
        ``seasonal`` and ``dependence_factor`` (what the defaults switched on),
        ``notes`` and ``warnings`` in words.
    cost, method, penalty : str
        What was run. ``penalty`` is the name or ``"manual"``; ``penalty_value`` its value
        per change after any dependence adjustment.
    penalty_value : float
        Penalty per change (``nan`` when ``n_breaks`` was forced).
    total_cost : float
        Sum of segment costs (``-2 log L`` up to a data-only constant; pulses count at the
        pulse penalty).
    objective : float
        The minimised criterion (costs plus all penalty terms).
    n_breaks_forced : int or None
    min_size : int
    values : ndarray
        The series as analysed (after the missing-value policy).
    index : Index or None
    meta : dict
        The common keys, then ``n``, cost facts (``size`` — the fitted shared NB size —
        ``scale``, ``var_floor``, ``seasonal_profile``), ``pulse_penalty``, pruning
        diagnostics, refits.
    fitted_cost : FittedCost
        The fitted cost (its ``size``/``scale``, per-period coefficients), for further use.
    """

    positions: tuple[int, ...]
    breaks: tuple[Any, ...]
    cost: str
    method: str
    penalty: str
    penalty_value: float
    total_cost: float
    objective: float
    n_breaks_forced: int | None
    min_size: int
    values: np.ndarray = field(repr=False)
    index: pd.Index | None = field(repr=False)
    meta: dict[str, Any] = field(repr=False)
    fitted_cost: FittedCost = field(repr=False, compare=False)
    diagnostics: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    kind = "changepoints"

    @classmethod
    def build(cls, *, positions, cost, method, penalty, penalty_value, total_cost, objective, n_breaks_forced,
              min_size, values, index, fitted_cost, diagnostics, options, input_sha256, extra) -> "ChangePointResult":
        breaks = tuple(_lab(index, p) for p in positions)
        meta = result_meta(options=options, input_sha256=input_sha256, seed=None, **extra)
        return cls(positions=tuple(positions), breaks=breaks, cost=cost, method=method, penalty=penalty,
                   penalty_value=penalty_value, total_cost=total_cost, objective=objective,
                   n_breaks_forced=n_breaks_forced, min_size=min_size, values=values, index=index, meta=meta,
                   fitted_cost=fitted_cost, diagnostics=diagnostics)

    @property
    def n_breaks(self) -> int:
        """Number of breaks."""
        return len(self.positions)

    @property
    def n(self) -> int:
        return int(self.values.shape[0])

    # -- lazily built frames --------------------------------------------------------------
    @cached_property
    def _inlier(self) -> np.ndarray:
        return self.fitted_cost.inliers(self.positions)

    @cached_property
    def _levels(self) -> np.ndarray:
        return self.fitted_cost.period_means(self.positions)

    @cached_property
    def pulses(self) -> pd.DataFrame:
        fc = self.fitted_cost
        if not fc.pulses:
            return pd.DataFrame({c: pd.Series(dtype=float) for c in _PULSE_COLUMNS})
        mu = self._levels
        if fc.cost.data == "counts":
            size = getattr(fc, "size", np.inf)
            if fc.profile is not None and np.isfinite(size):
                size = size * fc.profile
            pos = find_pulses(fc.y, mu, size, penalty=fc.cap)
            from .pulses import unit_deviance

            ev = unit_deviance(fc.y[pos], mu[pos], size if np.ndim(size) == 0 else np.asarray(size)[pos])
        else:
            dev = fc.deviance(self.positions)
            pos = np.flatnonzero(dev > fc.cap)
            ev = dev[pos]
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(mu[pos] != 0, fc.y[pos] / mu[pos], np.inf)
        return pd.DataFrame({"period": [_lab(self.index, p) for p in pos], "position": pos.astype(np.int64),
                             "value": fc.y[pos], "level": mu[pos], "ratio": ratio, "evidence": ev})

    @cached_property
    def segments(self) -> pd.DataFrame:
        fc = self.fitted_cost
        inl = self._inlier
        b = [0, *self.positions, fc.n]
        rows = []
        for i in range(len(b) - 1):
            s, e = b[i], b[i + 1]
            params = fc.segment_params(s, e)
            lo, hi = fc.segment_interval(s, e, 0.05, inlier=inl) if fc.functional else fc.segment_interval(s, e)
            row = {"segment": i, "start": s, "end": e, "first": _lab(self.index, s), "last": _lab(self.index, e - 1),
                   "n": e - s, "estimate": params["mean"], "lower": lo, "upper": hi,
                   "total": float(fc.y[s:e].sum()), "n_pulses": int((~inl[s:e]).sum())}
            if "size" in params:
                row["size"] = params["size"]
            if "sd" in params:
                row["sd"] = params["sd"]
            rows.append(row)
        return pd.DataFrame(rows)

    def conf_int(self, alpha: float = 0.05, *, n_boot: int = DEFAULT_N_BOOT,
                 rng: np.random.Generator | np.random.SeedSequence | int | None = None,
                 n_jobs: int = 1) -> pd.DataFrame:
        """Confidence set for each break date (parametric bootstrap, computed on demand).

        Parameters
        ----------
        alpha : float, default 0.05
            One minus the confidence level.
        n_boot : int, default 999
            Bootstrap replicates per break.
        rng : int, SeedSequence or Generator, optional
            Source of randomness. Default: seed 20240601
            (:data:`~analysis.changepoint.uncertainty.DEFAULT_SEED`), so that the same call
            gives the same interval in every report. A Generator is used only to draw the
            seed (so repeated calls with one generator differ, and are reproducible from
            its state).
        n_jobs : int, default 1
            Threads over breaks and blocks of draws. The result is the same for every
            ``n_jobs``: each break, and each block of draws within it, has its own stream
            spawned from the seed (:meth:`numpy.random.SeedSequence.spawn`).

        Returns
        -------
        DataFrame
            One row per break: ``position``, ``break``, ``lower_position``,
            ``upper_position``, ``lower``, ``upper`` (periods when available; the interval
            holds the first period of the new regime), ``boot_sd`` and ``boot_exact`` (share
            of replicates that hit the break exactly). ``attrs`` records alpha, n_boot, seed.

        Notes
        -----
        See :mod:`analysis.changepoint.uncertainty`: each break is bootstrapped within its
        segment neighbourhood (previous break to next break) from the fitted adjacent
        segments, and the percentile bootstrap interval of the location is returned. The
        interval is conditional on the breaks found (it does not account for the
        uncertainty about how many breaks there are) and assumes independent periods.
        Memory is bounded: draws are made in blocks whose size depends on the window
        length, not on ``n_boot``. The last call is recorded in ``meta["conf_int"]`` and
        in :meth:`to_dict`.
        """
        if not 0 < alpha < 1:
            raise ValueError("alpha must be in (0, 1)")
        seed_label: Any
        if rng is None:
            seed_label = DEFAULT_SEED
            ss = np.random.SeedSequence(DEFAULT_SEED)
        elif isinstance(rng, (int, np.integer)):
            seed_label = int(rng)
            ss = np.random.SeedSequence(int(rng))
        elif isinstance(rng, np.random.SeedSequence):
            seed_label = {"entropy": jsonable(rng.entropy), "spawn_key": list(rng.spawn_key)}
            ss = rng
        else:
            ent = [int(v) for v in rng.integers(0, 2**63 - 1, size=4)]
            seed_label = {"entropy": ent}
            ss = np.random.SeedSequence(ent)
        key = (float(alpha), int(n_boot), repr(seed_label))
        if key in self._cache:
            return self._cache[key].copy()
        df = bootstrap_break_intervals(self.fitted_cost, self.positions, alpha=alpha, n_boot=int(n_boot),
                                       min_size=self.min_size, seed=ss, n_jobs=int(n_jobs))
        df.insert(1, "break", [_lab(self.index, p) for p in df["position"]])
        df.insert(4, "lower", [_lab(self.index, p) for p in df["lower_position"]])
        df.insert(5, "upper", [_lab(self.index, p) for p in df["upper_position"]])
        df.attrs.update({"alpha": alpha, "n_boot": int(n_boot), "seed": seed_label,
                         "method": "parametric bootstrap of the segment neighbourhood (percentile interval)"})
        self._cache[key] = df
        self._cache["latest"] = df
        self.meta["conf_int"] = {"alpha": float(alpha), "n_boot": int(n_boot), "seed": seed_label}
        self.meta["seed"] = seed_label
        return df.copy()

    def to_frame(self) -> pd.DataFrame:
        """Segments, one row each (tidy)."""
        return self.segments.copy()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready record of the result."""
        diag = {k: (v.to_dict() if hasattr(v, "to_dict") else v) for k, v in self.diagnostics.items()}
        return jsonable({
            "kind": self.kind,
            "positions": list(self.positions),
            "breaks": list(self.breaks),
            "segments": self.segments.to_dict(orient="records"),
            "pulses": self.pulses.to_dict(orient="records"),
            "diagnostics": diag,
            "cost": self.cost, "method": self.method, "penalty": self.penalty,
            "penalty_value": self.penalty_value, "total_cost": self.total_cost, "objective": self.objective,
            "n_breaks_forced": self.n_breaks_forced, "min_size": self.min_size,
            "conf_int": (self._cache["latest"].to_dict(orient="records") if "latest" in self._cache else None),
            "meta": self.meta,
        })

    def _header(self) -> list[str]:
        pen = (f"n_breaks forced to {self.n_breaks_forced}" if self.n_breaks_forced is not None
               else f"penalty {self.penalty} = {self.penalty_value:.3f} per change")
        extra = ""
        if "size" in self.meta:
            extra = f", NB size {self.meta['size']:.4g}"
        if "scale" in self.meta:
            extra = f", noise sd {self.meta['scale']:.4g}"
        lines = [
            f"cost {self.cost}{extra}; method {self.method}; {pen}; min_size {self.min_size}",
            f"n = {self.n}; breaks (first period of new regime): "
            + (", ".join(str(b) for b in self.breaks) if self.breaks else "none"),
        ]
        if self.fitted_cost.pulses:
            p = self.pulses
            lines.append("pulses: " + (", ".join(f"{r.period} (x{r.ratio:.3g})" for r in p.itertuples())
                                       if len(p) else "none"))
        lb = self.diagnostics.get("ljung_box")
        if lb is not None:
            lines.append(f"Ljung-Box on segment residuals: Q = {lb.stat:.2f}, p = {lb.pvalue:.3g}")
        for note in self.diagnostics.get("notes", []):
            lines.append("note: " + note)
        for w in self.diagnostics.get("warnings", []):
            lines.append("warning: " + w)
        lines.append(f"total cost (-2 log L + const) = {self.total_cost:.4f}")
        return lines

    def summary(self) -> str:
        """Plain-text summary: options, breaks, pulses, diagnostics, segments."""
        return "\n".join([f"Change points ({self.n_breaks} break{'s' if self.n_breaks != 1 else ''})",
                          *self._header(), "", self.segments.to_string(index=False)])

    def __repr__(self) -> str:
        return (f"<ChangePointResult: {self.n_breaks} break(s) "
                f"{[str(b) for b in self.breaks]}, {len(self.pulses) if self.fitted_cost.pulses else 0} pulse(s), "
                f"cost {self.cost}>")

    def _repr_html_(self) -> str:
        return _frame_html(f"Change points: {self.n_breaks} break(s)", self._header(), self.segments)

    def plot(self, ax=None, *, intervals: bool | None = None):
        """Series as bars, segment estimates as steps, breaks as dashed lines with interval bands, pulses marked.

        ``intervals=None`` draws the bands only if :meth:`conf_int` was already computed;
        ``True`` computes them with the defaults.
        """
        from ..plots.changepoint import plot_changepoints

        return plot_changepoints(self, ax=ax, intervals=intervals)


@dataclass(frozen=True, repr=False)
class CropsPath(Result):
    """All optimal segmentations over a penalty range (CROPS, Haynes et al. 2017).

    Attributes
    ----------
    path : DataFrame
        One row per distinct optimal segmentation, by decreasing number of breaks:
        ``n_breaks``, ``cost`` (unpenalised), ``penalty_lower``, ``penalty_upper`` (the
        exact interval of penalties per change over which it is optimal, clipped to the
        requested range), ``positions`` (tuple) and ``breaks``.
    penalty_range : tuple of float
    cost : str
    min_size : int
    index : Index or None
    meta : dict
    """

    path: pd.DataFrame
    penalty_range: tuple[float, float]
    cost: str
    min_size: int
    values: np.ndarray = field(repr=False)
    index: pd.Index | None = field(repr=False)
    meta: dict[str, Any] = field(repr=False)

    kind = "crops"

    def positions_for(self, penalty: float) -> tuple[int, ...]:
        """Optimal break positions at a given penalty within the range."""
        lo, hi = self.penalty_range
        if not lo <= penalty <= hi:
            raise ValueError(f"penalty {penalty} outside the computed range {self.penalty_range}")
        for _, row in self.path.iterrows():
            if row["penalty_lower"] <= penalty <= row["penalty_upper"]:
                return tuple(row["positions"])
        raise ValueError("penalty not covered")  # pragma: no cover

    def to_frame(self) -> pd.DataFrame:
        return self.path.copy()

    def to_dict(self) -> dict[str, Any]:
        return jsonable({"kind": self.kind, "path": self.path.to_dict(orient="records"),
                         "penalty_range": list(self.penalty_range), "cost": self.cost, "min_size": self.min_size,
                         "meta": self.meta})

    def summary(self) -> str:
        cols = ["n_breaks", "cost", "penalty_lower", "penalty_upper", "breaks"]
        return "\n".join([f"CROPS path: cost {self.cost}, penalties {self.penalty_range[0]:.4g} to "
                          f"{self.penalty_range[1]:.4g}, {len(self.path)} optimal segmentations", "",
                          self.path[cols].to_string(index=False)])

    def _repr_html_(self) -> str:
        cols = ["n_breaks", "cost", "penalty_lower", "penalty_upper", "breaks"]
        return _frame_html("CROPS path", [f"cost {self.cost}", f"penalty range {self.penalty_range}"],
                           self.path[cols])

    def plot(self, ax=None):
        """Cost against number of breaks (elbow plot), with penalty intervals annotated."""
        from ..plots.changepoint import plot_crops

        return plot_crops(self, ax=ax)
