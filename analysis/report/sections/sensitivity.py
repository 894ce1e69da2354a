"""Section "Sensitivity": headline counts and breaks under each counting choice."""
from __future__ import annotations

import pandas as pd

from ...errors import InputError
from .. import analyses as A
from ..config import SeriesSpec
from ..document import Table, Text
from ..tables import fmt_int, fmt_num, fmt_p


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
        self._model_sensitivity(sec)

    def _model_sensitivity(self, sec) -> None:
        """Each effect across specifications (with the verdict) and the in-time placebo tests."""
        fits = [(sid, mf) for sid, mf in sorted(self.models.items())]
        fits += [(f"art. {a}", mf) for a, mf in sorted(self.conv_models.items())]
        fits = [(sid, mf) for sid, mf in fits if mf.analysis is not None]
        if not fits:
            return
        sec.add(Text(
            "Effects across specifications: every combination of seasonality (none, month dummies, Fourier; none "
            "for annual series), dynamics (none, AR(1), INGARCH(1,1)), trend (linear, none, linear with a change "
            "of slope at the event — the segmented design, whose step is the level change against the trend "
            "before the event) and outlier terms (on, off), and the other date bases with the chosen "
            "specification. 'comparable' is the long-run rate ratio for models with dynamics (the effect on the "
            "level, as in a static model) and the coefficient's rate ratio otherwise. An effect is FRAGILE when its "
            "sign or its significance differs between the reported specification and another one that could be "
            "fitted."))
        verdicts, placebos = [], []
        for sid, mf in fits:
            an = mf.analysis
            for name, v in an.sensitivity.verdicts.iterrows():
                verdicts.append({"series": sid, "effect": name, "verdict": v["verdict"]})
            for name, pt in an.placebo.items():
                placebos.append({"series": sid, "effect": name, "|z|": fmt_num(pt.statistic),
                                 "fake dates": pt.n_placebo, "window": f"{pt.window[0]} – {pt.window[1]}",
                                 "placebo p": fmt_p(pt.pvalue), "smallest possible p": fmt_num(pt.min_pvalue, 3)})
        sec.add(Table(pd.DataFrame(verdicts), caption="Effects across specifications: verdicts"))
        if placebos:
            sec.add(Table(pd.DataFrame(placebos), caption="In-time placebo tests",
                          note="The model refitted on the months before the event, with a step at each fake date; "
                               "p is the share of fake dates whose |z| is at least the real one (counting it)."))
        for sid, mf in fits:
            fr = mf.analysis.sensitivity.frame
            tab = pd.DataFrame({
                "effect": fr["effect"], "specification": fr["label"],
                "rate ratio (95% CI)": [f"{fmt_num(r)} ({fmt_num(lo)}–{fmt_num(hi)})" if s == "" else ""
                                        for r, lo, hi, s in zip(fr["rate_ratio"], fr["lower"], fr["upper"],
                                                                fr["status"])],
                "p": [fmt_p(p) for p in fr["pvalue"]],
                "comparable": [f"{fmt_num(c)} ({w})" if s == "" else "" for c, w, s in
                               zip(fr["comparable_rr"], fr["comparable"], fr["status"])],
                "AICc": [fmt_num(a, 1) for a in fr["aicc"]],
                "reported": ["yes" if b else "" for b in fr["is_base"]],
                "not fitted because": fr["status"]})
            sec.add(Table(tab, caption=f"{sid}: each effect across specifications"))

    def _quick_breaks(self, spec: SeriesSpec, y: pd.Series) -> A.BreakFit:
        """Break positions without intervals (for the sensitivity table)."""
        cfg = self.cfg.changepoint
        return A.detect_breaks(spec.id, y.dropna(), cost=spec.cost or cfg.cost, method=cfg.method,
                               penalty=cfg.penalty, min_size=cfg.min_size, alpha=self.cfg.alpha, draws=0,
                               seed=self.cfg.seed)
