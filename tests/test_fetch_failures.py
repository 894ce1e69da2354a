"""fetch failure modes that ``test_fetch.py`` does not cover.

The promise: a checksum mismatch, an interrupted download or an HTML page in
place of a spreadsheet never leaves a file that later looks valid. Checked here
through the real HTTP reader (with ``urlopen`` replaced), failures in the middle of
writing, an HTML page in a mirror, the build's refusal of a raw file whose hash
does not match, and the command line end to end.
"""
from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
import urllib.error
from pathlib import Path

import pytest

from analysis import fetch as fetch_mod
from analysis.errors import ChecksumError, InputError
from analysis.fetch import fetch_one, write_atomic
from analysis.manifest import RawFile, load_manifest, resolve_raw

ROOT = Path(__file__).resolve().parents[1]
GOOD = b"PK\x03\x04" + bytes(range(256)) * 8
HTML = b"<!DOCTYPE html><html><body><h1>503 Service Unavailable</h1></body></html>"


def _entry(data: bytes = GOOD, **kw) -> RawFile:
    base = dict(id="x", path="sub/file.xlsx", sha256=hashlib.sha256(data).hexdigest(), bytes=len(data),
                format="xlsx", loader="foreign_agents_xlsx", licence="test", snapshot_date="2025-01-01",
                url="https://example.invalid/file.xlsx")
    base.update(kw)
    return RawFile(**base)


def _files(folder: Path) -> list[str]:
    """Every file below ``folder`` (hidden temporaries included), relative and sorted."""
    if not folder.exists():
        return []
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


class _FakeResponse(io.BytesIO):
    def __init__(self, body: bytes, length: int | None):
        super().__init__(body)
        self.headers = {"Content-Length": str(length)} if length is not None else {}

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


def _serve(monkeypatch, body: bytes, length: int | None):
    def fake_urlopen(req, timeout=None):
        return _FakeResponse(body, length)

    monkeypatch.setattr(fetch_mod.urllib.request, "urlopen", fake_urlopen)


# --------------------------------------------------------------------------- the HTTP reader


def test_short_read_against_content_length_is_an_interrupted_download(tmp_path, monkeypatch):
    _serve(monkeypatch, GOOD[:100], len(GOOD))
    with pytest.raises(InputError, match="interrupted"):
        fetch_one(_entry(), raw_dir=tmp_path)
    assert _files(tmp_path) == []


def test_truncated_body_without_content_length_fails_the_checksum(tmp_path, monkeypatch):
    _serve(monkeypatch, GOOD[:-1], None)
    with pytest.raises(ChecksumError, match="nothing was written"):
        fetch_one(_entry(), raw_dir=tmp_path)
    assert _files(tmp_path) == []


def test_html_page_with_a_consistent_length_is_still_refused(tmp_path, monkeypatch):
    _serve(monkeypatch, HTML, len(HTML))
    with pytest.raises(ChecksumError, match="HTML"):
        fetch_one(_entry(), raw_dir=tmp_path)
    assert _files(tmp_path) == []


def test_complete_download_through_the_http_reader(tmp_path, monkeypatch):
    _serve(monkeypatch, GOOD, len(GOOD))
    out = fetch_one(_entry(), raw_dir=tmp_path)
    assert out.status == "fetched"
    assert _files(tmp_path) == ["sub/file.xlsx"]
    assert (tmp_path / "sub/file.xlsx").read_bytes() == GOOD


def test_network_error_is_an_input_error_and_writes_nothing(tmp_path, monkeypatch):
    def refuse(req, timeout=None):
        raise urllib.error.URLError("connection refused")

    monkeypatch.setattr(fetch_mod.urllib.request, "urlopen", refuse)
    with pytest.raises(InputError, match="download failed"):
        fetch_one(_entry(), raw_dir=tmp_path)
    assert _files(tmp_path) == []


def test_connection_dropped_mid_body(tmp_path, monkeypatch):
    class Dropping(_FakeResponse):
        def read(self, n=-1):
            chunk = super().read(min(n, 100) if n and n > 0 else 100)
            if self.tell() >= 300:
                raise ConnectionResetError("connection reset by peer")
            return chunk

    monkeypatch.setattr(fetch_mod.urllib.request, "urlopen",
                        lambda req, timeout=None: Dropping(GOOD, len(GOOD)))
    with pytest.raises(InputError, match="download failed"):
        fetch_one(_entry(), raw_dir=tmp_path)
    assert _files(tmp_path) == []


def test_user_interrupt_during_download_leaves_nothing(tmp_path):
    def interrupted(url):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        fetch_one(_entry(), raw_dir=tmp_path, downloader=interrupted)
    assert _files(tmp_path) == []


# --------------------------------------------------------------------------- writing


@pytest.mark.parametrize("stage", ["write", "fsync", "replace"])
def test_failure_while_writing_leaves_no_temporary_and_keeps_the_old_file(tmp_path, monkeypatch, stage):
    target = tmp_path / "sub" / "file.xlsx"
    target.parent.mkdir()
    target.write_bytes(b"old content")

    def boom(*args, **kwargs):
        raise OSError(28, "No space left on device")

    if stage == "write":
        real_fdopen = os.fdopen

        def fdopen(fd, mode="r", *a, **k):
            fh = real_fdopen(fd, mode, *a, **k)

            class Writer:
                def __enter__(self):
                    return self

                def __exit__(self, *exc):
                    fh.close()
                    return False

                def write(self, data):
                    fh.write(data[: len(data) // 2])
                    raise OSError(28, "No space left on device")

                def flush(self):
                    fh.flush()

                def fileno(self):
                    return fh.fileno()

            return Writer()

        monkeypatch.setattr(fetch_mod.os, "fdopen", fdopen)
    elif stage == "fsync":
        monkeypatch.setattr(fetch_mod.os, "fsync", boom)
    else:
        monkeypatch.setattr(fetch_mod.os, "replace", boom)
    with pytest.raises(OSError):
        write_atomic(target, GOOD)
    assert _files(tmp_path) == ["sub/file.xlsx"]
    assert target.read_bytes() == b"old content"


def test_interrupt_while_writing_leaves_no_temporary(tmp_path, monkeypatch):
    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(fetch_mod.os, "replace", interrupt)
    with pytest.raises(KeyboardInterrupt):
        fetch_one(_entry(), raw_dir=tmp_path, downloader=lambda url: GOOD)
    assert _files(tmp_path) == []


# --------------------------------------------------------------------------- mirror and later use


def test_html_page_in_the_mirror_is_refused(tmp_path):
    mirror = tmp_path / "mirror"
    (mirror / "sub").mkdir(parents=True)
    (mirror / "sub/file.xlsx").write_bytes(HTML)
    raw = tmp_path / "raw"
    with pytest.raises(ChecksumError, match="HTML"):
        fetch_one(_entry(), raw_dir=raw, mirror=mirror)
    assert _files(raw) == []


def test_missing_file_in_the_mirror(tmp_path):
    with pytest.raises(InputError, match="not in the mirror"):
        fetch_one(_entry(), raw_dir=tmp_path / "raw", mirror=tmp_path / "mirror")
    assert _files(tmp_path / "raw") == []


def test_a_file_with_the_wrong_hash_is_never_used_by_build(tmp_path):
    """A leftover partial or HTML file at the raw path does not 'look valid' to build."""
    e = _entry()
    raw = tmp_path / "raw"
    (raw / "sub").mkdir(parents=True)
    (raw / "sub/file.xlsx").write_bytes(GOOD[:50])  # as an interrupted copy would leave it
    with pytest.raises(InputError, match="no verified copy"):
        resolve_raw(e, raw)
    mirror = tmp_path / "mirror"
    (mirror / "sub").mkdir(parents=True)
    (mirror / "sub/file.xlsx").write_bytes(GOOD)
    assert resolve_raw(e, raw, mirror) == mirror / "sub/file.xlsx"
    # and fetch replaces the bad copy with the verified one
    out = fetch_one(e, raw_dir=raw, mirror=mirror)
    assert out.status == "copied" and (raw / "sub/file.xlsx").read_bytes() == GOOD
    assert _files(raw) == ["sub/file.xlsx"]


def test_temporary_names_never_collide_with_manifest_paths():
    """Temporaries start with '.part-', which no manifest path does, so a crash leaves nothing loadable."""
    for e in load_manifest():
        assert not any(seg.startswith(".part-") for seg in Path(e.path).parts)


def test_command_line_fetch_with_an_html_page_in_the_mirror(tmp_path):
    entry = next(e for e in load_manifest() if e.id == "fa_export_2025_08_15")
    mirror = tmp_path / "mirror"
    (mirror / entry.path).parent.mkdir(parents=True)
    (mirror / entry.path).write_bytes(HTML)
    raw = tmp_path / "raw"
    proc = subprocess.run([sys.executable, "-m", "analysis", "fetch", "--mirror", str(mirror), "--raw-dir", str(raw),
                           "--only", entry.id, "--quiet"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr  # a file could not be obtained (2 is for misuse)
    assert "Traceback" not in proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 2 and lines[0].startswith("error: "), proc.stderr
    assert "HTML" in lines[0] and "nothing was written" in lines[0] and entry.id in lines[0]
    assert lines[1].startswith("fetch: 1 files") and "1 not obtained" in lines[1]
    assert _files(raw) == []
