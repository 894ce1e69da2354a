"""Loaders for the Judicial Department's annual conviction forms 10-а and 10.3 (``.xls``).

The Judicial Department at the Supreme Court of the Russian Federation (Судебный
департамент при Верховном Суде РФ, cdep.ru) publishes, for every year, national
tables of persons convicted by Criminal Code article and part:

* **form 10-а** (K3 from 2023), «Отчет о числе осужденных по всем составам
  преступлений …»: per article part, persons convicted with it as the *main*
  charge («Число осужденных по основной статье») and persons convicted with it as
  an *additional* charge («Дополнительная квалификация. Осуждено», by persons);
* **form 10.3** (K7 from 2023), «Отчет о видах наказания по наиболее тяжкому
  преступлению»: per article part of the most serious (= main) charge, the total
  convicted («ВСЕГО ОСУЖДЕНО») and the punishments.

Layouts change from year to year, so nothing is read by position: data sheets are
found by their header text, rows by the article/part code they carry and columns
by their header text.

What counts as a row
--------------------
A *data sheet* is any sheet whose header block names a code column («Статьи
Уголовного кодекса …», «Статьи УК РФ», «Составы преступлений по статьям УК РФ»)
and a main-charge column. Up to 2016 form 10-а has one such sheet («Раздел 1»);
from 2017 «Раздел 1» holds only chapter totals and the article parts sit in one
sheet per chapter («Раздел 15 (Гл. 29)» …), followed by «Раздел 21» (parts broken
down by point) and, in 2022–2023, «Раздел 22»/«Раздел 23» (the same parts
restricted to offences committed online / against minors). Form 10.3 has one data
sheet.

A *data row* is a row below a data sheet's header block that holds a count in
the main-charge or additional-charge column, or whose code cell reads as an
article code or a total. Blank rows, the column-number row («А | Б | 1 | 2 …»),
footnotes, signatures and phone numbers are not data rows (they are counted in
``meta["non_data_rows"]``). Every data row ends up exactly once either in the
frame (accepted) or in the rejects table:

* accepted: part-level rows (``280 ч. 2``) and rows of articles without parts
  (``275``, ``106.0``) in a part table. Rows of an old edition of a part
  (``213 ч.1 стар. ред.``, ``134 ч. 1 (в редакции ФЗ от 29.02.2012 № 14-ФЗ)``)
  are accepted too, under the same article and part: the forms count the persons
  convicted under each edition in its own row, so the frame may hold the same
  (article, part, charge, year) more than once and users sum them;
* skipped, with the reason: total rows (``ВСЕГО ПО ГЛАВЕ …``, ``ИТОГО ПО
  РАЗДЕЛУ …``, ranges such as ``275 - 284.1``, the military-crimes total
  «Воинские преступления» of form 10.3 and its gravity classes), point-level rows
  (``282 ч. 2 п. <<а>>`` and the ``п. <<б>>`` rows that follow), combined rows
  (``280.4 ч. 1, … 282.4 ч. 2``, ``284.1 ч. 2; 284.1 ч. 3``; their counts and
  article parts are kept in ``meta["combined_rows"]``), every row of a point or
  subset section (they repeat part rows), rows without a readable code whose
  counts are zero (headings such as «Составы преступлений, введенные в УК РФ в
  2021 году», «Резервная строка»), and a bare article row (``116``) that equals
  the sum of the same article's part rows (an article total; none occur in the
  2009–2024 forms, where a bare row next to part rows is another edition with
  its own persons);
* rejected: rows whose code cannot be read but which carry counts, rows whose
  count is not a non-negative whole number, and rows that contradict the totals
  the form prints (see below).

Sections and totals
-------------------
Nothing is dropped without a trace: every sheet named «Раздел …» must be a data
sheet the loader can read, and every chapter whose total «Раздел 1» prints must
have its sheet; otherwise the file is unusable. Each row is then held to the
totals the form itself prints (``_check_plausibility``): no count above the
national total of persons convicted (or above its chapter's printed total, on a
chapter sheet), no repeat of an earlier row of the sheet, no more persons with an
additional charge than additional offences; and on the 2017–2024 forms 10-а the
rows of each chapter sheet must add up to the chapter total (``meta["total_checks"]``).
The forms print no article row above its parts (a bare article row beside part rows
is either their sum, skipped as a total, or another edition with persons of its own),
so "a part is at most its article" is held as "a row is at most the totals that
contain it". The part rows of a rejected row are listed in ``meta["rejected_parts"]`` so that an
article sum short of them is never published (:mod:`analysis.convictions`). On the
real forms the only row these checks reject is 10-а 2018, «Раздел 5 (Гл. 19)», Excel
row 52 (art. 144.1: 5 additional-charge persons, 0 additional offences).

On the 2017–2024 forms 10-а the accepted, combined and rejected rows of each
chapter sheet add up exactly to the chapter total printed in «Раздел 1», so the
accounting neither drops nor double counts persons. In 29 of the 32 workbooks
the national total («ВСЕГО ПО РАЗДЕЛАМ», «Всего по составам УК РФ») minus those
rows is exactly the military-crimes total, which the forms give only as one
number; in 10-а 2011, 10.3 2013 and 10.3 2018 the national total is 1, 1 and 2
persons larger.

``source_row`` numbers a row inside the workbook as
``ROW_STRIDE * sheet_index + excel_row`` (sheet index counted from 0 in workbook
order, Excel row from 1), so 150042 is Excel row 42 of the sixteenth sheet;
:func:`split_source_row` undoes it and ``meta["sheets"]`` lists the sheet names.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
import xlrd

from ..errors import InputError
from ..schemas import ConvictionSchema
from .base import LoadResult, RejectLog, looks_like_html, read_bytes, snapshot_bound

__all__ = [
    "ROW_STRIDE",
    "ArticleCode",
    "load_cdep_form10_3",
    "load_cdep_form10a",
    "parse_article_code",
    "split_source_row",
]

#: Multiplier that turns (sheet index, Excel row) into one ``source_row`` number.
ROW_STRIDE = 10_000

CONVICTION_COLUMNS = ["article", "part", "charge", "year", "value", "source_id", "source_row"]

#: How many rows below the main header may still belong to the header block.
_HEADER_DEPTH = 5
#: How many rows from the top of a sheet are searched for the header.
_HEADER_SEARCH = 25


# --------------------------------------------------------------------------- codes

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


def _cell_text(value: Any) -> str:
    """A cell as one line of text: numbers without a spurious ``.0``, whitespace collapsed."""
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        if value.is_integer():
            return str(int(value))
        return repr(value)
    text = str(value).replace("\xa0", " ").replace("\u00ad", "")
    return _WS_RE.sub(" ", text).strip()


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
    return _parse_text(_cell_text(value))


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


def _range_components(text: str) -> tuple[tuple[str, str | None], ...]:
    """Articles of a range code: «159.1-159.6» → 159.1 … 159.6; otherwise its two ends."""
    m = re.match(r"^(\d{3})(?:\.(\d+))?\s*-\s*(\d{3})(?:\.(\d+))?", text)
    if m is None:
        return ()
    if m.group(1) == m.group(3) and m.group(2) and m.group(4):
        return tuple((f"{m.group(1)}.{k}", None) for k in range(int(m.group(2)), int(m.group(4)) + 1))
    first = m.group(1) + (f".{m.group(2)}" if m.group(2) else "")
    last = m.group(3) + (f".{m.group(4)}" if m.group(4) else "")
    return ((first, None), (last, None))


def split_source_row(source_row: int) -> tuple[int, int]:
    """Return ``(sheet_index, excel_row)`` for a ``source_row`` number of these loaders."""
    return int(source_row) // ROW_STRIDE, int(source_row) % ROW_STRIDE


# --------------------------------------------------------------------------- workbook

def _open_workbook(path: str | Path) -> xlrd.book.Book:
    data = read_bytes(path)
    if looks_like_html(data):
        raise InputError(str(path), "is an HTML page, not an .xls workbook")
    if data[:4] == b"PK\x03\x04":
        raise InputError(str(path), "is a zip/.xlsx file, not an .xls (BIFF) workbook")
    try:
        return xlrd.open_workbook(file_contents=data, logfile=_NullLog())
    except Exception as exc:  # xlrd raises many types on damaged files
        reason = str(exc).strip() or type(exc).__name__
        raise InputError(str(path), f"is not a readable .xls workbook ({reason[:120]})") from None


class _NullLog:
    """Swallows xlrd's diagnostic printing (it writes warnings to stdout otherwise)."""

    def write(self, _text: str) -> None:  # pragma: no cover - trivial
        pass


class _Grid:
    """One sheet as a plain table of cell values (what the parser reads)."""

    def __init__(self, name: str, rows: list[list[Any]]) -> None:
        self.name = name
        self.rows = rows
        self.nrows = len(rows)
        self.ncols = max((len(r) for r in rows), default=0)

    def row_values(self, r: int) -> list[Any]:
        row = self.rows[r]
        return list(row) + [""] * (self.ncols - len(row))

    def cell_value(self, r: int, c: int) -> Any:
        row = self.rows[r]
        return row[c] if c < len(row) else ""


def _grids(book: xlrd.book.Book) -> list[_Grid]:
    return [_Grid(sh.name, [sh.row_values(r) for r in range(sh.nrows)]) for sh in book.sheets()]


def _norm_header(value: Any) -> str:
    text = _cell_text(value).lower().replace("ё", "е")
    text = re.sub(r"-\s*", "", text) if re.search(r"[а-я]-\s*[а-я]", text) else text
    return text


def _year_from_text(text: str) -> int | None:
    m = re.search(r"(?<!\d)(20\d{2})(?!\d)", text)
    return int(m.group(1)) if m else None


def _title_facts(grids: list[_Grid]) -> dict[str, Any]:
    """Year, months covered and report title from the title sheet («Титул …»)."""
    facts: dict[str, Any] = {"year": None, "months": None, "title": None}
    for sheet in grids:
        if not sheet.name.lower().startswith("титул"):
            continue
        for r in range(min(sheet.nrows, 40)):
            cells = [_cell_text(v) for v in sheet.row_values(r)]
            lowered = [c.lower() for c in cells]
            if facts["title"] is None:
                for c in cells:
                    if c.upper().startswith(("ОТЧЕТ", "ПРИЛОЖЕНИЕ")):
                        facts["title"] = c
            if "месяцев" in lowered and facts["year"] is None:
                i = lowered.index("месяцев")
                before = [c for c in cells[:i] if c.isdigit()]
                after = [c for c in cells[i + 1:] if re.fullmatch(r"20\d{2}", c)]
                if before:
                    facts["months"] = int(before[-1])
                if after:
                    facts["year"] = int(after[0])
        break
    return facts


@dataclass
class _Layout:
    """Where things are on one data sheet."""

    sheet_index: int
    name: str
    kind: str  # parts | points | subset
    title: str
    code_col: int
    label_col: int | None
    main_col: int
    add_col: int | None
    add_unit: str | None  # persons | unspecified | None
    data_start: int  # 0-based first row after the header block
    offences_col: int | None = None  # «по количеству составов преступлений» (additional charge)


def _find_layout(sheet: _Grid, index: int, form: str) -> _Layout | None:
    code_col = label_col = main_col = add_header_col = None
    code_header = ""
    header_row = None
    title = ""
    for r in range(min(sheet.nrows, _HEADER_SEARCH)):
        for c, value in enumerate(sheet.row_values(r)):
            h = _norm_header(value)
            if not h:
                continue
            if not title and h.startswith("раздел") and len(h) > 12:
                title = _cell_text(value)
            if code_col is None and (
                "статьи уголовного кодекса" in h or h.startswith("статьи ук")
                or "составы преступлений по статьям" in h or h == "clause"
            ):
                code_col, code_header = c, h
            elif label_col is None and h.startswith("виды преступлений"):
                label_col = c
            elif main_col is None and (
                (form == "10a" and "по основной статье" in h and "осужд" in h and "оправ" not in h)
                or (form == "10.3" and (h.startswith("всего осуждено") or h == "totalconvicted"))
            ):
                main_col, header_row = c, r
            elif (form == "10a" and add_header_col is None and "дополнительн" in h
                  and not any(w in h for w in ("оправд", "прекращ", "невменя"))):
                add_header_col = c
        if header_row is not None and r > header_row + 1:
            break
    if code_col is None or main_col is None or header_row is None:
        return None
    if "по составам" in code_header or "по пунктам" in title.lower():
        kind = "points"
    elif "составы преступлений по статьям" in code_header:
        kind = "subset"
    else:
        kind = "parts"

    add_col, add_unit, offences_col = None, None, None
    if add_header_col is not None:
        top = [c for c, v in enumerate(sheet.row_values(header_row)) if _cell_text(v) and c > add_header_col]
        bound = min(top) if top else sheet.ncols
        for r in range(header_row, min(sheet.nrows, header_row + _HEADER_DEPTH)):
            for c in range(add_header_col, bound):
                if "по числу лиц" in _norm_header(sheet.cell_value(r, c)):
                    add_col, add_unit = c, "persons"
                    break
            if add_col is not None:
                break
        if add_col is None:
            add_col, add_unit = add_header_col, "unspecified"
        else:
            for r in range(header_row, min(sheet.nrows, header_row + _HEADER_DEPTH)):
                for c in range(add_header_col, bound):
                    if "по количеству составов" in _norm_header(sheet.cell_value(r, c)):
                        offences_col = c
                        break
                if offences_col is not None:
                    break

    # Header block: rows below the main header that carry no counts, plus the column-number row.
    start = header_row + 1
    for r in range(header_row + 1, min(sheet.nrows, header_row + 1 + _HEADER_DEPTH)):
        main = _cell_text(sheet.cell_value(r, main_col))
        code = parse_article_code(sheet.cell_value(r, code_col))
        label = _cell_text(sheet.cell_value(r, label_col)) if label_col is not None else ""
        if code.kind != "unknown" or _is_total_label(label) or _is_total_label(
            _cell_text(sheet.cell_value(r, code_col))
        ):
            break
        if main == "" or not re.fullmatch(r"\d+", main) or _is_column_number_row(sheet, r, main_col):
            start = r + 1
            continue
        break
    return _Layout(index, sheet.name, kind, title, code_col, label_col, main_col, add_col, add_unit, start,
                   offences_col)


def _is_column_number_row(sheet: _Grid, r: int, main_col: int) -> bool:
    """True for the «1 | 2 | 3 …» row that numbers the columns under the header."""
    values = [_cell_text(sheet.cell_value(r, c)) for c in range(main_col, min(sheet.ncols, main_col + 3))]
    return len(values) >= 2 and values[0] == "1" and values[1] == "2"


def _is_total_label(text: str) -> bool:
    t = text.strip().upper()
    return t.startswith(("ВСЕГО", "ИТОГО")) or t in _GROUP_LABELS


#: Rows that total a group of articles without naming them (military crimes, gravity classes).
_GROUP_LABELS = frozenset({"ВОИНСКИЕ ПРЕСТУПЛЕНИЯ", "НЕБОЛЬШОЙ ТЯЖЕСТИ", "СРЕДНЕЙ ТЯЖЕСТИ", "ТЯЖКИЕ", "ОСОБО ТЯЖКИЕ"})


def _is_bare(code_text: str) -> bool:
    """True for a code that is only an article number (no part, no edition note)."""
    return bool(re.fullmatch(r"(?:ст\.?\s*)?\d{3}(?:[.\-]\d{1,2})?\.?", code_text.strip()))


def _count(value: Any) -> int | None:
    """A count cell as a non-negative int, or None when it is not one."""
    if isinstance(value, float):
        if value != value or value < 0 or not value.is_integer():
            return None
        return int(value)
    text = _cell_text(value).replace(" ", "")
    if re.fullmatch(r"\d+", text):
        return int(text)
    return None


# --------------------------------------------------------------------------- loader

def _resolve_year(path: str | Path, facts: dict[str, Any], year: int | None) -> tuple[int, str]:
    """The reporting year: from the title sheet, which must agree with ``year`` when both exist."""
    if facts["year"] is not None:
        if year is not None and int(year) != int(facts["year"]):
            raise InputError(str(path), f"the title sheet states the reporting year {facts['year']}, "
                                        f"but {year} was expected (manifest)")
        return int(facts["year"]), "title sheet"
    if year is not None:
        return int(year), "argument"
    from_name = _year_from_text(Path(path).name)
    if from_name is not None:
        return from_name, "file name"
    raise InputError(str(path), "reporting year not found on the title sheet or in the file name; pass year=")


def _check_period(path: str | Path, year: int, months: int | None, snapshot_date: dt.date | None) -> dt.date:
    """The last day of the reporting period, which must not be after the snapshot date."""
    n = months if months in range(1, 13) else 12
    last = dt.date(year, n, calendar.monthrange(year, n)[1])
    bound = snapshot_bound(str(path), snapshot_date)
    if last > bound:
        raise InputError(str(path), f"the reporting period ({n} months of {year}) ends on {last:%d.%m.%Y}, "
                                    f"after the snapshot date {bound:%d.%m.%Y}")
    return last


_CHAPTER_SHEET = re.compile(r"\(\s*Гл\.?\s*(\d+)\s*\)")
_CHAPTER_TOTAL = re.compile(r"^(?:ВСЕГО|ИТОГО)\s+ПО\s+(?:РАЗДЕЛУ\s+\S+\s+И\s+)?ГЛАВЕ\s+(\d+)")  # «… XII И ГЛАВЕ 34»
_NATIONAL_TOTAL = re.compile(r"ВСЕГО (?:ЛИЦ )?ПО (?:РАЗДЕЛАМ|СОСТАВАМ)")


def _check_sections(path: str | Path, grids: list[_Grid], layouts: list[_Layout], form: str) -> None:
    """Every «Раздел …» sheet must be a data sheet the loader can read.

    A damaged header (the code or main-charge column no longer recognisable) would
    otherwise make a sheet, and every person in it, vanish without a trace.
    """
    found = {lay.sheet_index for lay in layouts}
    what = "«по основной статье»" if form == "10a" else "«ВСЕГО ОСУЖДЕНО»"
    for i, sheet in enumerate(grids):
        if i not in found and sheet.name.strip().lower().startswith("раздел"):
            raise InputError(str(path), f"sheet {sheet.name!r} is a section of the form but has no article-code "
                                        f"column and {what} column (header missing or reworded)")


@dataclass
class _Row:
    """One data row of a parts sheet, with what it contributes to the printed totals."""

    row_id: int
    sheet: int
    kind: str  # candidate | combined | other
    main: int | None
    add: int | None
    offences: int | None
    signature: tuple
    contribution: str = "counted"  # counted | unknown | copy


def _load_form(path: str | Path, form: str, source_id: str | None, year: int | None,
               snapshot_date: dt.date | None = None) -> LoadResult:
    return _parse_grids(_grids(_open_workbook(path)), path, form, source_id, year, snapshot_date)


def _parse_grids(grids: list[_Grid], path: str | Path, form: str, source_id: str | None,
                 year: int | None, snapshot_date: dt.date | None = None) -> LoadResult:
    """Parse the sheets of one workbook (form ``'10a'`` or ``'10.3'``) into a :class:`LoadResult`."""
    sid = source_id or ("cdep_form10a" if form == "10a" else "cdep_form10_3")
    file = str(path)
    facts = _title_facts(grids)
    year_value, year_source = _resolve_year(path, facts, year)
    period_end = _check_period(path, year_value, facts["months"], snapshot_date)

    layouts = []
    for i, sheet in enumerate(grids):
        if sheet.nrows >= ROW_STRIDE:
            raise InputError(file, f"sheet {sheet.name!r} has {sheet.nrows} rows, more than this loader numbers")
        layout = _find_layout(sheet, i, form)
        if layout is not None:
            layouts.append(layout)
    if not any(lay.kind == "parts" for lay in layouts):
        what = "«по основной статье»" if form == "10a" else "«ВСЕГО ОСУЖДЕНО»"
        raise InputError(file, f"no data sheet with an article-code column and a {what} column")
    _check_sections(path, grids, layouts, form)
    if form == "10a":
        missing = [lay.name for lay in layouts if lay.kind == "parts" and lay.add_col is None]
        if missing:
            raise InputError(file, f"sheet {missing[0]!r} has no additional-charge column "
                                   "(«Дополнительная квалификация …»)")

    log = RejectLog(sid)
    candidates: list[dict[str, Any]] = []
    combined: list[dict[str, Any]] = []
    rows: list[_Row] = []
    rows_in = 0
    non_data = 0
    grand_total: int | None = None
    chapter_totals: dict[int, tuple[int, str]] = {}
    unspecified: list[dict[str, Any]] = []

    for lay in layouts:
        sheet = grids[lay.sheet_index]
        section = lay.title.split(".")[0] if lay.title else lay.name
        for r in range(lay.data_start, sheet.nrows):
            raw_code = sheet.cell_value(r, lay.code_col)
            code_text = _cell_text(raw_code)
            label = _cell_text(sheet.cell_value(r, lay.label_col)) if lay.label_col is not None else ""
            raw_main = sheet.cell_value(r, lay.main_col)
            raw_add = sheet.cell_value(r, lay.add_col) if lay.add_col is not None else ""
            has_values = _count(raw_main) is not None or _count(raw_add) is not None
            code = parse_article_code(raw_code)
            if code.kind == "unknown" and not code_text and ":" in label:
                # «Преступления, введенные в УК РФ после утверждения форм …: ст.151.1 …; ст.171.2 ч.1 …»
                code = parse_article_code(label.split(":", 1)[1])
            is_total = _is_total_label(label) or _is_total_label(code_text)
            if code.kind == "range" and not is_total:
                if lay.label_col is not None and label and not code_text.lower().startswith("сумма"):
                    # «159.1-159.6» under a label naming the offences: several articles lumped together
                    code = ArticleCode("combined", components=_range_components(code_text))
                else:
                    is_total = True
            if not has_values and code.kind == "unknown" and not is_total:
                non_data += 1
                continue
            rows_in += 1
            row_id = ROW_STRIDE * lay.sheet_index + r + 1
            col_name = "code" if lay.label_col is None else "article_part"
            if lay.kind == "points":
                log.add(row_id, col_name, code_text or label,
                        f"point-level section ({section}): repeats parts broken down by point", "skipped")
                continue
            if lay.kind == "subset":
                log.add(row_id, col_name, code_text or label,
                        f"subset section ({section}): repeats article parts for a sub-population", "skipped")
                continue
            if is_total:
                heading = (label or code_text).upper()
                if grand_total is None and _NATIONAL_TOTAL.match(heading):
                    grand_total = _count(raw_main)
                m = _CHAPTER_TOTAL.match(heading)
                if (m and not _CHAPTER_SHEET.search(lay.name) and int(m.group(1)) not in chapter_totals
                        and _count(raw_main) is not None):  # the summary's chapter totals
                    chapter_totals[int(m.group(1))] = (_count(raw_main), lay.name)
                log.add(row_id, col_name, code_text or label, "total row (chapter, section or range of articles)",
                        "skipped")
                continue
            signature = (code_text, label) + tuple(_cell_text(v) for v in sheet.row_values(r)[lay.main_col:])
            offences = _count(sheet.cell_value(r, lay.offences_col)) if lay.offences_col is not None else None
            entry = _Row(row_id, lay.sheet_index, "other", _count(raw_main), _count(raw_add), offences, signature)
            rows.append(entry)
            if code.kind == "point":
                log.add(row_id, col_name, code_text, "point-level row: a point of a part listed in its own row",
                        "skipped")
                entry.contribution = "copy"  # repeats a part row
                continue
            if code.kind == "combined":
                entry.kind = "combined"
                log.add(row_id, col_name, code_text,
                        "combined row: several articles or parts in one row, not separable", "skipped")
                combined.append({
                    "source_row": row_id, "code": code_text, "components": code.components,
                    "main": _count(raw_main),
                    "additional": _count(raw_add) if lay.add_unit == "persons" else None,
                })
                continue
            if code.kind != "part":
                if _count(raw_main) == 0 and _count(raw_add) in (0, None):
                    log.add(row_id, col_name, code_text or label or None,
                            "no readable article code and zero counts (heading or placeholder line)", "skipped")
                else:
                    log.add(row_id, col_name, code_text or label, "article code not recognised", "rejected")
                    if entry.main is None:
                        entry.contribution = "unknown"
                continue
            main = _count(raw_main)
            if main is None:
                log.add(row_id, "main", _cell_text(raw_main) or None,
                        "main-charge count missing or not a non-negative whole number", "rejected")
                entry.contribution = "unknown"
                continue
            add = None
            if lay.add_col is not None:
                add = _count(raw_add)
                if add is None:
                    log.add(row_id, "additional", _cell_text(raw_add) or None,
                            "additional-charge count missing or not a non-negative whole number", "rejected")
                    continue
            entry.kind = "candidate"
            candidates.append({
                "article": code.article, "part": code.part, "main": main,
                "additional": add if lay.add_unit == "persons" else None,
                "unspecified": add if lay.add_unit == "unspecified" else None,
                "source_row": row_id, "code": code_text, "sheet": lay.name, "entry": entry,
            })

    checks = _check_plausibility(file, grids, layouts, rows, candidates, combined, log,
                                 grand_total=grand_total, chapter_totals=chapter_totals)
    candidates = [c for c in candidates if c["source_row"] not in log]

    # A bare article row next to rows for the same article's parts is the article total when
    # it equals their sum; otherwise (another edition of the article) it is a population of its own.
    by_article: dict[str, list[dict[str, Any]]] = {}
    for c in candidates:
        by_article.setdefault(c["article"], []).append(c)
    accepted = []
    for c in candidates:
        parts = [o for o in by_article[c["article"]] if o["part"] is not None]
        bare = c["part"] is None and parse_article_code(c["code"]).article is not None and _is_bare(c["code"])
        if bare and parts and all(
            c[k] == sum(o[k] for o in parts) for k in ("main", "additional", "unspecified")
            if c[k] is not None
        ):
            log.add(c["source_row"], "article_part", c["code"],
                    "article total row: equals the sum of the article's part rows", "skipped")
            continue
        accepted.append(c)

    records = []
    for c in accepted:
        records.append((c["article"], c["part"], "main", year_value, c["main"], sid, c["source_row"]))
        if c["additional"] is not None:
            records.append((c["article"], c["part"], "additional", year_value, c["additional"], sid, c["source_row"]))
        if c["unspecified"] is not None:
            unspecified.append({"article": c["article"], "part": c["part"], "year": year_value,
                                "value": c["unspecified"], "source_row": c["source_row"]})
    if not records:
        raise InputError(file, f"no usable row: all {rows_in} data rows were rejected or skipped")
    frame = pd.DataFrame.from_records(records, columns=CONVICTION_COLUMNS)
    frame = frame.astype({"article": str, "charge": str, "year": "int64", "value": "int64",
                          "source_id": str, "source_row": "int64"})
    frame["part"] = pd.Series(frame["part"].tolist(), index=frame.index, dtype="str")  # missing: NaN
    frame = ConvictionSchema.validate(frame, lazy=True)

    rejects = log.frame()
    rejected_parts = []
    for sr, raw in zip(rejects.loc[rejects["status"] == "rejected", "source_row"],
                       rejects.loc[rejects["status"] == "rejected", "raw_value"]):
        sheet_i, excel_row = split_source_row(sr)
        lay = next(lay for lay in layouts if lay.sheet_index == sheet_i)
        code = parse_article_code(grids[sheet_i].cell_value(excel_row - 1, lay.code_col))
        if code.kind == "part":
            rejected_parts.append({"article": code.article, "part": code.part, "source_row": int(sr)})

    add_units = sorted({lay.add_unit for lay in layouts if lay.kind == "parts" and lay.add_unit})
    meta = {
        "form": "10-а" if form == "10a" else "10.3",
        "year": year_value,
        "year_source": year_source,
        "year_in_file": facts["year"],
        "months": facts["months"],
        "period_end": period_end.isoformat(),
        "title": facts["title"],
        "sheets": [g.name for g in grids],
        "data_sheets": {lay.name: lay.kind for lay in layouts},
        "additional_unit": add_units[0] if add_units else None,
        "non_data_rows": non_data,
        "grand_total_main": grand_total,
        "chapter_totals_main": {n: t for n, (t, _) in sorted(chapter_totals.items())},
        "total_checks": checks,
        "combined_rows": combined,
        "rejected_parts": rejected_parts,
        "additional_unit_unspecified": pd.DataFrame(
            unspecified, columns=["article", "part", "year", "value", "source_row"]),
    }
    result = LoadResult(frame=frame, rejects=rejects, rows_in=rows_in, source_id=sid,
                        file=file, meta=meta)
    return result


#: Counts at or beyond 2**53 are not exact in the spreadsheet's floating-point cells.
_EXACT_LIMIT = 2 ** 53


def _check_plausibility(file: str, grids: list[_Grid], layouts: list[_Layout], rows: list[_Row],
                        candidates: list[dict[str, Any]], combined: list[dict[str, Any]], log: RejectLog, *,
                        grand_total: int | None, chapter_totals: dict[int, tuple[int, str]]) -> dict[str, Any]:
    """Hold the rows against the totals the form prints; reject rows or refuse the file.

    Checks, in order (a row rejected by one takes no part in the next):

    1. **Repeated rows.** A part row whose code, label and every count equal an earlier
       row of the same sheet is a copy: rejected, and counted as a copy (0) below.
    2. **Magnitude.** No count of a row can exceed the national total of persons
       convicted that the form prints («ВСЕГО ПО РАЗДЕЛАМ» / «Всего по составам УК РФ»,
       main charge: every person convicted has one main charge, and persons convicted
       under an additional charge are among them), nor, on a chapter sheet, that
       chapter's total printed in «Раздел 1». A row over its bound is rejected and its
       true value is unknown.
    3. **Main and additional columns.** Persons with an additional charge
       («по числу лиц») cannot outnumber the additional offences («по количеству
       составов») of the same row. A row that breaks it is rejected (its main count is
       kept for the totals: the main column is not in question); when it is broken on
       most rows with counts, the columns are misread or swapped and the file is refused.
    4. **Chapter totals.** On forms with one sheet per chapter (10-а from 2017), the
       main-charge counts of a chapter sheet's rows (accepted, combined, and rejected
       with a readable count) must add up to the chapter total printed in «Раздел 1».
       When rows of unknown value are left (check 2, or an unreadable count), their sum
       may fall short of it, by what those rows held; it may never exceed it. Otherwise
       the file is refused. On single-sheet forms (10-а to 2016, every 10.3) the chapter
       totals are not enforced: their article ranges leave out rows placed in the
       «введенные в УК РФ после утверждения форм» blocks, so they match the rows only
       approximately.
    5. **National total.** The counted rows cannot add up to more than the national
       total (military crimes and, on 10-а, rows outside the part tables make the rest).

    Returns the figures of checks 4 and 5 for ``meta["total_checks"]``.
    """
    if grand_total is None:
        raise InputError(file, "no national total row («ВСЕГО ПО РАЗДЕЛАМ» / «Всего по составам УК РФ») "
                               "to check the rows against")
    if grand_total >= _EXACT_LIMIT:
        raise InputError(file, f"national total {grand_total:,} is not a plausible number of persons")
    chapter_of_sheet: dict[int, int] = {}
    for lay in layouts:
        m = _CHAPTER_SHEET.search(lay.name)
        if m and lay.kind == "parts":
            chapter_of_sheet[lay.sheet_index] = int(m.group(1))
    chapter_sheets = set(chapter_of_sheet.values())
    if chapter_sheets:
        missing = sorted(set(chapter_totals) - chapter_sheets)
        if missing:
            n = missing[0]
            raise InputError(file, f"sheet {chapter_totals[n][1]!r} prints a total for chapter {n} "
                                   f"({chapter_totals[n][0]:,} persons) but no sheet «… (Гл. {n})» holds its rows")
    seen: dict[tuple[int, tuple], int] = {}
    for c in candidates:
        entry: _Row = c["entry"]
        key = (entry.sheet, entry.signature)
        if key in seen:
            log.add(entry.row_id, "article_part", c["code"],
                    f"repeats row {split_source_row(seen[key])[1]} of the same sheet (code, label and every "
                    "count equal): a copy, not counted")
            entry.contribution = "copy"
            continue
        seen[key] = entry.row_id
    for entry in rows:
        if entry.contribution == "copy":  # repeats and point rows are not counted
            continue
        chapter = chapter_of_sheet.get(entry.sheet)
        bound, what = grand_total, f"the national total printed in the form ({grand_total:,})"
        if chapter is not None and chapter in chapter_totals:
            bound, what = chapter_totals[chapter][0], (f"the total of chapter {chapter} printed in sheet "
                                                       f"{chapter_totals[chapter][1]!r} ({chapter_totals[chapter][0]:,})")
        for col, value in (("main", entry.main), ("additional", entry.add)):
            if value is not None and value > bound:
                if log.status(entry.row_id) != "rejected":  # a combined row over the bound is rejected too
                    log.add(entry.row_id, col, value, f"{col} count {value:,} exceeds {what}", replace=True)
                entry.contribution = "unknown"
                break
    relation_rows = [e for e in rows if e.kind == "candidate" and e.add is not None and e.offences is not None
                     and (e.add or e.offences) and e.row_id not in log]
    broken = [e for e in relation_rows if e.add > e.offences]
    if relation_rows and 2 * len(broken) > len(relation_rows):
        raise InputError(file, f"additional-charge persons exceed additional offences on {len(broken)} of "
                               f"{len(relation_rows)} rows: the columns are misread or swapped")
    for e in broken:
        log.add(e.row_id, "additional", e.add,
                f"additional-charge persons ({e.add:,}) exceed additional-charge offences ({e.offences:,}) "
                "of the same row; every such person has at least one such offence")

    def counted(entry: _Row) -> int | None:
        if entry.contribution == "copy":
            return 0
        if entry.contribution == "unknown" or entry.main is None:
            return None
        return entry.main

    checks: dict[str, Any] = {"chapters": {}}
    for chapter, (printed, _where) in sorted(chapter_totals.items()):
        sheets = [i for i, n in chapter_of_sheet.items() if n == chapter]
        if not sheets:
            continue
        members = [e for e in rows if e.sheet in sheets]
        known = sum(v for v in map(counted, members) if v is not None)
        unknown = sum(1 for e in members if counted(e) is None)
        name = grids[sheets[0]].name
        if (unknown == 0 and known != printed) or known > printed:
            raise InputError(file, f"the rows of sheet {name!r} add up to {known:,} persons (main charge), but "
                                   f"sheet {_where!r} prints {printed:,} for chapter {chapter}")
        checks["chapters"][str(chapter)] = {"printed": printed, "rows": known, "rows_of_unknown_value": unknown}
    known = sum(v for v in map(counted, rows) if v is not None)
    if known > grand_total:
        raise InputError(file, f"the rows add up to {known:,} persons (main charge), more than the national "
                               f"total printed in the form ({grand_total:,})")
    checks["national"] = {"printed": grand_total, "rows": known,
                          "rows_of_unknown_value": sum(1 for e in rows if counted(e) is None)}
    return checks


def load_cdep_form10a(path: str | Path, *, source_id: str | None = None,
                      year: int | None = None, snapshot_date: dt.date | None = None) -> LoadResult:
    """Load one annual form 10-а (K3) workbook: persons convicted by main and additional charge.

    Parameters
    ----------
    path : str or Path
        The ``.xls`` file (e.g. ``ExcelFiles/Add/2015add.xls``).
    source_id : str, optional
        Identifier written into ``source_id``; default ``'cdep_form10a'``.
    year : int, optional
        Expected reporting year (the manifest's). The year is read from the title
        sheet («за 12 месяцев 2015 г.»); when the title sheet states another year the
        file is refused. Without a year on the title sheet, ``year`` is used, else
        the year in the file name.
    snapshot_date : date, optional
        Date of the copy (the manifest's snapshot date, or ``validate --as-of``);
        a reporting period that ends after it is refused. Default: today, with a
        warning.

    Returns
    -------
    LoadResult
        ``frame`` follows :class:`analysis.schemas.ConvictionSchema`: one row per
        accepted article part and charge (``main``; ``additional`` = persons with
        the part as an additional charge). ``rejects`` holds every other data row
        (status ``skipped`` for total, point-level, combined and repeated rows,
        ``rejected`` for unreadable ones). ``meta`` has ``form``, ``year``,
        ``year_source`` (argument, title sheet or file name), ``year_in_file``,
        ``months``, ``title``, ``sheets`` (all sheet names, for
        :func:`split_source_row`), ``data_sheets`` (name → ``parts``, ``points``
        or ``subset``), ``additional_unit`` (``persons``, or ``unspecified`` in
        2009), ``non_data_rows``, ``grand_total_main`` (the printed national
        total), ``combined_rows`` (source row, code, lumped article parts and
        counts of each combined row) and ``additional_unit_unspecified`` (2009
        only, see Notes).

    Raises
    ------
    InputError
        When the file is missing, empty, an HTML page, not a readable ``.xls``
        workbook, has no data sheet, a «Раздел» sheet it cannot read, a chapter
        printed in «Раздел 1» without its sheet, rows that contradict the printed
        totals (see ``_check_plausibility``), no national total, no reporting year, a
        year other than ``year``, a reporting period ending after ``snapshot_date``,
        or no usable row.

    Notes
    -----
    The unit is persons whose sentence entered into legal force in the year.
    Additional-charge persons exclude persons counted under the same row as main
    charge (form footnote), so main + additional = persons convicted with the part
    anywhere in the verdict.

    The 2009 form has a single «по дополнительной квалификации» column whose unit
    (persons or offences) is not stated. Its national total (237,156) is close to
    the 2010 count of additional *offences* (262,838), not persons (91,481), so it
    is probably offences. It is therefore kept out of ``additional`` and returned
    in ``meta["additional_unit_unspecified"]`` instead.
    """
    return _load_form(path, "10a", source_id, year, snapshot_date)


def load_cdep_form10_3(path: str | Path, *, source_id: str | None = None,
                       year: int | None = None, snapshot_date: dt.date | None = None) -> LoadResult:
    """Load one annual form 10.3 (K7) workbook: persons convicted by main charge.

    Parameters
    ----------
    path : str or Path
        The ``.xls`` file (e.g. ``ExcelFiles/Main/2015main.xls``).
    source_id : str, optional
        Identifier written into ``source_id``; default ``'cdep_form10_3'``.
    year : int, optional
        Expected reporting year, as for :func:`load_cdep_form10a`.
    snapshot_date : date, optional
        As for :func:`load_cdep_form10a`.

    Returns
    -------
    LoadResult
        ``frame`` follows :class:`analysis.schemas.ConvictionSchema` with charge
        ``main`` only («ВСЕГО ОСУЖДЕНО» by the most serious offence, which equals
        column 1 of form 10-а). Rows are accounted for as in
        :func:`load_cdep_form10a`.

    Raises
    ------
    InputError
        As for :func:`load_cdep_form10a`.

    Notes
    -----
    In the 2020 copy the data sheet was re-headed with English keys (``clause``,
    ``totalConvicted``, …); the values are the official ones and the loader reads
    those headers too.
    """
    return _load_form(path, "10.3", source_id, year, snapshot_date)
