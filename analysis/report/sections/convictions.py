"""Section "Annual convictions": main and additional charge by article, breaks and steps."""
from __future__ import annotations

import pandas as pd

from ... import processed as P
from ...plots.models import add_fit_and_counterfactual
from ...plots.series import plot_convictions
from .. import analyses as A
from ..document import Figure, Section, Table, Text
from ..tables import fmt_int


class ConvictionsSection:
    """Mixin of the report builder (see :class:`analysis.report.context.ReportContext`)."""

    def stage_convictions(self) -> None:
        co = self.cfg.convictions
        sec = self.doc.section("convictions", self.t("s_convictions"))
        sec.add(Text(
            "Persons whose sentences entered into legal force in the year (Judicial Department forms 10-а "
            "and 10.3). Bars: main charge (основная статья, the most serious offence of the verdict); stacked "
            "on top: persons with the article as an additional charge (дополнительная квалификация), so the top "
            "of each bar is all persons convicted under the article. Official tables are annual: no monthly "
            "conviction series exists. Breaks are searched on the main-charge series where it has at least "
            f"{co.min_years_for_breaks} years. The count model has a step for "
            f"{self._conviction_steps()}, shifted by the months sentences take to become final (an assumed "
            "lag, not an estimate: sentences enter into legal force typically 1–6 months after the verdict); "
            "in the year of the step it acts on the share of the year after the shifted date. Its "
            "specification (dynamics or none) is chosen by the same rule as for the monthly series. The step is "
            "measured against the log-linear trend of the whole series: where convictions grew fast before 2022, a rate ratio below 1 means that "
            "growth slowed after 2022 relative to that trend, not necessarily that convictions fell. Each figure "
            "draws the fitted trend with the effects and the counterfactual without them beside the bars."))
        conv = self.inp.convictions
        if conv is None:
            sec.add(Text(f"Annual convictions: {self.t('not_available')}."))
            return
        known = set(conv["article"].unique())
        for art in co.articles:
            if art not in known:
                sec.add(Text(f"Article {art}: not in the processed data."))
                continue
            main = P.annual_convictions(art, "main", frame=conv)
            add = P.annual_convictions(art, "additional", frame=conv, trim=False).reindex(main.index)
            y = P.annual_convictions(art, co.charge, frame=conv).dropna()
            sub = Section(id=f"conv-{art}", title=f"{self.t('article')} {art} УК РФ", level=3)
            self.doc.sections.append(sub)
            bf = None
            if len(y) >= co.min_years_for_breaks:
                self.progress.say(f"  breaks: art. {art}")
                bf = A.detect_breaks(f"art. {art}", y, cost=co.cost, method=self.cfg.changepoint.method,
                                     penalty=self.cfg.changepoint.penalty, min_size=co.min_size,
                                     alpha=self.cfg.alpha, draws=self.cfg.changepoint.conf_int_draws,
                                     seed=self.cfg.seed)
                self.conv_breaks[art] = bf
            self.progress.say(f"  count model: art. {art}")
            ints = [(i.name, i.date, i.shape, i.lag, i.date_source or "given") for i in co.interventions_for(art)]
            mo = self.cfg.model
            mf = A.analyse_model(f"art. {art}", y, family=co.family, interventions=ints, exog=None,
                                 alpha=self.cfg.alpha, n_sim=mo.counterfactual_draws, seed=self.cfg.seed,
                                 pulses=mo.pulses, sensitivity=mo.sensitivity,
                                 placebo_max_dates=mo.placebo_max_dates, n_boot=mo.bootstrap)
            self.conv_models[art] = mf
            ax = plot_convictions(main, add, title=f"{self.t('article')} {art}: {self.t('convicted_per_year')}",
                                  ylabel=self.t("convicted_per_year"), main_label=self.t("main"),
                                  additional_label=self.t("additional"),
                                  breaks=list(bf.breaks) if bf else None,
                                  intervals=list(bf.intervals) if bf and bf.intervals else None)
            if mf.result is not None:
                add_fit_and_counterfactual(ax, mf.result, alpha=self.cfg.alpha, n_sim=mo.counterfactual_draws,
                                           rng=self.cfg.seed)
            file = self.save(ax.figure, f"convictions-{art.replace('.', '_')}", self.cfg.source_convictions)
            sub.add(Figure(file, f"Art. {art}: persons convicted per year, main and additional charge; the fitted "
                                 f"trend with the effects and the counterfactual without them (main charge)."))
            txt = [f"{y.index[0]}–{y.index[-1]}: main charge {fmt_int(main.iloc[0])} in {main.index[0]}, "
                   f"{fmt_int(main.iloc[-1])} in {main.index[-1]}."]
            if bf is not None:
                txt.append(self._describe_breaks(bf, None))
            if mf.result is None:
                txt.append(f"Count model not estimated: {mf.message}.")
            else:
                self._specification_block(sub, mf)
                sub.add(self._effects_table(mf))
                txt.append(self._describe_model(mf).replace("monthly rate", "annual rate")
                           .replace("trend and season", "trend"))
            sub.add(Text(" ".join(txt)))
        if co.described:
            cells: dict[str, dict[str, str]] = {}
            for art in co.described:
                if art not in known:
                    continue
                m = P.annual_convictions(art, "main", frame=conv)
                a = P.annual_convictions(art, "all", frame=conv, trim=False).reindex(m.index)
                cells[art] = {str(yr): f"{fmt_int(m[yr])} / {fmt_int(a[yr])}" if fmt_int(a[yr]) else fmt_int(m[yr])
                              for yr in m.index}
            if cells:
                years = sorted({y for c in cells.values() for y in c})
                frame = pd.DataFrame([{"article": art, **{y: cells[art].get(y, "") for y in years}}
                                      for art in cells], columns=["article", *years])
                sub = Section(id="conv-described", title="Articles described, not modelled", level=3)
                self.doc.sections.append(sub)
                sub.add(Text("Articles created in 2022–2023 (207.3, 280.3, 280.4, 275.1) have two or three annual "
                             "points: too few for a break or a count model. Others listed here are shown for "
                             "reference only."))
                sub.add(Table(frame, caption="Persons convicted per year: main charge / all persons",
                              note="Empty: the article did not exist that year. One number only: the all-persons count is "
                                   "not available (the 2009 form does not state the unit of its additional-charge "
                                   "column)."))

    def _conviction_steps(self) -> str:
        """The configured conviction interventions in words: name, date and lag (and those of single articles)."""
        co = self.cfg.convictions
        items = co.interventions
        text = "; ".join(f"{i.name} (from {i.date}, lag {i.lag} months)" for i in items) or "no intervention"
        for art, extra in co.article_interventions:
            text += "; for art. " + art + " also " + "; ".join(
                f"{i.name} (from {i.date}, lag {i.lag} months; {i.date_source})" for i in extra)
        return text
