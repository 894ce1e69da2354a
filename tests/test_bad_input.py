"""Every case of the bad-input corpus (``tests/data/bad``) through its loader and the command line.

For each case ``MANIFEST.csv`` states the expected exit code of
``python -m analysis validate PATH --source NAME --json`` and, for usable files,
the row accounting and the rejected rows with their reasons. The corpus is made by
``tests/data/make_bad_corpus.py``; a test checks that the committed files are what
the script writes.

Checked for every case:

* the loader either returns a result whose accounting holds
  (``rows_in == accepted + rejected``, every row once) or raises
  :class:`~analysis.errors.InputError` naming the file (and the row / column where
  the manifest gives one); no other exception escapes;
* the command line exits with the expected code, prints exactly one JSON object on
  stdout and never a traceback on stderr;
* nothing the corpus plants as an identifier (invented INN, OGRN, SNILS, birth
  date, address, members) appears in the frame, the rejects, stdout or stderr;
* accepted names are not garbled by a wrong decoding.
"""
from __future__ import annotations

import concurrent.futures
import contextlib
import csv
import io
import importlib.util
import json
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from analysis.errors import AnalysisError, InputError
from analysis.sources.kit.redaction import MAX_RAW_VALUE

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
BAD = DATA / "bad"
MANIFEST = BAD / "MANIFEST.csv"


def _load_generator():
    spec = importlib.util.spec_from_file_location("make_bad_corpus", DATA / "make_bad_corpus.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("make_bad_corpus", mod)
    spec.loader.exec_module(mod)
    return mod


GEN = _load_generator()


def _manifest() -> list[dict]:
    with open(MANIFEST, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        r["expected_exit"] = int(r["expected_exit"])
        r["rows_in"] = int(r["rows_in"]) if r["rows_in"] else None
        r["accepted"] = int(r["accepted"]) if r["accepted"] else None
        r["rejects"] = [tuple(x) for x in json.loads(r["rejects"])] if r["rejects"] else []
        r["message_row"] = int(r["message_row"]) if r["message_row"] else None
        r["message_column"] = r["message_column"] or None
    return rows


CASES = _manifest()
IDS = [c["file"] for c in CASES]

# Text that cp1251-decoding of UTF-8 Cyrillic produces ("Р" or "С" followed by a
# character from the upper half of cp1251 that Russian text never puts there).
_MOJIBAKE = re.compile(r"[РС][\u0402-\u040f\u0452-\u045f\u2018-\u2026\u2116\u00a0-\u00bf]")


def _loader(name: str):
    from analysis.sources import get_loader

    return get_loader(name)


def _no_planted_identifiers(text: str, where: str) -> None:
    for value in GEN.FAKE_IDENTIFIERS:
        assert value not in text, f"planted identifier {value!r} leaked into {where}"


# --------------------------------------------------------------------------- corpus itself


def test_corpus_is_what_the_script_writes(tmp_path):
    GEN.write_corpus(tmp_path)
    made = sorted(p.name for p in tmp_path.iterdir())
    committed = sorted(p.name for p in BAD.iterdir())
    assert made == committed
    for name in made:
        assert (tmp_path / name).read_bytes() == (BAD / name).read_bytes(), name


def test_corpus_covers_every_loader_and_problem_kind():
    from analysis.sources import LOADER_PATHS

    assert {c["source"] for c in CASES} == set(LOADER_PATHS)
    cats = {c["category"] for c in CASES}
    assert {"empty", "corrupt", "html", "zip", "layout", "dates", "encoding", "json", "types",
            "duplicates", "blank", "long", "control"} <= cats
    assert {c["expected_exit"] for c in CASES} == {0, 1, 2}
    for c in CASES:
        assert (BAD / c["file"]).is_file(), c["file"]
        if c["expected_exit"] == 2:
            assert c["message"], c["file"]
        else:
            assert c["rows_in"] is not None and c["accepted"] is not None, c["file"]
            assert (c["expected_exit"] == 1) == any(s == "rejected" for _, s, _ in c["rejects"]), c["file"]


# --------------------------------------------------------------------------- loaders


@pytest.mark.filterwarnings("ignore::analysis.errors.AnalysisWarning")
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_loader(case):
    path = BAD / case["file"]
    loader = _loader(case["source"])
    if case["expected_exit"] == 2:
        with pytest.raises(AnalysisError) as info:
            loader(path)
        exc = info.value
        assert isinstance(exc, InputError), f"{type(exc).__name__} instead of InputError: {exc}"
        msg = str(exc)
        assert str(path) in msg, f"message does not name the file: {msg}"
        what = msg.replace(str(path), "")  # the file name itself must not satisfy the pattern
        assert re.search(case["message"], what, re.IGNORECASE), f"message {msg!r} !~ {case['message']!r}"
        if case["message_row"] is not None:
            assert exc.row == case["message_row"], msg
        if case["message_column"] is not None:
            assert exc.column == case["message_column"], msg
        assert "\n" not in msg and len(msg) < 600 + len(str(path)), "one short line expected"
        _no_planted_identifiers(msg, "the error message")
        return

    try:
        res = loader(path)
    except InputError as exc:  # pragma: no cover - reported as a failure with the message
        pytest.fail(f"usable file refused: {exc}")
    res.check_accounting()
    assert res.rows_in == case["rows_in"]
    assert res.accepted == case["accepted"]
    assert res.rows_in == res.accepted + res.rejected
    got = {int(r.source_row): (r.status, r.reason, r.column, r.raw_value)
           for r in res.rejects.itertuples(index=False)}
    want = {int(row): (status, why) for row, status, why in case["rejects"]}
    assert sorted(got) == sorted(want), f"rejected rows {sorted(got)} != expected {sorted(want)}"
    for row, (status, why) in want.items():
        g_status, g_reason, g_column, g_raw = got[row]
        assert g_status == status, f"row {row}: {g_status} ({g_reason}) instead of {status}"
        if not re.search(r"blank row|not an object|fields", g_reason):
            assert g_column, f"row {row}: the reject does not name the column ({g_reason})"
        assert re.search(why, g_reason, re.IGNORECASE), f"row {row}: reason {g_reason!r} !~ {why!r}"
        if g_raw is not None:
            assert len(g_raw) <= MAX_RAW_VALUE + 40, f"row {row}: raw value not clipped ({len(g_raw)} chars)"
    n_rejected = sum(s == "rejected" for s, *_ in got.values())
    assert (n_rejected > 0) == (case["expected_exit"] == 1)
    if "name" in res.frame:
        for name in res.frame["name"]:
            assert not _MOJIBAKE.search(name), f"garbled name {name[:60]!r}"
            assert name == name.strip() and "  " not in name and "\u00a0" not in name
    _no_planted_identifiers(res.frame.to_csv(index=False), "the event frame")
    _no_planted_identifiers(res.rejects.to_csv(index=False), "the rejects table")


# --------------------------------------------------------------------------- command line


def _run_validate(case) -> tuple[int, str, str]:
    path = BAD / case["file"]
    env = dict(os.environ, PYTHONWARNINGS="ignore", PYTHONIOENCODING="utf-8")
    proc = subprocess.run([sys.executable, "-m", "analysis", "validate", str(path), "--source", case["source"],
                           "--json"], cwd=ROOT, capture_output=True, env=env, timeout=240)
    return proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")


def _run_in_process(case) -> tuple[int, str, str]:
    from analysis.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        code = main(["validate", str(BAD / case["file"]), "--source", case["source"], "--json"])
    return code, out.getvalue(), err.getvalue()


def _check_cli(case, code: int, stdout: str, stderr: str) -> None:
    path = str(BAD / case["file"])
    assert "Traceback" not in stderr, stderr
    assert code == case["expected_exit"], f"exit {code}; stderr: {stderr[-500:]}"
    payload = json.loads(stdout)  # exactly one JSON value, or this raises
    assert isinstance(payload, dict)
    assert stdout.strip().count("\n") == 0, "one JSON object on one line"
    assert payload["file"] == path and payload["source"] == case["source"]
    _no_planted_identifiers(stdout, "stdout")
    _no_planted_identifiers(stderr, "stderr")
    if case["expected_exit"] == 2:
        assert path in payload["error"]
        what = payload["error"].replace(path, "")
        assert re.search(case["message"], what, re.IGNORECASE), payload["error"]
        if case["message_row"] is not None:
            assert f"row {case['message_row']}" in payload["error"]
        if case["message_column"] is not None:
            assert repr(case["message_column"]) in payload["error"]
        lines = [ln for ln in stderr.splitlines() if ln.strip()]
        assert len(lines) == 1 and lines[0].startswith("error: ") and path in lines[0], stderr
        return
    assert payload["rows_in"] == case["rows_in"]
    assert payload["accepted"] == case["accepted"]
    assert payload["rows_in"] == payload["accepted"] + payload["rejected"]
    assert payload["rejected"] == len(payload["rejects"])
    rows = sorted(r["row"] for r in payload["rejects"])
    assert rows == sorted(int(r) for r, _, _ in case["rejects"])
    for r in payload["rejects"]:
        assert set(r) >= {"row", "column", "reason"}
        assert r["reason"]
    assert path in stderr  # the human-readable summary names the file


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_command_line(case):
    """``validate --json`` on every case, run in this process (``analysis.cli.main``)."""
    _check_cli(case, *_run_in_process(case))


def _subprocess_cases() -> list[dict]:
    """One case per (loader, expected exit code): a real ``python -m analysis`` process for each.

    Start-up of a fresh interpreter costs about a second of CPU, so the full corpus
    runs in-process above and this sample proves that the process behaves the same
    (exit status, one JSON object on stdout, no traceback on stderr).
    """
    chosen: dict[tuple[str, int], dict] = {}
    for c in sorted(CASES, key=lambda c: c["file"]):
        chosen.setdefault((c["source"], c["expected_exit"]), c)
    return [chosen[k] for k in sorted(chosen)]


SUBPROCESS_CASES = _subprocess_cases()


@pytest.fixture(scope="module")
def cli_runs() -> dict[str, tuple[int, str, str]]:
    """Run the command line once per sampled case, two processes at a time."""
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        futures = {c["file"]: pool.submit(_run_validate, c) for c in SUBPROCESS_CASES}
        return {k: f.result() for k, f in futures.items()}


@pytest.mark.parametrize("case", SUBPROCESS_CASES, ids=[c["file"] for c in SUBPROCESS_CASES])
def test_command_line_process(case, cli_runs):
    """``python -m analysis validate PATH --source NAME --json`` in a subprocess."""
    _check_cli(case, *cli_runs[case["file"]])


# --------------------------------------------------------------------------- command-line misuse


@pytest.mark.parametrize("path, source, expect", [
    ("fa_xlsx_valid.xlsx", "no_such_loader", r"unknown source"),
    ("does-not-exist.xlsx", "foreign_agents_xlsx", r"not found"),
    (".", "foreign_agents_csv", r"directory"),
], ids=["unknown-source", "missing-file", "directory"])
def test_command_line_misuse_still_gives_one_json_object(path, source, expect):
    from analysis.cli import main

    target = str(BAD / path) if path != "." else str(BAD)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["validate", target, "--source", source, "--json"])
    assert code == 2
    assert "Traceback" not in err.getvalue()
    payload = json.loads(out.getvalue())  # exactly one JSON object even when the command is misused
    assert payload["file"] == target and payload["source"] == source
    assert re.search(expect, payload["error"], re.IGNORECASE), payload["error"]
    lines = [ln for ln in err.getvalue().splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ")
