"""Render a :class:`~analysis.report.document.Document` as one self-contained HTML file.

Figures are inlined as ``data:`` URIs (base64 SVG or PNG), so the file needs nothing
beside it. Every text that comes from data or configuration goes through
:func:`html.escape`; the only markup is written here.
"""
from __future__ import annotations

import base64
import html
from pathlib import Path

from .document import Bullets, Code, Document, Figure, Table, Text

CSS = """
body{font-family:"DejaVu Sans",Helvetica,Arial,sans-serif;max-width:62rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.45}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2.2rem;border-bottom:1px solid #ddd}h3{font-size:1.05rem}
table{border-collapse:collapse;font-size:.82rem;margin:.6rem 0;display:block;overflow-x:auto;max-width:100%}th,td{border-bottom:1px solid #e4e4e4;padding:.2rem .5rem;text-align:left;vertical-align:top}
th{background:#f4f4f4}td.num{text-align:right;font-variant-numeric:tabular-nums}td{overflow-wrap:anywhere}
figure{margin:1rem 0}figure img{max-width:100%;height:auto}figcaption{font-size:.85rem;color:#444}
caption{caption-side:top;text-align:left;font-weight:bold;padding:.3rem 0}.note{font-size:.82rem;color:#555}
pre{background:#f6f6f6;padding:.6rem;overflow-x:auto;font-size:.78rem}nav ul{columns:2;font-size:.9rem}
"""

_MIME = {".svg": "image/svg+xml", ".png": "image/png"}


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _is_number(text: str) -> bool:
    s = text.replace(",", "").replace("−", "-").replace("%", "").strip()
    if not s:
        return False
    try:
        float(s)
    except ValueError:
        return False
    return True


def _table(tb: Table) -> str:
    out = ["<table>"]
    if tb.caption:
        out.append(f"<caption>{_e(tb.caption)}</caption>")
    out.append("<thead><tr>" + "".join(f"<th>{_e(c)}</th>" for c in tb.frame.columns) + "</tr></thead>")
    out.append("<tbody>")
    for row in tb.frame.itertuples(index=False):
        cells = []
        for v in row:
            s = "" if v is None else str(v)
            cls = ' class="num"' if _is_number(s) else ""
            cells.append(f"<td{cls}>{_e(s)}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    if tb.note:
        out.append(f'<p class="note">{_e(tb.note)}</p>')
    return "\n".join(out)


def _figure(fig: Figure, figures_dir: Path) -> str:
    path = figures_dir / fig.file
    mime = _MIME[path.suffix.lower()]
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    alt = fig.alt or fig.caption
    return (f'<figure><img alt="{_e(alt)}" src="data:{mime};base64,{data}">'
            f"<figcaption>{_e(fig.caption)}</figcaption></figure>")


def render_html(doc: Document, figures_dir: Path) -> str:
    """The document as one HTML string (UTF-8, no external resources)."""
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{_e(doc.lang)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(doc.title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{_e(doc.title)}</h1>",
    ]
    if doc.lead:
        parts.append(f"<p>{_e(doc.lead)}</p>")
    parts.append("<nav><ul>")
    for s in doc.sections:
        if s.level == 2:
            parts.append(f'<li><a href="#{_e(s.id)}">{_e(s.title)}</a></li>')
    parts.append("</ul></nav>")
    for s in doc.sections:
        lvl = max(2, min(4, s.level))
        parts.append(f'<section id="{_e(s.id)}"><h{lvl}>{_e(s.title)}</h{lvl}>')
        for b in s.blocks:
            if isinstance(b, Text):
                parts.append(f"<p>{_e(b.text)}</p>")
            elif isinstance(b, Bullets):
                parts.append("<ul>" + "".join(f"<li>{_e(i)}</li>" for i in b.items) + "</ul>")
            elif isinstance(b, Table):
                parts.append(_table(b))
            elif isinstance(b, Figure):
                parts.append(_figure(b, figures_dir))
            elif isinstance(b, Code):
                parts.append(f"<pre>{_e(b.text)}</pre>")
            else:  # pragma: no cover - a new block kind without a renderer is a bug
                raise TypeError(f"no HTML renderer for {type(b).__name__}")
        parts.append("</section>")
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)
