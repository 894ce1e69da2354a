"""Section "Published headlines beside our numbers", with the reason for each difference."""
from __future__ import annotations

import pandas as pd

from ..compute import HeadlineResult, ReportResults
from ..document import Link, Section, Table, Text
from ..texts import Texts


def _reason(h: HeadlineResult, results: ReportResults, tx: Texts) -> str:
    if h.ours is None:
        return tx.t("headlines.reason_not_covered")
    if h.agrees:
        return tx.t("headlines.reason_same")
    key = f"headlines.reason.{h.headline.reason}" if h.headline.reason else ""
    if key and tx.has(key):
        return tx.t(key) + _vintage_evidence(h, results, tx)
    return tx.t("headlines.reason_unknown") + _vintage_evidence(h, results, tx)


def _vintage_evidence(h: HeadlineResult, results: ReportResults, tx: Texts) -> str:
    """What the registry's own releases show about entries dated in the headline's year (from the vintages)."""
    yc = results.vintages.get("year_check")
    if yc is None or not h.headline.start or h.headline.registry != "foreign_agents":
        return ""
    year = pd.Timestamp(h.headline.start).year
    sel = yc[(yc["year"] == year) & yc["has_entry_ids"].astype(bool)].sort_values("release_date", kind="stable")
    if sel.empty:
        return ""
    last = sel.iloc[-1]
    counts = sorted({int(v) for v in sel[pd.to_datetime(sel["release_date"]).dt.year > year]["n_dated_in_year"]})
    return " " + tx.t("headlines.vintage_evidence", year=year, n=tx.n("counts.entries", int(last["n_dated_in_year"])),
                      release=tx.date(last["release_date"]), releases=tx.int(len(sel)),
                      after=", ".join(tx.int(c) for c in counts) or "—",
                      gone=tx.int(sel["n_disappeared"].sum()), renumbered=tx.int(sel["n_renumbered"].sum()),
                      redated=tx.int(sel["n_redated"].sum()))


def render_headlines(results: ReportResults, tx: Texts) -> Section:
    """Published registry and conviction figures beside the same counts from the processed data."""
    rows = []
    for h in results.headlines:
        hd = h.headline
        src = Link(tx.cite(hd.source), hd.url) if hd.url else tx.cite(hd.source)
        rows.append({tx.t("headlines.col_figure"): tx.opt(f"headlines.label.{hd.id}", hd.label) if hd.id else hd.label,
                     tx.t("headlines.col_published"): tx.int(hd.published), tx.t("headlines.col_source"): src,
                     tx.t("headlines.col_ours"): tx.int(h.ours), tx.t("headlines.col_how"): tx.t(h.how, **dict(h.how_values)),
                     tx.t("headlines.col_reason"): _reason(h, results, tx)})
    blocks = [Text(tx.t("headlines.intro"))]
    if rows:
        blocks.append(Table(pd.DataFrame(rows), caption=tx.t("headlines.caption"),
                            kinds=((tx.t("headlines.col_published"), "num"), (tx.t("headlines.col_ours"), "num"))))
    pc = results.published_convictions
    if pc is not None and len(pc):
        frame = pd.DataFrame({
            tx.t("headlines.col_article"): pc["article"], tx.t("headlines.col_year"): pc["year"].astype(str),
            tx.t("headlines.col_published"): [tx.int(v) for v in pc["published"]],
            tx.t("headlines.col_source"): [Link(tx.cite(s), u) if isinstance(u, str) and u else tx.cite(s)
                                           for s, u in zip(pc["source"], pc["url"])],
            tx.t("headlines.col_main"): [tx.int(v) for v in pc["main"]],
            tx.t("headlines.col_all"): [tx.int(v) for v in pc["all"]],
            tx.t("headlines.col_reason"): [tx.t(f"headlines.conv_{r}") for r in pc["reason"]]})
        blocks.append(Table(frame, caption=tx.t("headlines.conv_caption"), note=tx.t("headlines.conv_note"),
                            kinds=((tx.t("headlines.col_article"), "code"), (tx.t("headlines.col_year"), "num"))))
    return Section("headlines", tx.t("sections.headlines"), 2, tuple(blocks))
