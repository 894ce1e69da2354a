"""Render a :class:`~analysis.report.document.Document` as Markdown (figures linked from ``figures/``)."""
from __future__ import annotations

import re

from .document import Bullets, Code, Details, Document, Figure, Link, Section, Table, Text

_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>|#"})
_MARK = re.compile(r"`([^`]*)`|\^\^(.*?)\^\^")


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").translate(_SPECIAL).replace("\n", " ")


def _md(text: object) -> str:
    """Escape Markdown and inline-HTML specials; identifiers become code spans, citations italics."""
    s = str(text)
    out, pos = [], 0
    for m in _MARK.finditer(s):
        out.append(_esc(s[pos:m.start()]))
        out.append(f"`{m.group(1)}`" if m.group(1) is not None else f"*{_esc(m.group(2))}*")
        pos = m.end()
    out.append(_esc(s[pos:]))
    return "".join(out)


def _cell(v: object) -> str:
    if isinstance(v, Link) and v.url.startswith(("http://", "https://")):
        return f"[{_md(v.text)}]({v.url.replace(')', '%29').replace(' ', '%20')})"
    return _md("" if v is None else v)


def _table(tb: Table) -> list[str]:
    out = []
    if tb.caption:
        out += [f"**{_md(tb.caption)}**", ""]
    cols = [_md(c) for c in tb.frame.columns]
    out.append("| " + " | ".join(cols) + " |")
    out.append("|" + "|".join("---" for _ in cols) + "|")
    for row in tb.frame.itertuples(index=False):
        out.append("| " + " | ".join(_cell(v) for v in row) + " |")
    if tb.note:
        out += ["", f"*{_md(tb.note)}*"]
    return out + [""]


def _blocks(blocks, doc: Document, prefix: str) -> list[str]:
    out: list[str] = []
    for b in blocks:
        if isinstance(b, Text):
            out += [_md(b.text), ""]
        elif isinstance(b, Bullets):
            out += [f"- {_md(i)}" for i in b.items] + [""]
        elif isinstance(b, Table):
            out += _table(b)
        elif isinstance(b, Figure):
            out += [f"![{_md(b.alt or b.caption)}]({prefix}{doc.file_of(b)})", "", f"*{_md(b.caption)}*", ""]
        elif isinstance(b, Code):
            fence = "~~~~"
            out += [fence, b.text.replace(fence, "~ ~ ~ ~"), fence, ""]
        elif isinstance(b, Details):
            out += [f"**{_md(b.summary)}**", ""] + _blocks(b.blocks, doc, prefix)
        else:  # pragma: no cover
            raise TypeError(f"no Markdown renderer for {type(b).__name__}")
    return out


def _section(s: Section, doc: Document, prefix: str) -> list[str]:
    out = ["#" * max(2, min(4, s.level)) + " " + _md(s.title), ""] + _blocks(s.blocks, doc, prefix)
    for c in s.children:
        out += _section(c, doc, prefix)
    return out


def render_markdown(doc: Document, figures_prefix: str = "figures/") -> str:
    """The document as Markdown text."""
    out = [f"# {_md(doc.title)}", ""]
    for k, v in doc.header.items:
        out.append(f"- **{_md(k)}:** {_md(v)}")
    if doc.header.items:
        out.append("")
    if doc.lead:
        out += [_md(doc.lead), ""]
    for s in doc.sections:
        out += _section(s, doc, figures_prefix)
    return "\n".join(out).rstrip("\n") + "\n"
