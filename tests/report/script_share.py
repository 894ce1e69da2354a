"""Share of Cyrillic and Latin words in the visible prose of an HTML page.

Visible words: text outside ``<script>``, ``<style>``, ``<code>``, ``<pre>``, ``<cite>``
and ``<details>``, with URLs removed; a word is a run of three or more letters. Written
with the standard library only, independently of the report's renderer.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

SKIP = {"script", "style", "code", "pre", "cite", "details", "title"}
WORD = re.compile(r"[^\W\d_]{3,}")
URL = re.compile(r"(?:https?://|www\.)\S+")


class _Visible(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.chunks: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in SKIP:
            self.depth += 1

    def handle_endtag(self, tag):
        if tag in SKIP and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if not self.depth:
            self.chunks.append(data)


def visible_words(html: str) -> list[str]:
    p = _Visible()
    p.feed(html)
    text = URL.sub(" ", " ".join(p.chunks))
    return WORD.findall(text)


def shares(html: str) -> dict[str, float]:
    """``{"cyrillic": share, "latin": share, "words": n}`` over the visible words."""
    words = visible_words(html)
    cyr = sum(1 for w in words if re.search(r"[\u0400-\u04FF]", w))
    lat = sum(1 for w in words if re.search(r"[A-Za-z]", w) and not re.search(r"[\u0400-\u04FF]", w))
    n = max(len(words), 1)
    return {"cyrillic": cyr / n, "latin": lat / n, "words": len(words)}


def latin_words(html: str) -> list[str]:
    return [w for w in visible_words(html) if re.search(r"[A-Za-z]", w) and not re.search(r"[\u0400-\u04FF]", w)]
