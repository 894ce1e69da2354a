"""Build the report: read processed data, compute every result once, render a language, write.

Stages (each timed, progress on stderr): ``load``; the stages of :func:`compute`
(``series``, ``convictions``, ``tables``); ``render`` (sections from templates) and
``figures`` (drawing and saving) and ``write``. The series, the articles and the figures
are independent jobs, run by ``n_jobs`` processes
(:func:`analysis.report.compute.map_jobs`). The output folder receives ``index.html``
(self-contained), ``report.md`` and ``figures/``; nothing in them depends on the clock,
the machine's locale or dictionary order, so two runs on the same inputs give the same
bytes. The header's dates come from the data, its build stamp from the configuration or
``ANALYSIS_BUILD_STAMP``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .. import _atomic
from ..errors import InputError
from .compute import ReportResults, cached_compute, deal, effective_jobs, map_jobs
from .config import DEFAULT_CONFIG, ReportConfig, load_config
from .document import Document, Header, with_figure_notes
from .figures import draw_figures
from .html import render_html
from .inputs import Inputs, load_inputs
from .markdown import render_markdown
from .progress import Progress
from .sections.breaks import render_breaks
from .sections.convictions import render_convictions
from .sections.data import render_data
from .sections.headlines import render_headlines
from .sections.models import render_models
from .sections.results_table import render_results_table
from .sections.screen import render_screen
from .sections.sensitivity import render_sensitivity
from .sections.series import render_series
from .sections.summary import render_summary
from .sections.vintages import render_vintages
from .texts import LANGS, Texts

__all__ = ["RENDERERS", "Inputs", "ReportRun", "build_report", "load_inputs", "render_document", "run_report"]

#: The sections in reading order; each is ``render(results, texts) -> Section``.
RENDERERS = (render_summary, render_series, render_breaks, render_models, render_convictions, render_results_table,
             render_headlines, render_sensitivity, render_vintages, render_screen, render_data)


@dataclass
class ReportRun:
    """What a report run produced: output paths and the wall time of each stage (seconds)."""

    index: Path
    markdown: Path
    figures: tuple[Path, ...]
    timings: dict[str, float] = field(default_factory=dict)
    results: ReportResults | None = None


def header(results: ReportResults, tx: Texts) -> Header:
    """The "as of" items: data snapshots (from the data), build stamp, version and commit."""
    snaps = []
    for fam, d in results.snapshots:
        snaps.append(tx.t("header.snapshot_item", source=tx.opt(f"header.family.{fam}", fam), date=tx.date(d)))
    items = [(tx.t("header.data"), "; ".join(snaps) or tx.t("common.none"))]
    cov = results.build_info.get("coverage", {})
    cover = [tx.t("header.coverage_item", registry=tx.opt(f"labels.registry.{r}", r), start=tx.date(cov[r]["start"]),
                  end=tx.date(cov[r]["end"])) for r in ("foreign_agents", "undesirable") if r in cov]
    if results.conviction_years:
        cover.append(tx.t("header.coverage_convictions", first=results.conviction_years[0],
                          last=results.conviction_years[1]))
    if cover:
        items.append((tx.t("header.coverage"), "; ".join(cover)))
    if results.headline_year is not None:
        items.append((tx.t("header.headline_year"), tx.t(f"header.year_{results.headline_year_rule}",
                                                         year=results.headline_year)))
    items.append((tx.t("header.build"), tx.code(results.build_stamp) if results.build_stamp else tx.t("header.no_stamp")))
    items.append((tx.t("header.version"), tx.code(results.version) + (
        " · " + tx.t("header.commit", commit=tx.code(results.commit)) if results.commit else "")))
    return Header(tuple(items))


def render_document(results: ReportResults, lang: str) -> Document:
    """The whole report in ``lang`` from one computed record (no figure is drawn yet)."""
    tx = Texts(lang)
    cfg = results.config
    sections = tuple(r(results, tx) for r in RENDERERS)
    sections = tuple(s for s in sections if s is not None)
    lead = tx.t("report.lead", folder=tx.code(results.data_dir_name + "/"),
                config=tx.code(results.config_name) if results.config_name else tx.t("report.config_in_code"))
    return Document(title=cfg.title or tx.t("report.title"), lang=lang, lead=lead, header=header(results, tx),
                    sections=sections, figure_format=cfg.figure_format)


def run_report(config: ReportConfig | str | Path | None = None, out_dir: str | Path | None = None, *,
               lang: str | None = None, progress: bool = True,
               data_dir: str | Path | None = None, cache: bool = True, n_jobs: int | None = 1) -> ReportRun:
    """Build the report and return its paths and per-stage timings.

    Parameters
    ----------
    config : ReportConfig or path, optional
        A configuration or a TOML file; the committed default when None.
    out_dir : path, optional
        Output folder; ``reports/latest`` under the current directory when None.
    lang : {"en", "ru"}, optional
        Overrides the configuration's language.
    progress : bool, default True
        Print stage messages to stderr.
    data_dir : path, optional
        Processed-data folder (see :func:`analysis.processed.processed_dir`).
    cache : bool, default True
        Reuse the computed record of an earlier run on the same data, configuration
        and code (see :func:`analysis.report.compute.cached_compute`); the output is
        byte-identical either way.
    n_jobs : int, default 1
        Processes for the searches and fits and for drawing the figures (joblib's
        convention: ``-1`` all cores). The report's bytes do not depend on it, so it is
        neither part of the configuration nor written into the report.
    """
    effective_jobs(n_jobs)  # refuse a bad value before anything is read
    if isinstance(config, ReportConfig):
        cfg = config
        config_text = Path(cfg.path).read_text(encoding="utf-8") if cfg.path and Path(cfg.path).is_file() else ""
    else:
        cfg = load_config(config)
        config_text = Path(config if config is not None else DEFAULT_CONFIG).read_text(encoding="utf-8")
    lang = lang or cfg.lang
    if lang not in LANGS:
        raise InputError("--lang", f"language must be 'en' or 'ru', not {lang!r}")
    out = Path(out_dir) if out_dir is not None else Path("reports") / "latest"
    pr = Progress(progress)
    with pr.stage("load", "reading data/processed"):
        inputs = load_inputs(data_dir)
    _refuse_unwritable(out)  # before the long computation, not after it
    results = cached_compute(cfg, inputs, config_text=config_text, progress=pr, cache=cache, n_jobs=n_jobs)
    # Everything is written into a stage folder and swapped in as a whole at the end, so
    # an interrupt leaves the previous report complete (see analysis._atomic).
    with _atomic.replacing(out, known=OUTPUT_NAMES) as stage:
        index, md, figures = write_report(results, lang, stage, pr, n_jobs=n_jobs)
    index, md = out / index.name, out / md.name
    figures = tuple(out / f.relative_to(stage) for f in figures)
    total = sum(pr.timings.values())
    pr.say(f"report written to {index} ({len(figures)} figures, {total:.1f} s)")
    return ReportRun(index=index, markdown=md, figures=figures, timings=dict(pr.timings), results=results)


def _refuse_unwritable(out: Path) -> None:
    """Raise :class:`~analysis._atomic.OutputError` now if ``out`` could not be written at the end."""
    import tempfile

    _atomic.check_target(out, known=OUTPUT_NAMES)
    parent = out.absolute().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        tempfile.TemporaryDirectory(dir=parent, prefix=".analysis-probe-").cleanup()
    except OSError as exc:
        raise _atomic.OutputError(f"{out}: cannot write into {parent} ({exc.strerror or exc})") from None


#: Top-level names a report folder holds; a non-empty ``--out`` folder with anything else is refused.
OUTPUT_NAMES = ("index.html", "report.md", "figures")


#: Chunks of figures per worker process: enough to even out figures of unequal cost, few
#: enough that the record (sent once per chunk) is not copied many times.
_CHUNKS_PER_WORKER = 3


def write_report(results: ReportResults, lang: str, out: Path, pr: Progress, *,
                 n_jobs: int | None = 1) -> tuple[Path, Path, list[Path]]:
    """Render ``results`` in ``lang`` into the folder ``out``: figures, ``index.html`` and ``report.md``.

    The figures not kept from an earlier run are drawn by ``n_jobs`` processes (see
    :func:`analysis.report.compute.map_jobs`); the files do not depend on it.
    """
    with pr.stage("render", "rendering the sections"):
        doc = render_document(results, lang)
    fig_dir = out / "figures"
    written = []
    notes: dict[str, tuple[str, ...]] = {}
    with pr.stage("figures", "drawing the figures"):
        seen: set[str] = set()
        todo = []
        for fig in doc.figures():
            file = doc.file_of(fig)
            if file in seen:
                raise ValueError(f"two figures named {file}")
            seen.add(file)
            written.append(fig_dir / file)
            kept = _reuse_figure(results, lang, fig_dir, file)
            if kept is None:
                todo.append((fig, fig_dir / file))
            else:
                notes[fig.name] = kept
        # Each figure is an independent job (the record in, its files out): drawn here one
        # after another, or dealt to worker processes; the files are the same either way.
        workers = effective_jobs(n_jobs)
        chunks = deal(todo, 1 if workers == 1 else _CHUNKS_PER_WORKER * workers)
        for drawn in map_jobs(draw_figures, chunks, n_jobs=workers):
            notes.update(dict(drawn))
        for fig, path in todo:
            _keep_figure(results, lang, fig_dir, path.name, notes[fig.name])
    doc = with_figure_notes(doc, notes)
    with pr.stage("write", "writing HTML and Markdown"):
        index = _atomic.write_text(out / "index.html", render_html(doc, fig_dir))
        md = _atomic.write_text(out / "report.md", render_markdown(doc))
    companions = sorted(p for p in fig_dir.iterdir() if p.is_file() and p not in written) if fig_dir.is_dir() else []
    return index, md, written + companions


def _figure_cache(results: ReportResults, lang: str, file: str) -> Path | None:
    """Where the files of one drawn figure are kept, for a record computed with the cache (else None).

    The key is the record's key (data, configuration and the toolkit's source, the
    plotting code included), the language and the file name: the same key draws the
    same bytes.
    """
    if not results.key:
        return None
    import hashlib

    from .._cache import cache_dir

    digest = hashlib.sha256(f"{results.key}|{lang}|{file}".encode()).hexdigest()
    return cache_dir("report-figures") / digest


def _companions(fig_dir: Path, file: str) -> list[Path]:
    """The figure file and whatever ``save_figure`` wrote beside it (same name, other suffix)."""
    stem = Path(file).stem
    return sorted(p for p in fig_dir.iterdir() if p.is_file() and p.stem == stem)


#: The caption notes of a kept figure, stored beside its files in the figure cache (never copied out).
_NOTES_FILE = ".notes.json"


def _reuse_figure(results: ReportResults, lang: str, fig_dir: Path, file: str) -> tuple[str, ...] | None:
    """Copy a kept figure's files into ``fig_dir`` and return its caption notes; None when none is kept."""
    import json

    where = _figure_cache(results, lang, file)
    if where is None or not (where / file).is_file() or not (where / _NOTES_FILE).is_file():
        return None
    fig_dir.mkdir(parents=True, exist_ok=True)
    for p in sorted(where.iterdir()):
        if p.name != _NOTES_FILE:
            _atomic.write_bytes(fig_dir / p.name, p.read_bytes())
    return tuple(json.loads((where / _NOTES_FILE).read_text(encoding="utf-8")))


def _keep_figure(results: ReportResults, lang: str, fig_dir: Path, file: str, notes: tuple[str, ...]) -> None:
    import json
    import os
    import shutil

    where = _figure_cache(results, lang, file)
    if where is None:
        return
    tmp = where.with_name(where.name + f".{os.getpid()}.tmp")
    try:
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        for p in _companions(fig_dir, file):
            (tmp / p.name).write_bytes(p.read_bytes())
        (tmp / _NOTES_FILE).write_text(json.dumps(list(notes), ensure_ascii=False), encoding="utf-8")
        shutil.rmtree(where, ignore_errors=True)
        os.replace(tmp, where)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)


def build_report(config_path: Path | None = None, out_dir: Path | None = None, lang: str = "en",
                 progress: bool = True) -> Path:
    """Build the standard (or configured) report from ``data/processed`` and return the HTML path.

    Parameters
    ----------
    config_path : path, optional
        TOML configuration; the committed ``analysis/config/default.toml`` when None.
    out_dir : path, optional
        Output folder; ``reports/latest`` when None.
    lang : {"en", "ru"}, default "en"
        Language of the report.
    progress : bool, default True
        Progress messages on stderr for slow steps.

    Returns
    -------
    Path
        ``<out_dir>/index.html``; ``report.md`` and ``figures/`` are written beside it.

    Raises
    ------
    InputError
        When the configuration or a required processed file is missing or invalid.
    """
    return run_report(config_path, out_dir, lang=lang, progress=progress).index
