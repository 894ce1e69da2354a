"""Every notebook runs from top to bottom without error (nbclient), on the processed data, and shows figures.

The kernel runs with Jupyter's inline backend, as a reader's would: ``MPLBACKEND`` is
removed from its environment (ipykernel then selects the inline backend), so a package
that forced a backend on import would leave the notebooks without images, and this test
would fail.

The committed ``data/processed`` is used when present; otherwise a seeded synthetic folder
with the same layout, so the notebooks are exercised on any checkout. Notebooks are
stored without outputs or execution counts.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))

sys.path.insert(0, str(ROOT / "tests" / "report"))


@pytest.fixture(scope="module")
def processed(tmp_path_factory) -> Path:
    real = ROOT / "data" / "processed"
    if (real / "monthly_series.csv").is_file() and (real / "annual_convictions.csv").is_file():
        return real
    from synthetic import write_synthetic_processed

    return write_synthetic_processed(tmp_path_factory.mktemp("processed"))


def test_there_are_four_notebooks():
    assert [p.name for p in NOTEBOOKS] == ["01-designations.ipynb", "02-changepoints.ipynb",
                                           "03-count-models.ipynb", "04-convictions.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_stored_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
    tagged = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1


def _kernel_env(processed: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    env["ANALYSIS_PROCESSED"] = str(processed)
    # the package is importable in the kernel even without an installed copy
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    return env


def _images(nb) -> list[str]:
    return [mime for c in nb.cells if c.cell_type == "code" for o in c.outputs
            for mime in o.get("data", {}) if mime in ("image/png", "image/svg+xml")]


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_and_shows_figures(path, processed, tmp_path):
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}})
    client.execute(env=_kernel_env(processed))
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.get("output_type") == "error"]
    assert errors == []
    assert _images(nb), f"{path.name} shows no figure"


def test_no_backend_is_forced_on_import():
    """Importing every plotting module leaves the backend chosen by the user (here: inline)."""
    import subprocess

    code = ("import matplotlib; matplotlib.use('module://matplotlib_inline.backend_inline'); "
            "import analysis.plots, analysis.plots.series, analysis.plots.models, analysis.plots.changepoint, "
            "analysis.plots.screen, analysis.plots.vintages, analysis.plots.multiscale; "
            "print(matplotlib.get_backend())")
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip().endswith("backend_inline")
