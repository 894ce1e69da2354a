"""Section "The series": flow and stock figures, breakdowns by kind, category and legal basis."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ... import processed as P
from ...errors import InputError
from ...plots.series import plot_breakdown, plot_flow_and_stock
from ..config import SeriesSpec
from ..document import Figure, Section, Text
from ..labels import category_label, registry_label
from ..tables import fmt_int, fmt_period


class SeriesSection:
    """Mixin of the report builder (see :class:`analysis.report.context.ReportContext`)."""

    def stage_series(self) -> None:
        sec = self.doc.section("series", self.t("s_series"))
        sec.add(Text("Monthly counts are bars on real dates; the stock at month end is the line on the "
                     "right-hand axis. Months outside a source's coverage are blank, not zero; the month "
                     "containing the end of coverage is hatched where it is shown."))
        for spec in self.cfg.series:
            y_full = self.get_series(spec, drop_incomplete=False)
            self.series[spec.id] = self.get_series(spec)
            stock, stock_label = None, self.t("stock")
            if spec.stock:
                stock = self._stock(spec)
                if spec.registry == "undesirable":
                    stock_label = "listed to date (exclusions not observable)"
            sub = Section(id=f"series-{spec.id}", title=self.series_title(spec), level=3)
            self.doc.sections.append(sub)
            if y_full.notna().sum() == 0:
                sub.add(Text("No observed values: the sources do not show this measure."))
                continue
            ax = plot_flow_and_stock(y_full, stock, title=self.series_title(spec),
                                     flow_label=f"{self.t(spec.measure)} {self.t('per_month')}",
                                     stock_label=stock_label,
                                     ylabel=f"{self.t(spec.measure)} {self.t('per_month')}",
                                     events=self.annotations(y_full.index, spec.registry), incomplete=y_full.attrs.get("incomplete", []))
            file = self.save(ax.figure, f"series-{spec.id}")
            sub.add(Figure(file, f"{self.series_title(spec)}, {fmt_period(y_full.index[0])} to "
                                 f"{fmt_period(y_full.index[-1])}. Dotted lines: laws in force."))
            sub.add(Text(self._describe_series(spec, y_full)))
            for dim in spec.breakdowns:
                frame = self._breakdown(spec, dim)
                if frame is None or frame.shape[1] < 1:
                    continue
                ax = plot_breakdown(frame, ylabel=f"{self.t(spec.measure)} {self.t('per_month')}",
                                    title=f"{registry_label(spec.registry, self.lang)}: "
                                          f"{self.t(spec.measure)} {self.t(dim)}",
                                    labels={c: category_label(c, self.lang) for c in frame.columns},
                                    events=self.annotations(frame.index, spec.registry))
                file = self.save(ax.figure, f"breakdown-{spec.id}-{dim}")
                totals = frame.sum().astype(int)
                parts = "; ".join(f"{category_label(c, self.lang)}: {fmt_int(totals[c])}" for c in frame.columns)
                sub.add(Figure(file, f"{self.series_title(spec)} {self.t(dim)}. Totals over coverage: {parts}."))

    def _stock(self, spec: SeriesSpec) -> pd.Series | None:
        try:
            act = P.monthly_series(spec.registry, "active", spec.category, frame=self.inp.monthly,
                                   drop_incomplete=False)
        except InputError:
            act = None
        if act is not None and act.notna().any():
            return act
        inc = P.monthly_series(spec.registry, "inclusions", spec.category, frame=self.inp.monthly,
                               drop_incomplete=False)
        return inc.fillna(0).cumsum().where(inc.notna())

    def _breakdown(self, spec: SeriesSpec, dim: str) -> pd.DataFrame | None:
        m = self.inp.monthly
        cats = sorted(c for c in m.loc[(m.registry == spec.registry) & (m.measure == spec.measure), "category"].unique()
                      if c.startswith(dim + ":"))
        if not cats:
            return None
        cols = {}
        for c in cats:
            s = P.monthly_series(spec.registry, spec.measure, c, frame=m, drop_incomplete=False, trim=False)
            cols[c] = s
        frame = pd.DataFrame(cols)
        keep = frame.notna().any(axis=1).to_numpy()
        idx = np.flatnonzero(keep)
        if not len(idx):
            return None
        frame = frame.iloc[idx[0]: idx[-1] + 1]
        frame = frame.loc[:, frame.fillna(0).sum() > 0]
        return frame

    def _describe_series(self, spec: SeriesSpec, y: pd.Series) -> str:
        year = self.cfg.headline_year
        yr = y[(y.index.year == year)]
        prev = y[(y.index.year == year - 1)]
        parts = [f"Coverage {y.index[0]} to {y.index[-1]}; total {fmt_int(np.nansum(y.to_numpy()))} "
                 f"{self.t(spec.measure)}."]
        if len(yr) == 12 and yr.notna().all():
            s = f"In {year}: {fmt_int(yr.sum())}"
            if len(prev) == 12 and prev.notna().all():
                s += f" (in {year - 1}: {fmt_int(prev.sum())})"
            parts.append(s + ".")
        mx = y.idxmax()
        parts.append(f"Busiest month: {mx} ({fmt_int(y[mx])}).")
        return " ".join(parts)
