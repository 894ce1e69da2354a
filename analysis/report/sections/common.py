"""Words shared by the section renderers: series titles, labels, break and effect sentences."""
from __future__ import annotations

from typing import Any

import pandas as pd

from .. import analyses as A
from ..compute import ReportResults
from ..config import DatedItem, SeriesSpec
from ..document import Table
from ..texts import Texts


def registry_name(registry: str, tx: Texts) -> str:
    return tx.opt(f"labels.registry.{registry}", registry)


def measure_name(measure: str, tx: Texts) -> str:
    return tx.opt(f"labels.measure.{measure}", measure)


def per_month(measure: str, tx: Texts) -> str:
    return tx.opt(f"labels.per_month.{measure}", measure)


def axis_label(measure: str, tx: Texts) -> str:
    """The y-axis label of a measure: its short form (templates ``labels.axis``) where the legend says more."""
    return tx.opt(f"labels.axis.{measure}", per_month(measure, tx))


def category_name(category: str, tx: Texts) -> str:
    if category == "all":
        return tx.t("labels.category.all")
    prefix, _, value = category.partition(":")
    if prefix == "basis":
        if value == "unknown":
            return tx.t("labels.category.unknown")
        return value.replace("FZ", tx.t("labels.fz_abbr")).replace("ФЗ", tx.t("labels.fz_abbr")).replace(
            "art.", tx.t("labels.article_abbr"))
    return tx.opt(f"labels.category.{value}", value)


def series_title(spec: SeriesSpec, tx: Texts) -> str:
    return tx.t("labels.series_title", registry=cap(registry_name(spec.registry, tx)),
                measure=per_month(spec.measure, tx), category=category_name(spec.category, tx))


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def event_name(item: DatedItem | None, tx: Texts, fallback: str = "") -> str:
    """The name of a law or event in the language (templates ``events.name.<id>``), else its configured name."""
    if item is not None and item.event and tx.has(f"events.name.{item.event}"):
        return tx.t(f"events.name.{item.event}")
    return item.name if item is not None else fallback


def event_short(item: DatedItem, tx: Texts) -> str:
    """The short label drawn on figures (templates ``events.short.<id>``)."""
    if item.event and tx.has(f"events.short.{item.event}"):
        return tx.t(f"events.short.{item.event}")
    return item.label or item.name


def figure_events(items: tuple[DatedItem, ...], tx: Texts,
                  index: pd.Index | None = None) -> list[tuple[pd.Timestamp, str, str]]:
    """``(date, short label, explanation)`` marks of ``items`` inside ``index``, for the plots.

    The label is the short form (an act number); the explanation comes from the law
    calendar (:func:`analysis.plots.marks.explained_marks`), or from the templates'
    name of the event where the calendar has no such id. The plots explain each label
    once, in the figure's caption notes.
    """
    from ...errors import InputError
    from ...plots.marks import explained_marks

    out = []
    for a in items:
        short = event_short(a, tx)
        try:
            mark = explained_marks([(a.date, short, a.event)], lang=tx.lang)[0] if a.event else None
        except InputError:
            mark = None
        if mark is None:
            name = event_name(a, tx)
            mark = (pd.Timestamp(a.date), short, "" if name == short else name)
        out.append(mark)
    if index is not None and len(index):
        lo, hi = index[0].start_time, index[-1].end_time
        out = [m for m in out if lo <= m[0] <= hi]
    return out


def item_for(items: tuple[DatedItem, ...], name: str) -> DatedItem | None:
    return next((i for i in items if i.name == name), None)


def source_line(results: ReportResults, tx: Texts, kind: str = "registries") -> str:
    custom = results.config.source_registries if kind == "registries" else results.config.source_convictions
    return tx.t("figures.source", source=custom or tx.t(f"figures.source_{kind}"))


def engine_note(text: str, tx: Texts) -> str:
    """A message of the modelling engine, which speaks English: quoted as such in other languages."""
    if tx.lang == "en":
        return text
    return tx.t("common.engine_said", text=tx.cite(text))


def describe_breaks(bf: A.BreakFit | None, bayes: A.BayesFit | None, tx: Texts) -> list[str]:
    """Sentences for the breaks of one series (and its posterior when given)."""
    if bf is None:
        return []
    out = []
    if bf.message and not bf.breaks:
        return [tx.t("breaks.not_estimated", why=engine_note(bf.message, tx))]
    if not bf.breaks:
        out.append(tx.t("breaks.none"))
    else:
        items = [tx.t("breaks.item", period=tx.period(b), interval=tx.interval(iv)) for b, iv in zip(bf.breaks, bf.intervals)]
        out.append(tx.n("breaks.found", len(bf.breaks), items="; ".join(items)))
    if bf.pulses:
        out.append(tx.t("breaks.pulses", items="; ".join(
            tx.t("breaks.pulse_item", period=tx.period(p), ratio=tx.num(r)) for p, r in bf.pulses)))
    if bf.message:
        out.append(tx.t("breaks.note", note=engine_note(bf.message, tx)))
    for note in bf.notes:
        out.append(tx.t("breaks.note", note=engine_note(note, tx)))
    if bayes is not None and bayes.break_probability is not None:
        top = bayes.break_probability.sort_values(ascending=False, kind="stable").head(3)
        out.append(tx.t("breaks.bayes_top", items=", ".join(f"{tx.period(p)} ({tx.num(v)})" for p, v in top.items())))
        if bayes.n_breaks_mode is not None:
            out.append(tx.t("breaks.bayes_mode", n=tx.int(bayes.n_breaks_mode)))
            note = getattr(bayes.result, "cap_note", "")
            if note:
                out.append(engine_note(note, tx))
        out.extend(_agreement(bf, bayes, tx))
    elif bayes is not None and bayes.message:
        out.append(tx.t("breaks.bayes_not", why=engine_note(bayes.message, tx)))
    return out


def _agreement(bf: A.BreakFit, bayes: A.BayesFit, tx: Texts) -> list[str]:
    """Whether the posterior's most probable breaks are the search's (within one period), and where not."""
    mapped = tuple(getattr(bayes.result, "map_breaks", ()) or ())
    if bayes.result is None:
        return []
    prob = bayes.break_probability

    def near(p, others):
        return any(abs((p - q).n) <= 1 for q in others)

    lost = [b for b in bf.breaks if not near(b, mapped)]
    extra = [b for b in mapped if not near(b, bf.breaks)]
    if not lost and not extra:
        return [tx.t("breaks.bayes_agree")] if bf.breaks else []
    items = []
    for b in lost:
        mass = float(sum(prob.get(b + k, 0.0) for k in (-1, 0, 1)))
        items.append(tx.t("breaks.bayes_lost", period=tx.period(b), p=tx.num(mass)))
    for b in extra:
        mass = float(sum(prob.get(b + k, 0.0) for k in (-1, 0, 1)))
        items.append(tx.t("breaks.bayes_extra", period=tx.period(b), p=tx.num(mass)))
    return [tx.t("breaks.bayes_differ", items="; ".join(items))]


def is_dynamic(mf: A.ModelFit) -> bool:
    res = mf.result
    return res.kind == "ingarch" or bool(getattr(res.spec, "ar", 0))


def spec_label(spec: Any, tx: Texts) -> str:
    """A specification (seasonality, dynamics, trend, pulses, basis) in words."""
    season = tx.t(f"spec.season.{spec.seasonality or 'none'}")
    dyn = tx.t(f"spec.dynamics.{spec.dynamics}")
    trend = tx.t(f"spec.trend.{spec.trend}")
    pul = tx.t("spec.pulses.auto" if spec.pulses == "auto" else "spec.pulses.none")
    basis = "" if spec.basis == "default" else ", " + tx.t("spec.basis", basis=tx.code(spec.basis))
    return f"{season}, {dyn}, {trend}, {pul}{basis}"


def spec_from_row(row: Any) -> Any:
    """The :class:`~analysis.models.Specification` of a candidates or sensitivity row (its label fills gaps)."""
    from ...models import Specification

    label = str(row.get("label", ""))

    def field(name: str, default: str) -> str:
        v = row.get(name, None)
        return v if isinstance(v, str) and v else default
    season = field("seasonality", "none")
    trend = field("trend", "none" if "no trend" in label else "segmented" if "segmented" in label else "linear")
    pulses = field("pulses", "none" if "no pulse terms" in label else "auto")
    return Specification(None if season == "none" else season, field("dynamics", "none"), trend,
                         None if pulses == "none" else pulses, field("basis", "default"))


def effect_meaning(mf: A.ModelFit, e: A.Effect, item: DatedItem | None, tx: Texts) -> str:
    """What the rate ratio of ``e`` means in its model, in the language (from the model's own specification)."""
    res = mf.result
    spec = res.spec
    iv = spec.interventions.get(e.name) if hasattr(spec, "interventions") else None
    shape = item.shape if item is not None else "step"
    lag = int(getattr(iv, "lag", 0) or (item.lag if item is not None else 0))
    parts = [tx.t(f"effects.what.{shape}")]
    if lag:
        parts.append(tx.n("effects.lag", lag))
    parts.append(tx.t("effects.rel_trend" if spec.trend == "linear" else "effects.rel_level"))
    if spec.seasonality:
        parts.append(tx.t("effects.rel_season"))
    if res.kind == "ingarch":
        parts.append(tx.t("effects.immediate_ingarch"))
    elif spec.ar:
        parts.append(tx.t("effects.immediate_ar"))
    return ", ".join(parts)


def effect_caveat(mf: A.ModelFit, e: A.Effect, item: DatedItem | None, tx: Texts, alpha: float) -> str:
    """The sentence printed wherever the effect appears: meaning, long run, robustness, placebo."""
    parts = [effect_meaning(mf, e, item, tx)]
    if is_dynamic(mf):
        if e.long_run is not None:
            parts.append(tx.t("effects.long_run", ratio=tx.ratio(*e.long_run)))
        elif e.long_run_status:
            parts.append(tx.t("effects.long_run_not", why=engine_note(e.long_run_status, tx)))
    if e.min_rr is not None:
        parts.append(tx.t("effects.fragile_range" if e.fragile else "effects.robust_range",
                          lo=tx.num(e.min_rr), hi=tx.num(e.max_rr)))
    pl = None
    if mf.analysis is not None:
        pl = mf.analysis.placebo.get(e.name)
    if pl is not None:
        if pl.n_placebo == 0:
            parts.append(tx.t("effects.placebo_none"))
        elif pl.min_pvalue > alpha:
            parts.append(tx.n("effects.placebo_uninformative", pl.n_placebo, p=tx.num(pl.pvalue),
                              min=tx.num(pl.min_pvalue)))
        else:
            parts.append(tx.n("effects.placebo", pl.n_placebo, p=tx.p(pl.pvalue)))
    return "; ".join(parts) + "."


def effects_table(mf: A.ModelFit, items: tuple[DatedItem, ...], tx: Texts, alpha: float) -> Table:
    dynamic = is_dynamic(mf)
    level = tx.pct(1 - alpha)
    col_rr = tx.t("effects.col_rr_immediate" if dynamic else "effects.col_rr", level=level)
    rows = []
    for e in mf.effects:
        item = item_for(items, e.name)
        excess = ""
        if e.excess is not None:
            excess = tx.num(e.excess, 0) + (f" ({tx.num(e.excess_lower, 0)} … {tx.num(e.excess_upper, 0)})"
                                            if e.excess_lower is not None else "")
            if not e.excess_informative:
                excess += "; " + tx.t("effects.excess_not_informative")
        long_run = (tx.ratio(*e.long_run) if e.long_run is not None else
                    (tx.t("effects.long_run_not", why=engine_note(e.long_run_status, tx)) if e.long_run_status else ""))
        spread = ""
        if e.min_rr is not None:
            spread = f"{tx.num(e.min_rr)}–{tx.num(e.max_rr)}; " + tx.t("effects.fragile" if e.fragile else "effects.robust")
        placebo = ""
        if e.placebo_pvalue is not None:
            placebo = tx.p(e.placebo_pvalue)
            if (e.placebo_min_pvalue or 0) > alpha:
                placebo += " " + tx.t("effects.placebo_floor", min=tx.num(e.placebo_min_pvalue, 2))
        rows.append({tx.t("effects.col_event"): event_name(item, tx, e.name),
                     tx.t("effects.col_from"): tx.date(e.date),
                     col_rr: tx.ratio(e.rate_ratio, e.lower, e.upper),
                     tx.t("effects.col_long_run"): long_run if dynamic else tx.t("effects.same"),
                     tx.t("effects.col_p"): tx.p(e.pvalue), tx.t("effects.col_spread"): spread,
                     tx.t("effects.col_placebo"): placebo, tx.t("effects.col_excess"): excess})
    d = mf.diagnostics
    note = []
    if "theta" in d:
        if d.get("alpha", 1.0) < 1e-4:
            note.append(tx.t("effects.note_no_overdispersion"))
        else:
            note.append(tx.t("effects.note_theta", theta=tx.num(d["theta"]), alpha=tx.num(d.get("alpha"), 3)))
    if "overdispersion_pvalue" in d:
        note.append(tx.t("effects.note_overdispersion", p=tx.p(d["overdispersion_pvalue"])))
    if "ljung_box_pvalue" in d:
        note.append(tx.t("effects.note_ljung_box", p=tx.p(d["ljung_box_pvalue"])))
    if "aic" in d:
        note.append(tx.t("effects.note_aic", aic=tx.num(d["aic"], 1)))
    for e in mf.effects:
        if e.date_source.startswith("override"):
            item = item_for(items, e.name)
            note.append(tx.t("effects.note_override", event=event_name(item, tx, e.name),
                             reason=tx.opt(f"events.override.{item.event}" if item else "",
                                           engine_note(item.reason if item else e.date_source, tx))))
    return Table(pd.DataFrame(rows), caption=tx.t("effects.caption"), note="; ".join(note))


def specification_blocks(mf: A.ModelFit, tx: Texts) -> list:
    """The chosen specification, why (the rule), and the candidates."""
    from ..document import Text

    an, res = mf.analysis, mf.result
    blocks: list = []
    if an is not None:
        by_rule = an.meta["options"]["chosen_by_rule"]
        chosen = spec_label(an.choice.chosen, tx) if by_rule else tx.t("models.fixed")
        cand = an.choice.candidates
        ok = cand[cand["status"] == ""]
        passing = ok[ok["passes"].astype(bool)] if "passes" in ok else ok
        blocks.append(Text(tx.t("models.chosen", spec=chosen) + " " + tx.t(
            "models.why_rule", n=tx.int(len(cand)), n_pass=tx.int(len(passing)))))
        rows = []
        for _, r in cand.iterrows():
            rows.append({tx.t("models.col_candidate"): spec_label(spec_from_row(r), tx),
                         "AICc": tx.num(r["aicc"], 1), tx.t("models.col_ljung_box"): tx.p(r["ljung_box_pvalue"]),
                         tx.t("models.col_pulses"): tx.int(r["n_pulses"]),
                         tx.t("models.col_status"): engine_note(r["status"], tx) if r["status"] else "",
                         tx.t("models.col_chosen"): tx.t("models.chosen_mark") if r["chosen"] else ""})
        blocks.append(Table(pd.DataFrame(rows), caption=tx.t("models.candidates_caption")))
    if res.pulses:
        blocks.append(Text(tx.t("models.pulses", items=", ".join(tx.period(p) for p in res.pulses))))
    return blocks


def describe_effects(mf: A.ModelFit, items: tuple[DatedItem, ...], tx: Texts, alpha: float,
                     annual: bool = False) -> str:
    if not mf.effects:
        return tx.t("models.no_effect")
    parts = []
    for e in mf.effects:
        item = item_for(items, e.name)
        change = (e.rate_ratio - 1) * 100
        key = ("models.effect_higher" if change >= 0 else "models.effect_lower") + ("_annual" if annual else "")
        parts.append(tx.t(key, event=event_name(item, tx, e.name), date=tx.date(e.date), pct=tx.num(abs(change), 0),
                          ratio=tx.ratio(e.rate_ratio, e.lower, e.upper),
                          meaning=effect_caveat(mf, e, item, tx, alpha)))
        if e.fragile:
            parts.append(tx.t("models.fragile_label"))
    return " ".join(parts)
