"""The summary at the top of the report, from the computed results."""
from __future__ import annotations

import pandas as pd

from ..compute import ReportResults
from ..document import Bullets, Section
from ..texts import Texts
from .common import cap, effect_caveat, event_name, is_dynamic, item_for, registry_name
from .headlines import _reason


def render_summary(results: ReportResults, tx: Texts) -> Section:
    """What the report finds, in a few sentences, each with its caveat."""
    items = []
    year = results.headline_year
    alpha = results.config.alpha
    for s in results.series:
        spec = s.spec
        if spec.measure != "inclusions" or spec.category != "all":
            continue
        reg = cap(registry_name(spec.registry, tx))
        y = s.y_full
        if year is not None:
            yr = y[y.index.year == year]
            if len(yr) == 12 and yr.notna().all():
                txt = tx.t("summary.year", registry=reg, year=year, n=tx.n("counts.inclusions", float(yr.sum())))
                prev = y[y.index.year == year - 1]
                if len(prev) == 12 and prev.notna().all():
                    txt += tx.t("summary.year_prev", prev_year=year - 1, prev=tx.int(prev.sum()))
                end = pd.Period(f"{year}-12", "M")
                if s.stock is not None and s.stock_observable and end in s.stock.index and pd.notna(s.stock[end]):
                    txt += tx.t("summary.stock", n=tx.int(s.stock[end]), year=year)
                items.append(txt + ".")
        bf = s.breaks
        if bf is not None and bf.breaks:
            items.append(tx.t("summary.breaks", registry=reg, items=", ".join(
                f"{tx.period(b)} ({tx.interval(iv)})" for b, iv in zip(bf.breaks, bf.intervals))))
        mf = s.model
        if mf is not None and mf.effects:
            best = max(mf.effects, key=lambda e: (e.rate_ratio, e.name))
            item = item_for(spec.interventions, best.name)
            items.append(tx.t("summary.effect_immediate" if is_dynamic(mf) else "summary.effect", registry=reg,
                              event=event_name(item, tx, best.name), date=tx.date(best.date),
                              ratio=tx.ratio(best.rate_ratio, best.lower, best.upper))
                         + (" " + tx.t("summary.fragile") if best.fragile else "")
                         + " " + cap(effect_caveat(mf, best, item, tx, alpha)))
    for h in results.headlines:
        if h.ours is None:
            continue
        label = tx.opt(f"headlines.label.{h.headline.id}", h.headline.label) if h.headline.id else h.headline.label
        key = "summary.headline_same" if h.agrees else "summary.headline_differs"
        items.append(tx.t(key, figure=label, published=tx.int(h.headline.published), source=tx.cite(h.headline.source),
                          ours=tx.int(h.ours), reason=_reason(h, results, tx)))
    for c in results.convictions:
        mf = c.model
        if mf is None:
            continue
        for e in mf.effects:
            item = item_for(c.interventions, e.name)
            items.append(tx.t("summary.conviction", article=c.article, ratio=tx.ratio(e.rate_ratio, e.lower, e.upper),
                              event=event_name(item, tx, e.name))
                         + (" " + tx.t("summary.fragile") if e.fragile else "")
                         + " " + cap(effect_caveat(mf, e, item, tx, alpha)))
    if not items:
        items.append(tx.t("summary.nothing"))
    return Section("summary", tx.t("sections.summary"), 2, (Bullets(tuple(items)),))
