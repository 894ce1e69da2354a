"""Section "Breaks": change points with date intervals and the Bayesian break-probability panel."""
from __future__ import annotations

import pandas as pd

from ...plots.series import (
    new_panel_figure,
    plot_break_probability,
    plot_flow_and_stock,
)
from .. import analyses as A
from ..document import Figure, Section, Table, Text
from ..tables import fmt_interval, fmt_num


class BreaksSection:
    """Mixin of the report builder (see :class:`analysis.report.context.ReportContext`)."""

    def stage_breaks(self) -> None:
        cfg = self.cfg.changepoint
        sec = self.doc.section("breaks", self.t("s_breaks"))
        sec.add(Text(
            f"Breaks are found by exact penalised search ({cfg.method.upper()}, penalty "
            f"{str(cfg.penalty).upper()}, minimum segment {cfg.min_size} months) with a "
            f"{'negative binomial' if cfg.cost == 'negbin' else cfg.cost} cost unless a series says "
            f"otherwise. The model of a series is a level that changes at the breaks plus one-month pulses: "
            f"a month far from its regime (a mass listing) is reported as a pulse, not as a change of pace; a "
            f"regime of three months or fewer at either end of the series needs the evidence of a short regime "
            f"in the middle. A seasonal profile is used when the residuals show seasonality, and the penalty is "
            f"raised by the estimated long-run variance ratio when they are autocorrelated. "
            f"A break is the first month of the new regime. Its interval is a "
            f"{int(round(100 * (1 - self.cfg.alpha)))}% confidence set for the break date from a parametric "
            f"bootstrap ({cfg.conf_int_draws} draws). The lower panel is the exact Bayesian posterior "
            f"probability (product partition with negative-binomial counts at a shared size estimated as "
            f"the search estimates it, one-month pulses given their own level, at most "
            f"{cfg.bayes_max_breaks} breaks) "
            f"that a new regime starts in each month. Breaks are searched on flows, never on the "
            f"cumulative stock; the incomplete last month is dropped."))
        for spec in self.cfg.series:
            if not spec.changepoints:
                continue
            y = self.series[spec.id]
            if y.isna().all():
                continue
            y = y.dropna() if y.isna().any() else y
            cost = spec.cost or cfg.cost
            self.progress.say(f"  breaks: {spec.id} ({cost})")
            bf = A.detect_breaks(spec.id, y, cost=cost, method=cfg.method, penalty=cfg.penalty,
                                 min_size=cfg.min_size, alpha=self.cfg.alpha, draws=cfg.conf_int_draws,
                                 seed=self.cfg.seed)
            self.breaks[spec.id] = bf
            bayes = None
            if spec.bayes and cost in ("poisson", "negbin") and (y >= 0).all():
                bayes = A.bayes_breaks(spec.id, y, max_breaks=cfg.bayes_max_breaks)
                self.bayes[spec.id] = bayes
            sub = Section(id=f"breaks-{spec.id}", title=self.series_title(spec), level=3)
            self.doc.sections.append(sub)
            if bayes is not None and bayes.break_probability is not None:
                fig, (ax, axp) = new_panel_figure(2)
            else:
                fig, axes = new_panel_figure(1)
                ax, axp = axes[0], None
            plot_flow_and_stock(y, None, ax=ax, title=self.series_title(spec),
                                flow_label=f"{self.t(spec.measure)} {self.t('per_month')}",
                                ylabel=f"{self.t(spec.measure)} {self.t('per_month')}",
                                breaks=list(bf.breaks), intervals=list(bf.intervals) if bf.intervals else None)
            if spec.measure == "net":
                ax.set_ylim(auto=True)
                ax.relim()
                ax.autoscale_view()
            if axp is not None:
                plot_break_probability(bayes.break_probability, ax=axp, ylabel=self.t("break_probability"))
            file = self.save(fig, f"breaks-{spec.id}")
            below = (", and below, the posterior probability that a new regime starts"
                     if axp is not None else "")
            sub.add(Figure(file, f"{self.series_title(spec)}: breaks (dashed, with interval band){below}."))
            sub.add(Text(self._describe_breaks(bf, bayes)))
        self._cost_comparison(sec)

    def _cost_comparison(self, sec: Section) -> None:
        """Breaks under the Poisson and the negative-binomial cost, for every count series searched."""
        cfg = self.cfg.changepoint
        rows = []
        for spec in self.cfg.series:
            if not spec.changepoints or (spec.cost or cfg.cost) not in ("poisson", "negbin"):
                continue
            y = self.series[spec.id].dropna()
            if not len(y):
                continue
            row = {"series": spec.id}
            for cost in ("poisson", "negbin"):
                bf = A.detect_breaks(spec.id, y, cost=cost, method=cfg.method, penalty=cfg.penalty,
                                     min_size=cfg.min_size, alpha=self.cfg.alpha, draws=0, seed=self.cfg.seed)
                row[f"{cost} cost: breaks"] = (", ".join(str(b) for b in bf.breaks) or "none") if bf.result \
                    is not None else f"not estimated ({bf.message})"
                row[f"{cost}: n"] = str(len(bf.breaks))
            rows.append(row)
        if rows:
            sec.add(Table(pd.DataFrame(rows), caption="Poisson against negative-binomial cost",
                          note="The registry series are overdispersed (single-month pulses of listings); the "
                               "Poisson cost, whose variance equals the mean, turns such pulses into extra "
                               "breaks. The report uses the negative-binomial cost for counts."))

    def _describe_breaks(self, bf: A.BreakFit, bayes: A.BayesFit | None) -> str:
        if bf.message and not bf.breaks:
            return f"No breaks estimated: {bf.message}."
        if not bf.breaks:
            txt = "No break at the chosen penalty."
        else:
            items = [f"{b} (interval {fmt_interval(iv)})" for b, iv in zip(bf.breaks, bf.intervals)]
            txt = f"{len(bf.breaks)} break(s), first period of each new regime: " + "; ".join(items) + "."
        if bf.pulses:
            txt += (" One-month pulses (not changes of regime): "
                    + "; ".join(f"{p} ({fmt_num(r)} times the level of its regime)" for p, r in bf.pulses) + ".")
        if bf.message:
            txt += f" Note: {bf.message}."
        for note in bf.notes:
            txt += f" Note: {note}."
        if bayes is not None and bayes.break_probability is not None:
            prob = bayes.break_probability
            top = prob.sort_values(ascending=False, kind="stable").head(3)
            txt += (" Highest posterior break probabilities: "
                    + ", ".join(f"{p} ({fmt_num(v)})" for p, v in top.items()) + ".")
            if bayes.n_breaks_mode is not None:
                txt += f" Most probable number of breaks: {bayes.n_breaks_mode}."
                note = getattr(bayes.result, "cap_note", "")
                if note:
                    txt += " " + note
        elif bayes is not None and bayes.message:
            txt += f" Bayesian posterior not computed: {bayes.message}."
        return txt
