"""The common base of every results object, and the ``meta`` record they all carry.

Five kinds of result share it: a break search
(:class:`~analysis.changepoint.ChangePointResult`), a Bayesian posterior, a CROPS
penalty path, a count model and a counterfactual. Each is a frozen dataclass that
inherits :class:`Result` and provides ``summary()``, ``to_frame()`` and ``plot(ax=None)``;
the base gives ``to_dict()``, a readable ``repr`` and the HTML view for notebooks from
those.

``meta`` has the same keys everywhere (see :func:`result_meta`): ``package_version``,
``options`` (every argument that changes the numbers), ``input_sha256`` (of the values
analysed) and ``seed`` (the seed of any randomness, recorded when the object is built,
``None`` when there is none), plus keys of the result's own. Interval bounds are named
``lower`` and ``upper`` in every frame.
"""
from __future__ import annotations

import hashlib
import html
import math
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["Result", "result_meta", "package_version", "input_sha256", "jsonable"]

#: Keys present in every result's ``meta``.
META_KEYS = ("package_version", "options", "input_sha256", "seed")


@lru_cache(maxsize=1)
def package_version() -> str:
    """Version of the installed toolkit, from the package metadata (one source: pyproject.toml).

    Falls back to ``"0+unknown"`` when the package is imported from a folder that was never
    installed (no metadata exists then).
    """
    from importlib import metadata

    try:
        return metadata.version("analysis")
    except metadata.PackageNotFoundError:  # pragma: no cover - only outside any install
        return "0+unknown"


def input_sha256(values: Any) -> str:
    """sha256 of the values analysed, as little-endian float64 (NaN included)."""
    arr = np.ascontiguousarray(np.asarray(values, dtype=float), dtype="<f8")
    return hashlib.sha256(arr.tobytes()).hexdigest()


def _seed_record(seed: Any) -> Any:
    """JSON-ready form of a seed argument (int, SeedSequence entropy, or None)."""
    if seed is None:
        return None
    if isinstance(seed, (int, np.integer)):
        return int(seed)
    if isinstance(seed, np.random.SeedSequence):
        return {"entropy": jsonable(seed.entropy), "spawn_key": list(seed.spawn_key)}
    if isinstance(seed, np.random.Generator):
        # A generator carries no reproducible seed; say so rather than invent one.
        return "generator"
    return str(seed)


def result_meta(*, options: dict[str, Any], input_sha256: str | None, seed: Any = None,
                **extra: Any) -> dict[str, Any]:
    """The ``meta`` record of a result: the common keys first, then the result's own.

    Parameters
    ----------
    options : dict
        Every argument that changes the numbers, as given (after defaults are resolved).
    input_sha256 : str or None
        :func:`input_sha256` of the values analysed.
    seed : int, SeedSequence, Generator or None
        The seed of the randomness the result used; recorded at construction.
    **extra
        Keys of the result's own (they may not override the common ones).
    """
    clash = set(extra) & set(META_KEYS)
    if clash:
        raise ValueError(f"meta keys {sorted(clash)} are reserved")
    meta = {"package_version": package_version(), "options": dict(options),
            "input_sha256": input_sha256, "seed": _seed_record(seed)}
    meta.update(extra)
    return meta


def jsonable(x: Any) -> Any:
    """``x`` with numpy scalars, arrays, periods, timestamps and non-finite floats made JSON-ready."""
    if isinstance(x, dict):
        return {str(k): jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [jsonable(v) for v in x]
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, np.integer):
        return int(x)
    if isinstance(x, (float, np.floating)):
        return float(x) if math.isfinite(float(x)) else None
    if isinstance(x, (pd.Period, pd.Timestamp)):
        return str(x)
    if isinstance(x, np.ndarray):
        return jsonable(x.tolist())
    if isinstance(x, pd.DataFrame):
        return jsonable(x.to_dict(orient="records"))
    if isinstance(x, pd.Series):
        return jsonable(x.to_dict())
    if x is pd.NaT or (x is not None and not isinstance(x, (str, int)) and pd.isna(x) is True):
        return None
    return x


class Result:
    """Mixin base of the results objects (see the module docstring).

    Subclasses are frozen dataclasses with a ``meta`` field and implement
    :meth:`summary`, :meth:`to_frame` and :meth:`plot`; they may extend :meth:`to_dict`.
    """

    meta: dict[str, Any]

    #: Short name used in ``repr`` and ``to_dict()["kind"]``.
    kind: str = "result"

    def summary(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def to_frame(self) -> pd.DataFrame:  # pragma: no cover - abstract
        raise NotImplementedError

    def plot(self, ax: Any = None) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready record: ``kind``, the tidy frame as records, and ``meta``."""
        return {"kind": self.kind, "frame": jsonable(self.to_frame()), "meta": jsonable(self.meta)}

    def __repr__(self) -> str:
        first = self.summary().strip().splitlines()
        head = first[0] if first else ""
        return f"<{type(self).__name__}: {head}>"

    def _repr_html_(self) -> str:
        lines = self.summary().strip().splitlines()
        body = "".join(f"<li>{html.escape(s)}</li>" for s in lines[1:])
        title = html.escape(lines[0]) if lines else html.escape(type(self).__name__)
        frame = self.to_frame()
        table = frame.to_html(index=False, float_format=lambda v: f"{v:.4g}") if len(frame) else ""
        return f"<div><strong>{title}</strong><ul>{body}</ul>{table}</div>"
