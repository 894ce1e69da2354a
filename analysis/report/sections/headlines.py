"""Section "Published headlines beside our numbers", with the reason for each difference."""
from __future__ import annotations

import pandas as pd

from ... import processed as P
from ..document import Table, Text
from ..tables import fmt_int


class HeadlinesSection:
    """Mixin of the report builder (see :class:`analysis.report.context.ReportContext`)."""
    def _weekly_default(self, registry: str) -> pd.DataFrame | None:
        wk = self.inp.weekly
        if wk is None:
            return None
        sel = wk[(wk.registry == registry) & (wk.measure == "inclusions") & (wk.category == "all")]
        if sel.empty:
            return None
        bases = sorted(sel["date_basis"].unique())
        alt = {"decision", "first_listing_only"}
        pref = [b for b in ("default", "listing", "included_on", "inclusion") if b in bases]
        rest = [b for b in bases if b not in alt]
        basis = (pref or rest or [None])[0]
        if basis is None:
            return None
        return sel[sel.date_basis == basis].sort_values("week", kind="stable")

    def _our_headline(self, h) -> tuple[str, str]:
        """Our number for a headline and how it was computed."""
        if h.rule == "cumulative_to":
            end = pd.Timestamp(h.end)
            wk = self._weekly_default(h.registry)
            if wk is not None:
                starts = pd.to_datetime(wk["week"])
                full = (starts + pd.Timedelta(days=6)) <= end
                if full.any():
                    last = (starts[full].max() + pd.Timedelta(days=6)).date().isoformat()
                    v = wk.loc[full.to_numpy(), "value"].astype("Float64").sum()
                    return fmt_int(v), f"weekly series, listings to {last} (last full week)"
            y = P.monthly_series(h.registry, "inclusions", frame=self.inp.monthly, drop_incomplete=False)
            months = y[y.index.end_time.normalize() <= end]
            return fmt_int(months.sum()), f"monthly series, listings to the end of {months.index[-1]}"
        start, end = pd.Period(h.start, "M"), pd.Period(h.end, "M")
        y = P.monthly_series(h.registry, "inclusions", frame=self.inp.monthly, drop_incomplete=False)
        sel = y[(y.index >= start) & (y.index <= end)]
        expected = len(pd.period_range(start, end, freq="M"))
        incomplete = set(y.attrs.get("incomplete", []))
        if len(sel) < expected or sel.isna().any():
            return "", "period not fully covered"
        note = f"monthly series, {start} to {end}"
        if incomplete & {str(p) for p in sel.index}:
            note += " (includes an incomplete month)"
        return fmt_int(sel.sum()), note

    def _headlines(self) -> None:
        sec = self.doc.section("headlines", self.t("s_headlines"))
        sec.add(Text("Published figures beside the same count from the processed data, with the reason for "
                     "each difference where it is known."))
        rows = []
        for h in self.cfg.headlines:
            ours, how = self._our_headline(h)
            rows.append({"figure": h.label, "published": fmt_int(h.published), "source": h.source,
                         "ours": ours, "how we count": how, "reason for the difference": _reason(h, ours)})
        self.headline_rows = rows
        if rows:
            sec.add(Table(pd.DataFrame(rows), caption="Registry headlines"))
        conv = self._published_convictions()
        if conv is not None and len(conv):
            sec.add(Table(conv, caption="Published conviction figures (full calendar years) beside the official tables",
                          note="Main charge: persons whose most serious offence is under the article. All: main "
                               "+ additional charge. Published figures are matched to the basis they equal."))

    def _published_convictions(self) -> pd.DataFrame | None:
        pub, conv = self.inp.published, self.inp.convictions
        if pub is None or conv is None:
            return None
        ps = pd.to_datetime(pub["period_start"], errors="coerce")
        pe = pd.to_datetime(pub["period_end"], errors="coerce")
        full = (ps.dt.month == 1) & (ps.dt.day == 1) & (pe.dt.month == 12) & (pe.dt.day == 31) & (ps.dt.year == pe.dt.year)
        known = set(conv["article"].unique())
        sel = pub[full.to_numpy() & pub["measure"].isin(["convicted", "convicted_total_main_or_additional"]).to_numpy()
                  & pub["article"].isin(known).to_numpy()].copy()
        if sel.empty:
            return None
        sel["year"] = ps[sel.index].dt.year.astype(int)
        sel = sel.sort_values(["article", "year", "source_name"], kind="stable")
        rows = []
        for r in sel.itertuples(index=False):
            def our(charge: str) -> float | None:
                v = conv[(conv.article == r.article) & (conv.charge == charge) & (conv.year == r.year)]["value"]
                return None if v.empty or pd.isna(v.iloc[0]) else float(v.iloc[0])
            m, a = our("main"), our("all")
            pubv = float(r.value)
            if m is not None and pubv == m:
                reason = "equals the main-charge count"
            elif a is not None and pubv == a:
                reason = "counts main + additional charges"
            elif m is None:
                reason = "no official value for this year"
            else:
                reason = ("differs from both: possibly a different unit (verdicts announced vs sentences in "
                          "force) or a reporting error")
            rows.append({"article": r.article, "year": str(r.year), "published": fmt_int(pubv),
                         "source": r.source_name, "ours: main": fmt_int(m), "ours: all": fmt_int(a),
                         "reason": reason})
        return pd.DataFrame(rows)


def _reason(h, ours: str) -> str:
    """The configured reason, or "no difference" when the numbers agree."""
    if not ours:
        return "our series does not cover the period"
    if float(ours.replace(",", "")) == float(h.published):
        return "no difference"
    return h.reason or "not known"
