"""Everything the report reads from ``data/processed``."""
from __future__ import annotations

from collections.abc import Callable
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .. import processed as P
from ..errors import InputError


@dataclass(frozen=True)
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
    vintages: dict[str, pd.DataFrame] = field(default_factory=dict)
    screen: pd.DataFrame | None = None
    screen_meta: dict[str, Any] = field(default_factory=dict)
    article_titles: pd.DataFrame | None = None
    punishments: pd.DataFrame | None = None




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
        vintages=_vintages(d),
        screen=_read_csv(d / "screen_convictions.csv", dtype={"article": str, "part": str}),
        screen_meta=_read_json(d / "screen_convictions.json"),
        article_titles=_read_csv(d / "article_titles.csv", dtype={"article": str, "part": str}),
        punishments=_read_csv(d / "punishments.csv", dtype={"article": str, "part": str}),
    )


#: Aggregate vintage tables the report reads (``data/processed/vintages/<name>.csv``).
VINTAGE_TABLES = ("vintages", "revision_triangle", "revisions_by_lag", "changes_by_kind", "disappearances", "publication_lag",
                  "nowcast", "nowcast_backtest", "year_check", "agreement")


def _read_csv(path: Path, **kw: Any) -> pd.DataFrame | None:
    return pd.read_csv(path, **kw) if path.is_file() else None


def _read_json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def _vintages(d: Path) -> dict[str, pd.DataFrame]:
    """The committed vintage aggregates (no names), those present."""
    out = {}
    for name in VINTAGE_TABLES:
        fr = _read_csv(d / "vintages" / f"{name}.csv", dtype={"entry_id": str})
        if fr is not None:
            out[name] = fr
    return out
