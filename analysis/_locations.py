"""Where the toolkit reads its data and writes its outputs, in a checkout and when installed.

Two ways to run the toolkit:

* **from a checkout** (a clone of the repository, installed editable or put on
  ``PYTHONPATH``): the package's parent folder holds ``pyproject.toml`` and ``data/``;
  processed data are read from ``data/processed``, raw files live in ``data/raw``, and
  the report goes to ``reports/latest`` of the checkout;
* **installed** (a wheel in some ``site-packages``, possibly read-only): the processed
  data ship inside the package (``analysis/data/processed``, byte-identical copies of
  the checkout's files, put there when the wheel is built); everything the toolkit
  writes goes to the user's folders by the platform's convention (``platformdirs``),
  never into the installed package.

Processed data are looked for in this order (the first that applies wins):

1. the ``data_dir`` argument of a reader, or ``--data DIR`` on the command line;
2. the folder named by the environment variable ``ANALYSIS_PROCESSED``;
3. ``data/processed`` of the checkout the package was imported from;
4. the processed data installed with the package.

An explicit folder (1 or 2) is used as given, even when it lacks files, so that a typo
is an error naming it rather than a silent fall-back to other data.
"""
from __future__ import annotations

import os
from pathlib import Path

from .errors import ProcessedFileMissing

__all__ = [
    "ENV_PROCESSED",
    "ProcessedDataNotFound",
    "checkout_root",
    "default_raw_dir",
    "default_build_dir",
    "default_report_dir",
    "find_processed_dir",
    "packaged_processed_dir",
    "user_data_dir",
]

#: Environment variable naming the processed-data folder (precedence 2).
ENV_PROCESSED = "ANALYSIS_PROCESSED"

_PKG = Path(__file__).resolve().parent
_NAME_LINE = 'name = "analysis"'


class ProcessedDataNotFound(ProcessedFileMissing):
    """No processed-data folder was given and none was found where the toolkit looks."""


def _is_checkout(folder: Path) -> bool:
    """A folder is a checkout of this project when its ``pyproject.toml`` names the ``analysis`` project."""
    try:
        text = (folder / "pyproject.toml").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return _NAME_LINE in text and (folder / "analysis" / "__init__.py").is_file()


def checkout_root() -> Path | None:
    """The checkout the package was imported from, or None for an installed package.

    Notes
    -----
    The package's parent folder is a checkout when it holds the project's
    ``pyproject.toml`` next to the ``analysis`` package; a ``site-packages`` folder
    never does.
    """
    root = _PKG.parent
    return root if _is_checkout(root) else None


def cwd_checkout(cwd: Path | None = None) -> Path | None:
    """The checkout that contains the current folder (itself or a parent), or None."""
    here = (cwd or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if _is_checkout(folder):
            return folder
    return None


def packaged_processed_dir() -> Path:
    """Where the processed data of an installed package live (``analysis/data/processed``)."""
    return _PKG / "data" / "processed"


def user_data_dir() -> Path:
    """The user's data folder for the toolkit (``~/.local/share/analysis`` on Linux).

    Not created here; commands create what they write.
    """
    import platformdirs

    return Path(platformdirs.user_data_dir("analysis", appauthor=False))


def _looks_present(folder: Path) -> bool:
    # a folder mid-swap (``.processed.old`` beside it) is reported by the readers, so it counts
    return folder.is_dir() or (folder.parent / f".{folder.name}.old").exists()


def processed_candidates() -> list[tuple[str, Path | None]]:
    """The places searched by default, in order, as ``(description, folder)``."""
    root = checkout_root()
    env = os.environ.get(ENV_PROCESSED)
    return [
        (f"${ENV_PROCESSED}", Path(env) if env else None),
        ("the checkout's data/processed", root / "data" / "processed" if root else None),
        ("the data installed with the package", packaged_processed_dir()),
    ]


def find_processed_dir(data_dir: str | Path | None = None) -> Path:
    """The processed-data folder, by the order of precedence in the module docstring.

    Parameters
    ----------
    data_dir : path, optional
        An explicit folder; returned as given.

    Returns
    -------
    Path

    Raises
    ------
    ProcessedDataNotFound
        When no folder is given and none of the default places holds processed data:
        one message that lists where it looked and what to do.
    """
    if data_dir is not None:
        return Path(data_dir)
    env = os.environ.get(ENV_PROCESSED)
    if env:
        return Path(env)
    looked = []
    for what, folder in processed_candidates()[1:]:
        if folder is None:
            looked.append(f"{what} (not running from a checkout)")
            continue
        if _looks_present(folder):
            return folder
        looked.append(f"{what} ({folder})")
    raise ProcessedDataNotFound(
        "processed data",
        "not found; looked in: --data/data_dir (not given), "
        f"${ENV_PROCESSED} (not set), " + ", ".join(looked) + ". "
        "Install the package from a wheel that includes its data, point --data DIR (or "
        f"${ENV_PROCESSED}=DIR) at a checkout's data/processed, or rebuild it in a checkout with "
        "`python -m analysis fetch --mirror DIR` then `python -m analysis build`")


def default_raw_dir() -> Path:
    """Default folder of raw files: the checkout's ``data/raw``, else ``<user data>/raw``."""
    root = checkout_root()
    return root / "data" / "raw" if root else user_data_dir() / "raw"


def default_build_dir() -> Path:
    """Default output of ``build``: the checkout's ``data/processed``, else ``<user data>/processed``."""
    root = checkout_root()
    return root / "data" / "processed" if root else user_data_dir() / "processed"


def default_report_dir(cwd: Path | None = None) -> Path:
    """Default report folder.

    ``reports/latest`` of the checkout that contains the current folder; outside any
    checkout, ``<user data>/reports/latest`` (never the installed package, and never a
    folder the user did not ask for in some unrelated current directory).
    """
    root = cwd_checkout(cwd)
    return root / "reports" / "latest" if root else user_data_dir() / "reports" / "latest"
