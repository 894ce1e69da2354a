import pandas as pd

from analysis.report.document import Bullets, Code, Document, Table, Text
from analysis.report.html import render_html
from analysis.report.markdown import render_markdown

NASTY = 'Fund <script>alert("x")</script> & "Partners"'


def _doc():
    d = Document(title=NASTY)
    s = d.section("a", NASTY)
    s.add(Text(NASTY), Bullets((NASTY,)), Code(NASTY),
          Table(pd.DataFrame({"name <b>": [NASTY], "n": ["1,234"]}), caption=NASTY, note=NASTY))
    return d


def test_html_escapes_every_text(tmp_path):
    out = render_html(_doc(), tmp_path)
    assert "<script>" not in out
    assert "&lt;script&gt;" in out
    assert "&amp; &quot;Partners&quot;" in out
    assert "<b>" not in out
    assert out.startswith("<!DOCTYPE html>")
    assert '<td class="num">1,234</td>' in out


def test_markdown_escapes_markup():
    doc = _doc()
    doc.sections[0].blocks = [b for b in doc.sections[0].blocks if not isinstance(b, Code)]
    out = render_markdown(doc)
    assert "<script>" not in out
    assert "\\<script\\>" in out
    assert "&amp;" in out


def test_markdown_code_is_fenced_verbatim():
    d = Document(title="t")
    d.section("a", "a").add(Code("x = 1\n<y>"))
    out = render_markdown(d)
    assert "~~~~\nx = 1\n<y>\n~~~~" in out
