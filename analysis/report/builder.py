"""Build the report: read processed data, run the configured analyses, draw, render, write.

Stages (each timed, progress on stderr): ``load``, ``series``, ``breaks``, ``models``,
``convictions``, ``tables``, ``data``, ``render``. Each section lives in its own module
under :mod:`analysis.report.sections`; :class:`ReportContext` holds what they share.
The output folder receives ``index.html`` (self-contained), ``report.md`` and
``figures/``; nothing in them depends on the clock, the machine's locale or dictionary
order, so two runs on the same inputs give the same bytes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .. import _atomic
from ..errors import InputError
from .config import DEFAULT_CONFIG, ReportConfig, load_config
from .context import ReportContext
from .html import render_html
from .inputs import Inputs, load_inputs
from .markdown import render_markdown
from .progress import Progress
from .sections.breaks import BreaksSection
from .sections.convictions import ConvictionsSection
from .sections.data import DataSection
from .sections.headlines import HeadlinesSection
from .sections.models import ModelsSection
from .sections.results_table import ResultsTableSection
from .sections.sensitivity import SensitivitySection
from .sections.series import SeriesSection
from .sections.summary import SummarySection

__all__ = ["STAGES", "Inputs", "ReportRun", "build_report", "load_inputs", "run_report"]

STAGES = ("load", "series", "breaks", "models", "convictions", "tables", "data", "render")


@dataclass
class ReportRun:
    """What a report run produced: output paths and the wall time of each stage (seconds)."""

    index: Path
    markdown: Path
    figures: tuple[Path, ...]
    timings: dict[str, float] = field(default_factory=dict)


class _Builder(ReportContext, SeriesSection, BreaksSection, ModelsSection, ConvictionsSection,
               ResultsTableSection, HeadlinesSection, SensitivitySection, DataSection, SummarySection):
    """One report run: the shared context plus every section."""

    def stage_tables(self) -> None:
        self._breaks_effects_table()
        self._headlines()
        self._sensitivity()


def run_report(config: ReportConfig | str | Path | None = None, out_dir: str | Path | None = None, *,
               lang: str | None = None, progress: bool = True,
               data_dir: str | Path | None = None) -> ReportRun:
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
    """
    if isinstance(config, ReportConfig):
        cfg = config
        config_text = Path(cfg.path).read_text(encoding="utf-8") if cfg.path and Path(cfg.path).is_file() else ""
    else:
        cfg = load_config(config)
        config_text = Path(config if config is not None else DEFAULT_CONFIG).read_text(encoding="utf-8")
    lang = lang or cfg.lang
    if lang not in ("en", "ru"):
        raise InputError("--lang", f"language must be 'en' or 'ru', not {lang!r}")
    out = Path(out_dir) if out_dir is not None else Path("reports") / "latest"
    pr = Progress(progress)
    # Everything is written into a stage folder and swapped in as a whole at the end, so
    # an interrupt leaves the previous report complete (see analysis._atomic).
    with _atomic.replacing(out, known=OUTPUT_NAMES) as stage:
        index, md, figures = _run_stages(cfg, config_text, lang, pr, stage, data_dir)
    index, md = out / index.name, out / md.name
    figures = tuple(out / f.relative_to(stage) for f in figures)
    total = sum(pr.timings.values())
    pr.say(f"report written to {index} ({len(figures)} figures, {total:.1f} s)")
    return ReportRun(index=index, markdown=md, figures=figures, timings=dict(pr.timings))


#: Top-level names a report folder holds; a non-empty ``--out`` folder with anything else is refused.
OUTPUT_NAMES = ("index.html", "report.md", "figures")


def _run_stages(cfg: ReportConfig, config_text: str, lang: str, pr: Progress, out: Path,
                data_dir: str | Path | None) -> tuple[Path, Path, list[Path]]:
    with pr.stage("load", "reading data/processed"):
        inputs = load_inputs(data_dir)
    b = _Builder(cfg, inputs, out, lang, pr, config_text)
    with pr.stage("series", "drawing the series"):
        b.stage_series()
    with pr.stage("breaks", "searching for breaks"):
        b.stage_breaks()
    with pr.stage("models", "fitting count models"):
        b.stage_models()
    with pr.stage("convictions", "annual convictions"):
        b.stage_convictions()
    with pr.stage("tables", "tables of breaks, effects, headlines and sensitivity"):
        b.stage_tables()
    with pr.stage("data", "data section"):
        b.stage_data()
    with pr.stage("render", "writing HTML and Markdown"):
        b.doc.sections.insert(0, b.summary())
        b.doc.lead = (f"Monthly series of the Ministry of Justice registries and annual Judicial Department "
                      f"conviction statistics: what they show, when the pace changed, by how much, and how "
                      f"sure we can be. Built from {inputs.data_dir.name}/ with configuration "
                      f"{Path(cfg.path).name if cfg.path else 'given in code'}.")
        if lang == "ru":
            b.doc.lead += (" Заголовки, подписи осей и юридические термины даны по-русски; пояснительный текст "
                           "и таблицы — на английском.")
        html_text = render_html(b.doc, b.fig_dir)
        md_text = render_markdown(b.doc)
        index = _atomic.write_text(out / "index.html", html_text)
        md = _atomic.write_text(out / "report.md", md_text)
    return index, md, list(b.figures)


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
        Language of the report's labels.
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
