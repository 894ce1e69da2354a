"""Section "Table of breaks and effects", with the number of tests and Holm-adjusted p-values."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..compute import ReportResults
from ..document import Section, Table, Text
from ..tables import holm
from ..texts import Texts
from .common import event_name, item_for


def render_results_table(results: ReportResults, tx: Texts) -> Section:
    """Every break and every effect in one table; effects adjusted for multiplicity by Holm's method."""
    rows = []
    searched = [(s.spec.id, s.breaks, "series") for s in results.series if s.breaks is not None]
    searched += [(f"art. {c.article}", c.breaks, "article") for c in results.convictions if c.breaks is not None]
    for sid, bf, _ in sorted(searched, key=lambda t: (t[2] != "series", t[0])):
        for b, iv in zip(bf.breaks, bf.intervals):
            rows.append({"series": sid, "type": tx.t("table.type_break", cost=tx.t(f"labels.cost.{bf.cost}")),
                         "what": tx.t("table.what_break", period=tx.period(b)), "estimate": str(b),
                         "interval": tx.interval(iv), "p": np.nan})
    fits = [(s.spec.id, s.model, s.spec.interventions) for s in results.series if s.model is not None]
    fits += [(f"art. {c.article}", c.model, c.interventions) for c in results.convictions if c.model is not None]
    for sid, mf, items in sorted(fits, key=lambda t: (t[0].startswith("art."), t[0])):
        for e in mf.effects:
            rows.append({"series": sid, "type": tx.t("table.type_effect"),
                         "what": f"{event_name(item_for(items, e.name), tx, e.name)} ({tx.date(e.date)})",
                         "estimate": tx.num(e.rate_ratio), "interval": f"{tx.num(e.lower)}–{tx.num(e.upper)}",
                         "p": e.pvalue})
    frame = pd.DataFrame(rows, columns=["series", "type", "what", "estimate", "interval", "p"])
    n_tests = int(frame["p"].notna().sum())
    adj = [tx.p(v) for v in holm(frame["p"].to_numpy(dtype=float))]
    n_searches = len(searched)
    out = pd.DataFrame({tx.t("table.col_series"): frame["series"], tx.t("table.col_type"): frame["type"],
                        tx.t("table.col_what"): frame["what"], tx.t("table.col_estimate"): frame["estimate"],
                        tx.t("table.col_interval"): frame["interval"], "p": [tx.p(v) for v in frame["p"]],
                        tx.t("table.col_holm"): adj})
    text = tx.n("table.intro_tests", n_tests) + " " + tx.n("table.intro_searches", n_searches) + " " + \
        tx.n("table.intro_holm", n_tests)
    return Section("table", tx.t("sections.table"), 2, (
        Text(text),
        Table(out, caption=tx.t("table.caption"), note=tx.t("table.note", tests=tx.int(n_tests),
                                                            searches=tx.int(n_searches)),
              kinds=((tx.t("table.col_series"), "code"), (tx.t("table.col_estimate"), "num"),
                     (tx.t("table.col_interval"), "num"), ("p", "num"), (tx.t("table.col_holm"), "num")))))
