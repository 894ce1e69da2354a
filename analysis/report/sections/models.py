"""Section "Count models": the chosen specification and why, effects with their caveats, fit checks, calendar status."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ...models.sensitivity import RULE
from ...plots import style_context
from ...plots.series import new_panel_figure
from .. import analyses as A
from ..document import Figure, Section, Table, Text
from ..tables import fmt_num, fmt_p, fmt_ratio


def _items(items) -> list[tuple[str, str, str, int, str]]:
    return [(i.name, i.date, i.shape, i.lag, i.date_source or "given") for i in items]


class ModelsSection:
    """Mixin of the report builder (see :class:`analysis.report.context.ReportContext`)."""

    def stage_models(self) -> None:
        mo = self.cfg.model
        sec = self.doc.section("models", self.t("s_models"))
        sec.add(Text(
            f"Each estimable law enters a {'negative binomial (NB2)' if mo.family == 'negbin' else 'Poisson'} "
            f"count model of the monthly counts as a step from its date (a law in force mid-month acts on that "
            f"month's rate in proportion to the days it covers). Effects are rate ratios: 2.0 means the monthly "
            f"rate doubled after the law, relative to what the model extrapolates from before it. "
            + (f"The specification of each series is chosen by a stated rule, not by hand: {RULE}. "
               if mo.specification == "rule" else "")
            + ("One-month outliers (mass listings) get terms of their own, by the same pulse rule as the "
               "change-point search (unit deviance from the outlier-free fitted mean above 3 log n); month effects "
               "and the trend are then estimated without them. " if mo.pulses == "auto" else "")
            + "With dynamics (an AR(1) term on the log of one plus last month's count, or the INGARCH(1,1) "
              "recursion on the past mean) a rate ratio is the immediate effect; the long-run effect "
              "gamma / (1 − rho), rho the persistence, is reported with its interval unless the data do not rule "
              "out a unit root. Intervals and p-values use the bias-adjusted dispersion with a t reference. Each "
              "effect is shown across every specification (sensitivity section) and labelled fragile when its "
              "sign or significance flips; the in-time placebo refits the model at fake dates before the event. "
              f"The counterfactual band is a {int(round(100 * (1 - self.cfg.alpha)))}% interval; a cumulative "
              "excess whose interval is wider than the counts observed is flagged as not informative."))
        for spec in self.cfg.series:
            if not spec.count_model:
                continue
            y = self.series[spec.id].dropna()
            self.progress.say(f"  count model: {spec.id}")
            items = _items(spec.interventions)
            mf = self._fit_series_model(spec, y, items)
            self.models[spec.id] = mf
            sub = Section(id=f"model-{spec.id}", title=self.series_title(spec), level=3)
            self.doc.sections.append(sub)
            if mf.result is None:
                sub.add(Text(f"Not estimated: {mf.message}."))
                continue
            self._specification_block(sub, mf)
            file = self._model_figure(mf, spec.id, self.series_title(spec))
            if file:
                sub.add(Figure(file, f"{self.series_title(spec)}: observed counts, model fit and the "
                                     f"counterfactual without the laws, with bands."))
            sub.add(self._effects_table(mf))
            sub.add(Text(self._describe_model(mf)))
            dec = A.december_fit(y, items, family=mo.family, chosen=mf.result, exog=self.exog(y))
            if dec is not None and len(dec):
                sub.add(Table(dec.round(1), caption="December fit: observed and fitted counts",
                              note="Month dummies without outlier terms let one-month mass listings in December "
                                   "raise every December's fitted mean; the chosen specification is shown beside."))
            status = A.calendar_status(y, spec.registry, min_side=mo.min_side, min_gap=mo.min_gap,
                                       estimated={i.event for i in spec.interventions if i.event})
            if status is not None and len(status):
                sub.add(Table(status, caption="Laws of the calendar on this series",
                              note=f"Rule: at least {mo.min_side} months on each side and {mo.min_gap} months "
                                   f"between two estimated laws; the others are annotations."))

    def _fit_series_model(self, spec, y: pd.Series, items) -> A.ModelFit:
        """The report's one call for a series' effects (the notebooks make the same call)."""
        mo = self.cfg.model
        alternatives = {}
        if mo.sensitivity:
            for basis in spec.sensitivity_bases:
                try:
                    alternatives[basis] = self.get_series(spec, date_basis=basis).dropna()
                except Exception:  # noqa: BLE001 - a basis missing from the data is reported elsewhere
                    continue
        fixed = None
        if mo.specification == "fixed":
            from ...models import Specification
            ar = spec.ar_order(mo)
            fixed = Specification(mo.seasonality, "ar1" if ar == 1 else "none",
                                  "linear" if mo.trend == "linear" else "none", mo.pulses)
        return A.analyse_model(spec.id, y, family=mo.family, interventions=items, exog=self.exog(y),
                               alpha=self.cfg.alpha, n_sim=mo.counterfactual_draws, seed=self.cfg.seed,
                               pulses=mo.pulses, alternatives=alternatives, sensitivity=mo.sensitivity,
                               placebo_max_dates=mo.placebo_max_dates, fixed=fixed,
                               n_boot=mo.bootstrap)

    def _specification_block(self, sub: Section, mf: A.ModelFit) -> None:
        an = mf.analysis
        res = mf.result
        if an is not None:
            sub.add(Text(f"Specification: {an.choice.chosen.label if an.meta['options']['chosen_by_rule'] else 'fixed by the configuration'}. "
                         f"Why: {an.choice.reason}."))
            cand = an.choice.candidates[["label", "aicc", "ljung_box_pvalue", "n_pulses", "status", "chosen"]].copy()
            cand["aicc"] = [fmt_num(v, 1) for v in cand["aicc"]]
            cand["ljung_box_pvalue"] = [fmt_p(v) for v in cand["ljung_box_pvalue"]]
            cand["chosen"] = ["chosen" if c else "" for c in cand["chosen"]]
            cand.columns = ["candidate", "AICc", "Ljung–Box p", "outlier terms", "not fitted because", ""]
            sub.add(Table(cand, caption="Candidate specifications (fitted on the same months)"))
        if res.pulses:
            sub.add(Text("Outlier months given their own term: " + ", ".join(str(p) for p in res.pulses) + "."))

    def _model_figure(self, mf: A.ModelFit, name: str, title: str) -> str | None:
        with style_context():
            fig, axes = new_panel_figure(1)
            ax = axes[0]
            try:
                mf.result.plot(ax=ax, rng=self.cfg.seed)
            except (ValueError, TypeError, ImportError) as exc:
                plt.close(fig)
                self.progress.say(f"  model figure {name} not drawn: {exc}")
                return None
            ax.set_title(title, loc="left")
        return self.save(fig, f"model-{name}")

    def _effects_table(self, mf: A.ModelFit) -> Table:
        dynamic = mf.result.kind == "ingarch" or bool(mf.result.spec.ar)
        rows = []
        for e in mf.effects:
            excess = ""
            if e.excess is not None:
                excess = fmt_num(e.excess, 0) + (f" ({fmt_num(e.excess_lower, 0)} to {fmt_num(e.excess_upper, 0)})"
                                                  if e.excess_lower is not None else "")
                if not e.excess_informative:
                    excess += "; not informative (interval wider than the counts observed)"
            long_run = (fmt_ratio(*e.long_run) if e.long_run is not None else
                        ("not reported: " + e.long_run_status if e.long_run_status else ""))
            spread = ""
            if e.min_rr is not None:
                spread = (f"{fmt_num(e.min_rr)}–{fmt_num(e.max_rr)}; "
                          + ("FRAGILE" if e.fragile else "robust"))
            placebo = ""
            if e.placebo_pvalue is not None:
                placebo = fmt_p(e.placebo_pvalue) + (" (uninformative: cannot be below "
                                                     f"{fmt_num(e.placebo_min_pvalue, 2)})"
                                                     if (e.placebo_min_pvalue or 0) > self.cfg.alpha else "")
            rows.append({"law or event": e.name, "from": e.date,
                         ("rate ratio, immediate (95% CI)" if dynamic else "rate ratio (95% CI)"):
                             fmt_ratio(e.rate_ratio, e.lower, e.upper),
                         "long-run rate ratio": long_run if dynamic else "the same",
                         "p-value": fmt_p(e.pvalue), "across specifications": spread, "placebo p": placebo,
                         "cumulative excess (interval)": excess})
        frame = pd.DataFrame(rows)
        d = mf.diagnostics
        note = []
        if "theta" in d:
            if d.get("alpha", 1.0) < 1e-4:
                note.append("NB dispersion α ≈ 0 (no overdispersion beyond Poisson)")
            else:
                note.append(f"NB dispersion θ = {fmt_num(d['theta'])} (α = 1/θ = {fmt_num(d.get('alpha', np.nan), 3)})")
        if "overdispersion_pvalue" in d:
            note.append(f"Cameron–Trivedi overdispersion test p = {fmt_p(d['overdispersion_pvalue'])}")
        if "ljung_box_pvalue" in d:
            note.append(f"Ljung–Box on Pearson residuals p = {fmt_p(d['ljung_box_pvalue'])}")
        if "aic" in d:
            note.append(f"AIC {fmt_num(d['aic'], 1)}")
        overrides = [f"{e.name}: {e.date_source}" for e in mf.effects if e.date_source.startswith("override")]
        if overrides:
            note.append("dates: " + "; ".join(overrides))
        return Table(frame, caption="Estimated effects", note="; ".join(note))

    def _describe_model(self, mf: A.ModelFit) -> str:
        if not mf.effects:
            return "No intervention effect estimated."
        parts = []
        for e in mf.effects:
            change = (e.rate_ratio - 1) * 100
            word = "higher" if change >= 0 else "lower"
            label = " This estimate is FRAGILE: its sign or significance changes with the specification." \
                if e.fragile else ""
            parts.append(f"After {e.name} ({e.date}) the rate was {fmt_num(abs(change), 0)}% {word} (rate ratio "
                         f"{fmt_ratio(e.rate_ratio, e.lower, e.upper)}). Meaning: {e.caveat}{label}")
        return " ".join(parts)
