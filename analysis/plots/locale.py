"""Tick labels formatted by the locale (Babel): numbers and dates.

:func:`number_formatter` gives a matplotlib formatter that writes tick numbers as the
locale does («1 231», «2,56» in Russian; "1,231", "2.56" in English).
:class:`DateTickFormatter` writes date ticks as years when every tick falls on 1 January,
else as abbreviated month and year in the locale («мар. 2022», "Mar 2022"); the choice
is made for all ticks of an axis at once, so one axis never mixes styles.
:func:`apply_locale` installs both on an axes.
"""
from __future__ import annotations

import datetime as dt

import matplotlib.dates as mdates
import matplotlib.ticker as mticker
import numpy as np
from babel.dates import format_date
from babel.numbers import format_decimal

from .texts import check_lang

__all__ = ["DateTickFormatter", "apply_locale", "format_number", "number_formatter"]


def format_number(x: float, lang: str = "en", *, digits: int = 6) -> str:
    """``x`` as the locale writes it, with at most ``digits`` significant digits."""
    if not np.isfinite(x):
        return ""
    v = float(f"{x:.{digits}g}")
    if v == 0:
        v = 0.0  # no "-0"
    return format_decimal(v, format="#,##0.######", locale=check_lang(lang))


def number_formatter(lang: str = "en") -> mticker.FuncFormatter:
    """A tick formatter writing numbers in the locale of ``lang``."""
    check_lang(lang)
    return mticker.FuncFormatter(lambda x, pos=None: format_number(x, lang))


class DateTickFormatter(mticker.Formatter):
    """Date ticks in the locale: years when all ticks are on 1 January, else month and year.

    Parameters
    ----------
    lang : str
        Language of the month names.
    """

    def __init__(self, lang: str = "en") -> None:
        self.lang = check_lang(lang)

    @staticmethod
    def _date(x: float) -> dt.date:
        return mdates.num2date(x).date()

    def _one(self, d: dt.date, yearly: bool) -> str:
        return str(d.year) if yearly else format_date(d, "LLL y", locale=self.lang)

    def format_ticks(self, values):  # noqa: D102 - matplotlib's interface
        dates = [self._date(v) for v in values]
        yearly = all(d.month == 1 and d.day == 1 for d in dates)
        return [self._one(d, yearly) for d in dates]

    def __call__(self, x: float, pos: int | None = None) -> str:
        d = self._date(x)
        return self._one(d, d.month == 1 and d.day == 1)


def apply_locale(ax, lang: str = "en", *, dates: bool = True, y: bool = True) -> None:
    """Format the date ticks of the x axis (when ``dates``) and the numbers of the y axis by locale."""
    check_lang(lang)
    if dates:
        loc = mdates.AutoDateLocator(minticks=4, maxticks=9)
        ax.xaxis.set_major_locator(loc)
        ax.xaxis.set_major_formatter(DateTickFormatter(lang))
    if y:
        ax.yaxis.set_major_formatter(number_formatter(lang))
