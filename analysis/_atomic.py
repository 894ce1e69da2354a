"""Replace an output folder as a whole, so that an interrupt never leaves it half written.

``build`` (``data/processed/``) and ``report`` (``reports/latest/``) write through
:func:`replacing`::

    with replacing(target, known={"index.html", "report.md", "figures"}) as stage:
        ... write every file into ``stage`` ...
    # here ``target`` is the new folder; on an exception it is still the old one

Design
------
*Stage.* Files are written into a fresh folder beside the target,
``<parent>/.<name>.new-XXXXXXXX``, never into the target itself. Nothing the old folder
holds is touched until every new file is written, flushed and (by the caller)
validated.

*Swap.* A rename onto a non-empty directory fails on Linux, so the swap is two renames:
``target → <parent>/.<name>.old`` and ``stage → target``. Each rename is atomic; between
them the target does not exist. SIGINT and SIGTERM are deferred across the two renames
and the removal of the old folder that follows (a handler records them and they are
delivered right after), so Ctrl-C cannot stop the swap half way.

*Recovery.* A process killed outright (SIGKILL, power loss) can still stop between the
renames or during the removal. :func:`recover` runs before every replacement and
repairs what it finds, by the names alone:

=========================================  ======================================
found                                       meaning and repair
=========================================  ======================================
``.<name>.old`` and no target               stopped between the renames: the old
                                            folder is renamed back (old state)
``.<name>.old`` and the target              stopped while removing the old folder:
                                            the rest of it is removed (new state)
``.<name>.new-*``                           a stage that was never swapped in:
                                            removed (the target is untouched)
=========================================  ======================================

So after any interrupt, and at the latest after the next start, the target is either
the complete old folder or the complete new one.

*Lock.* The whole replacement runs under an exclusive ``flock`` on the parent folder,
so two runs never swap the same target at once (the second one stops with a message)
and recovery never removes a stage a live run is writing. Readers do not lock: while a
swap is under way the target may be missing for an instant.

*Safety.* A target that exists must be a folder, and one that is not empty must look
like an earlier output (every top-level entry in ``known``): a user's other folder
given as ``--out`` is never swapped away. The new folder gets the old folder's
permissions (or the umask's), not the private mode of a temporary folder. A plain
folder comes out a plain folder, so ``data/processed/`` stays what git tracks.

*Fault injection.* :func:`checkpoint` is called at every step (each chunk of each file
written through :func:`write_bytes`, each file flushed, each rename, the removal). Tests
set :data:`FAULT_HOOK` to deliver a real SIGINT at a chosen step.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import signal
import stat
import tempfile
import threading
from collections.abc import Callable, Collection, Iterator
from pathlib import Path

from .errors import AnalysisError

__all__ = ["FAULT_HOOK", "OutputError", "check_target", "checkpoint", "recover", "replacing", "write_bytes",
           "write_text"]

#: Called as ``FAULT_HOOK(step_name)`` at every step of a replacement (tests only).
FAULT_HOOK: Callable[[str], None] | None = None

#: Bytes written between two checkpoints by :func:`write_bytes`.
CHUNK = 64 * 1024

_DEFERRED = (signal.SIGINT, signal.SIGTERM)


class OutputError(AnalysisError):
    """An output folder cannot be replaced (not a folder, foreign content, locked)."""


def checkpoint(step: str) -> None:
    """Mark a step of a replacement (a point where an interrupt may be injected)."""
    if FAULT_HOOK is not None:
        FAULT_HOOK(step)


def _old(target: Path) -> Path:
    return target.parent / f".{target.name}.old"


def _stage_prefix(target: Path) -> str:
    return f".{target.name}.new-"


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:  # some file systems cannot flush a directory
        pass
    finally:
        os.close(fd)


def _rmtree(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path)


def recover(target: str | Path) -> str | None:
    """Repair what an interrupted replacement of ``target`` left; return what was done.

    Returns None when there was nothing to repair, else a one-line description. Call
    it only while holding the lock (as :func:`replacing` does) or when no other run
    can be writing.
    """
    target = Path(target)
    parent = target.parent
    if not parent.is_dir():
        return None
    done = []
    old = _old(target)
    if old.exists():
        if not target.exists():
            os.rename(old, target)
            done.append(f"restored {target} from an interrupted swap")
        else:
            _rmtree(old)
            done.append(f"removed the rest of the previous {target.name}")
    for stale in sorted(parent.glob(_stage_prefix(target) + "*")):
        _rmtree(stale)
        done.append(f"removed an unfinished {stale.name}")
    if done:
        _fsync_dir(parent)
    return "; ".join(done) or None


@contextlib.contextmanager
def _locked(parent: Path, target: Path) -> Iterator[None]:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not a POSIX system: no lock
        yield
        return
    fd = os.open(parent, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputError(f"{target}: another run is replacing it right now; try again when it has "
                              "finished") from None
        yield
    finally:
        os.close(fd)  # closing releases the lock


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM until the block ends, then deliver what arrived."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signals are only ever delivered to the main thread
        return
    received: list[int] = []
    previous = {s: (signal.getsignal(s) or signal.SIG_DFL) for s in _DEFERRED}

    def hold(signum: int, _frame) -> None:
        received.append(signum)

    for s in _DEFERRED:
        signal.signal(s, hold)
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        for s in dict.fromkeys(received):
            os.kill(os.getpid(), s)  # delivered now, to the handler that was in place


def check_target(target: str | Path, known: Collection[str] | None = None) -> None:
    """Raise :class:`OutputError` now if :func:`replacing` would refuse ``target`` (checked again then).

    Lets a long job (``build``) refuse a wrong ``--out`` before it does its work.
    """
    target = Path(target).absolute()
    for parent in (target.parent, *target.parent.parents):
        if parent.exists():
            if not parent.is_dir():
                raise OutputError(f"{target}: {parent} is not a folder")
            break
    _check_target(target, known)


def _check_target(target: Path, known: Collection[str] | None) -> None:
    if target.is_symlink():
        raise OutputError(f"{target}: is a symbolic link; the swap would replace the link, not its folder "
                          f"(pass the real folder, {target.resolve()})")
    if target.exists() and not target.is_dir():
        raise OutputError(f"{target}: exists and is not a folder")
    if target.is_dir() and known is not None:
        foreign = sorted(p.name for p in target.iterdir() if p.name not in known)
        if foreign:
            raise OutputError(f"{target}: holds {foreign[0]!r}, which this toolkit did not write; refusing to "
                              "replace a folder with other content (choose an empty or new folder)")


def _mode_for(target: Path) -> int:
    if target.is_dir():
        return stat.S_IMODE(target.stat().st_mode)
    umask = os.umask(0)
    os.umask(umask)
    return 0o777 & ~umask


def _flush_tree(stage: Path) -> None:
    for path in sorted(stage.rglob("*")):
        if path.is_file():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
            checkpoint(f"flush {path.relative_to(stage)}")
    for path in sorted((p for p in stage.rglob("*") if p.is_dir()), reverse=True):
        _fsync_dir(path)
    _fsync_dir(stage)


def _swap(stage: Path, target: Path) -> None:
    old = _old(target)
    with _signals_deferred():
        if target.exists():
            os.rename(target, old)
            checkpoint("swap: old folder moved aside")
        os.rename(stage, target)
        checkpoint("swap: new folder in place")
        _fsync_dir(target.parent)
        if old.exists():
            checkpoint("cleanup: removing the old folder")
            _rmtree(old)


@contextlib.contextmanager
def replacing(target: str | Path, *, known: Collection[str] | None = None) -> Iterator[Path]:
    """Write a new version of the folder ``target`` and swap it in as a whole.

    Parameters
    ----------
    target : path
        The output folder (created if missing, with its parents).
    known : collection of str, optional
        Top-level names an earlier output may hold. A non-empty ``target`` with any
        other entry is refused (:class:`OutputError`), so that another folder given
        by mistake is never replaced. None accepts any content.

    Yields
    ------
    Path
        The stage folder to write into.

    Raises
    ------
    OutputError
        When ``target`` is not a folder, holds foreign content, or another run is
        replacing it.

    Notes
    -----
    On leaving the block normally, the stage is flushed to disk and swapped in (see the
    module notes); on an exception (including KeyboardInterrupt) the stage is removed
    and ``target`` is left exactly as it was.
    """
    target = Path(target).absolute()
    parent = target.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise OutputError(f"{target}: {parent} is not a folder") from None
    except OSError as exc:
        raise OutputError(f"{target}: cannot create {parent} ({exc.strerror})") from None
    if not parent.is_dir():
        raise OutputError(f"{target}: {parent} is not a folder")
    with _locked(parent, target):
        recover(target)
        _check_target(target, known)
        try:
            stage = Path(tempfile.mkdtemp(prefix=_stage_prefix(target), dir=parent))
        except OSError as exc:
            raise OutputError(f"{target}: cannot write in {parent} ({exc.strerror})") from None
        try:
            checkpoint("stage created")
            yield stage
            os.chmod(stage, _mode_for(target))
            _flush_tree(stage)
            checkpoint("stage complete")
        except BaseException:
            with contextlib.suppress(OSError):
                _rmtree(stage)
            raise
        _swap(stage, target)


def write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to a file inside a stage, in chunks, with a checkpoint after each."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        for start in range(0, max(len(data), 1), CHUNK):
            fh.write(data[start:start + CHUNK])
            checkpoint(f"write {path.name} at {start}")
    return path


def write_text(path: str | Path, text: str) -> Path:
    """UTF-8 text with ``\\n`` line ends through :func:`write_bytes`."""
    return write_bytes(path, text.encode("utf-8"))
