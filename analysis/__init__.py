"""Statistical time-series toolkit for measuring state repression in Russia.

Data flows one way: raw files → loaders (:mod:`analysis.sources`) → validated event
frames → reconciled histories (:mod:`analysis.reconcile`) → series
(:mod:`analysis.series`, committed in ``data/processed``) → models
(:mod:`analysis.changepoint`, :mod:`analysis.models`) → results objects → figures
(:mod:`analysis.plots`) → report (:mod:`analysis.report`).

Everything exported here is the public API; the rest may change.

Examples
--------
>>> import analysis
>>> y = analysis.monthly_series("foreign_agents", "inclusions", drop_incomplete=True)  # doctest: +SKIP
>>> cp = analysis.detect_changepoints(y, cost="negbin")             # doctest: +SKIP
>>> cp.conf_int()                                                    # doctest: +SKIP
>>> fit = analysis.fit_count_model(y, interventions={"255-FZ": analysis.step("2022-12")})  # doctest: +SKIP
"""
from __future__ import annotations

from pathlib import Path

from ._lazy import lazy_exports

#: File recorded into a built wheel (and an sdist) with the commit it was built from.
_COMMIT_FILE = "_source_commit.txt"


def _read_version() -> str:
    """The toolkit's version: one source, ``[project] version`` of ``pyproject.toml``.

    Installed, it is read from the package metadata (:mod:`importlib.metadata`), which
    the build copied from ``pyproject.toml``; run from a checkout (editable install or
    ``PYTHONPATH``), it is read from the checkout's ``pyproject.toml`` itself, so that
    a checkout never reports the version of some other installed copy.
    """
    from ._locations import checkout_root

    root = checkout_root()
    if root is not None:
        import tomllib

        try:
            return str(tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"])
        except (OSError, KeyError, tomllib.TOMLDecodeError):
            pass
    from importlib import metadata

    try:
        return metadata.version("analysis")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def source_commit() -> str | None:
    """The git commit of the code that is running, or None when it cannot be known.

    Returns
    -------
    str or None
        From a git checkout: ``git rev-parse HEAD``, with ``-dirty`` appended when
        tracked files differ from that commit. From an installed wheel (or a checkout
        without git, such as an unpacked sdist): the commit recorded when the wheel or
        sdist was built. Otherwise None.

    Notes
    -----
    A report built in a checkout and one built by a wheel made from that checkout
    record the same commit, so their bytes can be compared.
    """
    from ._locations import checkout_root

    root = checkout_root()
    if root is not None and (root / ".git").exists():
        commit = _git_commit(root)
        if commit is not None:
            return commit
    recorded = Path(__file__).resolve().parent / _COMMIT_FILE
    try:
        text = recorded.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return text or None


def _git_commit(root: Path) -> str | None:
    import subprocess

    def git(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=10,
                              check=False)

    try:
        head = git("rev-parse", "--verify", "HEAD")
        if head.returncode != 0:
            return None
        dirty = git("diff", "--quiet", "HEAD", "--").returncode == 1
    except (OSError, subprocess.SubprocessError):
        return None
    return head.stdout.strip() + ("-dirty" if dirty else "")

# Public name → module that defines it. Imported on first use, so that the command
# line (``python -m analysis validate ...``) does not pay for numba, statsmodels and
# matplotlib when it only needs a loader.
_EXPORTS: dict[str, str] = {
    "AnalysisError": ".errors",
    "AnalysisWarning": ".errors",
    "BayesianChangePointResult": ".changepoint",
    "ChangePointResult": ".changepoint",
    "ChecksumError": ".errors",
    "CountModelResult": ".models",
    "Counterfactual": ".models",
    "CropsPath": ".changepoint",
    "DiagnosticTest": ".changepoint",
    "GammaPrior": ".changepoint",
    "InputError": ".errors",
    "LOADER_NAMES": ".sources",
    "LoadResult": ".sources.base",
    "ModelError": ".errors",
    "MultiscaleChangePointResult": ".changepoint",
    "NegBinCost": ".changepoint",
    "NormalMeanCost": ".changepoint",
    "NormalMeanVarCost": ".changepoint",
    "PoissonCost": ".changepoint",
    "ScreenResult": ".screening",
    "SeasonalCost": ".changepoint",
    "TestResult": ".models",
    "annual_convictions": ".processed",
    "bayesian_changepoints": ".changepoint",
    "build_report": ".report",
    "crops": ".changepoint",
    "detect_changepoints": ".changepoint",
    "event_annotations": ".events",
    "events_for_series": ".models",
    "fit_count_model": ".models",
    "get_loader": ".sources",
    "interventions_for_series": ".models",
    "interventions_from_events": ".models",
    "IngarchResult": ".models",
    "Specification": ".models",
    "analyse_effects": ".models",
    "choose_specification": ".models",
    "fit_ingarch": ".models",
    "level_and_slope": ".models",
    "placebo_test": ".models",
    "sensitivity_table": ".models",
    "list_events": ".events",
    "load_cdep_form10_3": ".sources.cdep",
    "load_cdep_form10a": ".sources.cdep",
    "load_events": ".events",
    "load_foreign_agents_csv": ".sources.foreign_agents",
    "load_foreign_agents_pdf_json": ".sources.foreign_agents",
    "load_foreign_agents_rest_json": ".sources.foreign_agents",
    "load_foreign_agents_xlsx": ".sources.foreign_agents",
    "load_minjust_rest_values": ".sources.minjust_rest",
    "load_published_convictions": ".sources.published",
    "load_undesirable_rest_json": ".sources.undesirable",
    "load_undesirable_scrape_json": ".sources.undesirable",
    "monthly_series": ".processed",
    "multiscale_changepoints": ".changepoint",
    "pulse": ".models",
    "ramp": ".models",
    "screen": ".screening",
    "read_annual_convictions": ".processed",
    "read_monthly_series": ".processed",
    "series_catalogue": ".processed",
    "step": ".models",
    "steps_from_breaks": ".models",
    # registry vintages: every dated release, diffs, revisions, lags and nowcasts
    "read_vintages": ".vintages.store",
    "load_vintages": ".vintages.store",
    "Vintage": ".vintages.store",
    "LoadedVintage": ".vintages.store",
    "build_history": ".vintages.history",
    "History": ".vintages.history",
    "entry_histories": ".vintages.history",
    "disappearances": ".vintages.history",
    "changes_by_kind": ".vintages.history",
    "revision_triangle": ".vintages.triangle",
    "revisions_by_lag": ".vintages.triangle",
    "publication_lags": ".vintages.lag",
    "lag_distribution": ".vintages.lag",
    "nowcast_monthly": ".vintages.nowcast",
    "nowcast_counts": ".vintages.nowcast",
    "backtest_nowcast": ".vintages.nowcast",
    "NowcastResult": ".vintages.nowcast",
    "BacktestResult": ".vintages.nowcast",
    "build_vintages": ".vintages.build",
    "vintage_tables": ".vintages.tables",
    "refresh": ".vintages.refresh",
    "RefreshError": ".vintages.refresh",
    "load_minjust_pdf": ".sources",
    "load_fz255_foreign_agents": ".sources",
    "load_fz255_undesirable": ".sources",
    "load_minjust_rest_vintage": ".sources",
}


# ``__version__`` is read on first use: no metadata or TOML parsing at import
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals(), {"__version__": _read_version})


__all__ = [
    "AnalysisError",
    "AnalysisWarning",
    "BacktestResult",
    "BayesianChangePointResult",
    "ChangePointResult",
    "ChecksumError",
    "CountModelResult",
    "Counterfactual",
    "CropsPath",
    "DiagnosticTest",
    "GammaPrior",
    "History",
    "IngarchResult",
    "InputError",
    "LOADER_NAMES",
    "LoadResult",
    "LoadedVintage",
    "ModelError",
    "MultiscaleChangePointResult",
    "NegBinCost",
    "NormalMeanCost",
    "NormalMeanVarCost",
    "NowcastResult",
    "PoissonCost",
    "RefreshError",
    "ScreenResult",
    "SeasonalCost",
    "Specification",
    "TestResult",
    "Vintage",
    "__version__",
    "analyse_effects",
    "annual_convictions",
    "backtest_nowcast",
    "bayesian_changepoints",
    "build_history",
    "build_report",
    "build_vintages",
    "changes_by_kind",
    "choose_specification",
    "crops",
    "detect_changepoints",
    "disappearances",
    "entry_histories",
    "event_annotations",
    "events_for_series",
    "fit_count_model",
    "fit_ingarch",
    "get_loader",
    "interventions_for_series",
    "interventions_from_events",
    "lag_distribution",
    "level_and_slope",
    "list_events",
    "load_cdep_form10_3",
    "load_cdep_form10a",
    "load_events",
    "load_foreign_agents_csv",
    "load_foreign_agents_pdf_json",
    "load_foreign_agents_rest_json",
    "load_foreign_agents_xlsx",
    "load_fz255_foreign_agents",
    "load_fz255_undesirable",
    "load_minjust_pdf",
    "load_minjust_rest_values",
    "load_minjust_rest_vintage",
    "load_published_convictions",
    "load_undesirable_rest_json",
    "load_undesirable_scrape_json",
    "load_vintages",
    "monthly_series",
    "multiscale_changepoints",
    "nowcast_counts",
    "nowcast_monthly",
    "placebo_test",
    "publication_lags",
    "pulse",
    "ramp",
    "read_annual_convictions",
    "read_monthly_series",
    "read_vintages",
    "refresh",
    "revision_triangle",
    "revisions_by_lag",
    "screen",
    "sensitivity_table",
    "series_catalogue",
    "source_commit",
    "step",
    "steps_from_breaks",
    "vintage_tables",
]
