"""Everything the report reads from ``data/processed``."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from .. import processed as P
from ..errors import InputError


@dataclass
class Inputs:
    """Everything read from ``data/processed``."""

    monthly: pd.DataFrame
    monthly_alt: pd.DataFrame | None
    weekly: pd.DataFrame | None
    calendar: pd.DataFrame | None
    convictions: pd.DataFrame | None
    published: pd.DataFrame | None
    rejects: pd.DataFrame | None
    reconciliation: pd.DataFrame | None
    build_info: dict[str, Any]
    data_dir: Path




def _optional(fn: Callable[[], Any]) -> Any:
    try:
        return fn()
    except InputError:
        return None


def load_inputs(data_dir: str | Path | None = None) -> Inputs:
    """Read every processed file the report uses (only ``monthly_series.csv`` is required)."""
    d = P.processed_dir(data_dir)
    return Inputs(
        monthly=P.read_monthly_series(d),
        monthly_alt=_optional(lambda: P.read_monthly_series(d, alternative=True)),
        weekly=_optional(lambda: P.read_weekly_series(d)),
        calendar=_optional(lambda: P.read_calendar(d)),
        convictions=_optional(lambda: P.read_annual_convictions(d)),
        published=_optional(lambda: P.read_published_figures(d)),
        rejects=_optional(lambda: P.read_rejects_summary(d)),
        reconciliation=_optional(lambda: P.read_reconciliation_summary(d)),
        build_info=_optional(lambda: P.read_build_info(d)) or {"sources": [], "options": {}, "versions": {}},
        data_dir=d,
    )
