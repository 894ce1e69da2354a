"""Render a :class:`~analysis.report.document.Document` as one self-contained HTML file.

Figures are inlined as ``data:`` URIs (base64 SVG or PNG), so the file needs nothing
beside it. Every text that comes from data, configuration or templates goes through
:func:`html.escape`; the only markup is written here: ``<code>`` and ``<cite>`` for the
inline marks of :mod:`analysis.report.document`, links for :class:`Link` cells.
Numbers and identifiers in tables never break (``white-space: nowrap``).
"""
from __future__ import annotations

import base64
import html
import re
from pathlib import Path

from .document import Bullets, Code, Details, Document, Figure, Link, Section, Table, Text

CSS = """
body{font-family:"DejaVu Sans",Helvetica,Arial,sans-serif;max-width:62rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.45}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2.2rem;border-bottom:1px solid #ddd}h3{font-size:1.05rem}
table{border-collapse:collapse;font-size:.82rem;margin:.6rem 0;display:block;overflow-x:auto;max-width:100%}
th,td{border-bottom:1px solid #e4e4e4;padding:.2rem .5rem;text-align:left;vertical-align:top;overflow-wrap:normal;word-break:normal}
th{background:#f4f4f4}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.id,td.id code{white-space:nowrap}code{font-size:.92em}
figure{margin:1rem 0}figure img{max-width:100%;height:auto}figcaption{font-size:.85rem;color:#444}
caption{caption-side:top;text-align:left;font-weight:bold;padding:.3rem 0}.note{font-size:.82rem;color:#555}
pre{background:#f6f6f6;padding:.6rem;overflow-x:auto;font-size:.78rem}nav ul{columns:2;font-size:.9rem}
.asof{font-size:.85rem;color:#444;border-left:3px solid #ccc;padding-left:.6rem}.asof dt{font-weight:bold;float:left;clear:left;margin-right:.4rem}
details{margin:.6rem 0}summary{cursor:pointer;font-weight:bold}
"""

_MIME = {".svg": "image/svg+xml", ".png": "image/png"}
_MARK = re.compile(r"`([^`]*)`|\^\^(.*?)\^\^")
_MARKS = re.compile(r"`|\^\^")
_NUM = re.compile(r"^[<>≈~]?[−\-+]?[\d\u00a0\u202f ,.]*\d[\d\u00a0\u202f ,.]*%?( \([^()]*\))?$")


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def inline(text: object) -> str:
    """Escape ``text`` and turn its inline marks into ``<code>`` and ``<cite>``."""
    s = str(text)
    out, pos = [], 0
    for m in _MARK.finditer(s):
        out.append(_e(s[pos:m.start()]))
        if m.group(1) is not None:
            out.append(f"<code>{_e(m.group(1))}</code>")
        else:
            out.append(f"<cite>{_e(m.group(2))}</cite>")
        pos = m.end()
    out.append(_e(s[pos:]))
    return "".join(out)


def _is_number(text: str) -> bool:
    return bool(text.strip()) and bool(_NUM.match(text.strip()))


def _cell(v: object, kind: str) -> str:
    if isinstance(v, Link):
        if v.url.startswith(("http://", "https://")):
            return f'<td class="id"><a href="{_e(v.url)}">{inline(v.text)}</a></td>'
        return f"<td>{inline(v.text)}</td>"
    s = "" if v is None else str(v)
    if kind == "code" and s:
        return f'<td class="id"><code>{_e(s)}</code></td>'
    if kind == "num" or (kind != "text" and _is_number(s)):
        return f'<td class="num">{inline(s)}</td>'
    return f"<td>{inline(s)}</td>"


def _table(tb: Table) -> str:
    out = []
    if tb.fold:
        out.append(f"<details><summary>{inline(tb.caption)}</summary>")
    out.append("<table>")
    if tb.caption and not tb.fold:
        out.append(f"<caption>{inline(tb.caption)}</caption>")
    out.append("<thead><tr>" + "".join(f"<th>{inline(c)}</th>" for c in tb.frame.columns) + "</tr></thead>")
    out.append("<tbody>")
    kinds = [tb.kind(str(c)) for c in tb.frame.columns]
    for row in tb.frame.itertuples(index=False):
        out.append("<tr>" + "".join(_cell(v, k) for v, k in zip(row, kinds)) + "</tr>")
    out.append("</tbody></table>")
    if tb.note:
        out.append(f'<p class="note">{inline(tb.note)}</p>')
    if tb.fold:
        out.append("</details>")
    return "\n".join(out)


def _figure(fig: Figure, file: str, figures_dir: Path) -> str:
    path = figures_dir / file
    mime = _MIME[path.suffix.lower()]
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    alt = _MARKS.sub("", fig.alt or fig.caption)
    return (f'<figure id="fig-{_e(fig.name)}"><img alt="{_e(alt)}" src="data:{mime};base64,{data}">'
            f"<figcaption>{inline(fig.caption)}</figcaption></figure>")


def _blocks(blocks, doc: Document, figures_dir: Path) -> list[str]:
    parts = []
    for b in blocks:
        if isinstance(b, Text):
            parts.append(f"<p>{inline(b.text)}</p>")
        elif isinstance(b, Bullets):
            parts.append("<ul>" + "".join(f"<li>{inline(i)}</li>" for i in b.items) + "</ul>")
        elif isinstance(b, Table):
            parts.append(_table(b))
        elif isinstance(b, Figure):
            parts.append(_figure(b, doc.file_of(b), figures_dir))
        elif isinstance(b, Code):
            parts.append(f"<pre>{_e(b.text)}</pre>")
        elif isinstance(b, Details):
            parts.append(f"<details><summary>{inline(b.summary)}</summary>")
            parts += _blocks(b.blocks, doc, figures_dir)
            parts.append("</details>")
        else:  # pragma: no cover - a new block kind without a renderer is a bug
            raise TypeError(f"no HTML renderer for {type(b).__name__}")
    return parts


def _section(s: Section, doc: Document, figures_dir: Path) -> list[str]:
    lvl = max(2, min(4, s.level))
    parts = [f'<section id="{_e(s.id)}"><h{lvl}>{inline(s.title)}</h{lvl}>']
    parts += _blocks(s.blocks, doc, figures_dir)
    parts.append("</section>")
    for c in s.children:
        parts += _section(c, doc, figures_dir)
    return parts


def render_html(doc: Document, figures_dir: Path) -> str:
    """The document as one HTML string (UTF-8, no external resources)."""
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{_e(doc.lang)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(_MARKS.sub('', doc.title))}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{inline(doc.title)}</h1>",
    ]
    if doc.header.items:
        parts.append('<dl class="asof">' + "".join(f"<dt>{inline(k)}</dt><dd>{inline(v)}</dd>"
                                                 for k, v in doc.header.items) + "</dl>")
    if doc.lead:
        parts.append(f"<p>{inline(doc.lead)}</p>")
    parts.append("<nav><ul>")
    for s in doc.sections:
        parts.append(f'<li><a href="#{_e(s.id)}">{inline(s.title)}</a></li>')
    parts.append("</ul></nav>")
    for s in doc.sections:
        parts += _section(s, doc, figures_dir)
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)
