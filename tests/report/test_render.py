import pandas as pd

from analysis.report.document import Bullets, Code, Details, Document, Link, Section, Table, Text
from analysis.report.html import render_html
from analysis.report.markdown import render_markdown

NASTY = 'Fund <script>alert("x")</script> & "Partners"'


def _doc(blocks=None):
    blocks = blocks if blocks is not None else (
        Text(NASTY), Bullets((NASTY,)), Code(NASTY),
        Table(pd.DataFrame({"name <b>": [NASTY], "n": ["1,234"], "id": ["fz1/21_2012"]}), caption=NASTY, note=NASTY,
              kinds=(("id", "code"),)))
    return Document(title=NASTY, sections=(Section("a", NASTY, 2, blocks),))


def test_html_escapes_every_text(tmp_path):
    out = render_html(_doc(), tmp_path)
    assert "<script>" not in out
    assert "&lt;script&gt;" in out
    assert "&amp; &quot;Partners&quot;" in out
    assert "<b>" not in out
    assert out.startswith("<!DOCTYPE html>")
    assert '<td class="num">1,234</td>' in out
    assert '<td class="id"><code>fz1/21_2012</code></td>' in out


def test_inline_marks_become_code_and_cite(tmp_path):
    out = render_html(_doc((Text("file `a<b>.csv` from ^^Amnesty & co^^"),)), tmp_path)
    assert "<code>a&lt;b&gt;.csv</code>" in out and "<cite>Amnesty &amp; co</cite>" in out
    md = render_markdown(_doc((Text("file `a.csv` from ^^Amnesty^^"),)))
    assert "`a.csv`" in md and "*Amnesty*" in md


def test_links_only_for_web_addresses(tmp_path):
    frame = pd.DataFrame({"u": [Link("ok", "https://example.org/x"), Link("bad", "javascript:alert(1)")]})
    out = render_html(_doc((Table(frame),)), tmp_path)
    assert '<a href="https://example.org/x">ok</a>' in out and "javascript:" not in out


def test_folded_tables_and_details(tmp_path):
    t = Table(pd.DataFrame({"sha256": ["0" * 64]}), caption="hashes", kinds=(("sha256", "code"),), fold=True)
    out = render_html(_doc((t, Details("more", (Text("inside"),)))), tmp_path)
    assert "<details><summary>hashes</summary>" in out and "<details><summary>more</summary>" in out


def test_numbers_never_wrap():
    from analysis.report.html import CSS

    assert "white-space:nowrap" in CSS and "overflow-wrap:normal" in CSS and "anywhere" not in CSS


def test_markdown_escapes_markup():
    out = render_markdown(_doc((Text(NASTY), Bullets((NASTY,)))))
    assert "<script>" not in out
    assert "\\<script\\>" in out
    assert "&amp;" in out


def test_markdown_code_is_fenced_verbatim():
    out = render_markdown(_doc((Code("x = 1\n<y>"),)))
    assert "~~~~\nx = 1\n<y>\n~~~~" in out
