"""Section "How the registry revises itself": releases, revisions by lag, changes, disappearances, lag, nowcast."""
from __future__ import annotations

from functools import partial

import pandas as pd

from ..compute import ReportResults
from ..document import Details, Figure, Section, Table, Text
from ..figures import call
from ..texts import Texts
from .common import cap, registry_name, source_line


def _draw_triangle(tri: pd.DataFrame, registry: str, tx: Texts):
    from ...plots.vintages import plot_nowcast, plot_revision_triangle
    ax = call(plot_revision_triangle, tri, lang=tx.lang, measure="inclusions", registry=registry,
              title=tx.t("vintages.triangle_title", registry=cap(registry_name(registry, tx))))
    return ax.figure


def _draw_nowcast(nc: pd.DataFrame, tx: Texts, title: str):
    from ...plots.vintages import plot_nowcast, plot_revision_triangle
    return call(plot_nowcast, nc, lang=tx.lang, title=title).figure


def render_vintages(results: ReportResults, tx: Texts) -> Section | None:
    """What the dated releases of the registries show: growth, revisions, lags and the months still filling in."""
    v = results.vintages
    if "vintages" not in v:
        return None
    rel = v["vintages"]
    src = source_line(results, tx)
    blocks: list = [Text(tx.t("vintages.intro"))]
    items = []
    for reg, g in rel.groupby("registry", sort=True):
        items.append(tx.t("vintages.releases", registry=cap(registry_name(reg, tx)), n=tx.n("counts.releases", len(g)),
                          first=tx.date(g["release_date"].min()), last=tx.date(g["release_date"].max()),
                          series=tx.int(g["series"].nunique())))
    blocks.append(Text(" ".join(items)))
    children = []
    # revisions by lag
    rv = v.get("revisions_by_lag")
    if rv is not None:
        sel = rv[(rv["measure"] == "inclusions")].sort_values(["registry", "lag_months"], kind="stable")
        sel = sel[sel["n_months"] > 0]
        lag0 = sel[sel["lag_months"] == 0]
        later = sel[sel["lag_months"] > 0]
        txt = []
        for r in lag0.itertuples(index=False):
            txt.append(tx.t("vintages.revision_first", registry=cap(registry_name(r.registry, tx)),
                            share=tx.pct(r.share_revised), months=tx.int(r.n_months),
                            mean=tx.num(r.mean_revision, 1), total=tx.int(r.total_revision)))
        for reg, g in later.groupby("registry", sort=True):
            txt.append(tx.t("vintages.revision_later", registry=cap(registry_name(reg, tx)),
                            share=tx.pct((g["share_revised"] * g["n_months"]).sum() / max(g["n_months"].sum(), 1)),
                            total=tx.int(g["total_revision"].sum())))
        frame = pd.DataFrame({tx.t("vintages.col_registry"): [registry_name(r, tx) for r in sel["registry"]],
                              tx.t("vintages.col_lag"): sel["lag_months"].astype(int).astype(str),
                              tx.t("vintages.col_months"): [tx.int(x) for x in sel["n_months"]],
                              tx.t("vintages.col_mean_revision"): [tx.num(x, 2) for x in sel["mean_revision"]],
                              tx.t("vintages.col_share_revised"): [tx.pct(x) for x in sel["share_revised"]],
                              tx.t("vintages.col_total_revision"): [tx.int(x) for x in sel["total_revision"]]})
        sub = [Text(" ".join(txt))]
        tri = v.get("revision_triangle")
        if tri is not None and len(tri[(tri["registry"] == "foreign_agents") & (tri["measure"] == "inclusions")]):
            sub.append(Figure("vintages-triangle-foreign_agents", tx.t("vintages.triangle_caption"),
                              partial(_draw_triangle, tri, "foreign_agents", tx), source=src))
        sub.append(Table(frame, caption=tx.t("vintages.revision_caption"), fold=True))
        children.append(Section("vintages-revisions", tx.t("vintages.revisions_title"), 3, tuple(sub)))
    # changes by kind and disappearances
    ch = v.get("changes_by_kind")
    dis = v.get("disappearances")
    sub = []
    if ch is not None and len(ch):
        by = ch.groupby(["registry", "kind"], sort=True)["n_changes"].sum()
        parts = [tx.t("vintages.kind_item", registry=registry_name(r, tx), kind=tx.t(f"vintages.kind.{k}"),
                      n=tx.int(n)) for (r, k), n in by.items()]
        sub.append(Text(tx.t("vintages.changes_intro", items="; ".join(parts))))
        frame = pd.DataFrame({tx.t("vintages.col_registry"): [registry_name(r, tx) for r in ch["registry"]],
                              tx.t("vintages.col_field"): ch["field"], tx.t("vintages.col_kind"):
                                  [tx.t(f"vintages.kind.{k}") for k in ch["kind"]],
                              tx.t("vintages.col_reason"): [tx.opt(f"vintages.reason.{r}", tx.cite(r)) for r in ch["reason"]],
                              tx.t("vintages.col_changes"): [tx.int(x) for x in ch["n_changes"]],
                              tx.t("vintages.col_entries"): [tx.int(x) for x in ch["n_entries"]]})
        sub.append(Table(frame, caption=tx.t("vintages.changes_caption"), kinds=((tx.t("vintages.col_field"), "code"),)))
    if dis is not None:
        if len(dis):
            by = dis.groupby(["registry", "status"], sort=True)
            parts = [tx.t("vintages.disappeared_item", registry=registry_name(r, tx),
                          status=tx.t(f"vintages.status.{s}") if tx.has(f"vintages.status.{s}") else tx.code(s),
                          n=tx.int(len(g)), ids=", ".join(tx.code(i) for i in sorted(set(g["entry_id"].astype(str)))))
                     for (r, s), g in by]
            sub.append(Text(tx.t("vintages.disappeared", items="; ".join(parts))))
        else:
            sub.append(Text(tx.t("vintages.disappeared_none")))
    if sub:
        children.append(Section("vintages-changes", tx.t("vintages.changes_title"), 3, tuple(sub)))
    # publication lag
    lag = v.get("publication_lag")
    if lag is not None:
        sel = lag[(lag["category"] == "all") & (lag["n_entries"] > 0)].sort_values(["registry", "year"], kind="stable")
        frame = pd.DataFrame({tx.t("vintages.col_registry"): [registry_name(r, tx) for r in sel["registry"]],
                              tx.t("vintages.col_year"): sel["year"].astype(int).astype(str),
                              tx.t("vintages.col_entries"): [tx.int(x) for x in sel["n_entries"]],
                              tx.t("vintages.col_coarse"): [tx.int(x) for x in sel["n_too_coarse"]],
                              tx.t("vintages.col_q50"): [tx.int(x) for x in sel["upper_q50"]],
                              tx.t("vintages.col_q90"): [tx.int(x) for x in sel["upper_q90"]]})
        children.append(Section("vintages-lag", tx.t("vintages.lag_title"), 3, (
            Text(tx.t("vintages.lag_intro")),
            Table(frame, caption=tx.t("vintages.lag_caption"), note=tx.t("vintages.lag_note"),
                  kinds=((tx.t("vintages.col_year"), "num"),)))))
    # nowcast and its back-test
    nc, bt = v.get("nowcast"), v.get("nowcast_backtest")
    if nc is not None and len(nc):
        sub = []
        for (reg, snap), g in nc.groupby(["registry", "snapshot_release"], sort=True):
            g = g.sort_values("month", kind="stable")
            title = tx.t("vintages.nowcast_title", registry=cap(registry_name(reg, tx)))
            sub.append(Figure(f"vintages-nowcast-{reg}", tx.t("vintages.nowcast_caption", release=tx.code(snap),
                                                               first=tx.month(g["month"].iloc[0], genitive=True),
                                                               last=tx.month(g["month"].iloc[-1])),
                              partial(_draw_nowcast, g, tx, title), source=src))
            partial_rows = g[g["estimate"] > g["observed"]]
            if len(partial_rows):
                sub.append(Text(tx.t("vintages.nowcast_open", items="; ".join(
                    tx.t("vintages.nowcast_item", month=tx.month(r.month), observed=tx.int(r.observed),
                         estimate=tx.int(r.estimate), lower=tx.int(r.lower), upper=tx.int(r.upper))
                    for r in partial_rows.itertuples(index=False)))))
            else:
                sub.append(Text(tx.t("vintages.nowcast_closed", release=tx.code(snap))))
        if bt is not None and len(bt):
            cov = bt[bt["months_before"] >= 0]
            n = int(cov["n"].sum())
            share = float((cov["coverage"] * cov["n"]).sum() / n) if n else float("nan")
            sub.append(Text(tx.t("vintages.backtest", n=tx.n("counts.month_cutoffs", n), coverage=tx.pct(share),
                                 cutoffs=tx.int(cov["truth_release"].nunique()))))
        children.append(Section("vintages-nowcast", tx.t("vintages.nowcast_section"), 3, tuple(sub)))
    return Section("vintages", tx.t("sections.vintages"), 2, tuple(blocks), tuple(children))
