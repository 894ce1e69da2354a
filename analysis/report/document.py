"""The report as data: sections made of text, lists, tables and figures.

The builders fill a :class:`Document`; :mod:`analysis.report.html` and
:mod:`analysis.report.markdown` render it. Text is plain (never markup): renderers
escape it. Figures are referred to by file name under ``figures/``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


@dataclass(frozen=True)
class Text:
    """A paragraph of plain text."""

    text: str


@dataclass(frozen=True)
class Bullets:
    """A bulleted list of plain-text items."""

    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    """A table: cells are rendered with ``str`` (format numbers before)."""

    frame: pd.DataFrame
    caption: str = ""
    note: str = ""


@dataclass(frozen=True)
class Figure:
    """A saved figure (``file`` relative to the figures folder) with its caption."""

    file: str
    caption: str
    alt: str = ""


@dataclass(frozen=True)
class Code:
    """Preformatted text (e.g. the configuration)."""

    text: str


@dataclass
class Section:
    """A titled section; ``level`` 2 for top-level, 3 for subsections."""

    id: str
    title: str
    level: int = 2
    blocks: list = field(default_factory=list)

    def add(self, *blocks) -> "Section":
        """Append blocks and return the section."""
        self.blocks.extend(blocks)
        return self


@dataclass
class Document:
    """Title, lead paragraph and sections, in order."""

    title: str
    lang: str = "en"
    lead: str = ""
    sections: list[Section] = field(default_factory=list)

    def section(self, id: str, title: str, level: int = 2) -> Section:
        """Create, append and return a new section."""
        s = Section(id=id, title=title, level=level)
        self.sections.append(s)
        return s
