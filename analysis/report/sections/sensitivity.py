"""Section "Sensitivity": counts and breaks under each counting choice; effects across specifications; placebos."""
from __future__ import annotations

import pandas as pd

from ..compute import ReportResults
from ..document import Details, Section, Table, Text
from ..texts import Texts
from .common import engine_note, event_name, item_for, spec_from_row, spec_label


_COMPARABLE = {"long-run": "long_run", "static": "static"}


def _choice_label(key: str, tx: Texts) -> str:
    return tx.opt(f"sensitivity.choice.{key}", tx.t("sensitivity.choice_basis", basis=tx.code(key)))


def _counting(results: ReportResults, tx: Texts) -> list:
    year = results.headline_year
    col_total = tx.t("sensitivity.col_total", year=year if year is not None else "—")
    rows = []
    for s in results.series:
        if not s.variants:
            continue
        have = [v for v in s.variants if v.y is not None]
        lo = max(v.y.index[0] for v in have)
        hi = min(v.y.index[-1] for v in have)
        for v in s.variants:
            row = {tx.t("sensitivity.col_series"): s.spec.id, tx.t("sensitivity.col_choice"): _choice_label(v.key, tx)}
            if v.y is None:
                row.update({tx.t("sensitivity.col_coverage"): tx.t("sensitivity.not_in_data"), col_total: "",
                            tx.t("sensitivity.col_window"): "", tx.t("sensitivity.col_breaks"): ""})
                rows.append(row)
                continue
            y = v.y
            yr = y[y.index.year == year] if year is not None else y.iloc[:0]
            total = tx.int(yr.sum()) if len(yr) == 12 and yr.notna().all() else tx.t("sensitivity.year_not_covered")
            win = y[(y.index >= lo) & (y.index <= hi)]
            bf = v.breaks
            brk = ", ".join(str(b) for b in bf.breaks) or tx.t("common.none")
            if bf.message and not bf.breaks:
                brk = tx.t("breaks.not_estimated_short")
            row.update({tx.t("sensitivity.col_coverage"): f"{y.index[0]} – {y.index[-1]}", col_total: total,
                        tx.t("sensitivity.col_window"): f"{tx.int(win.sum())} ({lo} – {hi})",
                        tx.t("sensitivity.col_breaks"): brk})
            rows.append(row)
    if not rows:
        return []
    return [Table(pd.DataFrame(rows), caption=tx.t("sensitivity.counting_caption"),
                  kinds=((tx.t("sensitivity.col_series"), "code"), (tx.t("sensitivity.col_coverage"), "num"),
                         (col_total, "num")))]


def _fits(results: ReportResults):
    out = [(s.spec.id, s.model, s.spec.interventions) for s in results.series if s.model is not None]
    out += [(f"art. {c.article}", c.model, c.interventions) for c in results.convictions if c.model is not None]
    return [(sid, mf, items) for sid, mf, items in out if mf.analysis is not None]


def render_sensitivity(results: ReportResults, tx: Texts) -> Section:
    """How counts, breaks and effects move with each choice, and which effects are fragile."""
    blocks: list = [Text(tx.t("sensitivity.intro"))]
    blocks += _counting(results, tx)
    fits = _fits(results)
    if not fits:
        return Section("sensitivity", tx.t("sections.sensitivity"), 2, tuple(blocks))
    blocks.append(Text(tx.t("sensitivity.spec_intro")))
    verdicts, placebos = [], []
    alpha = results.config.alpha
    for sid, mf, items in fits:
        an = mf.analysis
        for name, v in an.sensitivity.verdicts.iterrows():
            label = event_name(item_for(items, name), tx, name)
            if pd.isna(v["base_rr"]):
                verdict = tx.t("sensitivity.verdict_base_failed")
            else:
                verdict = tx.t("sensitivity.verdict", base=tx.num(v["base_rr"]), lo=tx.num(v["min_rr"]),
                               hi=tx.num(v["max_rr"]), n=tx.n("counts.specifications", int(v["n_fitted"])))
                if int(v["n_refused"]):
                    verdict += "; " + tx.n("sensitivity.refused", int(v["n_refused"]))
                if v["fragile"]:
                    why = []
                    if v["sign_flips"]:
                        why.append(tx.t("sensitivity.sign_flips"))
                    if v["significance_flips"]:
                        why.append(tx.t("sensitivity.significance_flips", alpha=tx.num(alpha)))
                    verdict += "; " + tx.t("sensitivity.fragile", why=tx.join(why))
                else:
                    verdict += "; " + tx.t("sensitivity.robust")
            verdicts.append({tx.t("sensitivity.col_series"): sid, tx.t("sensitivity.col_effect"): label,
                             tx.t("sensitivity.col_verdict"): verdict})
        for name, pt in an.placebo.items():
            placebos.append({tx.t("sensitivity.col_series"): sid,
                             tx.t("sensitivity.col_effect"): event_name(item_for(items, name), tx, name),
                             "|z|": tx.num(pt.statistic), tx.t("sensitivity.col_fake"): tx.int(pt.n_placebo),
                             tx.t("sensitivity.col_window_p"): (f"{pt.window[0]} – {pt.window[1]}"
                                                                if pt.n_placebo else ""),
                             tx.t("sensitivity.col_placebo_p"): tx.p(pt.pvalue),
                             tx.t("sensitivity.col_min_p"): tx.num(pt.min_pvalue, 3)})
    code = ((tx.t("sensitivity.col_series"), "code"),)
    blocks.append(Table(pd.DataFrame(verdicts), caption=tx.t("sensitivity.verdicts_caption"), kinds=code))
    if placebos:
        blocks.append(Table(pd.DataFrame(placebos), caption=tx.t("sensitivity.placebo_caption"),
                            note=tx.t("sensitivity.placebo_note"), kinds=code))
    for sid, mf, items in fits:
        fr = mf.analysis.sensitivity.frame
        rows = []
        for _, r in fr.iterrows():
            ok = r["status"] == ""
            rows.append({tx.t("sensitivity.col_effect"): event_name(item_for(items, r["effect"]), tx, r["effect"]),
                         tx.t("sensitivity.col_spec"): spec_label(spec_from_row(r), tx),
                         tx.t("sensitivity.col_rr"): tx.ratio(r["rate_ratio"], r["lower"], r["upper"]) if ok else "",
                         "p": tx.p(r["pvalue"]) if ok else "",
                         tx.t("sensitivity.col_comparable"): (f"{tx.num(r['comparable_rr'])} "
                                                              f"({tx.t('sensitivity.comparable.' + _COMPARABLE.get(str(r['comparable']), 'immediate'))})"
                                                              if ok else ""),
                         "AICc": tx.num(r["aicc"], 1),
                         tx.t("sensitivity.col_reported"): tx.t("common.yes") if r["is_base"] else "",
                         tx.t("sensitivity.col_status"): engine_note(r["status"], tx) if r["status"] else ""})
        blocks.append(Details(tx.t("sensitivity.spec_caption", series=tx.code(sid), n=tx.int(len(rows))),
                              (Table(pd.DataFrame(rows)),)))
    return Section("sensitivity", tx.t("sections.sensitivity"), 2, tuple(blocks))
