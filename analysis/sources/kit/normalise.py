"""Normalised text of a cell, and the matching key of a name.

Every loader passes text cells through :func:`clean_text` before reading them, and
every comparison of names across sources (reconciliation, entry histories) uses
:func:`name_key`.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any

__all__ = ["clean_text", "name_key"]


_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACE_RUN = re.compile(r"\s+")


def clean_text(value: Any) -> str:
    """Whitespace-normalised text of a cell.

    Non-breaking and other Unicode spaces, tabs and line breaks become single
    spaces; zero-width characters and soft hyphens are removed; the result is
    stripped. ``None`` and missing values give ``""``.

    Examples
    --------
    >>> clean_text("\\u00a0Кац  Максим\\nЕвгеньевич ")
    'Кац Максим Евгеньевич'
    """
    if value is None:
        return ""
    if isinstance(value, float) and value != value:  # NaN
        return ""
    text = str(value).translate(_ZERO_WIDTH)
    # \s in Python's re covers NBSP, thin spaces, figure spaces and line separators.
    return _SPACE_RUN.sub(" ", text).strip()


_QUOTES_AND_PUNCT = re.compile(r"[^\w]+|_+")


def name_key(name: Any, *, compact: bool = False) -> str:
    """Matching key of a name: lower case, ``ё`` → ``е``, quotes and punctuation folded.

    Quotes (``«»“”„"'``), brackets, dashes and all other punctuation become a space,
    so that ``организация«Центр`` (a space lost in PDF extraction) and
    ``организация «Центр»`` get the same key. With ``compact=True`` all spaces are
    removed as well, which also matches words that a PDF extraction glued together.

    Examples
    --------
    >>> name_key('Автономная некоммерческая организация«Центр  "Досье"»')
    'автономная некоммерческая организация центр досье'
    >>> name_key("Кац Максим", compact=True)
    'кацмаксим'
    """
    text = unicodedata.normalize("NFKC", clean_text(name)).casefold()
    text = text.replace("ё", "е")
    text = _QUOTES_AND_PUNCT.sub(" ", text)
    text = _SPACE_RUN.sub(" ", text).strip()
    return text.replace(" ", "") if compact else text
