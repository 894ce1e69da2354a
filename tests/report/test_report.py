"""End-to-end report on synthetic processed data: contents, escaping, byte-identical reruns."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from analysis.errors import InputError
from analysis.report import build_report, run_report

from synthetic import HOSTILE


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def report(tmp_path_factory, synthetic_dir, fast_config, monkeypatch_module):
    monkeypatch_module.setenv("ANALYSIS_PROCESSED", str(synthetic_dir))
    out = tmp_path_factory.mktemp("report_a")
    run = run_report(fast_config, out, progress=False)
    return run


@pytest.fixture(scope="module")
def monkeypatch_module():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


def test_outputs_exist(report):
    assert report.index.name == "index.html" and report.index.is_file()
    assert report.markdown.is_file()
    assert len(report.figures) >= 10
    assert all(f.is_file() and f.stat().st_size > 1000 for f in report.figures)
    assert set(report.timings) == {"load", "series", "convictions", "tables", "render", "figures", "write"}


def test_sections_in_order(report):
    text = report.index.read_text(encoding="utf-8")
    ids = re.findall(r'<section id="([^"]+)">', text)
    top = [i for i in ids if i in {"summary", "series", "breaks", "models", "convictions", "table", "headlines",
                                    "sensitivity", "vintages", "screen", "data"}]
    assert top == ["summary", "series", "breaks", "models", "convictions", "table", "headlines", "sensitivity",
                   "data"]  # the synthetic folder has no vintages and no screen: those sections are left out


def test_html_is_self_contained(report):
    text = report.index.read_text(encoding="utf-8")
    assert 'src="data:image/svg+xml;base64,' in text
    assert not re.search(r'src="(?!data:)', text)
    assert "<link" not in text and "http-equiv" not in text


def test_hostile_text_is_escaped(report):
    html = report.index.read_text(encoding="utf-8")
    assert HOSTILE not in html
    assert "<script>" not in html
    assert "Fund &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Partners" in html
    md = report.markdown.read_text(encoding="utf-8")
    assert "<script>" not in md.split("~~~~")[0]


def test_report_contents(report):
    html = report.index.read_text(encoding="utf-8")
    # headlines beside our numbers
    for pub in ("223", "65", "169"):
        assert f'<td class="num">{pub}</td>' in html
    # number of tests and the multiplicity adjustment
    assert re.search(r"\d+ intervention effects were tested", html)
    assert "Holm" in html
    # sha256 of sources and versions
    assert "<code>" + "0" * 64 + "</code>" in html and "<code>numpy</code>" in html
    # published conviction figures matched to their basis
    assert "equals the main-charge count" in html and "counts main and additional charges" in html


def test_headline_numbers_match_the_data(report, synthetic_dir):
    import pandas as pd

    m = pd.read_csv(synthetic_dir / "monthly_series.csv", dtype={"month": str})
    sel = m[(m.registry == "foreign_agents") & (m.measure == "inclusions") & (m.category == "all")
            & m.month.str.startswith("2024")]
    expected = int(sel.value.sum())
    md = report.markdown.read_text(encoding="utf-8")
    row = next(line for line in md.splitlines() if line.startswith("| Foreign-agent designations in 2024"))
    assert f"| {expected:,} |" in row


def test_two_builds_are_byte_identical(report, tmp_path, synthetic_dir, fast_config):
    out_b = tmp_path / "b"
    run_report(fast_config, out_b, progress=False, data_dir=synthetic_dir)
    a, b = _digest(report.index.parent), _digest(out_b)
    assert a.keys() == b.keys()
    assert [k for k in a if a[k] != b[k]] == []


def test_rebuild_in_place_removes_stale_figures(tmp_path, synthetic_dir, tiny_config):
    out = tmp_path / "r"
    (out / "figures").mkdir(parents=True)
    (out / "figures" / "stale.svg").write_text("<svg/>")
    run_report(tiny_config, out, progress=False, data_dir=synthetic_dir)
    assert not (out / "figures" / "stale.svg").exists()


def test_russian_edition(tmp_path, synthetic_dir, tiny_config, monkeypatch):
    monkeypatch.setenv("ANALYSIS_PROCESSED", str(synthetic_dir))
    path = build_report(tiny_config, tmp_path, lang="ru", progress=False)
    text = path.read_text(encoding="utf-8")
    assert '<html lang="ru">' in text
    assert "Таблица разладок и эффектов" in text
    # the stock is "in the registry", never "запас"
    assert "запас" not in text.lower()


def test_missing_data_is_a_clear_error(tmp_path, fast_config):
    with pytest.raises(InputError, match="monthly_series.csv"):
        run_report(fast_config, tmp_path / "o", progress=False, data_dir=tmp_path)


def test_html_tags_are_balanced(report):
    from html.parser import HTMLParser

    void = {"meta", "img", "br", "hr", "link", "input"}

    class Checker(HTMLParser):
        def __init__(self):
            super().__init__()
            self.stack, self.errors = [], []

        def handle_starttag(self, tag, attrs):
            if tag not in void:
                self.stack.append(tag)

        def handle_endtag(self, tag):
            if not self.stack or self.stack[-1] != tag:
                self.errors.append((tag, list(self.stack[-3:])))
            else:
                self.stack.pop()

    c = Checker()
    c.feed(report.index.read_text(encoding="utf-8"))
    assert c.errors == [] and c.stack == []
    ids = re.findall(r' id="([^"]+)"', report.index.read_text(encoding="utf-8"))
    assert len(ids) == len(set(ids))  # unique anchors


def test_inlined_figures_are_valid_svg(report):
    import base64
    import xml.etree.ElementTree as ET

    html = report.index.read_text(encoding="utf-8")
    blobs = re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', html)
    assert len(blobs) == len([f for f in report.figures if f.suffix == ".svg"])
    for b in blobs:
        root = ET.fromstring(base64.b64decode(b))
        assert root.tag.endswith("svg")


def test_model_section_states_the_rule_the_caveats_and_the_checks(report):
    md = report.markdown.read_text(encoding="utf-8")
    sections = re.split(r"\n(?=#+ )", md)
    block = next(b for b in sections if b.lstrip("#").strip().startswith("Foreign agents: inclusions per month")
                 and "Candidate specifications" in b)
    # the chosen specification and why, by the stated rule
    assert "Specification:" in block and "Why:" in block and "lowest AICc" in block
    # each effect's meaning, robustness and placebo, in words
    assert "relative to the log-linear trend" in block
    assert ("robust across specifications" in block) or ("fragile across specifications" in block)
    assert "placebo" in block
    assert "December fit: observed and fitted counts" in block
    assert "specification chosen per series by the stated rule" in md
    # conviction steps: the invasion with the assumed lag stated, and 519-FZ for art. 282 with its date source
    assert "the full-scale invasion of Ukraine (from February 24, 2022, lag 4 months)" in md
    assert "519-FZ" in md and "the calendar records no in-force date" in md
    assert "criminal articles 207.3 and 280.3" not in md.split("## Data, choices")[0]
    # the sensitivity section carries the tables of effects across specifications and the placebo tests
    assert "each effect across specifications" in md and "In-time placebo tests" in md