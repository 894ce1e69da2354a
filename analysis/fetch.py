"""Download raw inputs (or copy them from a mirror) with sha256 checks.

A file is written only after its bytes match the manifest's sha256, and then
atomically (temporary file in the same folder, then rename), so a checksum mismatch,
an interrupted download or an HTML error page never leaves a file that later looks
valid.
"""
from __future__ import annotations

import os
import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .errors import ChecksumError, InputError
from .manifest import RAW_DIR, RawFile, load_manifest, sha256_bytes, sha256_file

MIRROR_ENV = "ANALYSIS_MIRROR"


@dataclass(frozen=True)
class FetchOutcome:
    """What happened to one manifest entry."""

    id: str
    status: str  # "present", "fetched", "copied", "missing"
    path: str
    message: str = ""


def _download(url: str, *, timeout: float = 60.0,
              progress: Callable[[int, int | None], None] | None = None) -> bytes:
    req = urllib.request.Request(url, headers={"User-Agent": "analysis-toolkit-fetch/0.1"})
    with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 (https addresses from the manifest)
        total = resp.headers.get("Content-Length")
        total_n = int(total) if total and total.isdigit() else None
        chunks, got = [], 0
        while True:
            chunk = resp.read(1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
            if progress:
                progress(got, total_n)
        data = b"".join(chunks)
    if total_n is not None and len(data) != total_n:
        raise InputError(url, f"download interrupted: got {len(data)} of {total_n} bytes")
    return data


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".part-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def fetch_one(entry: RawFile, *, raw_dir: Path = RAW_DIR, mirror: Path | None = None,
              downloader: Callable[[str], bytes] | None = None) -> FetchOutcome:
    """Bring one manifest entry into ``raw_dir`` and verify it.

    Parameters
    ----------
    entry : RawFile
        The manifest entry.
    raw_dir : Path
        Destination folder (``data/raw``).
    mirror : Path, optional
        A local folder laid out like the manifest paths; used instead of the network.
    downloader : callable, optional
        ``url -> bytes``; defaults to an HTTP GET (tests pass a fake).

    Raises
    ------
    ChecksumError
        If the obtained bytes do not match the manifest (nothing is written).
    InputError
        If the file cannot be obtained.
    """
    target = entry.local_path(raw_dir)
    if target.is_file() and sha256_file(target) == entry.sha256:
        return FetchOutcome(entry.id, "present", str(target))
    if mirror is not None:
        src = Path(mirror) / entry.path
        if not src.is_file():
            raise InputError(str(src), f"not in the mirror (manifest id {entry.id})")
        data, how, origin = src.read_bytes(), "copied", str(src)
    else:
        if entry.mirror_only or not entry.url:
            return FetchOutcome(entry.id, "missing", str(target),
                                "mirror-only file (no public upstream): pass --mirror DIR")
        try:
            data = (downloader or _download)(entry.url)
        except (urllib.error.URLError, OSError, TimeoutError) as exc:
            raise InputError(entry.url, f"download failed ({exc})") from None
        how, origin = "fetched", entry.url
    got = sha256_bytes(data)
    if got != entry.sha256:
        hint = " (the content looks like an HTML page)" if data[:512].lstrip().lower().startswith((b"<!doctype", b"<html")) else ""
        raise ChecksumError(
            f"{origin}: sha256 {got[:16]}… does not match the manifest's {entry.sha256[:16]}… "
            f"for {entry.id}{hint}; nothing was written")
    write_atomic(target, data)
    return FetchOutcome(entry.id, how, str(target))


def fetch_all(*, raw_dir: Path = RAW_DIR, mirror: Path | None = None, only: list[str] | None = None,
              progress: bool = True, downloader: Callable[[str], bytes] | None = None) -> list[FetchOutcome]:
    """Fetch every manifest entry (or those in ``only``), showing progress on stderr."""
    entries = [e for e in load_manifest() if only is None or e.id in only]
    outcomes = []
    for i, entry in enumerate(entries, start=1):
        out = fetch_one(entry, raw_dir=raw_dir, mirror=mirror, downloader=downloader)
        outcomes.append(out)
        if progress:
            msg = f"[{i}/{len(entries)}] {entry.id}: {out.status}"
            if out.message:
                msg += f" ({out.message})"
            print(msg, file=sys.stderr)
    return outcomes


def mirror_from_env() -> Path | None:
    """The mirror folder named by ``ANALYSIS_MIRROR``, if set."""
    value = os.environ.get(MIRROR_ENV)
    return Path(value) if value else None
