"""Section "Count models": fits, counterfactual bands, effects and the calendar status of each law."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ...plots import style_context
from ...plots.series import new_panel_figure
from .. import analyses as A
from ..document import Figure, Section, Table, Text
from ..tables import fmt_num, fmt_p, fmt_ratio


class ModelsSection:
    """Mixin of the report builder (see :class:`analysis.report.context.ReportContext`)."""

    def stage_models(self) -> None:
        mo = self.cfg.model
        sec = self.doc.section("models", self.t("s_models"))
        sec.add(Text(
            f"Each estimable law enters a {'negative binomial (NB2)' if mo.family == 'negbin' else 'Poisson'} "
            f"regression of the monthly counts as a step from its month in force "
            f"(a law in force mid-month acts on that month's rate in proportion to the days it covers), with "
            f"{'a linear trend' if mo.trend == 'linear' else 'no trend'} and "
            f"{'month-of-year effects' if mo.seasonality == 'month' else 'no seasonality'}. Effects are rate "
            f"ratios: 2.0 means the monthly rate doubled after the law, other things held equal. The "
            f"intervals and p-values use the bias-adjusted (Cox–Reid) dispersion with a t reference on the "
            f"residual degrees of freedom, so an interval excludes 1 exactly when p is below its level. The "
            f"counterfactual is the fitted series with the laws' effects removed; its band is a "
            f"{int(round(100 * (1 - self.cfg.alpha)))}% interval. A series may also have autoregressive "
            f"terms (the log of one plus the count of each of the previous months; "
            f"default order {mo.ar}): its step rate ratios are then immediate (short-run) multipliers of the "
            f"monthly rate given the previous months' counts, and the counterfactual and the cumulative "
            f"excess are simulated recursively, month by month, so that they carry the effect through the "
            f"lags (the long-run effect). Laws outside a series' coverage, or too "
            f"close to another law or to either end, are drawn as annotations only."))
        for spec in self.cfg.series:
            if not spec.count_model:
                continue
            y = self.series[spec.id].dropna()
            self.progress.say(f"  count model: {spec.id}")
            ints = [(i.name, i.date, i.shape, i.lag) for i in spec.interventions]
            mf = A.fit_model(spec.id, y, family=mo.family, trend=mo.trend, seasonality=mo.seasonality,
                             interventions=ints, exog=self.exog(y), ar=spec.ar_order(mo), alpha=self.cfg.alpha,
                             n_sim=mo.counterfactual_draws, seed=self.cfg.seed)
            self.models[spec.id] = mf
            sub = Section(id=f"model-{spec.id}", title=self.series_title(spec), level=3)
            self.doc.sections.append(sub)
            if mf.result is None:
                sub.add(Text(f"Not estimated: {mf.message}."))
                continue
            file = self._model_figure(mf, spec.id, self.series_title(spec))
            if file:
                sub.add(Figure(file, f"{self.series_title(spec)}: observed counts, model fit and the "
                                     f"counterfactual without the laws, with bands."))
            sub.add(self._effects_table(mf))
            sub.add(Text(self._describe_model(mf)))
            if mf.result.spec.ar:
                sub.add(Text(self._describe_ar(mf)))
            status = A.calendar_status(y, spec.registry, min_side=mo.min_side, min_gap=mo.min_gap,
                                       estimated={i.event for i in spec.interventions if i.event})
            if status is not None and len(status):
                sub.add(Table(status, caption="Laws of the calendar on this series",
                              note=f"Rule: at least {mo.min_side} months on each side and {mo.min_gap} months "
                                   f"between two estimated laws; the others are annotations."))

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
        rows = []
        for e in mf.effects:
            rows.append({"law or event": e.name, "in force": e.date,
                         "rate ratio (95% CI)": fmt_ratio(e.rate_ratio, e.lower, e.upper),
                         "p-value": fmt_p(e.pvalue),
                         "cumulative excess (interval)": (
                             "" if e.excess is None else
                             fmt_num(e.excess, 0) + (f" ({fmt_num(e.excess_lower, 0)} to {fmt_num(e.excess_upper, 0)})"
                                                      if e.excess_lower is not None else ""))})
        frame = pd.DataFrame(rows, columns=["law or event", "in force", "rate ratio (95% CI)", "p-value",
                                            "cumulative excess (interval)"])
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
        caption = "Estimated effects"
        if mf.result.spec.ar:
            caption += " (rate ratios: immediate multipliers; cumulative excess: simulated recursively)"
        return Table(frame, caption=caption, note="; ".join(note))

    def _describe_model(self, mf: A.ModelFit) -> str:
        if not mf.effects:
            return "No intervention effect estimated."
        parts = []
        when = " immediately" if mf.result.spec.ar else ""
        for e in mf.effects:
            change = (e.rate_ratio - 1) * 100
            word = "higher" if change >= 0 else "lower"
            parts.append(f"after {e.name} ({e.date}) the monthly rate was{when} {fmt_num(abs(change), 0)}% {word} "
                         f"(rate ratio {fmt_ratio(e.rate_ratio, e.lower, e.upper)})")
        return "Holding trend and season fixed, " + "; ".join(parts) + "."

    def _describe_ar(self, mf: A.ModelFit) -> str:
        """What the autoregressive terms mean for the effects of this fit."""
        res = mf.result
        a = res.spec.ar
        phi = [float(res.params[f"ar_{j}"]) for j in range(1, a + 1)]
        lags = "previous month" if a == 1 else f"previous {a} months"
        text = (f"This model has {a} autoregressive term{'s' if a > 1 else ''} (coefficient"
                f"{'s' if a > 1 else ''} {', '.join(fmt_num(v, 2) for v in phi)} on the log of one plus the count "
                f"of the {lags}). The rate ratios above are therefore immediate (short-run) multipliers: the "
                f"change of the monthly rate for a given count in the {lags}. Because a higher count raises the "
                f"next months' rates through the lag, the counterfactual without each law and its cumulative "
                f"excess are simulated recursively month by month; they include this carried-forward "
                f"(long-run) effect, and with strong persistence their intervals are wide and skewed.")
        if sum(phi) < 1:
            long_run = [f"{e.name} {fmt_num(float(np.exp(np.log(e.rate_ratio) / (1 - sum(phi)))), 2)}"
                        for e in mf.effects]
            text += (" For orientation, the long-run multiplier of a step, exp(γ / (1 − Σφ)) on the "
                     "log-mean scale (approximate, as the lag enters as log(1 + count); point estimates "
                     "without intervals): " + "; ".join(long_run) + ".")
        return text
