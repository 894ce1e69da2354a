"""The result of :func:`~analysis.changepoint.bayesian_changepoints`."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ..results import Result, jsonable

__all__ = ["BayesianChangePointResult"]


def _label(index: pd.Index | None, pos: int) -> Any:
    return int(pos) if index is None else index[int(pos)]


@dataclass(frozen=True, repr=False, eq=False)
class BayesianChangePointResult(Result):
    """Exact posterior of a product-partition change-point model for counts (no sampling).

    Attributes
    ----------
    break_probability : Series
        ``P(a new regime starts at t | y)`` per period (0 at the first period).
    n_breaks_posterior : Series
        Posterior probability of each number of breaks (index ``0..max_breaks``).
    rate : DataFrame
        Per period: posterior mean of the level of its regime and the equal-tailed credible
        band (``mean``, ``lower``, ``upper``). At a pulse this is the level of the regime the
        pulse sits in, not the pulse's own level.
    map_positions : tuple of int
        Break positions (first period of each new regime) of the most probable partition.
    log_evidence : float
        Log marginal likelihood of the counts under the model (prior normalised, pulses
        included with their own level), comparable between families at the same pulse set.
    prior : dict
        Gamma shape and rate (and, for ``negbin``, the Beta parameters of ``pi``), break
        probability, ``max_breaks`` (the cap used) and ``min_size``.
    level : float
        Credible level of the band.
    family : {"poisson", "negbin"}
        Family used (``poisson`` also when the NB size is the Poisson limit).
    size : float
        NB size ``r`` (``inf`` for Poisson).
    pulses : DataFrame
        ``period``, ``position``, ``ratio`` (observed over the preliminary level),
        ``evidence`` (unit deviance from it; the rule calls a pulse above ``3 log n``).
    max_breaks : int
        Cap on the number of breaks used.
    cap_mass : float
        Posterior probability of exactly ``max_breaks`` breaks.
    cap_note : str
        Empty when ``cap_mass`` is below 1% (or the cap is the most ``min_size`` allows);
        otherwise a sentence saying that the number of breaks is not determined.
    values, index, meta
        The series as analysed and the common ``meta`` record (see
        :func:`analysis.results.result_meta`), with ``size_path``, ``cap_path`` and
        ``band_error`` (largest posterior mass left out of the band at any period).
    """

    break_probability: pd.Series
    n_breaks_posterior: pd.Series
    rate: pd.DataFrame
    map_positions: tuple[int, ...]
    log_evidence: float
    prior: dict[str, Any]
    level: float
    family: str
    size: float
    pulses: pd.DataFrame
    max_breaks: int
    cap_mass: float
    cap_note: str
    values: np.ndarray = field(repr=False)
    index: pd.Index | None = field(repr=False)
    meta: dict[str, Any] = field(repr=False)

    kind: ClassVar[str] = "bayesian_changepoints"

    @property
    def n(self) -> int:
        return int(self.values.shape[0])

    @property
    def map_breaks(self) -> tuple[Any, ...]:
        """Periods of :attr:`map_positions`."""
        return tuple(_label(self.index, p) for p in self.map_positions)

    @property
    def mode_position(self) -> int:
        """Position with the highest break probability."""
        return int(np.argmax(self.break_probability.to_numpy()))

    @property
    def n_breaks_mode(self) -> int:
        """Most probable number of breaks."""
        nb = self.n_breaks_posterior
        return int(nb.index[int(np.argmax(nb.to_numpy()))])

    @property
    def cap_reached(self) -> bool:
        """Whether the posterior puts 1% or more on the cap (see :attr:`cap_note`)."""
        return bool(self.cap_note)

    def to_frame(self) -> pd.DataFrame:
        """Per period: ``period``, ``position``, ``value``, ``pulse``, ``break_probability``, ``mean``, ``lower``, ``upper``."""
        df = self.rate.reset_index(drop=True)
        n = self.n
        period = [_label(self.index, t) for t in range(n)]
        pulse = np.zeros(n, dtype=bool)
        pulse[self.pulses["position"].to_numpy(dtype=np.int64)] = True
        df.insert(0, "period", period)
        df.insert(1, "position", np.arange(n))
        df.insert(2, "value", self.values)
        df.insert(3, "pulse", pulse)
        df.insert(4, "break_probability", self.break_probability.to_numpy())
        return df

    def to_dict(self) -> dict[str, Any]:
        d = super().to_dict()
        d.update(jsonable({
            "family": self.family, "size": self.size,
            "n_breaks_posterior": self.n_breaks_posterior.tolist(),
            "map_positions": list(self.map_positions), "map_breaks": list(self.map_breaks),
            "pulses": self.pulses, "log_evidence": self.log_evidence, "prior": self.prior,
            "level": self.level, "max_breaks": self.max_breaks, "cap_mass": self.cap_mass,
            "cap_note": self.cap_note,
        }))
        return d

    def _top(self, k: int = 5) -> pd.DataFrame:
        bp = self.break_probability
        order = np.argsort(-bp.to_numpy(), kind="stable")[:k]
        return pd.DataFrame({"period": [str(_label(self.index, int(i))) for i in order],
                             "position": order.astype(int),
                             "break_probability": bp.to_numpy()[order]})

    def summary(self) -> str:
        nb = self.n_breaks_posterior
        fam = ("negative binomial (size {:.4g}), beta-negative-binomial".format(self.size)
               if self.family == "negbin" else "Poisson-Gamma")
        pr = self.prior
        lines = [
            f"Bayesian change points ({fam} product partition, exact)",
            f"prior: level mean {pr['shape'] / pr['rate']:.4g} (Gamma shape {pr['shape']:.4g}); break "
            f"probability {pr['break_prob']:.4g} per period; at most {self.max_breaks} breaks; "
            f"min_size {pr['min_size']}",
            "P(number of breaks): " + ", ".join(f"{k}: {v:.3f}" for k, v in nb.items() if v >= 0.001),
            f"most probable number of breaks: {self.n_breaks_mode}; posterior mass at the cap of "
            f"{self.max_breaks}: {self.cap_mass:.3g}",
            "most probable partition (first period of each new regime): "
            + (", ".join(str(b) for b in self.map_breaks) or "no break"),
            "pulses (own level, outside the regimes): "
            + (", ".join(str(p) for p in self.pulses["period"]) if len(self.pulses) else "none"),
        ]
        if self.cap_note:
            lines.append(self.cap_note)
        lines += ["", "highest break probabilities:", self._top().to_string(index=False)]
        return "\n".join(lines)

    def plot(self, ax=None):
        """Counts, posterior mean level with band, and break probability (right axis)."""
        from ..plots.changepoint import plot_bayesian_changepoints

        return plot_bayesian_changepoints(self, ax=ax)
