"""Shared parsing for the registry loaders: text, dates, legal bases, categories, events.

Every registry loader reads its own file layout and then hands each input row to
an :class:`EventBuilder`, which parses the cells with the functions here, rejects
the row with a reason when a cell is unusable, and finally assembles the validated
event frame. Keeping the cell rules in one place means that every source is held
to the same standard:

* text is whitespace-normalised (:func:`clean_text`);
* dates are strict ``DD.MM.YYYY`` (:func:`parse_date`);
* legal bases are mapped to the codes of :data:`analysis.schemas.LEGAL_BASES`
  (:func:`legal_basis_code`);
* categories are mapped from the source's own wording to
  :data:`analysis.schemas.CATEGORIES` (:func:`category_from_type`).
"""
from __future__ import annotations

import bisect
import datetime as dt
import json
import re
import unicodedata
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import pandas as pd

from ..errors import AnalysisWarning, InputError, SchemaError
from ..schemas import CATEGORIES, LEGAL_BASES, EventSchema
from .base import LoadResult, RejectLog, clip_value, looks_like_html, read_bytes

# First days the registries could hold an entry (defined once, from the law calendar).
from ..registries import FOREIGN_AGENTS_START, UNDESIRABLE_START  # noqa: E402,F401

EVENT_COLUMNS = [
    "registry", "entry_id", "name", "kind", "category", "legal_basis",
    "included_on", "excluded_on", "decision_on", "source_id", "source_row",
]

# ---------------------------------------------------------------------------
# Text
# ---------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------
# Cell problems
# ---------------------------------------------------------------------------


class CellError(ValueError):
    """A cell that cannot be used; carries the reason written to the rejects table."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# ---------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------

_DATE_FULL = re.compile(r"^(\d{2})\.(\d{2})\.(\d{4})$")
_DATE_SHORT_YEAR = re.compile(r"^\d{1,2}\.\d{1,2}\.\d{2}$")
_DATE_LOOSE = re.compile(r"^\d{1,2}\.\d{1,2}\.\d{4}$")
_NUMBER = re.compile(r"^[-+]?\d+(\.\d+)?$")
#: Excel stores a date as a day count from 1899-12-30; five digits span 1927–2173.
_SERIAL_RANGE = (10_000, 99_999)


def _number_reason(number: float) -> str:
    """Why a number is not a date: an Excel day count that lost its format, or just a number."""
    lo, hi = _SERIAL_RANGE
    if float(number).is_integer() and lo <= number <= hi:
        day = dt.date(1899, 12, 30) + dt.timedelta(days=int(number))
        return f"an Excel serial number (day {int(number)} = {day:%d.%m.%Y}), not a DD.MM.YYYY date"
    return "a number, not a DD.MM.YYYY date"
_DATE_IN_TEXT = re.compile(r"(?<!\d)(\d{2}\.\d{2}\.\d{4})(?!\d)")


def parse_date(value: Any, *, not_before: dt.date | None = None,
               not_after: dt.date | None = None) -> dt.date | None:
    """Parse a strict ``DD.MM.YYYY`` date; empty cells give ``None``.

    Parameters
    ----------
    value : str, date, datetime or None
        The raw cell. Surrounding whitespace (including non-breaking spaces) is
        ignored, and a cell holding only whitespace is empty. A real date cell
        (``datetime.date``, or ``datetime`` at midnight, as a spreadsheet that was
        re-saved with date formatting holds) is accepted as is.
    not_before, not_after : date, optional
        Plausible range (the day the registry came into existence, the snapshot date).

    Returns
    -------
    date or None

    Raises
    ------
    CellError
        With the reason: Excel serial number (a five-digit day count), another
        number, two-digit year, wrong format,
        impossible calendar date (e.g. ``31.02.2024``), or outside the range.

    Notes
    -----
    Only ``DD.MM.YYYY`` with two-digit day and month is accepted, so a value is
    never read in a second, ambiguous way (``01.02.24`` could be 1924 or 2024; a
    number like ``45519`` is an Excel day count that lost its format).
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise CellError(f"not a DD.MM.YYYY date (a {type(value).__name__})")
    if isinstance(value, (int, float)):
        if isinstance(value, float) and value != value:
            return None
        raise CellError(_number_reason(value))
    if isinstance(value, dt.datetime):
        if value.time() != dt.time(0):
            raise CellError("a date with a time of day, not a DD.MM.YYYY date")
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, str):
        text = clean_text(value)
        if not text:
            return None
        m = _DATE_FULL.match(text)
        if m is None:
            if _NUMBER.match(text):
                raise CellError(_number_reason(float(text)))
            if _DATE_SHORT_YEAR.match(text):
                raise CellError("two-digit year, not a DD.MM.YYYY date")
            if _DATE_LOOSE.match(text):
                raise CellError("day and month must have two digits (DD.MM.YYYY)")
            raise CellError("not a DD.MM.YYYY date")
        d, mth, y = (int(g) for g in m.groups())
        try:
            day = dt.date(y, mth, d)
        except ValueError:
            raise CellError("impossible calendar date") from None
    else:
        raise CellError(f"not a DD.MM.YYYY date (a {type(value).__name__})")
    if not_before is not None and day < not_before:
        raise CellError(f"before the registry existed ({not_before:%d.%m.%Y})")
    if not_after is not None and day > not_after:
        raise CellError(f"after the snapshot date ({not_after:%d.%m.%Y})")
    return day


def date_in_text(value: Any) -> str | None:
    """First ``DD.MM.YYYY`` substring of a text such as ``№ 1069-р от 27.08.2024``, or None."""
    m = _DATE_IN_TEXT.search(clean_text(value))
    return m.group(1) if m else None


# ---------------------------------------------------------------------------
# Legal basis
# ---------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------
# Category and kind
# ---------------------------------------------------------------------------


def category_from_type(text: Any) -> str | None:
    """Category code for the registry's own type wording (``Тип иностранного агента``).

    ================================================================  ==========================
    wording (plural or singular, any case)                            category
    ================================================================  ==========================
    ``Физические лица``                                               ``individual``
    ``Юридические лица``                                              ``legal_entity``
    ``Иные объединения лиц``                                          ``unregistered_association``
    ``Общественные объединения, действующие без образования ЮЛ``      ``unregistered_association``
    ``Иностранные структуры без образования юридического лица``       ``foreign_structure``
    empty                                                             ``unknown``
    ================================================================  ==========================

    Returns None for non-empty wording that is none of these, so the caller can
    count it rather than guess.
    """
    t = name_key(text)
    if not t:
        return "unknown"
    if "иностранн" in t and "структур" in t:
        return "foreign_structure"
    if "объединени" in t:
        return "unregistered_association"
    if t.startswith("физическ"):
        return "individual"
    if t.startswith("юридическ"):
        return "legal_entity"
    return None


def kind_from_category(category: str) -> str | None:
    """Coarse kind for a category: ``individual`` or ``organisation`` (None for ``unknown``)."""
    if category not in CATEGORIES:
        raise ValueError(f"unknown category {category!r}")
    if category == "unknown":
        return None
    return "individual" if category == "individual" else "organisation"


def infer_category(*, has_birth_date: bool, has_snils: bool, has_ogrn: bool,
                   legal_basis: str) -> str:
    """Category of a registry row from the fields a PDF-derived table has, when unambiguous.

    The PDF registry has no type column. These rules were checked row by row
    against the type column of the official export of 15.08.2025 (same registry
    numbers) and never contradict it:

    * a date of birth or a SNILS is only ever filled for ``Физические лица``
      → ``individual``;
    * an OGRN is only ever filled for ``Юридические лица`` → ``legal_entity``;
    * basis 82-FZ art. 29.1 is only ever used for unregistered public associations
      → ``unregistered_association``.

    Everything else is ``unknown``: a member list occurs for unregistered
    associations but also for a legal entity and a foreign structure, and a
    registration number occurs for legal entities and foreign structures alike.
    The values of the identifier fields are only tested for presence here and are
    never kept.
    """
    if has_birth_date or has_snils:
        return "individual"
    if has_ogrn:
        return "legal_entity"
    if legal_basis == "82-FZ art. 29.1":
        return "unregistered_association"
    return "unknown"


# ---------------------------------------------------------------------------
# Registry numbers
# ---------------------------------------------------------------------------


def parse_entry_id(value: Any) -> int | None:
    """Registry number (``№ п/п``) as a positive integer; empty gives None.

    Raises
    ------
    CellError
        For anything but a whole number ≥ 1 (``12``, ``"12"``, ``12.0`` pass).
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise CellError("registry number is not a whole number")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if value != value:
            return None
        if not value.is_integer():
            raise CellError("registry number is not a whole number")
        number = int(value)
    elif isinstance(value, str):
        text = clean_text(value)
        if not text:
            return None
        if not re.fullmatch(r"\d{1,7}", text):
            raise CellError("registry number is not a whole number")
        number = int(text)
    else:
        raise CellError(f"registry number is not a whole number (a {type(value).__name__})")
    if number < 1:
        raise CellError("registry number is below 1")
    return number


# ---------------------------------------------------------------------------
# Assembling events
# ---------------------------------------------------------------------------

#: A cell as (column name as the source spells it, raw value).
Cell = tuple[str, Any]


@dataclass
class _Event:
    row: int
    entry_id: int | None
    name: str
    kind: str
    category: str
    legal_basis: str
    included_on: dt.date
    excluded_on: dt.date | None
    decision_on: dt.date | None
    id_column: str | None
    id_raw: Any

    def content(self) -> tuple:
        return (name_key(self.name), self.kind, self.category, self.legal_basis,
                self.included_on, self.excluded_on, self.decision_on)


class EventBuilder:
    """Turns parsed rows into a validated event frame plus a rejects log.

    Parameters
    ----------
    registry : {"foreign_agents", "undesirable"}
    source_id : str
        Written into every event and reject row.
    file : str
        The path as given, for messages and :class:`LoadResult`.
    not_before, not_after : date, optional
        Plausible date range (start of the registry, snapshot date).

    Notes
    -----
    Each call of :meth:`add` accounts for one input row: it either keeps an event
    or records the first problem found in the rejects log. :meth:`result` then
    settles repeats, in two steps.

    1. Rows that reuse a registry number. An exact repeat (same content) is
       ``skipped``. Rows with the same number and different content are decided by
       the registry order: registry numbers are given in order of the inclusion
       decision, so dates never decrease with the number (true of every numbered
       file in the data mirror). The row whose inclusion date lies between those of
       the neighbouring numbers is kept and the others are ``rejected``; when none
       or several fit (or the file as a whole is not in that order), every row with
       that number is ``rejected``, because which is the registry's cannot be told.
       File order plays no part, so a conflicting row placed first cannot push out
       the genuine one.
    2. Rows with the same normalised name (:func:`name_key`) and the same inclusion
       date are one listing event (a re-inclusion has a later date). In a file
       without registry numbers the repeat is ``skipped`` when identical and
       ``rejected`` when other fields differ (the first row is kept). Under two
       registry numbers the row that fits the registry order is kept (the lower
       number when both do), the other is ``rejected``, and the pair is listed in
       ``meta["same_event_two_numbers"]`` for the reconciliation table.

    Raw values shown in the rejects table pass through
    :func:`analysis.sources.base.redact` (columns named in ``personal_columns`` and
    date-like values before ``not_before`` are never shown).
    """

    def __init__(self, *, registry: str, source_id: str, file: str,
                 not_before: dt.date | None, not_after: dt.date | None,
                 personal_columns: Sequence[str] = ()) -> None:
        self.registry = registry
        self.source_id = source_id
        self.file = file
        self.not_before = not_before
        self.not_after = not_after
        self.log = RejectLog(source_id, personal_columns=frozenset(personal_columns),
                             dates_before=not_before)
        self._events: list[_Event] = []
        self.same_event_two_numbers: list[dict[str, Any]] = []
        self.unrecognised: dict[str, dict[str, int]] = {}

    def reject(self, row: int, column: str | None, raw_value: Any, reason: str,
               status: str = "rejected") -> None:
        """Record input row ``row`` as not usable."""
        self.log.add(row, column, raw_value, reason, status)

    def add(self, row: int, *, name: Cell, included: Cell, excluded: Cell | None = None,
            entry_id: Cell | None = None, decision: Cell | None = None,
            legal_basis: str = "unknown", category: str = "unknown",
            kind: str | None = None) -> bool:
        """Parse and check one input row; return True when it became an event.

        ``kind`` defaults to the kind of ``category``; a row whose kind can be
        determined neither way is a programming error of the calling loader.
        Exclusion and decision dates share the registry's date range; the
        decision date may not follow the inclusion (listing) date.
        """
        number = None
        if entry_id is not None:
            try:
                number = parse_entry_id(entry_id[1])
            except CellError as exc:
                self.reject(row, entry_id[0], _shown(entry_id[1]), exc.reason)
                return False
        raw_name = name[1]
        if raw_name is not None and not isinstance(raw_name, str):
            self.reject(row, name[0], _type_note(raw_name), "name is not text")
            return False
        clean_name = clean_text(raw_name)
        if not clean_name:
            self.reject(row, name[0], raw_name, "blank name")
            return False
        dates: dict[str, dt.date | None] = {}
        for label, cell in (("included", included), ("excluded", excluded),
                            ("decision", decision)):
            if cell is None:
                dates[label] = None
                continue
            if isinstance(cell[1], (list, dict, WrongType)):
                self.reject(row, cell[0], _type_note(cell[1]),
                            f"not a DD.MM.YYYY date ({_type_name(cell[1])})")
                return False
            try:
                dates[label] = parse_date(cell[1], not_before=self.not_before,
                                          not_after=self.not_after)
            except CellError as exc:
                self.reject(row, cell[0], cell[1], exc.reason)
                return False
        if dates["included"] is None:
            self.reject(row, included[0], included[1], "inclusion date missing")
            return False
        if dates["excluded"] is not None and dates["excluded"] < dates["included"]:
            assert excluded is not None
            self.reject(row, excluded[0], excluded[1],
                        f"exclusion before inclusion ({dates['included']:%d.%m.%Y})")
            return False
        if dates["decision"] is not None and dates["decision"] > dates["included"]:
            assert decision is not None
            self.reject(row, decision[0], decision[1],
                        f"decision after the listing date ({dates['included']:%d.%m.%Y})")
            return False
        if category not in CATEGORIES:
            raise ValueError(f"unknown category {category!r}")
        kind = kind or kind_from_category(category)
        if kind is None:
            raise ValueError("the loader must give a kind when the category is unknown")
        if legal_basis not in LEGAL_BASES:
            raise ValueError(f"unknown legal basis code {legal_basis!r}")
        self._events.append(_Event(
            row=row, entry_id=number, name=clean_name, kind=kind, category=category,
            legal_basis=legal_basis, included_on=dates["included"],
            excluded_on=dates["excluded"], decision_on=dates["decision"],
            id_column=entry_id[0] if entry_id else None,
            id_raw=entry_id[1] if entry_id else None,
        ))
        return True

    def dated(self, attr: str = "included_on") -> list[tuple[int, dt.date | None]]:
        """(row, date) of every event kept so far, in row order (``attr`` names the date)."""
        return [(ev.row, getattr(ev, attr)) for ev in sorted(self._events, key=lambda e: e.row)]

    def drop(self, row: int, column: str | None, raw_value: Any, reason: str) -> None:
        """Reject an event that :meth:`add` kept, for a reason only the whole file shows."""
        self._events = [ev for ev in self._events if ev.row != row]
        self.reject(row, column, raw_value, reason)

    def note_unrecognised(self, field: str, wording: str) -> None:
        """Count a non-empty wording of ``field`` that maps to no code (reported in meta and a warning)."""
        counts = self.unrecognised.setdefault(field, {})
        counts[wording] = counts.get(wording, 0) + 1

    # ----------------------------------------------------------- repeats and conflicts

    def _registry_order_holds(self, unique: dict[int, _Event]) -> bool:
        """Whether inclusion dates never decrease with the registry number (among unique numbers)."""
        dates = [unique[n].included_on for n in sorted(unique)]
        return all(a <= b for a, b in zip(dates, dates[1:]))

    @staticmethod
    def _fits_order(ev: _Event, numbers: list[int], unique: dict[int, _Event]) -> bool:
        """Whether ``ev``'s inclusion date lies between those of its neighbouring registry numbers."""
        i = bisect.bisect_left(numbers, ev.entry_id)
        lower = [unique[n] for n in numbers[:i] if unique[n] is not ev][-1:]
        j = bisect.bisect_right(numbers, ev.entry_id)
        upper = [unique[n] for n in numbers[j:j + 2] if unique[n] is not ev][:1]
        return ((not lower or lower[0].included_on <= ev.included_on)
                and (not upper or ev.included_on <= upper[0].included_on))

    def _resolve_numbers(self, events: list[_Event]) -> list[_Event]:
        """Rows that reuse a registry number: exact repeats are skipped, conflicts decided or rejected."""
        groups: dict[int, list[_Event]] = {}
        for ev in events:
            if ev.entry_id is not None:
                groups.setdefault(ev.entry_id, []).append(ev)
        unique = {n: g[0] for n, g in groups.items() if len({e.content() for e in g}) == 1}
        numbers = sorted(unique)
        ordered = self._registry_order_holds(unique)
        drop: set[int] = set()
        for n, group in sorted(groups.items()):
            first_of: dict[tuple, _Event] = {}
            distinct: list[_Event] = []
            for ev in group:
                seen = first_of.get(ev.content())
                if seen is not None:
                    self.reject(ev.row, ev.id_column, ev.id_raw,
                                f"repeats row {seen.row} (same registry number and content)", status="skipped")
                    drop.add(ev.row)
                else:
                    first_of[ev.content()] = ev
                    distinct.append(ev)
            if len(distinct) == 1:
                continue
            fitting = [ev for ev in distinct if ordered and self._fits_order(ev, numbers, unique)]
            rows = ", ".join(str(ev.row) for ev in distinct)
            if len(fitting) == 1:
                keep = fitting[0]
                for ev in distinct:
                    if ev is not keep:
                        self.reject(ev.row, ev.id_column, ev.id_raw,
                                    f"registry number {n} already used by row {keep.row} with different content; "
                                    f"row {keep.row}'s inclusion date fits the registry order, this row's does not")
                        drop.add(ev.row)
            else:
                why = ("the file's registry numbers are not in order of inclusion date" if not ordered
                       else ("neither" if not fitting else "each") + " fits the registry order by inclusion date")
                for ev in distinct:
                    self.reject(ev.row, ev.id_column, ev.id_raw,
                                f"registry number {n} is used by rows {rows} with different content, and {why}; "
                                "which row is the registry's cannot be told")
                    drop.add(ev.row)
        return [ev for ev in events if ev.row not in drop]

    def _resolve_same_events(self, events: list[_Event]) -> list[_Event]:
        """Rows with the same normalised name and inclusion date: one listing event, kept once."""
        numbered = {ev.entry_id: ev for ev in events if ev.entry_id is not None}
        numbers = sorted(numbered)
        ordered = self._registry_order_holds(numbered)
        chosen: dict[tuple, _Event] = {}
        drop: set[int] = set()
        for ev in events:
            key = (name_key(ev.name), ev.included_on)
            first = chosen.get(key)
            if first is None:
                chosen[key] = ev
                continue
            if first.entry_id is not None and ev.entry_id is not None:
                # one event under two registry numbers: keep the one that fits the registry
                # order (the lower number when both or neither do)
                lo, hi = sorted((first, ev), key=lambda e: e.entry_id)
                keep, other = lo, hi
                if ordered and not self._fits_order(lo, numbers, numbered) and self._fits_order(hi, numbers, numbered):
                    keep, other = hi, lo
                self.reject(other.row, other.id_column, other.id_raw,
                            f"same name and inclusion date as registry number {keep.entry_id} (row {keep.row}): "
                            f"one listing event under two registry numbers")
                self.same_event_two_numbers.append({
                    "kept_entry_id": int(keep.entry_id), "kept_row": int(keep.row),
                    "dropped_entry_id": int(other.entry_id), "dropped_row": int(other.row),
                    "included_on": keep.included_on.isoformat()})
                chosen[key] = keep
                drop.add(other.row)
                continue
            keep, other = (first, ev) if first.entry_id is not None or ev.entry_id is None else (ev, first)
            if keep.content() == other.content():
                self.reject(other.row, other.id_column, None,
                            f"duplicate of row {keep.row}: same name and inclusion date "
                            "(one listing event; the repeat is not counted)", status="skipped")
            else:
                self.reject(other.row, other.id_column, None,
                            f"duplicate of row {keep.row}: same name and inclusion date but other content "
                            "(one listing event; the first row is kept)")
            chosen[key] = keep
            drop.add(other.row)
        return [ev for ev in events if ev.row not in drop]

    def result(self, *, rows_in: int, meta: dict[str, Any] | None = None) -> LoadResult:
        """Validated :class:`LoadResult` with every input row accounted for.

        Raises
        ------
        InputError
            When no input row became an event (nothing usable).
        """
        events = sorted(self._events, key=lambda e: e.row)
        events = self._resolve_same_events(self._resolve_numbers(events))
        if not events:
            raise InputError(self.file, f"no usable row: all {rows_in} data rows were rejected "
                                        f"(first reason: {self.log.first_reason() or 'none'})")
        frame = event_frame(events, registry=self.registry, source_id=self.source_id)
        meta = dict(meta or {})
        meta["same_event_two_numbers"] = list(self.same_event_two_numbers)
        for fld, counts in sorted(self.unrecognised.items()):
            n = sum(counts.values())
            meta[f"unrecognised_{fld}"] = dict(sorted(counts.items()))
            shown = "; ".join(sorted(counts))
            warnings.warn(
                f"{self.file}: {n} rows have a {fld} wording that maps to no code "
                f"({clip_value(shown)}); they are kept with {fld} 'unknown'",
                AnalysisWarning, stacklevel=3,
            )
        res = LoadResult(frame=frame, rejects=self.log.frame(), rows_in=rows_in,
                         source_id=self.source_id, file=self.file, meta=meta)
        res.check_accounting()
        return res


def _type_name(value: Any) -> str:
    return value.type if isinstance(value, WrongType) else json_type(value)


def _type_note(value: Any) -> str:
    """Stand-in for a value of the wrong type (its type, not its content)."""
    return f"<{_type_name(value)}>"


def _shown(value: Any) -> Any:
    """A raw value as the rejects table may show it (containers only by their type)."""
    return _type_note(value) if isinstance(value, (list, dict, WrongType)) else value


def event_frame(events: list[_Event], *, registry: str, source_id: str) -> pd.DataFrame:
    """Event frame in :class:`~analysis.schemas.EventSchema` column order, validated."""
    def dates(attr: str) -> pd.Series:
        return pd.Series(pd.to_datetime([getattr(e, attr) for e in events]),
                         dtype="datetime64[ns]")

    df = pd.DataFrame({
        "registry": pd.Series([registry] * len(events), dtype=str),
        "entry_id": pd.array([e.entry_id for e in events], dtype="Int64"),
        "name": pd.Series([e.name for e in events], dtype=str),
        "kind": pd.Series([e.kind for e in events], dtype=str),
        "category": pd.Series([e.category for e in events], dtype=str),
        "legal_basis": pd.Series([e.legal_basis for e in events], dtype=str),
        "included_on": dates("included_on"),
        "excluded_on": dates("excluded_on"),
        "decision_on": dates("decision_on"),
        "source_id": pd.Series([source_id] * len(events), dtype=str),
        "source_row": pd.Series([e.row for e in events], dtype="int64"),
    })
    try:
        return EventSchema.validate(df, lazy=True)
    except Exception as exc:  # pandera SchemaErrors: a bug in a loader, not bad input
        raise SchemaError(f"event frame of {source_id} failed validation: {exc}") from exc


# ---------------------------------------------------------------------------
# JSON files
# ---------------------------------------------------------------------------

_JSON_TYPES = {dict: "an object", list: "an array", str: "a string", int: "a number",
               float: "a number", bool: "a boolean", type(None): "null"}


def json_type(value: Any) -> str:
    """JSON name of a Python value's type (``an object``, ``a string``, ...)."""
    return _JSON_TYPES.get(type(value), f"a {type(value).__name__}")


def read_json(path: str | Path) -> Any:
    """Parse a JSON file, turning every way it can be unusable into :class:`InputError`.

    Empty files, HTML pages saved under a ``.json`` name, text that is not UTF-8
    and truncated or corrupt JSON are refused with a one-line reason (the
    position of a syntax error is given as line and column of the text).
    """
    data = read_bytes(path)
    if looks_like_html(data):
        raise InputError(str(path), "is an HTML page, not JSON")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(str(path), f"is not UTF-8 text (invalid byte at offset {exc.start})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            str(path),
            f"is not valid JSON (truncated or corrupt): {exc.msg} at line {exc.lineno}, column {exc.colno}",
        ) from None
    except RecursionError:
        raise InputError(str(path), "is not usable JSON (nested too deeply)") from None


def json_records(items: Any, file: str, builder: EventBuilder, *,
                 required: Sequence[str], what: str = "a JSON array of objects"
                 ) -> list[tuple[int, dict[str, Any]]]:
    """The objects of a JSON array as ``(source_row, object)`` pairs.

    ``source_row`` is the position in the array plus one. An element that is not
    an object, or lacks one of the ``required`` keys, is rejected in ``builder``.
    A key that no element has at all means the layout changed (a renamed or
    missing column), which makes the whole file unusable.

    Raises
    ------
    InputError
        When ``items`` is not a non-empty list, no element is an object, or a
        required key is missing from every object.
    """
    if not isinstance(items, list):
        raise InputError(file, f"expected {what}, found {json_type(items)}")
    if not items:
        raise InputError(file, "contains no entries (empty JSON array)")
    records: list[tuple[int, dict[str, Any]]] = []
    for i, item in enumerate(items, start=1):
        if isinstance(item, dict):
            records.append((i, item))
        else:
            builder.reject(i, None, None, f"array element is {json_type(item)}, not an object")
    if not records:
        raise InputError(file, f"expected {what}, but no element is an object")
    for key in required:
        if not any(key in rec for _, rec in records):
            raise InputError(file, "required key missing from every entry (renamed or removed?)",
                             column=key)
    kept = []
    for i, rec in records:
        missing = [k for k in required if k not in rec]
        if missing:
            builder.reject(i, missing[0], None, f"key {missing[0]!r} missing")
        else:
            kept.append((i, rec))
    return kept


def text_cell(rec: dict[str, Any], key: str) -> Any:
    """Value of ``key`` for a text field: strings as they are, anything else flagged.

    Returns the string, ``None`` for a missing key or JSON null, or a
    :class:`WrongType` marker that :class:`EventBuilder` rejects without showing
    the value.
    """
    value = rec.get(key)
    if value is None or isinstance(value, str):
        return value
    return WrongType(value)


class WrongType:
    """Marker for a JSON value of the wrong type; shows only its type, never its content."""

    def __init__(self, value: Any) -> None:
        self.type = json_type(value)

    def __str__(self) -> str:
        return f"<{self.type}>"

    __repr__ = __str__
