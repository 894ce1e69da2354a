"""Build-time steps that ``pyproject.toml`` cannot declare (all metadata lives there).

* The committed processed data (``data/processed/``, the source of truth) are copied
  byte for byte into the built package as ``analysis/data/processed/``, so that an
  installed package can read them; no second copy is ever committed.
* The commit the package is built from is recorded as ``analysis/_source_commit.txt``
  (read by :func:`analysis.source_commit`). An sdist carries the same file, so a wheel
  built from the sdist records the same commit.

Editable installs read ``data/processed`` and git in place, so nothing is copied then.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

HERE = Path(__file__).resolve().parent
PROCESSED = HERE / "data" / "processed"
COMMIT_FILE = "_source_commit.txt"
#: Sub-folders of data/processed that are written by ``build`` but never committed or shipped.
EXCLUDED = ("audit",)


def _processed_files() -> list[Path]:
    """Committed processed files: every file under data/processed except audit folders and leftovers."""
    files = []
    for p in sorted(PROCESSED.rglob("*")):
        rel = p.relative_to(PROCESSED)
        if not p.is_file() or any(part in EXCLUDED or part.startswith(".") for part in rel.parts):
            continue
        files.append(p)
    return files


def _commit() -> str:
    """``git rev-parse HEAD`` (``-dirty`` when tracked files changed), else the recorded commit, else ''."""
    try:
        head = subprocess.run(["git", "-C", str(HERE), "rev-parse", "--verify", "HEAD"], capture_output=True,
                              text=True, timeout=10, check=False)
        if head.returncode == 0 and (HERE / ".git").exists():
            dirty = subprocess.run(["git", "-C", str(HERE), "diff", "--quiet", "HEAD", "--"],
                                   capture_output=True, timeout=10, check=False).returncode == 1
            return head.stdout.strip() + ("-dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        pass
    recorded = HERE / "analysis" / COMMIT_FILE
    return recorded.read_text(encoding="ascii").strip() if recorded.is_file() else ""


class BuildPy(build_py):
    """``build_py`` that also puts the processed data and the source commit into the built package."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        target = Path(self.build_lib) / "analysis"
        for src in _processed_files():
            dest = target / "data" / "processed" / src.relative_to(PROCESSED)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dest)
        (target / COMMIT_FILE).write_text(_commit() + "\n", encoding="ascii")

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs = list(super().get_outputs(include_bytecode))
        if not self.editable_mode:
            target = Path(self.build_lib) / "analysis"
            outputs += [str(target / "data" / "processed" / p.relative_to(PROCESSED)) for p in _processed_files()]
            outputs.append(str(target / COMMIT_FILE))
        return outputs


class Sdist(sdist):
    """``sdist`` that records the source commit, so a wheel built from the sdist knows it too."""

    def make_release_tree(self, base_dir: str, files: list[str]) -> None:
        super().make_release_tree(base_dir, files)
        dest = Path(base_dir) / "analysis" / COMMIT_FILE
        if dest.exists():
            dest.unlink()  # a hard link to the checkout's copy, if one was listed
        dest.write_text(_commit() + "\n", encoding="ascii")


setup(cmdclass={"build_py": BuildPy, "sdist": Sdist})
