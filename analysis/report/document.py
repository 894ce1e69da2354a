"""The report as data: sections made of text, lists, tables and figures.

The section renderers return :class:`Section` trees; :mod:`analysis.report.html` and
:mod:`analysis.report.markdown` render them. Text is plain (never markup) except for two
inline marks the renderers understand: `` `identifier` `` (``<code>``) and
``^^citation^^`` (``<cite>``); everything else is escaped. Figures carry the function
that draws them, so a section stays a value until the builder writes the files.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd


@dataclass(frozen=True)
class Text:
    """A paragraph of plain text (with inline marks)."""

    text: str


@dataclass(frozen=True)
class Bullets:
    """A bulleted list of plain-text items."""

    items: tuple[str, ...]


@dataclass(frozen=True)
class Link:
    """A link in a table cell: ``text`` pointing at ``url`` (http or https only)."""

    text: str
    url: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Table:
    """A table of pre-formatted cells.

    ``kinds`` maps a column to how its cells render: ``num`` (right-aligned, never
    wrapped), ``code`` (an identifier in ``<code>``, never wrapped) or ``text``.
    ``fold`` puts the table inside a ``<details>`` element with ``caption`` as summary.
    """

    frame: pd.DataFrame
    caption: str = ""
    note: str = ""
    kinds: tuple[tuple[str, str], ...] = ()
    fold: bool = False

    def kind(self, column: str) -> str:
        return dict(self.kinds).get(column, "")


@dataclass(frozen=True)
class Figure:
    """A figure saved as ``figures/<name>.<format>``, drawn by ``draw()`` (returns a matplotlib Figure)."""

    name: str
    caption: str
    draw: Callable[[], Any] | None = None
    alt: str = ""
    source: str = ""


@dataclass(frozen=True)
class Code:
    """Preformatted text (e.g. the configuration)."""

    text: str


@dataclass(frozen=True)
class Details:
    """Blocks folded away under a summary line."""

    summary: str
    blocks: tuple = ()


@dataclass(frozen=True)
class Section:
    """A titled section (level 2 top-level, 3 subsection) with blocks and subsections."""

    id: str
    title: str
    level: int = 2
    blocks: tuple = ()
    children: tuple["Section", ...] = ()


def walk(sections) -> list[Section]:
    """Sections in reading order, children after their parent."""
    out: list[Section] = []
    for s in sections:
        out.append(s)
        out.extend(walk(s.children))
    return out


@dataclass(frozen=True)
class Header:
    """The "as of" line: data snapshot dates, build stamp, toolkit version and commit."""

    items: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Document:
    """Title, lead paragraph, header and sections, in order."""

    title: str
    lang: str = "en"
    lead: str = ""
    header: Header = field(default_factory=Header)
    sections: tuple[Section, ...] = ()
    figure_format: str = "svg"

    def figures(self) -> list[Figure]:
        out = []

        def blocks(bs):
            for b in bs:
                if isinstance(b, Figure):
                    out.append(b)
                elif isinstance(b, Details):
                    blocks(b.blocks)
        for s in walk(self.sections):
            blocks(s.blocks)
        return out

    def file_of(self, fig: Figure) -> str:
        return f"{fig.name}.{self.figure_format}"


def with_figure_notes(doc: Document, notes: dict[str, tuple[str, ...]]) -> Document:
    """``doc`` with each figure's caption followed by the notes its drawing left (by figure name).

    The notes are what the plot explains about itself (event shorthands, hatched
    categories), known only once the figure is drawn; a figure without notes keeps its
    caption.
    """
    from dataclasses import replace

    def blocks(bs: tuple) -> tuple:
        out = []
        for b in bs:
            if isinstance(b, Figure) and notes.get(b.name):
                b = replace(b, caption=" ".join((b.caption, *notes[b.name])))
            elif isinstance(b, Details):
                b = replace(b, blocks=blocks(b.blocks))
            out.append(b)
        return tuple(out)

    def section(s: Section) -> Section:
        return replace(s, blocks=blocks(s.blocks), children=tuple(section(c) for c in s.children))

    return replace(doc, sections=tuple(section(s) for s in doc.sections))
