"""Report configuration: which series, models, penalties, periods and headlines.

The configuration is a TOML file; :data:`DEFAULT_CONFIG` (``analysis/config/default.toml``)
produces the standard report. Every option that changes a number is named here, so a
report can be reproduced from its configuration and the processed data alone.

A series lists as estimable *interventions* only the laws with enough months on both
sides inside its coverage and far enough from each other to be told apart; the other
laws of the calendar are *annotations* (drawn on figures, not estimated).

Interventions and annotations refer to the law calendar by ``event`` id: the date is the
calendar's date in force and the name its English title, unless the item gives ``date``
— an override, which must then carry a ``reason`` (for example, for a law whose in-force
date the calendar leaves empty for want of a citation).
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError

DEFAULT_CONFIG = Path(__file__).resolve().parents[1] / "config" / "default.toml"

SHAPES = ("step", "pulse", "ramp")
COSTS = ("poisson", "negbin", "normal_mean", "normal_meanvar")
METHODS = ("pelt", "binseg")
PENALTIES = ("bic", "mbic", "aic")
FAMILIES = ("poisson", "negbin")
BREAKDOWNS = ("kind", "category", "basis")


@dataclass(frozen=True)
class DatedItem:
    """A dated law or event: an estimable intervention or an annotation."""

    name: str
    date: str
    shape: str = "step"
    lag: int = 0
    label: str = ""
    event: str = ""
    registries: tuple[str, ...] = ()
    reason: str = ""
    date_source: str = ""

    @property
    def short(self) -> str:
        """Short label for figures (``label`` if given, else ``name``)."""
        return self.label or self.name


@dataclass(frozen=True)
class ChangepointOptions:
    """Options of the change-point search and its uncertainty."""

    cost: str = "negbin"
    method: str = "pelt"
    penalty: str | float = "mbic"
    min_size: int = 3
    conf_int_draws: int = 99
    bayes_max_breaks: int | None = 6


@dataclass(frozen=True)
class ModelOptions:
    """Options of the count regression."""

    family: str = "negbin"
    trend: str | None = "linear"
    seasonality: str | None = "month"
    exposure: str | None = None
    ar: int = 0
    counterfactual_draws: int = 1000
    min_side: int = 12
    min_gap: int = 9
    pulses: str | None = "auto"
    specification: str = "rule"
    sensitivity: bool = True
    placebo_max_dates: int | None = 40
    bootstrap: int = 199


@dataclass(frozen=True)
class SeriesSpec:
    """One monthly series of the report and what is done with it."""

    id: str
    registry: str
    measure: str = "inclusions"
    category: str = "all"
    title: str = ""
    stock: bool = True
    breakdowns: tuple[str, ...] = ()
    start: str | None = None
    end: str | None = None
    drop_incomplete: bool = True
    changepoints: bool = True
    bayes: bool = True
    cost: str | None = None
    count_model: bool = False
    ar: int | None = None
    interventions: tuple[DatedItem, ...] = ()
    sensitivity_bases: tuple[str, ...] = ()

    def ar_order(self, model: ModelOptions) -> int:
        """Autoregressive order of this series' count model (its own ``ar``, else ``[count_model].ar``)."""
        return model.ar if self.ar is None else self.ar


@dataclass(frozen=True)
class ConvictionOptions:
    """Annual convictions: which articles are modelled and which only described."""

    articles: tuple[str, ...] = ("275", "205.2", "280", "282")
    described: tuple[str, ...] = ()
    charge: str = "main"
    min_years_for_breaks: int = 10
    min_size: int = 2
    cost: str = "negbin"
    family: str = "negbin"
    trend: str | None = "linear"
    interventions: tuple[DatedItem, ...] = ()
    article_interventions: tuple[tuple[str, tuple[DatedItem, ...]], ...] = ()

    def interventions_for(self, article: str) -> tuple[DatedItem, ...]:
        """The interventions of every article, then those of ``article`` alone."""
        extra = dict(self.article_interventions).get(article, ())
        return (*self.interventions, *extra)


@dataclass(frozen=True)
class ScreenOptions:
    """The section "What else changed": how many top changes, by which adjustment, and the severity articles."""

    top: int = 15
    method: str = "bh"
    charges: tuple[str, ...] = ()
    severity_articles: tuple[str, ...] = ("207.3", "280.3", "280.4", "284.1", "275", "275.1", "276", "205.2",
                                          "280", "282")


@dataclass(frozen=True)
class Headline:
    """A published headline figure and the rule that computes ours beside it."""

    label: str
    published: float
    source: str
    registry: str
    rule: str
    start: str = ""
    end: str = ""
    reason: str = ""
    url: str = ""
    id: str = ""


#: Published figures the report sets beside its own counts, with their sources (one row each).
PUBLISHED_HEADLINES = Path(__file__).resolve().parents[1] / "data" / "published_headlines.csv"


def published_headline(path: str, figure: str) -> Headline:
    """The published figure ``figure`` of :data:`PUBLISHED_HEADLINES`."""
    import csv

    with PUBLISHED_HEADLINES.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["id"] == figure:
                return Headline(label=row["label"], published=float(row["published"]), source=row["source"],
                                registry=row["registry"], rule=row["rule"], start=row["start"], end=row["end"],
                                reason=row["reason"], url=row["url"], id=row["id"])
    raise _fail(path, f"no published figure {figure!r} in {PUBLISHED_HEADLINES.name}")


@dataclass(frozen=True)
class ReportConfig:
    """Everything a report run needs besides the processed data."""

    title: str = ""
    lang: str = "en"
    figure_format: str = "svg"
    alpha: float = 0.05
    seed: int = 20250101
    source_registries: str = ""
    source_convictions: str = ""
    headline_year: int | None = None
    build_stamp: str = ""
    changepoint: ChangepointOptions = field(default_factory=ChangepointOptions)
    model: ModelOptions = field(default_factory=ModelOptions)
    series: tuple[SeriesSpec, ...] = ()
    convictions: ConvictionOptions = field(default_factory=ConvictionOptions)
    annotations: tuple[DatedItem, ...] = ()
    headlines: tuple[Headline, ...] = ()
    screen: ScreenOptions = field(default_factory=ScreenOptions)
    path: str = ""


def _fail(path: str, msg: str) -> InputError:
    return InputError(path, msg)


def _check_keys(path: str, where: str, table: dict[str, Any], allowed: set[str]) -> None:
    extra = sorted(set(table) - allowed)
    if extra:
        raise _fail(path, f"unknown key(s) in {where}: {', '.join(extra)}")


class _Calendar:
    """The law calendar's rows by event id, built on first use (the file itself is read once per
    process by :func:`analysis.events.load_events`): a lookup per dated item instead of a frame filter."""

    def __init__(self) -> None:
        self._rows: dict[str, dict[str, Any]] | None = None

    def row(self, event: str) -> dict[str, Any] | None:
        """The calendar's row of ``event`` (column → value), or None when it has no such event."""
        if self._rows is None:
            from ..events import load_events

            frame = load_events()
            # ids are unique (load_events refuses duplicates)
            self._rows = {r["id"]: r for r in frame.to_dict(orient="records")}
        return self._rows.get(event)


def _dated(path: str, where: str, items: Any, calendars: _Calendar) -> tuple[DatedItem, ...]:
    out = []
    for i, it in enumerate(items or []):
        if not isinstance(it, dict):
            raise _fail(path, f"{where}[{i}] must be a table")
        _check_keys(path, f"{where}[{i}]", it, {"name", "date", "shape", "lag", "label", "event",
                                                   "registries", "reason"})
        shape = str(it.get("shape", "step"))
        if shape not in SHAPES:
            raise _fail(path, f"{where}[{i}]: shape must be one of {SHAPES}, not {shape!r}")
        event = str(it.get("event", ""))
        name, date = it.get("name"), it.get("date")
        reason = str(it.get("reason", "")).strip()
        source = "given"
        if event:
            row = calendars.row(event)
            if row is None:
                raise _fail(path, f"{where}[{i}]: no event {event!r} in the law calendar")
            in_force = None if row["date_in_force"] is None or str(row["date_in_force"]) == "NaT" else \
                row["date_in_force"].date().isoformat()
            if date is None:
                if in_force is None:
                    note = f" ({row['date_note']})" if row.get("date_note") else ""
                    raise _fail(path, f"{where}[{i}]: event {event!r} has no date in force in the calendar{note}; "
                                      f"give 'date' with its 'reason'")
                date, source = in_force, "calendar (date in force)"
            elif str(date) != in_force:
                if not reason:
                    raise _fail(path, f"{where}[{i}]: the date {date} overrides the calendar's date in force of "
                                      f"{event!r} ({in_force or 'not recorded'}) and needs a 'reason'")
                source = f"override of the calendar: {reason}"
            else:
                source = "calendar (date in force)"
            if not name:
                number = row["act_number"].replace("-FZ", "-ФЗ") if row["act_number"] else ""
                name = f"{row['title_en']} ({number})" if number else row["title_en"]
        elif name is None or date is None:
            raise _fail(path, f"{where}[{i}] needs 'event', or 'name' and 'date'")
        out.append(DatedItem(name=str(name), date=str(date), shape=shape,
                             lag=int(it.get("lag", 0)), label=str(it.get("label", "")),
                             event=event, registries=tuple(str(r) for r in it.get("registries", ())),
                             reason=reason, date_source=source))
    return tuple(out)


def _choice(path: str, where: str, value: Any, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise _fail(path, f"{where} must be one of {', '.join(allowed)}, not {value!r}")
    return str(value)


def _none(value: Any) -> Any:
    return None if value in ("", "none", None) else value


def _year(path: str, value: Any) -> int | None:
    """``headline_year``: a year, or "latest" (the latest complete year in the data)."""
    if value in ("latest", "", None):
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail(path, f"[report] headline_year must be a year or \"latest\", not {value!r}")
    return int(value)


def config_from_dict(raw: dict[str, Any], *, path: str = "<config>") -> ReportConfig:
    """Validate a parsed TOML document and build a :class:`ReportConfig`.

    Raises
    ------
    InputError
        Naming the file and the offending key.
    """
    calendar = _Calendar()
    _check_keys(path, "the top level", raw,
                {"report", "changepoint", "count_model", "series", "convictions", "annotations",
                 "headlines", "screen"})
    rep = dict(raw.get("report", {}))
    _check_keys(path, "[report]", rep, {"title", "lang", "figure_format", "alpha", "seed",
                                        "source_registries", "source_convictions",
                                        "headline_year", "build_stamp"})
    cp = dict(raw.get("changepoint", {}))
    _check_keys(path, "[changepoint]", cp, {"cost", "method", "penalty", "min_size", "conf_int_draws",
                                            "bayes_max_breaks"})
    penalty = cp.get("penalty", "mbic")
    if not isinstance(penalty, (int, float)):
        penalty = _choice(path, "[changepoint] penalty", penalty, PENALTIES)
    cpo = ChangepointOptions(
        cost=_choice(path, "[changepoint] cost", cp.get("cost", "negbin"), COSTS),
        method=_choice(path, "[changepoint] method", cp.get("method", "pelt"), METHODS),
        penalty=penalty,
        min_size=int(cp.get("min_size", 3)),
        conf_int_draws=int(cp.get("conf_int_draws", 99)),
        bayes_max_breaks=_none(cp.get("bayes_max_breaks", 6)),
    )
    cm = dict(raw.get("count_model", {}))
    _check_keys(path, "[count_model]", cm, {"family", "trend", "seasonality", "exposure", "ar",
                                              "counterfactual_draws", "min_side", "min_gap", "pulses",
                                              "specification", "sensitivity", "placebo_max_dates", "bootstrap"})
    mo = ModelOptions(
        family=_choice(path, "[count_model] family", cm.get("family", "negbin"), FAMILIES),
        trend=_none(cm.get("trend", "linear")),
        seasonality=_none(cm.get("seasonality", "month")),
        exposure=_none(cm.get("exposure")),
        ar=int(cm.get("ar", 0)),
        counterfactual_draws=int(cm.get("counterfactual_draws", 1000)),
        min_side=int(cm.get("min_side", 12)),
        min_gap=int(cm.get("min_gap", 9)),
        pulses=_none(_choice(path, "[count_model] pulses", cm.get("pulses", "auto"), ("auto", "none"))),
        specification=_choice(path, "[count_model] specification", cm.get("specification", "rule"),
                              ("rule", "fixed")),
        sensitivity=bool(cm.get("sensitivity", True)),
        placebo_max_dates=_none(cm.get("placebo_max_dates", 40)),
        bootstrap=int(cm.get("bootstrap", 199)),
    )
    series = []
    seen: set[str] = set()
    for i, s in enumerate(raw.get("series", [])):
        where = f"[[series]] #{i + 1}"
        _check_keys(path, where, s, {"id", "registry", "measure", "category", "title", "stock",
                                     "breakdowns", "start", "end", "drop_incomplete", "changepoints", "bayes",
                                     "cost", "count_model", "ar", "interventions", "sensitivity_bases"})
        for key in ("id", "registry"):
            if key not in s:
                raise _fail(path, f"{where} needs {key!r}")
        if s["id"] in seen:
            raise _fail(path, f"{where}: duplicate id {s['id']!r}")
        seen.add(s["id"])
        for b in s.get("breakdowns", []):
            _choice(path, f"{where} breakdowns", b, BREAKDOWNS)
        cost = s.get("cost")
        if cost is not None:
            _choice(path, f"{where} cost", cost, COSTS)
        ar = s.get("ar")
        if ar is not None and (isinstance(ar, bool) or not isinstance(ar, int) or ar < 0):
            raise _fail(path, f"{where}: ar must be a non-negative integer, not {ar!r}")
        series.append(SeriesSpec(
            id=str(s["id"]), registry=_choice(path, f"{where} registry", s["registry"],
                                              ("foreign_agents", "undesirable")),
            measure=_choice(path, f"{where} measure", s.get("measure", "inclusions"),
                            ("inclusions", "exclusions", "net", "active")),
            category=str(s.get("category", "all")), title=str(s.get("title", "")),
            stock=bool(s.get("stock", True)), breakdowns=tuple(s.get("breakdowns", [])),
            start=_none(s.get("start")), end=_none(s.get("end")),
            drop_incomplete=bool(s.get("drop_incomplete", True)),
            changepoints=bool(s.get("changepoints", True)), bayes=bool(s.get("bayes", True)), cost=cost,
            count_model=bool(s.get("count_model", False)), ar=ar,
            interventions=_dated(path, f"{where} interventions", s.get("interventions"), calendar),
            sensitivity_bases=tuple(str(b) for b in s.get("sensitivity_bases", [])),
        ))
    cv = dict(raw.get("convictions", {}))
    _check_keys(path, "[convictions]", cv, {"articles", "described", "charge", "min_years_for_breaks",
                                             "min_size", "cost", "family", "trend", "interventions",
                                             "article_interventions"})
    per_article = cv.get("article_interventions", {})
    if not isinstance(per_article, dict):
        raise _fail(path, "[convictions] article_interventions must be a table of article = [interventions]")
    co = ConvictionOptions(
        articles=tuple(str(a) for a in cv.get("articles", ("275", "205.2", "280", "282"))),
        described=tuple(str(a) for a in cv.get("described", ())),
        charge=_choice(path, "[convictions] charge", cv.get("charge", "main"), ("main", "additional", "all")),
        min_years_for_breaks=int(cv.get("min_years_for_breaks", 10)),
        min_size=int(cv.get("min_size", 2)),
        cost=_choice(path, "[convictions] cost", cv.get("cost", "negbin"), COSTS),
        family=_choice(path, "[convictions] family", cv.get("family", "negbin"), FAMILIES),
        trend=_none(cv.get("trend", "linear")),
        interventions=_dated(path, "[convictions] interventions", cv.get("interventions"), calendar),
        article_interventions=tuple((str(a), _dated(path, f"[convictions] article_interventions.{a}", v, calendar))
                                    for a, v in sorted(per_article.items())),
    )
    heads = []
    for i, h in enumerate(raw.get("headlines", [])):
        where = f"[[headlines]] #{i + 1}"
        _check_keys(path, where, h, {"figure", "label", "published", "source", "registry", "rule", "start",
                                     "end", "reason", "url"})
        if "figure" in h:
            if set(h) != {"figure"}:
                raise _fail(path, f"{where}: 'figure' names a published figure; give no other key")
            heads.append(published_headline(path, str(h["figure"])))
            continue
        for key in ("label", "published", "source", "registry", "rule"):
            if key not in h:
                raise _fail(path, f"{where} needs {key!r}")
        heads.append(Headline(label=str(h["label"]), published=float(h["published"]),
                              source=str(h["source"]), registry=str(h["registry"]),
                              rule=_choice(path, f"{where} rule", h["rule"], ("cumulative_to", "inclusions_between")),
                              start=str(h.get("start", "")), end=str(h.get("end", "")),
                              reason=str(h.get("reason", "")), url=str(h.get("url", ""))))
    scr = dict(raw.get("screen", {}))
    _check_keys(path, "[screen]", scr, {"top", "method", "charges", "severity_articles"})
    screen = ScreenOptions(
        top=int(scr.get("top", 15)), method=_choice(path, "[screen] method", scr.get("method", "bh"), ("bh", "holm")),
        charges=tuple(_choice(path, "[screen] charges", c, ("main", "additional", "all")) for c in scr.get("charges", ())),
        severity_articles=tuple(str(a) for a in scr.get("severity_articles", ScreenOptions.severity_articles)))
    lang = _choice(path, "[report] lang", rep.get("lang", "en"), ("en", "ru"))
    fmt = _choice(path, "[report] figure_format", rep.get("figure_format", "svg"), ("svg", "png"))
    alpha = float(rep.get("alpha", 0.05))
    if not 0 < alpha < 1:
        raise _fail(path, f"[report] alpha must be in (0, 1), not {alpha}")
    return ReportConfig(
        title=str(rep.get("title", ReportConfig.title)), lang=lang, figure_format=fmt, alpha=alpha,
        seed=int(rep.get("seed", 20250101)),
        source_registries=str(rep.get("source_registries", ReportConfig.source_registries)),
        source_convictions=str(rep.get("source_convictions", ReportConfig.source_convictions)),
        headline_year=_year(path, rep.get("headline_year", "latest")),
        build_stamp=str(rep.get("build_stamp", "")),
        changepoint=cpo, model=mo, series=tuple(series), convictions=co,
        annotations=_dated(path, "[[annotations]]", raw.get("annotations"), calendar),
        headlines=tuple(heads), screen=screen, path=path,
    )


def load_config(path: str | Path | None = None) -> ReportConfig:
    """Read and validate a report configuration (the committed default when ``path`` is None).

    Raises
    ------
    InputError
        When the file is missing, is not valid TOML, or has unknown or invalid keys.
    """
    p = Path(path) if path is not None else DEFAULT_CONFIG
    try:
        raw = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(str(p), "configuration file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(str(p), f"not valid TOML ({exc})") from None
    return config_from_dict(raw, path=str(p))
