"""Issue 12, item 6, and the fetch / build command-line cases of issue 11, item 6.

Downloads run against a real HTTP server on 127.0.0.1 (no other network): a chunked
body cut mid-chunk, an endless stream, a Content-Length far above the manifest's size, a
server that drips one byte at a time, a redirect loop. Each must fail in one line,
quickly and within the size cap; ``fetch`` must try every file, summarise, hint at the
mirror when the network is unreachable, and exit as the README says.
"""
from __future__ import annotations

import hashlib
import http.server
import socket
import threading
import time
import urllib.error
from pathlib import Path

import pytest

from analysis import fetch as F
from analysis.cli import main as cli
from analysis.manifest import RawFile, load_manifest

GOOD = bytes(range(256)) * 40  # 10 240 bytes


class _Handler(http.server.BaseHTTPRequestHandler):
    sent: dict[str, int] = {}

    def log_message(self, *args):  # quiet
        pass

    def _count(self, n: int) -> None:
        self.sent[self.path] = self.sent.get(self.path, 0) + n

    def do_GET(self):  # noqa: N802 - http.server's name
        try:
            getattr(self, "_" + self.path.strip("/").replace("-", "_"))()
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _good(self):
        self.send_response(200)
        self.send_header("Content-Length", str(len(GOOD)))
        self.end_headers()
        self.wfile.write(GOOD)

    def _chunked_cut(self):
        self.send_response(200)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.wfile.write(b"1000\r\n" + GOOD[:100])  # announces 4096 bytes, sends 100, closes
        self.wfile.flush()
        self.close_connection = True

    def _endless(self):
        self.send_response(200)
        self.end_headers()
        block = b"x" * 65536
        for _ in range(6400):  # up to 400 MB, unless the client stops reading
            self.wfile.write(block)
            self._count(len(block))

    def _announced_big(self):
        self.send_response(200)
        self.send_header("Content-Length", str(400 * 1024 * 1024))
        self.end_headers()
        self.wfile.write(b"x" * 1000)
        self._count(1000)

    def _drip(self):
        self.send_response(200)
        self.end_headers()
        for _ in range(200):
            self.wfile.write(b"x")
            self.wfile.flush()
            time.sleep(0.05)

    def _loop(self):
        self.send_response(302)
        self.send_header("Location", "/loop")
        self.end_headers()

    def _missing(self):
        self.send_error(404, "Not Found")


@pytest.fixture(scope="module")
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def _entry(url: str, data: bytes = GOOD, **kw) -> RawFile:
    base = dict(id="t", path="t/file.bin", sha256=hashlib.sha256(data).hexdigest(), bytes=len(data), format="xlsx",
                loader="foreign_agents_xlsx", licence="test", snapshot_date="2025-01-01", url=url)
    base.update(kw)
    return RawFile(**base)


def _one_line(exc) -> str:
    text = str(exc)
    assert "\n" not in text
    return text


def test_a_good_download(server, tmp_path):
    out = F.fetch_one(_entry(server + "/good"), raw_dir=tmp_path)
    assert out.status == "fetched" and (tmp_path / "t/file.bin").read_bytes() == GOOD


def test_a_chunked_body_cut_mid_chunk_is_one_line(server, tmp_path):
    with pytest.raises(F.DownloadError) as info:
        F.fetch_one(_entry(server + "/chunked-cut"), raw_dir=tmp_path)
    assert "interrupted" in _one_line(info.value) and info.value.problem == "network"
    assert not (tmp_path / "t").exists()


def test_an_endless_stream_stops_at_the_manifest_size(server, tmp_path):
    """Before: a 400 MB stream for a 62 KB file was read into memory before the checksum refused it."""
    size = 62_024
    t = time.monotonic()
    with pytest.raises(F.DownloadError, match="more than the 62,024 bytes the manifest records") as info:
        F.fetch_one(_entry(server + "/endless", data=b"y" * size), raw_dir=tmp_path)
    assert info.value.problem == "size" and time.monotonic() - t < 20
    time.sleep(0.3)
    # the server could write at most what the socket buffers hold beyond what was read
    assert _Handler.sent["/endless"] < 64 * 1024 * 1024


def test_an_announced_size_above_the_cap_is_refused_before_reading(server, tmp_path):
    with pytest.raises(F.DownloadError, match="announces 419,430,400 bytes"):
        F.fetch_one(_entry(server + "/announced-big"), raw_dir=tmp_path)


def test_an_entry_without_a_size_is_capped(server):
    e = _entry(server + "/endless", bytes=0)
    assert F.size_cap(e) == F.MAX_UNKNOWN_BYTES


def test_a_drip_feeding_server_meets_the_deadline(server):
    t = time.monotonic()
    with pytest.raises(F.DownloadError, match="longer than its deadline of 1 s") as info:
        F._download(server + "/drip", max_bytes=10_000, deadline=1.0, timeout=0.5)
    assert info.value.problem == "deadline" and time.monotonic() - t < 3
    assert F.deadline_for(62_024) == pytest.approx(60 + 62_024 / 32_768)


def test_a_redirect_loop_and_a_404_are_one_line(server):
    with pytest.raises(F.DownloadError) as info:
        F._download(server + "/loop", max_bytes=100)
    assert "HTTP 302" in _one_line(info.value) and info.value.problem == "server"
    with pytest.raises(F.DownloadError, match="HTTP 404"):
        F._download(server + "/missing", max_bytes=100)


def test_fetch_tries_every_file_and_reports_each(server, tmp_path):
    manifest = tmp_path / "manifest.toml"
    rows = []
    for i, path in enumerate(["/missing", "/good", "/chunked-cut", "/good"]):
        data = GOOD if path == "/good" else b"z"
        rows.append(f'[[file]]\nid = "f{i}"\npath = "d/f{i}.bin"\nurl = "{server}{path}"\n'
                    f'sha256 = "{hashlib.sha256(data).hexdigest()}"\nbytes = {len(GOOD)}\n'
                    'format = "xlsx"\nloader = "foreign_agents_xlsx"\nlicence = "t"\nsnapshot_date = "2025-01-01"\n')
    manifest.write_text("manifest_version = 1\n\n" + "\n".join(rows), encoding="utf-8")
    outcomes = F.fetch_all(raw_dir=tmp_path / "raw", manifest=manifest, progress=False)
    assert [o.status for o in outcomes] == ["failed", "fetched", "failed", "fetched"]
    assert [o.problem for o in outcomes] == ["server", "", "network", ""]
    assert all("\n" not in o.message for o in outcomes)


# --------------------------------------------------------------------------- the command line


def _ids(n: int) -> list[str]:
    return [e.id for e in load_manifest() if e.url][:n]


def test_fetch_without_a_network_tries_every_file_summarises_and_hints(monkeypatch, tmp_path, capsys):
    def unreachable(req, timeout=None):
        raise urllib.error.URLError(socket.gaierror(-3, "Temporary failure in name resolution"))

    monkeypatch.setattr(F.urllib.request, "urlopen", unreachable)
    monkeypatch.delenv(F.MIRROR_ENV, raising=False)
    ids = _ids(3)
    assert cli(["fetch", "--only", *ids, "--raw-dir", str(tmp_path), "--quiet"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert [ln.split(":")[1].strip() for ln in err[:3]] == ids  # every file tried and named
    assert err[3].startswith("fetch: 3 files:") and "3 not obtained" in err[3]
    assert err[4].startswith("hint:") and "--mirror" in err[4] and "ANALYSIS_MIRROR" in err[4]
    assert len(err) == 5


def test_fetch_from_a_mirror_goes_on_past_a_bad_file(mirror, tmp_path, capsys):
    ids = _ids(2)
    m = tmp_path / "mirror"
    for e in load_manifest():
        if e.id in ids:
            (m / e.path).parent.mkdir(parents=True, exist_ok=True)
            (m / e.path).write_bytes(b"<html>bad</html>" if e.id == ids[0] else (mirror / e.path).read_bytes())
    assert cli(["fetch", "--mirror", str(m), "--only", *ids, "--raw-dir", str(tmp_path / "raw"), "--quiet"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[0].startswith(f"error: {ids[0]}:") and "HTML" in err[0]
    assert "1 copied from the mirror, 1 not obtained" in err[1] and len(err) == 2
    assert cli(["fetch", "--mirror", str(m), "--only", ids[1], "--raw-dir", str(tmp_path / "raw"), "--quiet"]) == 0


@pytest.mark.parametrize("args, message", [
    (["fetch", "--only", "nonsense"], "unknown manifest id 'nonsense'"),
    (["fetch", "--mirror", "/nonexistent/mirror"], "/nonexistent/mirror: mirror folder does not exist"),
])
def test_fetch_misuse_is_exit_2_in_one_line(args, message, capsys):
    assert cli(args + ["--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0]


def test_fetch_raw_dir_and_build_out_that_are_files(tmp_path, capsys):
    f = tmp_path / "file"
    f.write_text("x")
    assert cli(["fetch", "--raw-dir", str(f), "--only", _ids(1)[0], "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "is a file, not a folder" in err[0]
    assert cli(["build", "--out", str(f), "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "not a folder" in err[0] and "Traceback" not in err[0]


def test_readme_states_the_exit_codes():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert "`fetch` exits 0" in readme and "2 when the command itself is wrong" in readme
