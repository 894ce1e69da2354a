"""Statistical time-series toolkit for measuring state repression in Russia.

Data flows one way: raw files → loaders (:mod:`analysis.sources`) → validated event
frames → series (:mod:`analysis.series`) → models (:mod:`analysis.changepoint`,
:mod:`analysis.models`) → results objects → figures (:mod:`analysis.plots`) → report.
"""
from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
