"""The report opens in a real browser (headless Chromium) without errors.

Skipped when ``/usr/bin/chromium`` is not installed, except where
``ANALYSIS_REQUIRE_BROWSER=1`` (set by CI, which installs Chromium): there a missing
browser is a failure, so the check cannot silently skip. The page is loaded from a
``file://`` address with networking features off; the serialised DOM must hold the
report title and every section heading, and the browser log must show no console
message (the report has no scripts, so any console output is an error), no uncaught
exception and no resource that failed to load.
"""
from __future__ import annotations

import os
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from analysis.report import run_report
from analysis.report.texts import Texts

CHROMIUM = Path("/usr/bin/chromium")
TIMEOUT = 120

REQUIRED = os.environ.get("ANALYSIS_REQUIRE_BROWSER") == "1"

pytestmark = pytest.mark.skipif(not CHROMIUM.exists() and not REQUIRED,
                                reason="headless browser check needs /usr/bin/chromium (not installed here)")

_ERROR = re.compile(r"Uncaught|console error|:CONSOLE|Failed to load resource|ERR_FILE_NOT_FOUND")


def dump_dom(page: Path, profile: Path) -> tuple[str, str]:
    """Open ``page`` in headless Chromium; return the serialised DOM and the browser log."""
    cmd = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", "--dump-dom",
           page.resolve().as_uri()]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout, proc.stderr


def browser_errors(log: str) -> list[str]:
    """Lines of the browser log that report a page error (console output, exception, missing file)."""
    return [line for line in log.splitlines() if _ERROR.search(line)]


class _Headings(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.title, self.headings, self._open = "", [], None

    def handle_starttag(self, tag, attrs):
        if tag in ("title", "h1", "h2", "h3", "h4"):
            self._open, self._text = tag, []

    def handle_data(self, data):
        if self._open:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == self._open:
            text = "".join(self._text).strip()
            if tag == "title":
                self.title = text
            else:
                self.headings.append(text)
            self._open = None


def headings(html: str) -> tuple[str, list[str]]:
    p = _Headings()
    p.feed(html)
    return p.title, p.headings


def test_error_detector_catches_a_broken_page(tmp_path):
    page = tmp_path / "broken.html"
    page.write_text('<!DOCTYPE html><html><head><title>t</title></head><body><h1>x</h1>'
                    '<script>console.error("boom"); undefined_function();</script></body></html>',
                    encoding="utf-8")
    dom, log = dump_dom(page, tmp_path / "profile")
    assert "<h1>x</h1>" in dom
    errors = browser_errors(log)
    assert any("Uncaught ReferenceError" in e for e in errors)
    assert any('"boom"' in e for e in errors)


def test_report_opens_without_errors(tmp_path, synthetic_dir, fast_config):
    run = run_report(fast_config, tmp_path / "report", progress=False, data_dir=synthetic_dir)
    dom, log = dump_dom(run.index, tmp_path / "profile")
    title, found = headings(dom)
    source_title, source_headings = headings(run.index.read_text(encoding="utf-8"))
    # the title and every heading of the file survive parsing by the browser
    assert title == source_title == "Repression in Russia in numbers: registries and convictions"
    assert found[0] == title
    assert found == source_headings
    # every top-level section of the report, looked up in the templates
    for key in ("summary", "series", "breaks", "models", "convictions", "table", "headlines",
                "sensitivity", "data"):
        assert Texts("en").t(f"sections.{key}") in found, key
    # figures are inline: nothing for the browser to fetch
    assert not re.search(r'<img[^>]+src="(?!data:)', dom)
    assert browser_errors(log) == []
