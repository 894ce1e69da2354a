"""Section "What else changed": the top changes of the screen of every article part, and severity."""
from __future__ import annotations

import pandas as pd

from ..compute import ReportResults
from ..document import Section, Table, Text
from ..texts import Texts


def _part(p) -> str:
    return "" if p is None or (isinstance(p, float) and pd.isna(p)) or str(p) in ("", "nan") else str(p)


def render_screen(results: ReportResults, tx: Texts) -> Section | None:
    """Top changes after the event by adjusted p-value, and the share of real imprisonment for the wartime articles."""
    top, sev = results.screen_top, results.severity
    if top is None and sev is None:
        return None
    meta = results.screen_meta
    opts = meta.get("options", {})
    cfg = results.config.screen
    blocks: list = []
    if top is not None:
        blocks.append(Text(tx.t("screen.intro", n_series=tx.int(meta.get("n_series")), n_tested=tx.int(meta.get("n_tested")),
                                event=tx.opt(f"events.name.{opts.get('event', '')}", meta.get("event_title", "")),
                                date=tx.date(opts.get("event_date")), min_events=tx.int(opts.get("min_events")),
                                k=tx.int(cfg.top), method=tx.t(f"screen.method.{cfg.method}"))))
        rows = []
        for r in top.itertuples(index=False):
            rows.append({"#": tx.int(r.rank), tx.t("screen.col_article"): str(r.article),
                         tx.t("screen.col_part"): _part(r.part), tx.t("screen.col_charge"): tx.t(f"screen.charge.{r.charge}"),
                         tx.t("screen.col_title"): tx.cite(r.article_title) if isinstance(r.article_title, str) else "",
                         tx.t("screen.col_chapter"): tx.int(r.chapter) if pd.notna(r.chapter) else "",
                         tx.t("screen.col_before"): tx.num(r.mean_before, 1), tx.t("screen.col_after"): tx.num(r.mean_after, 1),
                         tx.t("screen.col_rr"): tx.ratio(r.rate_ratio, r.lower, r.upper),
                         "p (BH)": tx.p(r.p_bh), "p (Holm)": tx.p(r.p_holm)})
        blocks.append(Table(pd.DataFrame(rows), caption=tx.t("screen.top_caption", k=tx.int(len(rows))),
                            note=tx.t("screen.top_note"),
                            kinds=((tx.t("screen.col_article"), "code"), (tx.t("screen.col_part"), "code"),
                                   (tx.t("screen.col_rr"), "num"))))
    if sev is not None:
        tests = sev["tests"]
        ok = tests[tests["testable"].astype(bool)]
        items = []
        for r in ok.itertuples(index=False):
            key = "screen.severity_up" if r.odds_ratio > 1 else "screen.severity_down"
            items.append(tx.t(key, article=r.article, before=tx.pct(r.share_before), after=tx.pct(r.share_after),
                              odds=tx.ratio(r.odds_ratio, r.lower, r.upper), p=tx.p(r.p_value), p_bh=tx.p(r.p_bh),
                              p_holm=tx.p(r.p_holm)))
        blocks.append(Text(tx.t("screen.severity_intro") + " " + " ".join(items)))
        rows = []
        for r in tests.itertuples(index=False):
            rows.append({tx.t("screen.col_article"): str(r.article),
                         tx.t("screen.col_share_before"): "" if pd.isna(r.share_before) else
                         f"{tx.pct(r.share_before)} ({tx.pct(r.share_before_lower)}–{tx.pct(r.share_before_upper)})",
                         tx.t("screen.col_share_after"): "" if pd.isna(r.share_after) else
                         f"{tx.pct(r.share_after)} ({tx.pct(r.share_after_lower)}–{tx.pct(r.share_after_upper)})",
                         tx.t("screen.col_odds"): tx.ratio(r.odds_ratio, r.lower, r.upper) if r.testable else "",
                         "p": tx.p(r.p_value), "p (BH)": tx.p(r.p_bh), "p (Holm)": tx.p(r.p_holm),
                         tx.t("screen.col_untestable"): "" if r.testable else _why(r.reason, tx)})
        blocks.append(Table(pd.DataFrame(rows), caption=tx.t("screen.severity_caption"), note=tx.t("screen.severity_note"),
                            kinds=((tx.t("screen.col_article"), "code"),)))
    return Section("screen", tx.t("sections.screen"), 2, tuple(blocks))


def _why(reason: str, tx: Texts) -> str:
    """Why an article cannot be tested, from the engine's reason."""
    import re

    m = re.search(r"(\d+) with convictions before the event and (\d+) from it on, at least (\d+)", reason or "")
    if m:
        return tx.t("screen.untestable_years", before=m.group(1), after=m.group(2), need=m.group(3))
    if "share of imprisonment is 1" in (reason or ""):
        return tx.t("screen.untestable_all")
    return tx.t("common.engine_said", text=tx.cite(reason)) if tx.lang != "en" else reason
