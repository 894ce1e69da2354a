"""The summary at the top of the report, from the results of the other sections."""
from __future__ import annotations

import pandas as pd

from ..document import Bullets, Section
from ..labels import registry_label
from ..tables import fmt_int, fmt_interval, fmt_ratio


class SummarySection:
    """Mixin of the report builder (see :class:`analysis.report.context.ReportContext`)."""

    def summary(self) -> Section:
        s = Section(id="summary", title=self.t("s_summary"))
        items = []
        year = self.cfg.headline_year
        for spec in self.cfg.series:
            if spec.measure != "inclusions" or spec.category != "all":
                continue
            y = self.series[spec.id]
            yr = y[y.index.year == year]
            if len(yr) == 12 and yr.notna().all():
                prev = y[y.index.year == year - 1]
                txt = f"{_cap(registry_label(spec.registry, self.lang))}: {fmt_int(yr.sum())} inclusions in {year}"
                if len(prev) == 12 and prev.notna().all():
                    txt += f" against {fmt_int(prev.sum())} in {year - 1}"
                stock = self._stock(spec)
                end = pd.Period(f"{year}-12", "M")
                if stock is not None and end in stock.index and pd.notna(stock[end]) and spec.registry != "undesirable":
                    txt += f"; {fmt_int(stock[end])} in the registry at the end of {year}"
                items.append(txt + ".")
            bf = self.breaks.get(spec.id)
            if bf is not None and bf.breaks:
                items.append(f"{_cap(registry_label(spec.registry, self.lang))}: the pace of inclusions changed in "
                             + ", ".join(f"{b} ({fmt_interval(iv)})" for b, iv in zip(bf.breaks, bf.intervals))
                             + ".")
            mf = self.models.get(spec.id)
            if mf is not None and mf.effects:
                best = max(mf.effects, key=lambda e: (e.rate_ratio, e.name))
                dynamic = mf.result.kind == "ingarch" or bool(mf.result.spec.ar)
                items.append(f"{_cap(registry_label(spec.registry, self.lang))}: the largest estimated step is "
                             f"{best.name} ({best.date}), "
                             f"{'immediate ' if dynamic else ''}rate ratio "
                             f"{fmt_ratio(best.rate_ratio, best.lower, best.upper)}"
                             + (" — FRAGILE across specifications" if best.fragile else "")
                             + f". {best.caveat}")
        for row in getattr(self, "headline_rows", []):
            if row["ours"]:
                agree = "the same" if row["reason for the difference"] == "no difference" else "differs"
                items.append(f"{row['figure']}: published {row['published']} ({row['source']}), ours {row['ours']}"
                             f" — {agree}" + ("." if agree == "the same" else
                                               f"; reason: {row['reason for the difference']}"))
        for art, mf in sorted(self.conv_models.items()):
            for e in mf.effects:
                items.append(f"Art. {art} (main charge): rate ratio {fmt_ratio(e.rate_ratio, e.lower, e.upper)} "
                             f"after {e.name}" + (" — FRAGILE across specifications" if e.fragile else "")
                             + f". {e.caveat}")
        if not items:
            items.append("No series selected.")
        s.add(Bullets(tuple(items)))
        return s


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]
