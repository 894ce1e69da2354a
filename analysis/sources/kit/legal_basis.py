"""The legal basis of a registry entry, as a code of :data:`analysis.schemas.LEGAL_BASES`."""
from __future__ import annotations

import re
from typing import Any

from ...schemas import LEGAL_BASES
from .normalise import clean_text

__all__ = ["legal_basis_code"]


_DASH = r"[-‐‑‒–—]"
_LAW_NUMBERS = {"7": "7-FZ", "82": "82-FZ", "129": "129-FZ", "255": "255-FZ", "272": "272-FZ"}
_LAW = re.compile(
    rf"(?<![\d.])(?P<n>\d{{1,4}})\s*{_DASH}?\s*(?:ФЗ|Ф3|FZ)(?!\w)"     # 255-ФЗ, 255 ФЗ, 255-FZ
    rf"|(?:ФЗ|FZ)\s*{_DASH}\s*(?P<r>\d{{1,4}})(?!\d)"                   # ФЗ-255
    rf"|(?<![\d.])(?P<media>2124)\s*{_DASH}\s*[1IІ](?!\d)",             # 2124-1
    re.IGNORECASE,
)
_ARTICLE = re.compile(r"(?<!\w)(?:стать\w*|ст\.?)\s*(\d{1,3}(?:\.\d{1,2})?)(?![\d.]*\d)", re.IGNORECASE)
_BASIS_BY_LAW_ARTICLE = {
    ("7-FZ", "32"): "7-FZ art. 32",
    ("2124-1", "6"): "2124-1 art. 6",
    ("2124-1", "25.1"): "2124-1 art. 25.1",
    ("272-FZ", "2.1"): "272-FZ art. 2.1",
    ("272-FZ", "3.1"): "129-FZ",       # art. 3.1 of 272-FZ was inserted by 129-FZ
    ("82-FZ", "29.1"): "82-FZ art. 29.1",
    ("255-FZ", "7"): "255-FZ art. 7",
    ("255-FZ", "9"): "255-FZ art. 9",
}


def legal_basis_code(text: Any) -> str:
    """Code of :data:`analysis.schemas.LEGAL_BASES` for a legal-basis cell.

    The law is recognised by its number (``№ 255-ФЗ``, ``No 255-ФЗ``, ``№255-ФЗ«О…``,
    ``255 ФЗ``, ``ФЗ-255``, ``№ 2124-1``) and the article by ``Статья N`` or
    ``ст. N``. Empty text, an unknown law, an article that law does not have for
    this purpose, or two different bases in one cell give ``"unknown"``. A mention
    of 129-FZ (undesirable organisations) needs no article.

    Examples
    --------
    >>> legal_basis_code("Статья 7 Федерального закона от 14.07.2022 No 255-ФЗ«О контроле…»")
    '255-FZ art. 7'
    >>> legal_basis_code("Статья 25.1 Закона РФ от 27.12.1991 № 2124-1 «О СМИ»")
    '2124-1 art. 25.1'
    >>> legal_basis_code("")
    'unknown'
    """
    t = clean_text(text)
    if not t:
        return "unknown"
    laws: list[tuple[int, str]] = []
    for m in _LAW.finditer(t):
        if m.group("media"):
            laws.append((m.start(), "2124-1"))
        else:
            number = m.group("n") or m.group("r")
            if number in _LAW_NUMBERS:
                laws.append((m.start(), _LAW_NUMBERS[number]))
    if not laws:
        return "unknown"
    articles = [(m.start(), m.group(1)) for m in _ARTICLE.finditer(t)]
    codes: set[str] = set()
    for pos, law in laws:
        if law == "129-FZ":
            codes.add("129-FZ")
            continue
        # The article that belongs to a law is the nearest one before it
        # ("Статья 7 Федерального закона … № 255-ФЗ"), else the nearest after it.
        before = [a for a in articles if a[0] < pos]
        after = [a for a in articles if a[0] > pos]
        art = before[-1][1] if before else (after[0][1] if after else None)
        code = _BASIS_BY_LAW_ARTICLE.get((law, art)) if art else None
        codes.add(code or "unknown")
    if len(codes) != 1:
        return "unknown"
    code = codes.pop()
    assert code in LEGAL_BASES
    return code
