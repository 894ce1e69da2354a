"""Every sentence of the report, per language, from template files; numbers by the locale.

The templates are TOML files under ``analysis/report/templates/`` (``en.toml``,
``ru.toml``): one table per section, each key a sentence with named placeholders in
``{braces}``. A key whose value is a table of CLDR plural categories (``one``, ``few``,
``many``, ``other``) is chosen by the plural rule of the language for its ``n``. A
translator edits those files only; the code passes values, never words.

Numbers, dates and plural forms follow the locale through Babel: ``1 231`` and ``2,56``
in Russian, ``1,231`` and ``2.56`` in English. Minus signs are the typographic ``−``.

Inline markup in templates and values: text between backticks is an identifier
(rendered as ``<code>``), text between ``^^`` marks is a citation (``<cite>``). Values
that are identifiers are wrapped with :meth:`Texts.code` and citations with
:meth:`Texts.cite`.
"""
from __future__ import annotations

import datetime as dt
import math
import string
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import pandas as pd
from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal

LANGS = ("en", "ru")


@lru_cache(maxsize=None)
def _load(lang: str) -> dict[str, Any]:
    if lang not in LANGS:
        raise ValueError(f"language must be one of {LANGS}, not {lang!r}")
    with resources.files("analysis.report").joinpath(f"templates/{lang}.toml").open("rb") as fh:
        return tomllib.load(fh)


def flat_templates(lang: str) -> dict[str, Any]:
    """All templates of ``lang`` as ``{"section.key": text-or-plural-table}``."""
    out: dict[str, Any] = {}

    def walk(prefix: str, node: dict[str, Any]) -> None:
        for k, v in node.items():
            key = f"{prefix}.{k}" if prefix else k
            if isinstance(v, dict) and not _is_plural(v):
                walk(key, v)
            else:
                out[key] = v
    walk("", _load(lang))
    return out


def _is_plural(v: dict[str, Any]) -> bool:
    return bool(v) and set(v) <= {"zero", "one", "two", "few", "many", "other"} and "other" in v


def placeholders(text: str) -> set[str]:
    """Named placeholders of a template string."""
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


@dataclass(frozen=True)
class Texts:
    """Templates and number, date and plural rules of one language."""

    lang: str
    _flat: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self._flat:
            object.__setattr__(self, "_flat", flat_templates(self.lang))

    @property
    def locale(self) -> Locale:
        return Locale.parse(self.lang)

    # -- sentences -------------------------------------------------------------------
    def has(self, key: str) -> bool:
        return key in self._flat

    def t(self, key: str, **values: Any) -> str:
        """The sentence ``key`` with ``values`` filled in (a missing key or value is a bug: KeyError)."""
        tpl = self._flat[key]
        if isinstance(tpl, dict):
            raise KeyError(f"{key} is a plural template: use Texts.n")
        return tpl.format(**values) if values or "{" in tpl else tpl

    def n(self, key: str, n: float, **values: Any) -> str:
        """The plural form of ``key`` for ``n`` (``{n}`` is the count, formatted)."""
        tpl = self._flat[key]
        if isinstance(tpl, str):
            return tpl.format(n=self.int(n), **values)
        form = self.locale.plural_form(abs(n) if float(n).is_integer() else abs(float(n)))
        text = tpl.get(form, tpl["other"])
        return text.format(n=self.int(n) if float(n).is_integer() else self.num(n), **values)

    def opt(self, key: str, default: str = "", **values: Any) -> str:
        """Like :meth:`t`, or ``default`` when the key is absent (for values the data name)."""
        return self.t(key, **values) if key in self._flat else default

    # -- markup ----------------------------------------------------------------------
    @staticmethod
    def code(x: Any) -> str:
        """``x`` as an identifier (``<code>`` in HTML)."""
        return "`" + str(x).replace("`", "'") + "`"

    @staticmethod
    def cite(x: Any) -> str:
        """``x`` as a citation (``<cite>`` in HTML)."""
        return "^^" + str(x).replace("^^", "^") + "^^"

    # -- numbers and dates -----------------------------------------------------------
    def int(self, x: Any) -> str:
        """An integer with the locale's grouping; empty for missing."""
        if _missing(x):
            return ""
        return format_decimal(int(round(float(x))), format="#,##0", locale=self.lang).replace("-", "−")

    def num(self, x: Any, digits: int = 2) -> str:
        """A fixed-point number with the locale's decimal sign; empty for missing."""
        if _missing(x):
            return ""
        fmt = "#,##0" + ("." + "0" * digits if digits > 0 else "")
        return format_decimal(float(x), format=fmt, locale=self.lang).replace("-", "−")

    def sig(self, x: Any, digits: int = 3) -> str:
        """A number to ``digits`` significant digits (fixed point)."""
        if _missing(x):
            return ""
        x = float(x)
        if x == 0:
            return self.num(0, 0)
        d = max(0, digits - 1 - int(math.floor(math.log10(abs(x)))))
        return self.num(x, min(d, 6))

    def p(self, p: Any) -> str:
        """A p-value: three decimals, ``<0.001`` below that."""
        if _missing(p):
            return ""
        p = float(p)
        return "<" + self.num(0.001, 3) if p < 0.001 else self.num(p, 3)

    def pct(self, x: Any, digits: int = 0) -> str:
        """A share as a percentage (``x`` = 0.42 → ``42%``)."""
        if _missing(x):
            return ""
        return format_decimal(float(x), format="#,##0" + ("." + "0" * digits if digits else "") + "%",
                              locale=self.lang).replace("-", "−")

    def ratio(self, rr: Any, lo: Any, hi: Any) -> str:
        """A rate ratio with its interval: ``2.31 (1.80–2.96)``."""
        return f"{self.num(rr)} ({self.num(lo)}–{self.num(hi)})"

    def date(self, d: Any) -> str:
        """A calendar date in words (``24 February 2022``, ``24 февраля 2022 г.``)."""
        if _missing(d) or d == "":
            return ""
        ts = pd.Timestamp(d)
        return format_date(dt.date(ts.year, ts.month, ts.day), format="long", locale=self.lang)

    def month(self, p: Any, *, genitive: bool = False) -> str:
        """A month in words (``February 2022``, ``февраль 2022``; genitive ``февраля 2022`` after «с»)."""
        if p is None:
            return ""
        per = pd.Period(p, "M")
        return format_date(dt.date(per.year, per.month, 1), format="MMMM y" if genitive else "LLLL y",
                           locale=self.lang)

    def period(self, p: Any) -> str:
        """A period in words: a month by name, a year as its number."""
        if p is None:
            return ""
        if isinstance(p, pd.Period) and p.freqstr.startswith(("Y", "A")):
            return str(p.year)
        if isinstance(p, (int,)) or (isinstance(p, str) and len(p) == 4):
            return str(p)
        return self.month(p)

    def interval(self, iv: Any) -> str:
        """A break-date interval in words; "not computed" when there is none."""
        if iv is None or iv[0] is None or iv[1] is None:
            return self.t("common.not_computed")
        if iv[0] == iv[1]:
            return self.period(iv[0])
        return f"{self.period(iv[0])} – {self.period(iv[1])}"

    def join(self, items: list[str]) -> str:
        """``a, b and c`` in the language."""
        items = [i for i in items if i]
        if len(items) <= 1:
            return "".join(items)
        return self.t("common.list_join", head=", ".join(items[:-1]), last=items[-1])


def _missing(x: Any) -> bool:
    if x is None or x is pd.NA:
        return True
    try:
        return bool(isinstance(x, float) and math.isnan(x))
    except TypeError:
        return False


def texts(lang: str) -> Texts:
    """The :class:`Texts` of ``lang``."""
    return Texts(lang)
