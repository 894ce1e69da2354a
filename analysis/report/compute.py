"""Compute once, then render: every number of the report in one frozen record.

:func:`compute` reads nothing but its arguments (the configuration and the processed
inputs), runs every search and fit the report shows exactly once, and returns a
:class:`ReportResults`. The section renderers (:mod:`analysis.report.sections`) read that
record and a language's templates; they compute nothing that costs more than a sum, and
share no state. Two languages are rendered from one :class:`ReportResults`.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .. import processed as P
from ..errors import InputError
from ..registries import REGISTRIES
from ..results import package_version
from . import analyses as A
from .config import DatedItem, Headline, ReportConfig, SeriesSpec
from .inputs import Inputs
from .progress import Progress


@dataclass(frozen=True)
class Variant:
    """One counting choice of a series: its key (``dropped``, ``kept`` or a date basis) and its breaks."""

    key: str
    y: pd.Series | None
    breaks: A.BreakFit | None


@dataclass(frozen=True)
class SeriesResult:
    """Everything computed for one configured monthly series."""

    spec: SeriesSpec
    y: pd.Series
    y_full: pd.Series
    stock: pd.Series | None
    stock_observable: bool
    breakdowns: tuple[tuple[str, pd.DataFrame], ...]
    annotations: tuple[DatedItem, ...]
    breaks: A.BreakFit | None
    bayes: A.BayesFit | None
    poisson_breaks: A.BreakFit | None
    model: A.ModelFit | None
    december: pd.DataFrame | None
    calendar_status: pd.DataFrame | None
    variants: tuple[Variant, ...]


@dataclass(frozen=True)
class ConvictionResult:
    """One modelled article: main and additional charge, the series modelled, breaks and model."""

    article: str
    main: pd.Series
    additional: pd.Series
    y: pd.Series
    breaks: A.BreakFit | None
    model: A.ModelFit | None
    interventions: tuple[DatedItem, ...]


@dataclass(frozen=True)
class HeadlineResult:
    """A published figure and ours: ``how`` is a template key, ``how_values`` its values."""

    headline: Headline
    ours: float | None
    how: str
    how_values: tuple[tuple[str, str], ...]

    @property
    def agrees(self) -> bool:
        return self.ours is not None and float(self.ours) == float(self.headline.published)


@dataclass(frozen=True)
class ReportResults:
    """The frozen record of one report: configuration, inputs' facts, and every result."""

    config: ReportConfig
    config_text: str
    config_name: str
    data_dir_name: str
    build_info: dict[str, Any]
    version: str
    commit: str | None
    build_stamp: str | None
    headline_year: int | None
    headline_year_rule: str
    snapshots: tuple[tuple[str, str], ...]
    registry_starts: tuple[tuple[str, str, str], ...]
    series: tuple[SeriesResult, ...]
    convictions: tuple[ConvictionResult, ...]
    conviction_years: tuple[int, int] | None
    described: pd.DataFrame | None
    missing_articles: tuple[str, ...]
    headlines: tuple[HeadlineResult, ...]
    published_convictions: pd.DataFrame | None
    calendar: pd.DataFrame | None
    rejects: pd.DataFrame | None
    reconciliation: pd.DataFrame | None
    catalogue: pd.DataFrame
    versions: tuple[tuple[str, str], ...]
    vintages: dict[str, pd.DataFrame]
    screen: pd.DataFrame | None
    screen_meta: dict[str, Any]
    screen_top: pd.DataFrame | None
    severity: dict[str, pd.DataFrame] | None
    #: :func:`results_key` of a cached record (empty when computed without the cache).
    key: str = ""

    def series_by_id(self, sid: str) -> SeriesResult:
        return next(s for s in self.series if s.spec.id == sid)


# ----------------------------------------------------------------------------- parallel

def effective_jobs(n_jobs: int | None) -> int:
    """The number of processes ``n_jobs`` asks for: joblib's convention (``-1`` all cores, ``-2`` all but one).

    Raises
    ------
    InputError
        When ``n_jobs`` is 0 or not a whole number.
    """
    if n_jobs is None:
        return 1
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, (int, np.integer)) or int(n_jobs) == 0:
        raise InputError("n_jobs", f"the number of workers must be a non-zero whole number, not {n_jobs!r}")
    n = int(n_jobs)
    cpus = os.cpu_count() or 1
    return max(1, n if n > 0 else cpus + 1 + n)


def map_jobs(fn: Callable[[Any], Any], jobs: Sequence[Any], n_jobs: int | None = 1) -> list[Any]:
    """``[fn(job) for job in jobs]``, through :class:`joblib.Parallel` when ``n_jobs`` asks for more than one process.

    The screen's mechanism (:func:`analysis.screening.screen`): each job is a pure
    function of what it is given (no global state, random draws only from seeds it
    carries), so its answer is the same in this process or in a worker; the answers
    come back in the order of ``jobs``. With one process (or one job) nothing is
    started and the jobs run here, one after another.

    Notes
    -----
    Where the platform's default is to fork (Linux), the workers are forked from this process
    (joblib's ``"multiprocessing"`` backend): they start with the toolkit, matplotlib
    and the compiled kernels already loaded, in a fraction of a second, where a fresh
    interpreter (joblib's default ``"loky"``, used elsewhere) spends seconds importing
    them, longer than most reports' jobs take. An enclosing
    :func:`joblib.parallel_config` with a backend chooses the backend instead.
    """
    n = effective_jobs(n_jobs)
    if n == 1 or len(jobs) <= 1:
        return [fn(job) for job in jobs]
    from joblib import Parallel, delayed

    n = min(n, len(jobs))
    threads = max(1, (os.cpu_count() or 1) // n)  # as joblib's own workers do: no more threads than cores
    return list(Parallel(n_jobs=n, batch_size=1, backend=_backend())(
        delayed(_limited)(fn, job, threads) for job in jobs))


def _limited(fn: Callable[[Any], Any], job: Any, threads: int) -> Any:
    """``fn(job)`` with at most ``threads`` threads in the numerical libraries of this (worker) process."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl comes with the scientific stack
        return fn(job)
    with threadpool_limits(limits=threads):
        return fn(job)


def _backend() -> str | None:
    """``"multiprocessing"`` (forked workers) where fork exists and no backend is configured, else None (joblib's choice)."""
    import multiprocessing

    from joblib import parallel as jp

    config = getattr(getattr(jp, "_backend", None), "config", None) or {}
    chosen = config.get("backend") if isinstance(config, dict) else None
    if chosen is not None and type(chosen).__name__ != "_Sentinel":  # parallel_config(backend=...)
        return None
    # where the platform's default is not fork (macOS, Windows, Python 3.14 on Linux), joblib's own choice
    return "multiprocessing" if multiprocessing.get_context().get_start_method() == "fork" else None


def deal(items: Sequence[Any], n_chunks: int) -> list[list[Any]]:
    """``items`` dealt round-robin into at most ``n_chunks`` non-empty chunks (neighbours, often alike in cost, split)."""
    n = max(1, min(int(n_chunks), len(items)))
    return [list(items[i::n]) for i in range(n)] if items else []


# ----------------------------------------------------------------------------- helpers

def series_inputs(inputs: Inputs) -> Inputs:
    """``inputs`` with only what :func:`series_result` reads (the monthly tables and the calendar).

    A series job sent to a worker process carries its inputs; the court tables, the screen
    and the vintages (nine tenths of the bytes) are not among them.
    """
    import dataclasses

    return dataclasses.replace(inputs, weekly=None, convictions=None, published=None, rejects=None,
                               reconciliation=None, vintages={}, screen=None, screen_meta={}, article_titles=None,
                               punishments=None)


def get_series(inputs: Inputs, spec: SeriesSpec, *, date_basis: str | None = None,
               drop_incomplete: bool | None = None) -> pd.Series:
    """The configured series through the processed readers (the long table is indexed once)."""
    frame = inputs.monthly_alt if date_basis else inputs.monthly
    if frame is None:
        raise InputError(P.FILES["monthly_alt"], "alternative-basis series not available")
    y = P.monthly_series(spec.registry, spec.measure, spec.category, date_basis=date_basis,
                         drop_incomplete=spec.drop_incomplete if drop_incomplete is None else drop_incomplete,
                         frame=frame)
    if spec.start:
        y = y[y.index >= pd.Period(spec.start, "M")]
    if spec.end:
        y = y[y.index <= pd.Period(spec.end, "M")]
    return y


def _stock(inputs: Inputs, spec: SeriesSpec) -> tuple[pd.Series | None, bool]:
    """The number in the registry at month end, or the cumulative listings where exclusions are not observed."""
    try:
        act = P.monthly_series(spec.registry, "active", spec.category, frame=inputs.monthly, drop_incomplete=False)
    except InputError:
        act = None
    if act is not None and act.notna().any():
        return act, True
    inc = P.monthly_series(spec.registry, "inclusions", spec.category, frame=inputs.monthly, drop_incomplete=False)
    return inc.fillna(0).cumsum().where(inc.notna()), False


def _breakdown(inputs: Inputs, spec: SeriesSpec, dim: str) -> pd.DataFrame | None:
    cat = P.series_catalogue(frame=inputs.monthly)
    cats = sorted(c for c in cat.loc[(cat.registry == spec.registry) & (cat.measure == spec.measure), "category"]
                  if str(c).startswith(dim + ":"))
    if not cats:
        return None
    frame = pd.DataFrame({c: P.monthly_series(spec.registry, spec.measure, c, frame=inputs.monthly,
                                              drop_incomplete=False, trim=False) for c in cats})
    idx = np.flatnonzero(frame.notna().any(axis=1).to_numpy())
    if not len(idx):
        return None
    frame = frame.iloc[idx[0]: idx[-1] + 1]
    return frame.loc[:, frame.fillna(0).sum() > 0]


def annotations_for(cfg: ReportConfig, registry: str | None) -> tuple[DatedItem, ...]:
    """Configured annotations that concern ``registry`` (all of them when None)."""
    return tuple(a for a in cfg.annotations if registry is None or not a.registries or registry in a.registries)


def _exog(cfg: ReportConfig, inputs: Inputs, y: pd.Series) -> pd.DataFrame | None:
    name = cfg.model.exposure
    if not name or inputs.calendar is None or name not in inputs.calendar.columns:
        return None
    return inputs.calendar[[name]].reindex(y.index).astype(float)


def _items(items) -> list[tuple[str, str, str, int, str]]:
    return [(i.name, i.date, i.shape, i.lag, i.date_source or "given") for i in items]


def complete_years(y: pd.Series) -> list[int]:
    """Years in which all twelve months of ``y`` are observed and complete."""
    inc = set(y.attrs.get("incomplete", []))
    ok = y.notna() & pd.Series([str(p) not in inc for p in y.index], index=y.index)
    counts = ok.groupby(y.index.year).sum()
    return [int(yr) for yr, n in counts.items() if n == 12]


def headline_year(cfg: ReportConfig, inputs: Inputs) -> tuple[int | None, str]:
    """The configured headline year, or the latest year complete in every headline registry series."""
    if cfg.headline_year is not None:
        return int(cfg.headline_year), "configured"
    years: set[int] | None = None
    for spec in cfg.series:
        if spec.measure != "inclusions" or spec.category != "all":
            continue
        y = P.monthly_series(spec.registry, "inclusions", "all", frame=inputs.monthly, drop_incomplete=False)
        ys = set(complete_years(y))
        years = ys if years is None else years & ys
    if not years:
        return None, "none"
    return max(years), "latest_complete"


def _snapshots(info: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """Latest snapshot date per source family (``fa``, ``uo``, ``cdep``…), from build_info."""
    best: dict[str, str] = {}
    for s in info.get("sources", []):
        fam = str(s.get("id", "")).split("_")[0]
        d = str(s.get("snapshot_date") or "")
        if fam and d and d > best.get(fam, ""):
            best[fam] = d
    return tuple(sorted(best.items()))


def build_stamp(cfg: ReportConfig) -> str | None:
    """The build stamp: ``ANALYSIS_BUILD_STAMP`` when set, else the configuration's ``build_stamp``.

    Never the clock: a stamp is whatever the builder states (a date, a release tag), so
    two builds with the same stamp give the same bytes.
    """
    env = os.environ.get("ANALYSIS_BUILD_STAMP", "").strip()
    return env or (cfg.build_stamp or None)


def source_commit() -> str | None:
    """The toolkit's source commit, when the package can tell it."""
    import analysis

    fn = getattr(analysis, "source_commit", None)
    try:
        return fn() if callable(fn) else None
    except Exception:  # noqa: BLE001 - a commit that cannot be read is simply not shown
        return None


def _versions(build_versions: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    import importlib.metadata as md
    import platform

    rows = [("analysis", package_version()), ("python", platform.python_version())]
    for pkg in ("numpy", "pandas", "scipy", "statsmodels", "matplotlib", "pandera", "numba", "babel"):
        try:
            rows.append((pkg, md.version(pkg)))
        except md.PackageNotFoundError:
            rows.append((pkg, ""))
    for k in sorted(build_versions):
        rows.append((f"{k} (data build)", str(build_versions[k])))
    return tuple(rows)


# ----------------------------------------------------------------------------- headlines

def _weekly_default(inputs: Inputs, registry: str) -> pd.DataFrame | None:
    wk = inputs.weekly
    if wk is None:
        return None
    sel = wk[(wk.registry == registry) & (wk.measure == "inclusions") & (wk.category == "all")]
    if sel.empty:
        return None
    bases = sorted(sel["date_basis"].unique())
    pref = [b for b in ("default", "listing", "included_on", "inclusion") if b in bases]
    rest = [b for b in bases if b not in {"decision", "first_listing_only"}]
    basis = (pref or rest or [None])[0]
    if basis is None:
        return None
    return sel[sel.date_basis == basis].sort_values("week", kind="stable")


def _headline(inputs: Inputs, h: Headline) -> HeadlineResult:
    y = P.monthly_series(h.registry, "inclusions", frame=inputs.monthly, drop_incomplete=False)
    if h.rule == "cumulative_to":
        end = pd.Timestamp(h.end)
        wk = _weekly_default(inputs, h.registry)
        if wk is not None:
            starts = pd.to_datetime(wk["week"])
            full = (starts + pd.Timedelta(days=6)) <= end
            if full.any():
                last = (starts[full].max() + pd.Timedelta(days=6)).date().isoformat()
                v = float(wk.loc[full.to_numpy(), "value"].astype("Float64").sum())
                return HeadlineResult(h, v, "headlines.how_weekly", (("last", last),))
        months = y[y.index.end_time.normalize() <= end]
        return HeadlineResult(h, float(months.sum()), "headlines.how_monthly_to", (("month", str(months.index[-1])),))
    start, end = pd.Period(h.start, "M"), pd.Period(h.end, "M")
    sel = y[(y.index >= start) & (y.index <= end)]
    if len(sel) < len(pd.period_range(start, end, freq="M")) or sel.isna().any():
        return HeadlineResult(h, None, "headlines.how_not_covered", ())
    key = "headlines.how_monthly_between"
    if set(y.attrs.get("incomplete", [])) & {str(p) for p in sel.index}:
        key = "headlines.how_monthly_between_incomplete"
    return HeadlineResult(h, float(sel.sum()), key, (("start", str(start)), ("end", str(end))))


def _published_convictions(inputs: Inputs) -> pd.DataFrame | None:
    pub, conv = inputs.published, inputs.convictions
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
            reason = "main"
        elif a is not None and pubv == a:
            reason = "all"
        elif m is None:
            reason = "no_official"
        else:
            reason = "differs"
        rows.append({"article": r.article, "year": int(r.year), "published": pubv, "source": r.source_name,
                     "url": getattr(r, "source_url", "") or "", "main": m, "all": a, "reason": reason})
    return pd.DataFrame(rows)


# ----------------------------------------------------------------------------- compute

def _search(cfg: ReportConfig, sid: str, y: pd.Series, cost: str, draws: int) -> A.BreakFit:
    cp = cfg.changepoint
    return A.detect_breaks(sid, y, cost=cost, method=cp.method, penalty=cp.penalty, min_size=cp.min_size,
                           alpha=cfg.alpha, draws=draws, seed=cfg.seed)


def _say(pr: Progress | None, msg: str) -> None:
    if pr is not None:
        pr.say(msg)


def series_result(cfg: ReportConfig, inputs: Inputs, spec: SeriesSpec, pr: Progress | None = None) -> SeriesResult:
    """Everything the report computes for one configured series (a pure function of its arguments)."""
    cp, mo = cfg.changepoint, cfg.model
    y_full = get_series(inputs, spec, drop_incomplete=False)
    y = get_series(inputs, spec)
    stock, observable = _stock(inputs, spec) if spec.stock else (None, False)
    breakdowns = tuple((dim, fr) for dim in spec.breakdowns
                       if (fr := _breakdown(inputs, spec, dim)) is not None and fr.shape[1] >= 1)
    yb = y.dropna()
    cost = spec.cost or cp.cost
    bf = bayes = pois = None
    if spec.changepoints and len(yb):
        _say(pr, f"  breaks: {spec.id} ({cost})")
        bf = _search(cfg, spec.id, yb, cost, cp.conf_int_draws)
        if spec.bayes and cost in ("poisson", "negbin") and (yb >= 0).all():
            shared = bf.result.pulses if bf.result is not None else "auto"
            bayes = A.bayes_breaks(spec.id, yb, max_breaks=cp.bayes_max_breaks, pulses=shared)
        if cost == "negbin":
            pois = _search(cfg, spec.id, yb, "poisson", 0)
    model = december = status = None
    if spec.count_model and len(yb):
        _say(pr, f"  count model: {spec.id}")
        model = _fit_series_model(cfg, inputs, spec, yb)
        if model.result is not None:
            december = A.december_fit(yb, _items(spec.interventions), family=mo.family, chosen=model.result,
                                      exog=_exog(cfg, inputs, yb))
            status = A.calendar_status(yb, spec.registry, min_side=mo.min_side, min_gap=mo.min_gap,
                                       estimated={i.event for i in spec.interventions if i.event})
    variants: list[Variant] = []
    if spec.sensitivity_bases:
        variants.append(Variant("dropped", y, bf))
        variants.append(Variant("kept", y_full, _search(cfg, spec.id, y_full.dropna(), cost, 0)))
        for basis in spec.sensitivity_bases:
            try:
                yv = get_series(inputs, spec, date_basis=basis)
            except InputError:
                variants.append(Variant(basis, None, None))
                continue
            variants.append(Variant(basis, yv, _search(cfg, spec.id, yv.dropna(), cost, 0)))
    return SeriesResult(spec, y, y_full, stock, observable, breakdowns, annotations_for(cfg, spec.registry), bf,
                        bayes, pois, model, december, status, tuple(variants))


def conviction_result(cfg: ReportConfig, conv: pd.DataFrame, art: str,
                      pr: Progress | None = None) -> ConvictionResult:
    """Breaks and count model of one modelled article (a pure function of its arguments)."""
    cp, mo, co = cfg.changepoint, cfg.model, cfg.convictions
    main = P.annual_convictions(art, "main", frame=conv)
    add = P.annual_convictions(art, "additional", frame=conv, trim=False).reindex(main.index)
    y = P.annual_convictions(art, co.charge, frame=conv).dropna()
    bf = None
    if len(y) >= co.min_years_for_breaks:
        _say(pr, f"  breaks: art. {art}")
        bf = A.detect_breaks(f"art. {art}", y, cost=co.cost, method=cp.method, penalty=cp.penalty,
                             min_size=co.min_size, alpha=cfg.alpha, draws=cp.conf_int_draws, seed=cfg.seed)
    _say(pr, f"  count model: art. {art}")
    items = co.interventions_for(art)
    mf = A.analyse_model(f"art. {art}", y, family=co.family, interventions=_items(items), exog=None,
                         alpha=cfg.alpha, n_sim=mo.counterfactual_draws, seed=cfg.seed,
                         pulses=mo.pulses, sensitivity=mo.sensitivity,
                         placebo_max_dates=mo.placebo_max_dates, n_boot=mo.bootstrap)
    return ConvictionResult(art, main, add, y, bf, mf, tuple(items))


def _series_job(job: tuple) -> SeriesResult:
    return series_result(*job)


def _conviction_job(job: tuple) -> ConvictionResult:
    return conviction_result(*job)


def _any_job(job: tuple[str, tuple]) -> SeriesResult | ConvictionResult:
    """A series job (``("series", args)``) or an article job (``("article", args)``), for one shared pool."""
    kind, args = job
    return series_result(*args) if kind == "series" else conviction_result(*args)


def _heavy_first(costs: Sequence[float]) -> list[int]:
    """Positions by decreasing expected cost (stable): the long jobs start first, the short ones fill in."""
    return sorted(range(len(costs)), key=lambda i: -costs[i])


def _run(fn: Callable[[Any], Any], jobs: list[tuple], costs: Sequence[float], n_jobs: int | None) -> list[Any]:
    """``fn`` over ``jobs`` by :func:`map_jobs`, the expensive ones dispatched first; answers in the order of ``jobs``."""
    order = _heavy_first(costs) if effective_jobs(n_jobs) > 1 else list(range(len(jobs)))
    answers = map_jobs(fn, [jobs[i] for i in order], n_jobs=n_jobs)
    out: list[Any] = [None] * len(jobs)
    for i, a in zip(order, answers):
        out[i] = a
    return out


def compute(config: ReportConfig, inputs: Inputs, *, config_text: str = "",
            progress: Progress | None = None, n_jobs: int | None = 1) -> ReportResults:
    """Run every search and fit of the report once and return the frozen record.

    Parameters
    ----------
    config : ReportConfig
    inputs : Inputs
        As read by :func:`analysis.report.load_inputs`.
    config_text : str
        The configuration's text, shown verbatim in the report.
    progress : Progress, optional
        Stage timings and messages.
    n_jobs : int, default 1
        Processes for the series and the articles (:func:`map_jobs`). Each series and
        each article is one job whose random draws come from the configured seed alone,
        so the record is the same for any ``n_jobs``.

    Notes
    -----
    Each series is searched for breaks once per question: with intervals under the
    configured cost; without intervals under the Poisson cost (the cost comparison);
    and once per counting choice of the sensitivity table that is not the default
    series itself. Each count model is fitted once, with its sensitivity table and
    placebo tests.
    """
    pr = progress or Progress(False)
    cfg = config
    parallel = effective_jobs(n_jobs) > 1
    here = None if parallel else pr  # workers do not write progress lines

    co = cfg.convictions
    conv = inputs.convictions
    missing: list[str] = []
    arts: list[str] = []
    known: set[str] = set()
    years = None
    if conv is not None:
        known = set(conv["article"].unique())
        yrs = conv.loc[conv["value"].notna(), "year"]
        years = (int(yrs.min()), int(yrs.max())) if len(yrs) else None
        for art in co.articles:
            (arts if art in known else missing).append(art)
    series_jobs = [(cfg, series_inputs(inputs), spec, here) for spec in cfg.series]
    conviction_jobs = [(cfg, conv, art, here) for art in arts]
    # a count model (with its sensitivity table) costs far more than a search; an article's
    # model has no counting choices
    series_costs = [1 + 10 * s.count_model + len(s.sensitivity_bases) for s in cfg.series]
    conviction_costs = [6.0] * len(arts)

    convictions: list[ConvictionResult] = []
    with pr.stage("series", "series, breaks and count models of the registries"):
        if parallel:
            # one pool for the series and the articles: the long jobs of both start first and the
            # short ones fill in, so neither stage waits for the other's slowest job
            pr.say(f"  {len(series_jobs)} series and {len(conviction_jobs)} articles in "
                   f"{effective_jobs(n_jobs)} processes")
            both = _run(_any_job, [("series", j) for j in series_jobs] + [("article", j) for j in conviction_jobs],
                        series_costs + conviction_costs, n_jobs)
            series, convictions = both[:len(series_jobs)], both[len(series_jobs):]
        else:
            series = _run(_series_job, series_jobs, series_costs, n_jobs)

    described = None
    with pr.stage("convictions", "annual convictions"):
        if conv is not None:
            if not parallel:
                convictions = _run(_conviction_job, conviction_jobs, conviction_costs, n_jobs)
            rows = []
            for art in co.described:
                if art not in known:
                    missing.append(art)
                    continue
                m = P.annual_convictions(art, "main", frame=conv)
                a = P.annual_convictions(art, "all", frame=conv, trim=False).reindex(m.index)
                for yr in m.index:
                    rows.append({"article": art, "year": int(yr.year), "main": m[yr], "all": a[yr]})
            described = pd.DataFrame(rows, columns=["article", "year", "main", "all"]) if rows else None

    with pr.stage("tables", "headlines, vintages and the screen"):
        heads = tuple(_headline(inputs, h) for h in cfg.headlines)
        published = _published_convictions(inputs)
        cal = A.calendar()
        catalogue = P.series_catalogue(frame=inputs.monthly)
        top, severity = _screen(cfg, inputs)
    year, rule = headline_year(cfg, inputs)
    info = inputs.build_info
    starts = tuple((r.id, r.founding_event, r.start.isoformat()) for r in REGISTRIES.values())
    return ReportResults(
        config=cfg, config_text=config_text,
        config_name=os.path.basename(cfg.path) if cfg.path else "",
        data_dir_name=inputs.data_dir.name, build_info=info, version=package_version(), commit=source_commit(),
        build_stamp=build_stamp(cfg), headline_year=year, headline_year_rule=rule, snapshots=_snapshots(info),
        registry_starts=starts, series=tuple(series), convictions=tuple(convictions), conviction_years=years,
        described=described, missing_articles=tuple(missing), headlines=heads, published_convictions=published,
        calendar=cal, rejects=inputs.rejects, reconciliation=inputs.reconciliation, catalogue=catalogue,
        versions=_versions(info.get("versions", {})), vintages=dict(inputs.vintages), screen=inputs.screen,
        screen_meta=dict(inputs.screen_meta), screen_top=top, severity=severity)


def _screen(cfg: ReportConfig, inputs: Inputs) -> tuple[pd.DataFrame | None, dict[str, pd.DataFrame] | None]:
    """The top changes of the committed screen and the severity panel of the wartime articles."""
    from ..screening.sections import severity_panel, what_else_changed

    sc = cfg.screen
    top = None
    if inputs.screen is not None:
        top = what_else_changed(inputs.screen, inputs.article_titles, k=sc.top, method=sc.method,
                                charges=list(sc.charges) or None)
    severity = None
    if inputs.punishments is not None and sc.severity_articles:
        from ..punishments import punishment_groups

        event = inputs.screen_meta.get("options", {}).get("event", "invasion_2022")
        severity = severity_panel(punishment_groups(inputs.punishments), articles=list(sc.severity_articles),
                                  event=event, alpha=cfg.alpha, titles=inputs.article_titles)
    return top, severity


def _fit_series_model(cfg: ReportConfig, inputs: Inputs, spec: SeriesSpec, y: pd.Series) -> A.ModelFit:
    """The report's one call for a series' effects (the notebooks make the same call)."""
    mo = cfg.model
    alternatives = {}
    if mo.sensitivity:
        for basis in spec.sensitivity_bases:
            try:
                alternatives[basis] = get_series(inputs, spec, date_basis=basis).dropna()
            except InputError:
                continue
    fixed = None
    if mo.specification == "fixed":
        from ..models import Specification
        ar = spec.ar_order(mo)
        fixed = Specification(mo.seasonality, "ar1" if ar == 1 else "none",
                              "linear" if mo.trend == "linear" else "none", mo.pulses)
    return A.analyse_model(spec.id, y, family=mo.family, interventions=_items(spec.interventions),
                           exog=_exog(cfg, inputs, y), alpha=cfg.alpha, n_sim=mo.counterfactual_draws, seed=cfg.seed,
                           pulses=mo.pulses, alternatives=alternatives, sensitivity=mo.sensitivity,
                           placebo_max_dates=mo.placebo_max_dates, fixed=fixed, n_boot=mo.bootstrap)


# ----------------------------------------------------------------------------- cache

#: Set to ``0`` to compute every report from scratch.
CACHE_ENV = "ANALYSIS_REPORT_CACHE"


def results_key(config: ReportConfig, config_text: str, data_dir: Any) -> str:
    """A digest of everything a :class:`ReportResults` depends on.

    The processed files (every file under the data folder except ``audit/``), the
    configuration (its parsed value and its text), the build stamp, and the source of
    the toolkit itself (every ``.py`` file of the package), so that a change of data,
    configuration or code never reuses an old result.
    """
    import hashlib
    from pathlib import Path

    import analysis

    h = hashlib.sha256()
    h.update(repr(config).encode())
    h.update(config_text.encode())
    h.update(str(build_stamp(config)).encode())
    root = Path(data_dir)
    for p in sorted(root.rglob("*")):
        if p.is_file() and "audit" not in p.relative_to(root).parts:
            h.update(str(p.relative_to(root)).encode())
            h.update(hashlib.sha256(p.read_bytes()).digest())
    pkg = Path(analysis.__file__).resolve().parent
    for p in sorted(pkg.rglob("*.py")):
        h.update(str(p.relative_to(pkg)).encode())
        h.update(hashlib.sha256(p.read_bytes()).digest())
    h.update(package_version().encode())
    return h.hexdigest()


def cached_compute(config: ReportConfig, inputs: Inputs, *, config_text: str = "",
                   progress: Progress | None = None, cache: bool = True, n_jobs: int | None = 1) -> ReportResults:
    """:func:`compute`, with the record's :func:`results_key` set so that drawn figures can be reused.

    The record itself is always computed afresh: nothing is unpickled, so no file in a
    cache folder can inject objects into a report. What is reused across runs is the
    bytes of each drawn figure (SVG, PNG, CSV), kept under
    :func:`analysis._cache.cache_dir` ``("report-figures")`` by the record's key, the
    language and the file name. ``cache=False`` or ``ANALYSIS_REPORT_CACHE=0`` leaves the
    key empty, so every figure is drawn.

    Notes
    -----
    Everything in the record is a deterministic function of its key (data, configuration,
    build stamp and the toolkit's own source; random draws come from the configured seed),
    so a reused figure has the bytes a fresh drawing would have.
    """
    import dataclasses

    pr = progress or Progress(False)
    results = compute(config, inputs, config_text=config_text, progress=pr, n_jobs=n_jobs)
    if not cache or os.environ.get(CACHE_ENV, "1").strip() in ("0", "false", "no"):
        return results
    return dataclasses.replace(results, key=results_key(config, config_text, inputs.data_dir))
