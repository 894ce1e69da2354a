"""Loader for the ministry's own PDF of the registry of foreign agents (until 2024).

``https://minjust.gov.ru/uploaded/files/reestr-inostrannyih-agentov-DDMMYYYY.pdf`` is a
text PDF printed from a spreadsheet: one ruled table per page, the header row repeated
at the top of every page, cells with line breaks (sometimes inside words). Its 13
columns are ``№ п/п``, ``Полное наименование/ФИО``, ``Дата рождения``, ``ОГРН``,
``ИНН``, ``Регистрационный номер``, ``СНИЛС``, ``Адрес (место нахождения)``,
``Информационный ресурс``, ``Полное наименование/ФИО участников``,
``Основания включения`` and the two decision dates.

Reading goes in two steps:

1. **Table extraction** (the *engine*): every page's ruled table becomes rows of cell
   texts. ``"pdfplumber"`` is the reference (pdfplumber's ``lines`` strategy);
   ``"pdfium"`` (the default) rebuilds the same grid from the PDF's ruling rectangles
   and the glyph boxes that PDFium reports, ten to twenty times faster. After
   reduction (below) the two give the same rows on every page of the 39 releases in
   the mirror, with one exception, in PDFium's favour: under the last
   row of some pages the bottom ruling of the first two columns is missing, and
   pdfplumber then drops those two cells (registry number and name), while PDFium
   keeps the text of the row band (``bench/bench_vintages.py --engines`` counts these
   rows; a test checks the agreement on one file).
2. **Rows to events**: the header row is found by its wording with the same rule as
   the XLSX loader (:mod:`.foreign_agents`), columns are mapped by header text, never by
   position, and each data row goes through the shared
   :class:`~analysis.sources.kit.events.EventBuilder`.

Between the two steps each row is *reduced*: only the registry number, name, legal
basis and the two decision dates are kept as text, and the date-of-birth, SNILS and OGRN
cells only as "filled or not" (what the category inference needs). INN, registration
number, address, resource and member cells are dropped there, so neither the result
nor the on-disk cache of reduced rows (``analysis._cache.cache_dir("pdf")``, keyed by
the file's sha256, the engine and :data:`PARSER_VERSION`) ever holds them.
"""
from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any, Sequence

from ..errors import InputError
from ..registries import FOREIGN_AGENTS_START
from .base import LoadResult
from .foreign_agents import REGISTRY, _add_table_rows, _is_header_row, _map_columns
from .kit.events import EventBuilder
from .kit.files import looks_like_html, read_bytes
from .kit.normalise import clean_text

__all__ = ["ENGINES", "PARSER_VERSION", "extract_pdf_rows", "load_minjust_pdf", "release_date_from_name"]

#: Table extractors understood by :func:`load_minjust_pdf`.
ENGINES = ("pdfium", "pdfplumber")
#: Bumped whenever extraction or reduction changes, so that stale cache entries are ignored.
PARSER_VERSION = 1

#: Fields kept as text after reduction; every other column is dropped or kept as a flag.
_TEXT_FIELDS = ("entry_id", "name", "basis", "included", "excluded")
#: Fields kept only as "filled" (``"1"``) or not (``""``).
_FLAG_FIELDS = ("birth_date", "snils", "ogrn")
_REDUCED_FIELDS = _TEXT_FIELDS + _FLAG_FIELDS

# Geometry of pdfplumber's defaults, which the PDFium engine reproduces.
_SNAP = 3.0        # edges closer than this are one ruling line
_JOIN = 3.0        # collinear edge pieces closer than this are one line
_X_TOL = 3.0       # a horizontal gap wider than this between glyphs is a space
_Y_TOL = 3.0       # glyphs whose tops differ by less than this are one text line
_THIN = 2.0        # a rectangle thinner than this is a ruling line

_NAME_DATE = re.compile(r"(?<!\d)(\d{2})[.-]?(\d{2})[.-]?(\d{4})(?!\d)|(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")


def release_date_from_name(path: str | Path) -> dt.date | None:
    """Release date written in a PDF's file name, or None.

    Understands the ministry's ``reestr-inostrannyih-agentov-DDMMYYYY.pdf`` (and the
    ``kopiya-…-DD-MM-YYYY.pdf`` variant) and the mirror's ``YYYY-MM-DD.pdf``.
    """
    stem = Path(path).stem
    for m in _NAME_DATE.finditer(stem):
        try:
            if m.group(4):
                return dt.date(int(m.group(4)), int(m.group(5)), int(m.group(6)))
            return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        except ValueError:
            continue
    return None


# ---------------------------------------------------------------------------
# Engines: PDF → pages of rows of cell texts
# ---------------------------------------------------------------------------


def _open_check(data: bytes, file: str) -> None:
    if looks_like_html(data):
        raise InputError(file, "is an HTML page, not a PDF")
    if not data.lstrip()[:5] == b"%PDF-":
        raise InputError(file, "is not a PDF file (no %PDF- header)")


def _pages_pdfplumber(data: bytes, file: str) -> list[list[list[str | None]]]:
    import io

    import pdfplumber

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # pdfminer raises many types for a damaged file
        raise InputError(file, f"is not a readable PDF ({type(exc).__name__})") from None
    pages = []
    with pdf:
        for page in pdf.pages:
            rows: list[list[str | None]] = []
            for table in page.extract_tables():
                rows.extend(list(r) for r in table)
            pages.append(rows)
    return pages


def _cluster(values: list[float], tol: float) -> list[float]:
    """Representative positions of ``values`` grouped by ``tol`` (mean of each group)."""
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(g) / len(g) for g in out]


def _snap(value: float, centres: list[float]) -> float:
    return min(centres, key=lambda c: abs(c - value))


def _merge_spans(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    merged: list[list[float]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1] + _JOIN:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return [(a, b) for a, b in merged]


def _covered(spans: list[tuple[float, float]], a: float, b: float) -> bool:
    return any(s <= a + _JOIN and e >= b - _JOIN for s, e in spans)


def _cell_text(chars: list[tuple[float, float, float, float, str]]) -> str:
    """Text of a cell's glyphs: lines by top (tolerance 3), words split on gaps > 3 or spaces."""
    if not chars:
        return ""
    chars = sorted(chars, key=lambda c: (c[1], c[0]))
    lines: list[list[tuple[float, float, float, float, str]]] = []
    last_top = None
    for ch in chars:
        if lines and last_top is not None and ch[1] - last_top <= _Y_TOL:
            lines[-1].append(ch)
        else:
            lines.append([ch])
        last_top = ch[1]
    out_lines = []
    for line in lines:
        line.sort(key=lambda c: c[0])
        words: list[str] = []
        cur = ""
        prev_x1 = None
        for x0, _top, x1, _bottom, text in line:
            if text.isspace():
                if cur:
                    words.append(cur)
                cur = ""
                prev_x1 = x1
                continue
            if cur and prev_x1 is not None and x0 > prev_x1 + _X_TOL:
                words.append(cur)
                cur = ""
            cur += text
            prev_x1 = x1
        if cur:
            words.append(cur)
        out_lines.append(" ".join(words))
    return "\n".join(s for s in out_lines if s)


def _page_rows_pdfium(page, raw) -> list[list[str | None]]:
    """Rows of cell texts of one page's ruled table, from rectangles and glyph boxes."""
    import ctypes

    height = page.get_height()
    h_edges: list[tuple[float, float, float]] = []   # (y, x0, x1) in top-down coordinates
    v_edges: list[tuple[float, float, float]] = []   # (x, top, bottom)
    for obj in page.get_objects(max_depth=2):
        if obj.type != raw.FPDF_PAGEOBJ_PATH:
            continue
        left, bottom, right, top = obj.get_bounds()
        y0, y1 = height - top, height - bottom
        w, h = right - left, y1 - y0
        if h < _THIN and w >= _THIN:
            h_edges.append(((y0 + y1) / 2, left, right))
        elif w < _THIN and h >= _THIN:
            v_edges.append(((left + right) / 2, y0, y1))
        elif w >= _THIN and h >= _THIN:   # a rectangle: its four sides, as pdfplumber takes them
            h_edges += [(y0, left, right), (y1, left, right)]
            v_edges += [(left, y0, y1), (right, y0, y1)]
    if not h_edges or not v_edges:
        return []
    ys = _cluster([e[0] for e in h_edges], _SNAP)
    xs = _cluster([e[0] for e in v_edges], _SNAP)
    v_spans: dict[float, list[tuple[float, float]]] = {x: [] for x in xs}
    for x, a, b in v_edges:
        v_spans[_snap(x, xs)].append((a, b))
    v_spans = {k: _merge_spans(v) for k, v in v_spans.items()}

    # glyphs (skip the spaces and line breaks PDFium generates itself)
    textpage = page.get_textpage()
    n = textpage.count_chars()
    glyphs: list[tuple[float, float, float, float, str]] = []
    left_, bottom_, right_, top_ = (ctypes.c_double() for _ in range(4))
    for i in range(n):
        if raw.FPDFText_IsGenerated(textpage.raw, i) == 1:
            continue
        code = raw.FPDFText_GetUnicode(textpage.raw, i)
        if code in (0, 0xFFFE, 0xFFFF):
            continue
        rect = raw.FS_RECTF()
        if not raw.FPDFText_GetLooseCharBox(textpage.raw, i, ctypes.byref(rect)):
            continue
        # PDFium reports a hyphen that ends a line as U+0002; it is a hyphen in the PDF
        text = "-" if code == 2 else chr(code)
        if text in "\r\n":
            continue
        glyphs.append((rect.left, height - rect.top, rect.right, height - rect.bottom, text))
    textpage.close()

    # each glyph goes to the row band and the cell (between present column
    # boundaries) that holds its centre, as pdfplumber assigns characters to cells
    bands: list[tuple[int, list[float]]] = []
    for r in range(len(ys) - 1):
        present = [x for x in xs if _covered(v_spans[x], ys[r], ys[r + 1])]
        if len(present) >= 2:
            bands.append((r, present))
    band_of = {r: k for k, (r, _) in enumerate(bands)}
    texts: dict[tuple[int, float], list[tuple[float, float, float, float, str]]] = {}
    for g in glyphs:
        cx, cy = (g[0] + g[2]) / 2, (g[1] + g[3]) / 2
        r = bisect.bisect_right(ys, cy) - 1
        if r not in band_of:
            continue
        present = bands[band_of[r]][1]
        j = bisect.bisect_right(present, cx) - 1
        if j < 0 or j >= len(present) - 1:
            continue
        texts.setdefault((r, present[j]), []).append(g)

    rows: list[list[str | None]] = []
    for r, present in bands:
        cells: list[str | None] = []
        for c in range(len(xs) - 1):
            xa = xs[c]
            if xa < present[0] or xa >= present[-1]:
                continue  # outside this band's ruled span
            if xa not in present:
                cells.append(None)  # covered by a merged cell to its left
                continue
            # A cell whose ruling above or below is missing (seen under the last row
            # of a page) is still bounded by its row band, so its text is kept;
            # pdfplumber's lines strategy drops such a cell.
            cells.append(_cell_text(texts.get((r, xa), [])))
        rows.append(cells)
    return rows


def _pages_pdfium(data: bytes, file: str) -> list[list[list[str | None]]]:
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    try:
        doc = pdfium.PdfDocument(data)
    except Exception as exc:  # PdfiumError for a damaged or encrypted file
        raise InputError(file, f"is not a readable PDF ({type(exc).__name__})") from None
    try:
        pages = []
        for i in range(len(doc)):
            page = doc[i]
            try:
                pages.append(_page_rows_pdfium(page, raw))
            finally:
                page.close()
        return pages
    finally:
        doc.close()


_ENGINE_FUNCS = {"pdfium": _pages_pdfium, "pdfplumber": _pages_pdfplumber}


# ---------------------------------------------------------------------------
# Reduction: rows of all cells → rows of the fields the loader reads
# ---------------------------------------------------------------------------


def _reduce(pages: list[list[list[str | None]]], file: str) -> dict[str, Any]:
    """Keep the header rows and, of data rows, only the fields in :data:`_REDUCED_FIELDS`.

    Returns ``{"header": [...], "rows": [[page, "header"|"data", cells...], ...]}`` where a
    data row's cells follow :data:`_REDUCED_FIELDS` (flags as ``"1"``/``""``) and a header
    row's cells are its texts. Identifier columns are dropped here.
    """
    header = None
    cols: dict[str, int] = {}
    out_rows: list[list[Any]] = []
    for p, rows in enumerate(pages, start=1):
        for cells in rows:
            if header is None:
                if _is_header_row(cells):
                    header = [clean_text(c) for c in cells]
                    cols = _map_columns(header, file, 1, need_type=False)
                    out_rows.append([p, "header"])
                continue  # rows above the first header (titles) are not table rows
            if _is_header_row(cells):
                out_rows.append([p, "header"])
                continue

            def get(fld: str) -> Any:
                j = cols.get(fld)
                return cells[j] if j is not None and j < len(cells) else None

            reduced: list[Any] = [p, "data"]
            for fld in _TEXT_FIELDS:
                v = get(fld)
                reduced.append(v if v is None else str(v))
            for fld in _FLAG_FIELDS:
                reduced.append("1" if clean_text(get(fld)) else "")
            out_rows.append(reduced)
    if header is None:
        raise InputError(file, "no page has a table whose header row has '№ п/п', a name and an inclusion date")
    kept_header = [header[cols[f]] if f in cols else "" for f in _REDUCED_FIELDS]
    return {"header": kept_header, "rows": out_rows, "pages": len(pages)}


def _cache_path(sha: str, engine: str) -> Path:
    from .._cache import cache_dir

    return cache_dir("pdf") / f"{sha}-{engine}-v{PARSER_VERSION}.json"


def extract_pdf_rows(path: str | Path, *, engine: str = "pdfium", use_cache: bool = True) -> dict[str, Any]:
    """Reduced table rows of a registry PDF (see the module docstring), cached by sha256.

    Parameters
    ----------
    path : str or Path
        The PDF.
    engine : {"pdfium", "pdfplumber"}
        Table extractor.
    use_cache : bool, default True
        Read and write the cache of reduced rows in ``analysis._cache.cache_dir("pdf")``.

    Returns
    -------
    dict
        ``header`` (texts of the kept columns), ``rows`` and ``pages``, plus ``sha256``,
        ``engine`` and ``cached`` (whether the rows came from the cache).

    Raises
    ------
    InputError
        Empty, HTML or damaged file, or no table with a registry header row.
    """
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}, not {engine!r}")
    file = str(path)
    data = read_bytes(path)
    _open_check(data, file)
    sha = hashlib.sha256(data).hexdigest()
    cache = _cache_path(sha, engine) if use_cache else None
    if cache is not None and cache.is_file():
        try:
            reduced = json.loads(cache.read_text(encoding="utf-8"))
            return {**reduced, "sha256": sha, "engine": engine, "cached": True}
        except (OSError, ValueError):
            pass  # a damaged cache entry is recomputed
    reduced = _reduce(_ENGINE_FUNCS[engine](data, file), file)
    if cache is not None:
        fd, tmp = tempfile.mkstemp(dir=cache.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(reduced, fh, ensure_ascii=False)
        os.replace(tmp, cache)
    return {**reduced, "sha256": sha, "engine": engine, "cached": False}


# ---------------------------------------------------------------------------
# The loader
# ---------------------------------------------------------------------------


def load_minjust_pdf(path: str | Path, *, source_id: str | None = None,
                     snapshot_date: dt.date | None = None, engine: str = "pdfium",
                     use_cache: bool = True) -> LoadResult:
    """Load one of the ministry's PDF releases of the registry of foreign agents.

    Parameters
    ----------
    path : str or Path
        The PDF (``reestr-inostrannyih-agentov-DDMMYYYY.pdf`` or a copy).
    source_id : str, optional
        Identifier written into the result (default ``"minjust_pdf"``).
    snapshot_date : date, optional
        Release date; later dates are rejected. Defaults to the date in the file name
        (:func:`release_date_from_name`), else today.
    engine : {"pdfium", "pdfplumber"}
        Table extractor (see the module docstring); both give the same cells.
    use_cache : bool, default True
        Cache the reduced rows by the file's sha256.

    Returns
    -------
    LoadResult
        ``meta``: ``format``, ``engine``, ``pages``, ``sha256``, ``snapshot_date``,
        ``release_date_from`` (``"file name"``, ``"argument"`` or ``"today"``),
        ``header_rows`` (repeated page headers) and ``trailing_blank_rows``.

    Raises
    ------
    InputError
        Empty, HTML, non-PDF or damaged file; no table with a ``№ п/п`` header row; a
        required column (number, name, legal basis, the two decision dates) missing.

    Notes
    -----
    ``source_row`` numbers the table rows through the document with the first header
    row as row 1, so the first entry is row 2 and every later page's repeated header is
    a row too: it is recorded as ``skipped`` with the page it heads, so that
    ``rows_in = accepted + rejected`` holds with every table row counted. Rows above the
    first header (the title) are not table rows. The PDF has no type column, so the
    category is inferred from which of date of birth, SNILS and OGRN are filled
    (:func:`analysis.sources.kit.categories.infer_category`), exactly as for the CSV parse of the
    same PDFs. A line break inside a cell becomes a space, also where the PDF broke a
    word in two; name comparisons across releases use
    :func:`analysis.sources.kit.normalise.name_key` with ``compact=True`` to see through that.
    """
    file = str(path)
    sid = source_id or "minjust_pdf"
    reduced = extract_pdf_rows(path, engine=engine, use_cache=use_cache)
    from_name = release_date_from_name(path)
    if snapshot_date is not None:
        bound, how = snapshot_date, "argument"
    elif from_name is not None:
        bound, how = from_name, "file name"
    else:
        bound, how = dt.date.today(), "today"
    header = reduced["header"]
    cols = {f: i for i, f in enumerate(_REDUCED_FIELDS) if header[i] or f in _FLAG_FIELDS}
    builder = EventBuilder(registry=REGISTRY, source_id=sid, file=file,
                           not_before=FOREIGN_AGENTS_START, not_after=bound)
    rows = reduced["rows"]
    # row 1 is the first header; repeated headers are skipped rows
    data_rows: list[Sequence[Any]] = []
    headers_seen = 0
    for k, row in enumerate(rows[1:], start=2):
        if row[1] == "header":
            headers_seen += 1
            builder.reject(k, None, None, f"header row repeated at the top of page {row[0]}",
                           status="skipped")
            data_rows.append([None] * len(_REDUCED_FIELDS))
        else:
            data_rows.append(row[2:])
    pdf_header = [header[i] or f for i, f in enumerate(_REDUCED_FIELDS)]
    # _add_table_rows skips blank rows itself; header rows were turned into blanks above
    # and are already in the log (the first reason wins).
    n = _add_table_rows(builder, data_rows, first_row=2, header=pdf_header, cols=cols)
    if n == 0:
        raise InputError(file, "has a header row but no data rows", row=1)
    meta = {"format": "minjust_pdf", "engine": reduced["engine"], "pages": reduced["pages"],
            "sha256": reduced["sha256"], "cached": reduced["cached"],
            "snapshot_date": bound.isoformat(), "release_date_from": how,
            "header_rows": headers_seen, "trailing_blank_rows": len(data_rows) - n}
    return builder.result(rows_in=n, meta=meta)
