"""Download raw inputs (or copy them from a mirror) with sha256 checks.

A file is written only after its bytes match the manifest's sha256, and then
atomically (temporary file in the same folder, then rename), so a checksum mismatch,
an interrupted download or an HTML error page never leaves a file that later looks
valid.

A download is bounded in size and time:

* **size** — the manifest records every file's exact size, and the sha256 pins it, so
  a download stops at the first byte beyond it (the margin is that one byte: a
  larger answer can never pass the checksum); an announced ``Content-Length`` above it
  is refused before the body is read. An entry without a size is capped at
  :data:`MAX_UNKNOWN_BYTES`;
* **time** — each read waits at most ``timeout`` seconds, and the whole file has a
  deadline of :data:`BASE_DEADLINE` seconds plus its size at :data:`MIN_RATE` bytes per
  second, so a server that drips bytes cannot hold the download forever.

:func:`fetch_all` tries every file, whatever happens to the others, and returns one
:class:`FetchOutcome` per file; every failure is a one-line message.
"""
from __future__ import annotations

import http.client
import os
import socket
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .errors import AnalysisError, ChecksumError, InputError
from .manifest import MANIFEST_PATH, RAW_DIR, RawFile, load_manifest, sha256_bytes, sha256_file

MIRROR_ENV = "ANALYSIS_MIRROR"

#: Cap on a download whose manifest entry gives no size (64 MiB).
MAX_UNKNOWN_BYTES = 64 * 1024 * 1024
#: Seconds every download may take whatever its size.
BASE_DEADLINE = 60.0
#: Slowest transfer rate a download is allowed on top of :data:`BASE_DEADLINE` (bytes per second).
MIN_RATE = 32 * 1024
#: Longest wait for one read from the network (seconds).
READ_TIMEOUT = 60.0


@dataclass(frozen=True)
class FetchOutcome:
    """What happened to one manifest entry.

    ``status`` is ``present`` (already there and verified), ``fetched``, ``copied`` (from
    the mirror), ``missing`` (mirror-only file without a mirror) or ``failed``;
    ``problem`` says what kind of failure (``network``, ``server``, ``checksum``,
    ``size``, ``deadline``, ``mirror``, ``disk``).
    """

    id: str
    status: str
    path: str
    message: str = ""
    problem: str = ""


class DownloadError(InputError):
    """A download failed; ``problem`` says how (network, server, size, deadline)."""

    def __init__(self, file: str, message: str, problem: str) -> None:
        super().__init__(file, message)
        self.problem = problem


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def size_cap(entry: RawFile) -> int:
    """Most bytes a download of ``entry`` may bring (its manifest size, else :data:`MAX_UNKNOWN_BYTES`)."""
    return entry.bytes if isinstance(entry.bytes, int) and entry.bytes > 0 else MAX_UNKNOWN_BYTES


def deadline_for(size: int) -> float:
    """Seconds a download of ``size`` bytes may take in all."""
    return BASE_DEADLINE + size / MIN_RATE


def _socket_of(resp) -> socket.socket | None:
    """The socket under an ``http.client`` response, to shorten its timeout near the deadline."""
    raw = getattr(getattr(resp, "fp", None), "raw", None)
    sock = getattr(raw, "_sock", None)
    return sock if isinstance(sock, socket.socket) else None


def _download(url: str, *, max_bytes: int = MAX_UNKNOWN_BYTES, deadline: float | None = None,
              timeout: float = READ_TIMEOUT, progress: Callable[[int, int | None], None] | None = None) -> bytes:
    """GET ``url``: at most ``max_bytes`` bytes, within ``deadline`` seconds in all.

    Raises
    ------
    DownloadError
        Network failure (refused, reset, cut mid-chunk, DNS), an HTTP error status, an
        answer larger than ``max_bytes``, a short body, or the deadline passed; the
        message is one line.
    """
    deadline = deadline_for(max_bytes) if deadline is None else deadline
    end = time.monotonic() + deadline
    req = urllib.request.Request(url, headers={"User-Agent": "analysis-toolkit-fetch/0.1"})
    got = 0
    try:
        with urllib.request.urlopen(req, timeout=min(timeout, deadline)) as resp:  # noqa: S310 (manifest URLs)
            total = resp.headers.get("Content-Length")
            total_n = int(total) if total and str(total).isdigit() else None
            if total_n is not None and total_n > max_bytes:
                raise DownloadError(url, f"the server announces {total_n:,} bytes, more than the {max_bytes:,} "
                                         "the manifest records; nothing was read", "size")
            sock = _socket_of(resp)
            # read1 returns after one receive, so the deadline is checked between receives
            # even when a server sends a byte at a time; other readers (tests) use read.
            read = resp.read1 if isinstance(resp, http.client.HTTPResponse) else resp.read
            chunks = []
            while True:
                remaining = end - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError
                if sock is not None:
                    sock.settimeout(min(timeout, remaining))
                chunk = read(1 << 16)
                if not chunk:
                    break
                got += len(chunk)
                if got > max_bytes:
                    raise DownloadError(url, f"the server sent more than the {max_bytes:,} bytes the manifest "
                                             "records; download stopped, nothing was written", "size")
                chunks.append(chunk)
                if progress:
                    progress(got, total_n)
    except DownloadError:
        raise
    except urllib.error.HTTPError as exc:
        raise DownloadError(url, f"download failed: HTTP {exc.code} {_one_line(exc.reason)}", "server") from None
    except (TimeoutError, socket.timeout):
        if time.monotonic() >= end:
            raise DownloadError(url, f"download took longer than its deadline of {deadline:.0f} s "
                                     f"({got:,} bytes received); nothing was written", "deadline") from None
        raise DownloadError(url, f"download failed: no data for {timeout:.0f} s ({got:,} bytes received)",
                            "network") from None
    except urllib.error.URLError as exc:
        raise DownloadError(url, f"download failed ({_one_line(exc.reason)})", "network") from None
    except http.client.IncompleteRead as exc:
        raise DownloadError(url, f"download interrupted: the connection closed inside the body "
                                 f"({got + len(exc.partial):,} bytes received)", "network") from None
    except (http.client.HTTPException, OSError, ValueError) as exc:
        raise DownloadError(url, f"download failed ({type(exc).__name__}: {_one_line(exc) or 'no detail'})",
                            "network") from None
    data = b"".join(chunks)
    if total_n is not None and len(data) != total_n:
        raise DownloadError(url, f"download interrupted: got {len(data)} of {total_n} bytes", "network")
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
        ``url -> bytes``; defaults to an HTTP GET bounded by the entry's size and a
        deadline (tests pass a fake; what it returns is judged by the checksum alone).

    Raises
    ------
    ChecksumError
        If the obtained bytes do not match the manifest (nothing is written).
    InputError
        If the file cannot be obtained (a :class:`DownloadError` for the network).
    """
    target = entry.local_path(raw_dir)
    if target.is_file() and sha256_file(target) == entry.sha256:
        return FetchOutcome(entry.id, "present", str(target))
    cap = size_cap(entry)
    if mirror is not None:
        src = Path(mirror) / entry.path
        if not src.is_file():
            raise InputError(str(src), f"not in the mirror (manifest id {entry.id})")
        if src.stat().st_size > cap:
            raise ChecksumError(f"{src}: {src.stat().st_size:,} bytes where the manifest records {cap:,} "
                                f"for {entry.id}; nothing was written")
        data, how, origin = src.read_bytes(), "copied", str(src)
    else:
        if entry.mirror_only or not entry.url:
            return FetchOutcome(entry.id, "missing", str(target),
                                "mirror-only file (no public upstream): pass --mirror DIR", "mirror")
        if downloader is None:
            data = _download(entry.url, max_bytes=cap, deadline=deadline_for(cap))
        else:
            try:
                data = downloader(entry.url)
            except (urllib.error.URLError, http.client.HTTPException, OSError, TimeoutError) as exc:
                raise DownloadError(entry.url, f"download failed ({_one_line(exc)})", "network") from None
        how, origin = "fetched", entry.url
    got = sha256_bytes(data)
    if got != entry.sha256:
        hint = " (the content looks like an HTML page)" if data[:512].lstrip().lower().startswith((b"<!doctype", b"<html")) else ""
        raise ChecksumError(
            f"{origin}: sha256 {got[:16]}… does not match the manifest's {entry.sha256[:16]}… "
            f"for {entry.id}{hint}; nothing was written")
    write_atomic(target, data)
    return FetchOutcome(entry.id, how, str(target))


def _problem(exc: BaseException) -> str:
    if isinstance(exc, DownloadError):
        return exc.problem
    if isinstance(exc, ChecksumError):
        return "checksum"
    if isinstance(exc, InputError):
        return "mirror"
    return "disk"


def fetch_all(*, raw_dir: Path = RAW_DIR, mirror: Path | None = None, only: list[str] | None = None,
              progress: bool = True, downloader: Callable[[str], bytes] | None = None,
              manifest: Path = MANIFEST_PATH) -> list[FetchOutcome]:
    """Fetch every manifest entry (or those in ``only``), trying each whatever becomes of the others.

    Returns
    -------
    list of FetchOutcome
        One per entry, in manifest order; a file that could not be obtained or
        verified has status ``failed`` and a one-line message.

    Raises
    ------
    InputError
        Before anything is fetched, when ``only`` names an id the manifest does not
        have, the mirror folder does not exist, or ``raw_dir`` is not a folder.
    """
    entries = load_manifest(manifest)
    if only is not None:
        known = {e.id for e in entries}
        unknown = [i for i in only if i not in known]
        if unknown:
            raise InputError("--only", f"unknown manifest id {unknown[0]!r} ({len(unknown)} unknown); "
                                       f"ids look like {sorted(known)[0]!r}")
        entries = [e for e in entries if e.id in only]
    if mirror is not None and not Path(mirror).is_dir():
        raise InputError(str(mirror), "mirror folder does not exist" if not Path(mirror).exists()
                         else "mirror is not a folder")
    raw_dir = Path(raw_dir)
    if raw_dir.exists() and not raw_dir.is_dir():
        raise InputError(str(raw_dir), "raw-data folder is a file, not a folder")
    outcomes = []
    for i, entry in enumerate(entries, start=1):
        try:
            out = fetch_one(entry, raw_dir=raw_dir, mirror=mirror, downloader=downloader)
        except (AnalysisError, OSError) as exc:
            msg = _one_line(exc) if isinstance(exc, AnalysisError) else f"cannot be written ({_one_line(exc)})"
            out = FetchOutcome(entry.id, "failed", str(entry.local_path(raw_dir)), msg, _problem(exc))
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
