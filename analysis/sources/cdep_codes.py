"""The grammar of the article/part codes of forms 10-а and 10.3 (``280 ч. 2``, ``282-1 ч. 1`` …).

:func:`parse_article_code` says what a code cell is: one article part, a point of a
part, several parts lumped in one row, a range of articles (a total), or unreadable.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .cdep_workbook import cell_text

__all__ = ["ArticleCode", "parse_article_code", "range_components", "is_bare_article"]


@dataclass(frozen=True)
class ArticleCode:
    """What an article/part code cell says.

    Attributes
    ----------
    kind : str
        ``part`` (one article part, or an article without parts), ``point``
        (a point of a part), ``combined`` (several articles or parts in one row),
        ``range`` (a range of articles: a total row), or ``unknown``.
    article : str or None
        Article number as text (``'280'``, ``'282.1'``) for ``part`` codes.
    part : str or None
        Part number as text (``'2'``, ``'1.1'``), None for an article without parts.
    components : tuple of (article, part)
        For ``combined`` codes, the article parts the row lumps together.
    """

    kind: str
    article: str | None = None
    part: str | None = None
    components: tuple[tuple[str, str | None], ...] = ()


_WS_RE = re.compile(r"\s+")
_RANGE_RE = re.compile(r"^(?:ст\.?\s*)?\d{3}(?:\.\d+)?\s*-\s*\d{3}")
_POINT_RE = re.compile(r"<<|«|»|\"|(?:^|\s|\d)п\.\s*|^п\s")
_CODE_RE = re.compile(
    r"^(?:ст\.?\s*)?(?P<art>\d{3})(?:\s*[.\-]\s*(?P<sub>\d{1,2}))?(?!\d)\.?"
    r"(?:\s*ч\.?\s*(?P<part>\d{1,2}(?:\.\d{1,2})?))?(?P<rest>.*)$"
)
#: Words that may follow a code as an edition note («н.р.», «ст. ред.», «в старой редакции» …).
_EDITION_WORDS = frozenset({
    "в", "до", "и", "с", "ст", "н", "р", "нов", "новой", "новая", "стар", "старой", "старая",
    "ред", "редакции", "редакция", "утратила", "силу", "фз", "от",
})


def _strip_parentheses(text: str) -> str:
    """Remove parenthesised notes (``(вкл. ч. 1 в ред. …)``); an unclosed one runs to the end."""
    previous = None
    while previous != text:
        previous = text
        text = re.sub(r"\([^()]*\)", " ", text)
    text = text.split("(", 1)[0].replace(")", " ")
    return _WS_RE.sub(" ", text).strip(" ,;")


def _is_note(piece: str) -> bool:
    """True for a piece of a code cell that is an edition note, not a code."""
    if not re.search(r"\d", piece):
        return True
    return bool(re.search(r"ред|фз", piece.lower())) and not re.match(r"^(?:ст\.?\s*)?\d{3}", piece)


def _parse_single(text: str) -> ArticleCode:
    m = _CODE_RE.match(text)
    if m is None:
        return ArticleCode("unknown")
    sub = int(m.group("sub")) if m.group("sub") else 0  # «106.0» is article 106: no article has a «.0»
    article = m.group("art") + (f".{sub}" if sub else "")
    rest = m.group("rest").strip()
    span = re.match(r"^-\s*(\d{1,2})$", rest)
    if span and m.group("part"):  # «185.6 ч.1-2»: a range of parts
        first, last = int(float(m.group("part"))), int(span.group(1))
        return ArticleCode("combined", components=tuple((article, str(k)) for k in range(first, last + 1)))
    if re.search(r"\d", rest) or not set(re.findall(r"[а-яё]+", rest.lower())) <= _EDITION_WORDS:
        return ArticleCode("unknown")
    return ArticleCode("part", article, m.group("part"))


def _parse_pieces(codes: list[str]) -> ArticleCode:
    """Several codes in one cell: the same part twice (two editions) or a combined row."""
    components: list[tuple[str, str | None]] = []
    unreadable = False
    for piece in codes:
        cont = re.match(r"^(?:ч\.?\s*)?(\d{1,2}(?:\.\d{1,2})?)$", piece)
        if cont and components:  # «159 ч. 5, ч. 6, ч.7»: further parts of the same article
            components.append((components[-1][0], cont.group(1)))
            continue
        parsed = _parse_single(piece)
        if parsed.kind == "part":
            components.append((parsed.article, parsed.part))
        elif parsed.kind == "combined":
            components.extend(parsed.components)
        else:
            unreadable = True
    components = list(dict.fromkeys(components))
    if len(components) == 1 and not unreadable:
        return ArticleCode("part", components[0][0], components[0][1])
    return ArticleCode("combined", components=tuple(components))


def parse_article_code(value: Any) -> ArticleCode:
    """Read an article/part code cell of form 10-а or 10.3.

    Parameters
    ----------
    value : str or float
        The cell: text such as ``'280 ч. 2'``, ``'282-1 ч. 1'`` (2009 hyphen style
        for art. 282.1), ``'284.1 ч. 1 (вкл. ст. 284.1 …)'``, or a number such as
        ``275.0``.

    Returns
    -------
    ArticleCode

    Notes
    -----
    Parenthesised notes and edition notes («н.р.», «в старой редакции») are
    ignored, so an old-edition row reads as the same article part as the
    current one: the forms list the two editions as separate rows of distinct
    persons. A cell naming the same article part twice (two editions joined by
    «и») is that part; a cell naming different parts or articles is ``combined``.

    Examples
    --------
    >>> parse_article_code("280 ч. 2")
    ArticleCode(kind='part', article='280', part='2', components=())
    >>> parse_article_code("282-1 ч. 1").article
    '282.1'
    >>> parse_article_code(106.0).part is None
    True
    >>> parse_article_code("282 ч. 2 п. <<а>>").kind
    'point'
    >>> parse_article_code("284.1 ч. 2; 284.1 ч. 3").components
    (('284.1', '2'), ('284.1', '3'))
    """
    return _parse_text(cell_text(value))


@lru_cache(maxsize=65536)
def _parse_text(text: str) -> ArticleCode:
    if not text:
        return ArticleCode("unknown")
    if _POINT_RE.search(text):
        return ArticleCode("point")
    if _RANGE_RE.match(text) or re.match(r"^сумма\s+стр", text.lower()):
        return ArticleCode("range")
    if ":" in text:  # «Составы преступлений, введенные в УК РФ в 2019 году: 124.1 ч. 1»
        text = text.split(":", 1)[1].strip()
    core = _strip_parentheses(text)
    core = re.split(r"\s-?\s*утрат|\s(?:вкл|включая)\.?\s", core, maxsplit=1)[0].strip(" ,;-")
    if not core:
        return ArticleCode("unknown")
    pieces = [p.strip(" .") for p in re.split(r"[,;]|\sи\s", core)]
    codes = [p for p in pieces if p and not _is_note(p)]
    if not codes:
        return ArticleCode("unknown")
    if len(codes) == 1:
        return _parse_single(codes[0])
    return _parse_pieces(codes)


def range_components(text: str) -> tuple[tuple[str, str | None], ...]:
    """Articles of a range code: «159.1-159.6» → 159.1 … 159.6; otherwise its two ends."""
    m = re.match(r"^(\d{3})(?:\.(\d+))?\s*-\s*(\d{3})(?:\.(\d+))?", text)
    if m is None:
        return ()
    if m.group(1) == m.group(3) and m.group(2) and m.group(4):
        return tuple((f"{m.group(1)}.{k}", None) for k in range(int(m.group(2)), int(m.group(4)) + 1))
    first = m.group(1) + (f".{m.group(2)}" if m.group(2) else "")
    last = m.group(3) + (f".{m.group(4)}" if m.group(4) else "")
    return ((first, None), (last, None))


def is_bare_article(code_text: str) -> bool:
    """True for a code that is only an article number (no part, no edition note)."""
    return bool(re.fullmatch(r"(?:ст\.?\s*)?\d{3}(?:[.\-]\d{1,2})?\.?", code_text.strip()))
