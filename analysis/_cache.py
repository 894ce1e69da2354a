"""Where the toolkit keeps what it can recompute: compiled kernels, simulated critical values.

One folder per package version, in the user's cache location by the platform's convention
(``platformdirs.user_cache_dir("analysis")``; ``~/.cache/analysis`` on Linux), never inside
the installed package, which may be read-only. ``ANALYSIS_CACHE_DIR`` overrides the root.
Everything here may be deleted at any time; it is rebuilt on demand.
"""
from __future__ import annotations

import os
from pathlib import Path

__all__ = ["cache_dir"]

ENV = "ANALYSIS_CACHE_DIR"


def cache_dir(kind: str, *, create: bool = True) -> Path:
    """Folder for cached artefacts of one ``kind`` (e.g. ``"numba"``, ``"smuce"``).

    Parameters
    ----------
    kind : str
        Sub-folder name; one per kind of artefact.
    create : bool, default True
        Create the folder if it does not exist.

    Notes
    -----
    The root is ``$ANALYSIS_CACHE_DIR`` when set, else the platform's user cache folder,
    followed by the package version, so that artefacts of two versions never mix.
    """
    from .results import package_version

    root = os.environ.get(ENV)
    if root:
        base = Path(root).expanduser()
    else:
        import platformdirs

        base = Path(platformdirs.user_cache_dir("analysis", appauthor=False))
    path = base / package_version() / kind
    if create:
        path.mkdir(parents=True, exist_ok=True)
    return path
