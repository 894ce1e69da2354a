"""Section "Sensitivity": headline counts and breaks under each counting choice."""
from __future__ import annotations

import pandas as pd

from ...errors import InputError
from .. import analyses as A
from ..config import SeriesSpec
from ..document import Table, Text
from ..tables import fmt_int


class SensitivitySection:
    """Mixin of the report builder (see :class:`analysis.report.context.ReportContext`)."""
    def _sensitivity(self) -> None:
        sec = self.doc.section("sensitivity", self.t("s_sensitivity"))
        sec.add(Text(
            "How the headline counts and the breaks move under each counting choice: the date basis "
            "(Ministry listing vs Prosecutor-General decision for undesirable organizations), re-inclusions "
            "(counted as new events by default, or only a first listing), the snapshot (the official export "
            "alone, without the later REST extension), and whether the incomplete last month is kept. "
            "Alternative bases drop their incomplete months. The common window is the span every variant "
            "covers. Break intervals are not recomputed here."))
        year = self.cfg.headline_year
        rows = []
        for spec in self.cfg.series:
            if not spec.sensitivity_bases:
                continue
            variants: list[tuple[str, pd.Series]] = [("default basis, incomplete month dropped", self.series[spec.id])]
            y_keep = self.get_series(spec, drop_incomplete=False)
            variants.append(("default basis, incomplete month kept", y_keep))
            for basis in spec.sensitivity_bases:
                try:
                    variants.append((f"{basis} basis", self.get_series(spec, date_basis=basis)))
                except InputError:
                    rows.append({"series": spec.id, "choice": f"{basis} basis", "coverage": "not in the data",
                                 f"total {year}": "", "common window": "", "breaks": ""})
            lo = max(v.index[0] for _, v in variants)
            hi = min(v.index[-1] for _, v in variants)
            for label, y in variants:
                yr = y[y.index.year == year]
                total = fmt_int(yr.sum()) if len(yr) == 12 and yr.notna().all() else "— (year not fully covered)"
                win = y[(y.index >= lo) & (y.index <= hi)]
                bf = self._quick_breaks(spec, y)
                brk = ", ".join(str(b) for b in bf.breaks) or self.t("none_found")
                if bf.message and not bf.breaks:
                    brk = f"not estimated ({bf.message})"
                rows.append({"series": spec.id, "choice": label, "coverage": f"{y.index[0]} – {y.index[-1]}",
                             f"total {year}": total, "common window": f"{fmt_int(win.sum())} ({lo} – {hi})",
                             "breaks": brk})
        if rows:
            sec.add(Table(pd.DataFrame(rows), caption="Counts and breaks under each counting choice"))

    def _quick_breaks(self, spec: SeriesSpec, y: pd.Series) -> A.BreakFit:
        """Break positions without intervals (for the sensitivity table)."""
        cfg = self.cfg.changepoint
        return A.detect_breaks(spec.id, y.dropna(), cost=spec.cost or cfg.cost, method=cfg.method,
                               penalty=cfg.penalty, min_size=cfg.min_size, alpha=self.cfg.alpha, draws=0,
                               seed=self.cfg.seed)
