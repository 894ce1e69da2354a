"""The raw-input manifest: what each raw file is, where it comes from, its sha256.

The manifest lives in ``data/raw/manifest.toml`` and is the only file of ``data/raw/``
that is committed. Raw files themselves are laid out under ``data/raw/`` with the same
relative paths as in a mirror folder (e.g. ``neuron_nexus_inoagents/export.xlsx``).
"""
from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError

PROJECT_ROOT = Path(__file__).resolve().parents[1]
RAW_DIR = PROJECT_ROOT / "data" / "raw"
PROCESSED_DIR = PROJECT_ROOT / "data" / "processed"
MANIFEST_PATH = RAW_DIR / "manifest.toml"


@dataclass(frozen=True)
class RawFile:
    """One manifest entry."""

    id: str
    path: str
    sha256: str
    bytes: int
    format: str
    loader: str
    licence: str
    snapshot_date: str
    url: str | None = None
    refresh_url: str | None = None
    mirror_only: bool = False
    role: str = "primary"
    note: str | None = None
    year: int | None = None

    def local_path(self, raw_dir: Path = RAW_DIR) -> Path:
        """Where the file lives under ``raw_dir``."""
        return raw_dir / self.path


def load_manifest(path: Path = MANIFEST_PATH) -> list[RawFile]:
    """Read the manifest; entries come back sorted by id.

    Raises
    ------
    InputError
        If the manifest is missing or malformed.
    """
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(str(path), "manifest not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(str(path), f"not valid TOML ({exc})") from None
    entries = []
    for i, raw in enumerate(data.get("file", []), start=1):
        try:
            entries.append(RawFile(**raw))
        except TypeError as exc:
            raise InputError(str(path), f"entry {i} is malformed ({exc})") from None
    return sorted(entries, key=lambda e: e.id)


def sha256_bytes(data: bytes) -> str:
    """Hex sha256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, read in chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def resolve_raw(entry: RawFile, raw_dir: Path = RAW_DIR, mirror: Path | None = None) -> Path:
    """Path to a verified copy of ``entry``: ``raw_dir`` first, else the mirror.

    Raises
    ------
    InputError
        If neither holds a file with the recorded sha256.
    """
    candidates = [entry.local_path(raw_dir)]
    if mirror is not None:
        candidates.append(Path(mirror) / entry.path)
    for c in candidates:
        if c.is_file() and sha256_file(c) == entry.sha256:
            return c
    raise InputError(entry.path, "no verified copy in data/raw or the mirror; run `python -m analysis fetch`")
