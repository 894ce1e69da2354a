"""Render a :class:`~analysis.report.document.Document` as Markdown (figures linked from ``figures/``)."""
from __future__ import annotations

from .document import Bullets, Code, Document, Figure, Table, Text

_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>|#"})


def _md(text: object) -> str:
    """Escape Markdown and inline-HTML specials so data text renders as text."""
    return str(text).replace("&", "&amp;").translate(_SPECIAL).replace("\n", " ")


def _table(tb: Table) -> list[str]:
    out = []
    if tb.caption:
        out += [f"**{_md(tb.caption)}**", ""]
    cols = [_md(c) for c in tb.frame.columns]
    out.append("| " + " | ".join(cols) + " |")
    out.append("|" + "|".join("---" for _ in cols) + "|")
    for row in tb.frame.itertuples(index=False):
        out.append("| " + " | ".join(_md("" if v is None else v) for v in row) + " |")
    if tb.note:
        out += ["", f"*{_md(tb.note)}*"]
    return out + [""]


def render_markdown(doc: Document, figures_prefix: str = "figures/") -> str:
    """The document as Markdown text."""
    out = [f"# {_md(doc.title)}", ""]
    if doc.lead:
        out += [_md(doc.lead), ""]
    for s in doc.sections:
        out += ["#" * max(2, min(4, s.level)) + " " + _md(s.title), ""]
        for b in s.blocks:
            if isinstance(b, Text):
                out += [_md(b.text), ""]
            elif isinstance(b, Bullets):
                out += [f"- {_md(i)}" for i in b.items] + [""]
            elif isinstance(b, Table):
                out += _table(b)
            elif isinstance(b, Figure):
                out += [f"![{_md(b.alt or b.caption)}]({figures_prefix}{b.file})", "", f"*{_md(b.caption)}*", ""]
            elif isinstance(b, Code):
                fence = "~~~~"
                out += [fence, b.text.replace(fence, "~ ~ ~ ~"), fence, ""]
            else:  # pragma: no cover
                raise TypeError(f"no Markdown renderer for {type(b).__name__}")
    return "\n".join(out).rstrip("\n") + "\n"
