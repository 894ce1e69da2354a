"""Section "Table of breaks and effects", with the number of tests and Holm-adjusted p-values."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..document import Table, Text
from ..tables import fmt_interval, fmt_num, fmt_p, holm


class ResultsTableSection:
    """Mixin of the report builder (see :class:`analysis.report.context.ReportContext`)."""
    def _breaks_effects_table(self) -> None:
        sec = self.doc.section("table", self.t("s_table"))
        rows = []
        for sid, bf in sorted(self.breaks.items()) + sorted((f"art. {k}", v) for k, v in self.conv_breaks.items()):
            for b, iv in zip(bf.breaks, bf.intervals):
                rows.append({"series": sid, "type": f"break ({bf.cost})", "what": f"new regime from {b}",
                             "estimate": str(b), "interval": fmt_interval(iv), "p": np.nan})
        for sid, mf in sorted(self.models.items()) + sorted((f"art. {k}", v) for k, v in self.conv_models.items()):
            for e in mf.effects:
                rows.append({"series": sid, "type": "effect (rate ratio)", "what": f"{e.name} ({e.date})",
                             "estimate": fmt_num(e.rate_ratio), "interval": f"{fmt_num(e.lower)}–{fmt_num(e.upper)}",
                             "p": e.pvalue})
        frame = pd.DataFrame(rows, columns=["series", "type", "what", "estimate", "interval", "p"])
        n_tests = int(frame["p"].notna().sum())
        frame["Holm-adjusted p"] = [fmt_p(v) for v in holm(frame["p"].to_numpy(dtype=float))]
        frame["p"] = [fmt_p(v) for v in frame["p"]]
        n_searches = len(self.breaks) + len(self.conv_breaks)
        sec.add(Text(
            f"{n_tests} intervention effects were tested (one test each) and {n_searches} series were "
            f"searched for breaks. With this many tests some small p-values arise by chance; the Holm "
            f"adjustment controls the probability of any false discovery among the {n_tests} effects at the "
            f"stated level. Breaks come from a penalised search, not from tests, and carry no p-value; the "
            f"penalty plays the role of the significance level."))
        sec.add(Table(frame, caption="Breaks and effects",
                      note=f"Number of effect tests: {n_tests}. Number of break searches: {n_searches}."))
