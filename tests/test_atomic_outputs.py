"""Issue 12, item 1: an interrupt at any moment leaves the complete old or the complete new output.

``build`` and ``report`` write through :mod:`analysis._atomic`. Interrupts are real
SIGINTs: in-process ones are sent by :data:`analysis._atomic.FAULT_HOOK` at a chosen
step of the write phase (every chunk of every file, every flush, each rename, the
removal of the old folder), and a few go to real ``python -m analysis`` processes once
they report that they are writing. After each one the output folder is compared, by the
sha256 of every file, with the old state and with the new one; it must equal one of them
exactly (after the recovery a next run performs).
"""
from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from analysis import _atomic
from analysis._atomic import OutputError, recover, replacing

ROOT = Path(__file__).resolve().parents[1]

TINY_CONFIG = """
[report]
title = "Tiny"
[changepoint]
conf_int_draws = 5
bayes_max_breaks = 1
[[series]]
id = "fa"
registry = "foreign_agents"
changepoints = false
[convictions]
articles = ["275"]
"""


def state(folder: Path) -> dict[str, str] | None:
    """sha256 of every file below ``folder`` by relative path (None when the folder is missing)."""
    if not folder.exists():
        return None
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(folder: Path) -> list[str]:
    """Stage or old folders left beside ``folder``."""
    return sorted(p.name for p in folder.parent.iterdir()
                  if p.name.startswith((f".{folder.name}.new-", f".{folder.name}.old")))


class Interrupt:
    """A FAULT_HOOK that sends this process a real SIGINT at the ``at``-th step it sees."""

    def __init__(self, at: int | None = None, when=None) -> None:
        self.at, self.when, self.seen, self.fired = at, when, [], None

    def __call__(self, step: str) -> None:
        self.seen.append(step)
        hit = (self.at is not None and len(self.seen) == self.at) or (self.when is not None and self.when(step))
        if hit and self.fired is None:
            self.fired = step
            # to this (the main) thread, so that it is handled at once: os.kill would let the kernel
            # hand it to any thread (a numerical library's, a worker pool's), whose wake-up of the
            # main thread may come a step later
            signal.raise_signal(signal.SIGINT)


@pytest.fixture(autouse=True)
def _no_hook():
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)  # Python's own, whatever ran before
    yield
    _atomic.FAULT_HOOK = None
    signal.signal(signal.SIGINT, previous)


def _run_interrupted(hook: Interrupt, fn) -> bool:
    """Run ``fn`` with ``hook``; True when it was interrupted (KeyboardInterrupt)."""
    _atomic.FAULT_HOOK = hook
    try:
        fn()
    except KeyboardInterrupt:
        return True
    finally:
        _atomic.FAULT_HOOK = None
    return False


def _old_build_state(contents: dict[str, bytes]) -> dict[str, bytes]:
    """A different, complete earlier build: every file changed, one file more, one less."""
    old = {k: v.replace(b"foreign_agents", b"foreign_agentz", 1) + b"# earlier build\n" for k, v in contents.items()}
    old.pop("weekly_series.csv")
    old["audit/older_table.csv"] = b"a,b\n1,2\n"
    return old


def _write_plain(folder: Path, files: dict[str, bytes]) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)


@pytest.fixture(scope="module")
def build_contents(built) -> dict[str, bytes]:
    """The bytes of the session's build from the mirror (public files and audit tables)."""
    processed, _ = built
    return {str(p.relative_to(processed)): p.read_bytes() for p in sorted(processed.rglob("*")) if p.is_file()}


# --------------------------------------------------------------------------- build


def test_build_write_phase_survives_sigint_at_every_step(build_contents, tmp_path):
    """At least 30 real SIGINTs spread over the whole write phase of ``build``."""
    from analysis.build import write_processed

    new_state = {k: hashlib.sha256(v).hexdigest() for k, v in build_contents.items()}
    old_files = _old_build_state(build_contents)
    old_state = {k: hashlib.sha256(v).hexdigest() for k, v in old_files.items()}
    target = tmp_path / "data" / "processed"

    probe = Interrupt()
    _write_plain(target, old_files)
    _atomic.FAULT_HOOK = probe
    write_processed(build_contents, target, progress=False)
    _atomic.FAULT_HOOK = None
    steps = probe.seen
    assert state(target) == new_state
    kinds = {s.split()[0] for s in steps}
    assert {"stage", "write", "flush", "swap:", "cleanup:"} <= kinds
    assert len(steps) >= 40, len(steps)
    # every step up to 30 of them, always including the swap and the removal of the old folder
    stride = max(1, len(steps) // 30)
    chosen = sorted(set(range(1, len(steps) + 1, stride)) | {
        i + 1 for i, s in enumerate(steps) if s.startswith(("swap", "cleanup"))})
    assert len(chosen) >= 30
    outcomes = {"old": 0, "new": 0}
    for at in chosen:
        _write_plain(target, old_files)
        hook = Interrupt(at=at)
        interrupted = _run_interrupted(hook, lambda: write_processed(build_contents, target, progress=False))
        assert interrupted, f"step {at} ({hook.fired}) did not interrupt"
        recover(target)  # what the next run does first
        got = state(target)
        assert got in (old_state, new_state), f"SIGINT at step {at} ({hook.fired}) left a mixed folder"
        assert leftovers(target) == [], hook.fired
        outcomes["new" if got == new_state else "old"] += 1
        # a SIGINT during the swap is held until the swap is done: the new state
        if hook.fired.startswith(("swap", "cleanup")):
            assert got == new_state, hook.fired
    assert outcomes["old"] >= 20 and outcomes["new"] >= 3, outcomes


def test_hard_kill_between_the_renames_is_repaired_at_the_next_start(tmp_path):
    """SIGKILL cannot be deferred: a process killed between the two renames, or while removing
    the old folder, leaves names that the next run's recovery repairs into a complete state."""
    script = textwrap.dedent("""
        import os, signal, sys
        from pathlib import Path
        from analysis import _atomic
        target, step = Path(sys.argv[1]), sys.argv[2]
        def hook(s):
            if s.startswith(step):
                os.kill(os.getpid(), signal.SIGKILL)
        _atomic.FAULT_HOOK = hook
        with _atomic.replacing(target) as stage:
            for i in range(3):
                _atomic.write_bytes(stage / f"f{i}.csv", f"new {i}\\n".encode())
    """)
    old = {f"f{i}.csv": f"old {i}\n".encode() for i in range(4)}
    new_state = {f"f{i}.csv": hashlib.sha256(f"new {i}\n".encode()).hexdigest() for i in range(3)}
    old_state = {k: hashlib.sha256(v).hexdigest() for k, v in old.items()}
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for step, expect in (("write f1", "old"), ("flush", "old"), ("swap: old folder moved aside", "old"),
                         ("cleanup", "new")):
        target = tmp_path / step.replace(" ", "_").replace(":", "") / "out"
        _write_plain(target, old)
        proc = subprocess.run([sys.executable, "-c", script, str(target), step], env=env, timeout=60)
        assert proc.returncode == -signal.SIGKILL
        assert leftovers(target), "a killed run leaves its stage or the old folder behind"
        what = recover(target)
        assert what is not None
        assert state(target) == (old_state if expect == "old" else new_state), step
        assert leftovers(target) == []


def _env(**extra: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg", **extra}


def _start(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "analysis", *args], cwd=cwd, env=env,
                            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)


def _sigint_when(proc: subprocess.Popen, marker: str, delay: float, log: list[str]) -> None:
    """Send SIGINT ``delay`` seconds after the process prints a line containing ``marker``."""
    for line in proc.stderr:
        log.append(line)
        if marker in line:
            time.sleep(delay)
            proc.send_signal(signal.SIGINT)
            break
    log.extend(proc.stderr.read().splitlines())


def test_real_processes_interrupted_while_writing(build_contents, tiny_report, mirror, tmp_path):
    """Real ``build`` and ``report`` processes get a real SIGINT once they say they are writing
    (run side by side to keep the test short)."""
    new_build = {k: hashlib.sha256(v).hexdigest() for k, v in build_contents.items()}
    old_files = _old_build_state(build_contents)
    old_build = {k: hashlib.sha256(v).hexdigest() for k, v in old_files.items()}
    config, processed, reference = tiny_report
    old_report = {k: hashlib.sha256(v).hexdigest() for k, v in OLD_REPORT.items()}
    jobs = []
    for k, delay in enumerate((0.0, 0.1)):
        target = tmp_path / f"b{k}" / "processed"
        _write_plain(target, old_files)
        proc = _start(["build", "--mirror", str(mirror), "--raw-dir", str(tmp_path / "none"), "--out", str(target)],
                      ROOT, _env())
        jobs.append((proc, target, "writing 9 processed tables", delay, (old_build, new_build)))
    target = tmp_path / "r" / "report"
    _write_plain(target, OLD_REPORT)
    proc = _start(["report", "--config", str(config), "--out", str(target)], ROOT,
                  _env(ANALYSIS_PROCESSED=str(processed)))
    jobs.append((proc, target, "writing HTML and Markdown", 0.0, (old_report, state(reference))))
    logs: list[list[str]] = [[] for _ in jobs]
    threads = [threading.Thread(target=_sigint_when, args=(p, marker, delay, logs[i]))
               for i, (p, _, marker, delay, _) in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    for (proc, target, _, _, allowed), log in zip(jobs, logs):
        rc = proc.wait(timeout=300)
        text = "".join(log)
        assert "Traceback" not in text, text
        assert rc in (0, 2), text  # 2: "error: interrupted"
        recover(target)
        assert state(target) in allowed, (rc, text[-500:])
        assert leftovers(target) == []


# --------------------------------------------------------------------------- report


@pytest.fixture(scope="module")
def tiny_report(built, tmp_path_factory):
    """A reference run of the tiny report on the session's build: (config, data dir, its state)."""
    from analysis.report import run_report

    root = tmp_path_factory.mktemp("tiny-report")
    config = root / "tiny.toml"
    config.write_text(TINY_CONFIG, encoding="utf-8")
    processed, _ = built
    out = root / "reference"
    run_report(config, out, progress=False, data_dir=processed)
    return config, processed, out


OLD_REPORT = {"index.html": b"<html>an earlier report</html>", "report.md": b"# earlier\n",
              "figures/old.svg": b"<svg/>", "figures/series-fa.svg": b"<svg>older</svg>"}


def test_report_write_phase_survives_sigint(tiny_report, tmp_path):
    """At least 10 real SIGINTs over the report's write phase: inside real report runs (before the
    figures, while writing index.html, during the swap) and at every step of its commit."""
    from analysis.report import run_report
    from analysis.report.builder import OUTPUT_NAMES

    config, processed, reference = tiny_report
    new_state = state(reference)
    old_state = {k: hashlib.sha256(v).hexdigest() for k, v in OLD_REPORT.items()}
    target = tmp_path / "reports" / "latest"
    n = 0
    for when in (lambda s: s == "stage created", lambda s: s.startswith("write index.html"),
                 lambda s: s.startswith("swap: old folder moved aside")):
        _write_plain(target, OLD_REPORT)
        hook = Interrupt(when=when)
        assert _run_interrupted(hook, lambda: run_report(config, target, progress=False, data_dir=processed))
        recover(target)
        assert state(target) == (new_state if hook.fired.startswith("swap") else old_state), hook.fired
        assert leftovers(target) == []
        n += 1
    # the commit of the same files, replayed: a SIGINT at every step of writing and swapping them
    files = {str(p.relative_to(reference)): p.read_bytes() for p in sorted(reference.rglob("*")) if p.is_file()}

    def commit() -> None:
        with replacing(target, known=OUTPUT_NAMES) as stage:
            for name, data in files.items():
                _atomic.write_bytes(stage / name, data)

    probe = Interrupt()
    _write_plain(target, OLD_REPORT)
    _atomic.FAULT_HOOK = probe
    commit()
    _atomic.FAULT_HOOK = None
    assert state(target) == new_state
    for at in range(1, len(probe.seen) + 1):
        _write_plain(target, OLD_REPORT)
        hook = Interrupt(at=at)
        assert _run_interrupted(hook, commit)
        recover(target)
        assert state(target) in (old_state, new_state), hook.fired
        assert leftovers(target) == []
        n += 1
    assert n >= 10, n


def test_report_without_interrupt_replaces_the_old_report_whole(tiny_report, tmp_path):
    from analysis.report import run_report

    config, processed, reference = tiny_report
    target = tmp_path / "latest"
    _write_plain(target, OLD_REPORT)
    run = run_report(config, target, progress=False, data_dir=processed)
    assert state(target) == state(reference)  # figures/old.svg of the old report is gone too
    assert run.index == target / "index.html" and all(f.is_file() and target in f.parents for f in run.figures)


# --------------------------------------------------------------------------- the helper itself


def test_a_folder_with_foreign_content_is_never_replaced(tmp_path):
    target = tmp_path / "out"
    target.mkdir()
    (target / "my-thesis.docx").write_bytes(b"precious")
    with pytest.raises(OutputError, match="my-thesis.docx"):
        with replacing(target, known=("index.html",)):
            pass
    assert (target / "my-thesis.docx").read_bytes() == b"precious"
    assert leftovers(target) == []


def test_a_file_where_the_folder_should_be_is_refused(tmp_path):
    target = tmp_path / "out"
    target.write_text("a file")
    with pytest.raises(OutputError, match="not a folder"):
        with replacing(target):
            pass
    with pytest.raises(OutputError, match="not a folder"):
        with replacing(target / "sub"):
            pass


def test_a_second_run_on_the_same_target_is_refused_while_the_first_writes(tmp_path):
    target = tmp_path / "out"
    with replacing(target) as stage:
        (stage / "a.csv").write_text("1\n")
        with pytest.raises(OutputError, match="another run"):
            with replacing(target):
                pass
    assert state(target) == {"a.csv": hashlib.sha256(b"1\n").hexdigest()}


def test_an_error_inside_leaves_the_old_folder_and_no_stage(tmp_path):
    target = tmp_path / "out"
    _write_plain(target, {"a.csv": b"old\n"})
    with pytest.raises(ValueError):
        with replacing(target) as stage:
            (stage / "a.csv").write_text("new\n")
            raise ValueError("validation failed")
    assert (target / "a.csv").read_bytes() == b"old\n"
    assert leftovers(target) == []


def test_the_new_folder_keeps_the_old_folders_permissions(tmp_path):
    target = tmp_path / "out"
    target.mkdir(mode=0o755)
    os.chmod(target, 0o750)
    with replacing(target) as stage:
        (stage / "a.csv").write_text("x\n")
    assert (target.stat().st_mode & 0o777) == 0o750
    fresh = tmp_path / "fresh"
    with replacing(fresh) as stage:
        (stage / "a.csv").write_text("x\n")
    umask = os.umask(0)
    os.umask(umask)
    assert (fresh.stat().st_mode & 0o777) == 0o777 & ~umask  # not mkdtemp's private 0700
