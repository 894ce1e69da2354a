"""The reproducible report: configuration, analyses, figures, HTML and Markdown.

:func:`build_report` is what ``python -m analysis report`` calls; :func:`run_report`
does the same and also returns the per-stage timings.
"""
from .builder import ReportRun, build_report, load_inputs, render_document, run_report
from .compute import ReportResults, compute
from .config import DEFAULT_CONFIG, ReportConfig, load_config

__all__ = ["DEFAULT_CONFIG", "ReportConfig", "ReportResults", "ReportRun", "build_report", "compute", "load_config",
           "load_inputs", "render_document",
           "run_report"]
