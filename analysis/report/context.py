"""State shared by the report sections: configuration, inputs, results so far, helpers."""
from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from .. import processed as P
from ..errors import InputError
from ..plots import add_source_line, save_figure
from . import analyses as A
from .config import ReportConfig, SeriesSpec
from .document import Document
from .inputs import Inputs
from .labels import category_label, registry_label, t
from .progress import Progress


class ReportContext:
    """State of one report run and the helpers every section uses (figures, labels, series)."""

    def __init__(self, cfg: ReportConfig, inputs: Inputs, out_dir: Path, lang: str,
                 progress: Progress, config_text: str) -> None:
        self.cfg, self.inp, self.out, self.lang, self.progress = cfg, inputs, out_dir, lang, progress
        self.config_text = config_text
        self.fig_dir = out_dir / "figures"
        self.figures: list[Path] = []
        self.series: dict[str, pd.Series] = {}
        self.breaks: dict[str, A.BreakFit] = {}
        self.bayes: dict[str, A.BayesFit] = {}
        self.models: dict[str, A.ModelFit] = {}
        self.conv_breaks: dict[str, A.BreakFit] = {}
        self.conv_models: dict[str, A.ModelFit] = {}
        self.headline_rows: list[dict[str, str]] = []
        self.doc = Document(title=cfg.title, lang=lang)

    def t(self, key: str) -> str:
        return t(key, self.lang)

    def save(self, fig: plt.Figure, name: str, source: str | None = None) -> str:
        """Save ``fig`` under ``figures/`` with a source line (registries unless ``source`` given)."""
        file = f"{name}.{self.cfg.figure_format}"
        engine = fig.get_layout_engine()
        if engine is not None and hasattr(engine, "set"):
            try:  # keep a strip at the bottom for the source line
                engine.set(rect=(0.0, 0.045, 1.0, 0.955))
            except TypeError:
                pass
        add_source_line(fig, source or self.cfg.source_registries)
        save_figure(fig, self.fig_dir / file)
        plt.close(fig)
        self.figures.append(self.fig_dir / file)
        return file

    def annotations(self, index: pd.PeriodIndex | None = None,
                    registry: str | None = None) -> list[tuple[pd.Timestamp, str]]:
        """Configured annotations as (date, short label) inside ``index``'s span, for ``registry``."""
        out = [(pd.Timestamp(a.date), a.short) for a in self.cfg.annotations
               if registry is None or not a.registries or registry in a.registries]
        if index is not None and len(index):
            lo, hi = index[0].start_time, index[-1].end_time
            out = [(d, s) for d, s in out if lo <= d <= hi]
        return out

    def get_series(self, spec: SeriesSpec, *, date_basis: str | None = None,
                   drop_incomplete: bool | None = None) -> pd.Series:
        frame = self.inp.monthly_alt if date_basis else self.inp.monthly
        if frame is None:
            raise InputError(P.FILES["monthly_alt"], "alternative-basis series not available")
        y = P.monthly_series(spec.registry, spec.measure, spec.category, date_basis=date_basis,
                             drop_incomplete=spec.drop_incomplete if drop_incomplete is None else drop_incomplete,
                             frame=frame)
        if spec.start:
            y = y[y.index >= pd.Period(spec.start, "M")]
        if spec.end:
            y = y[y.index <= pd.Period(spec.end, "M")]
        return y

    def exog(self, y: pd.Series) -> pd.DataFrame | None:
        name = self.cfg.model.exposure
        if not name or self.inp.calendar is None or name not in self.inp.calendar.columns:
            return None
        return self.inp.calendar[[name]].reindex(y.index).astype(float)

    def series_title(self, spec: SeriesSpec) -> str:
        if spec.title and self.lang == "en":
            return spec.title
        return (f"{registry_label(spec.registry, self.lang)}: {self.t(spec.measure)} "
                f"({category_label(spec.category, self.lang)})")
