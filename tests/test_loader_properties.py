"""Property tests for the loaders: generated files with malformed rows.

Each generated row carries what the loader must do with it, worked out here from
the rules the loaders document (strict ``DD.MM.YYYY`` dates between the day the
registry came into existence and the snapshot date, exclusion not before inclusion,
a Prosecutor-General decision not after the listing, a non-blank text name, a
whole registry number ≥ 1, an exact repeat is skipped, and rows that share a
number with different content are all rejected when the registry order cannot tell
them apart; a file with no usable row is refused). For every generated
file the tests check that

* no exception escapes other than :class:`~analysis.errors.InputError`, and that
  one only for a whole-file reason the generator knows about;
* every input row is accounted for exactly once (``rows_in == accepted + rejected``
  with ``rows_in`` the number of rows written);
* each row is accepted, rejected or skipped as predicted, and an accepted row
  keeps its dates and its whitespace-normalised name.

Example budget (``derandomize=True``, so every run tests the same examples):
:data:`BUDGET` — 50 files for each of the five JSON loaders (plus 50 for mixed
non-object elements) and for the CSV loader, 20 for the XLSX loader (writing a
workbook is slow), 40 for the published-figures table: 410 files per run, each
with up to 12 rows plus duplicates; about 30 s of CPU time (dominated by the
loaders' schema validation, ~70 ms per file). The court forms
(``.xls``) cannot be generated (no writer for the format) and are covered by the
bad-input corpus instead.
"""
from __future__ import annotations

import atexit
import csv
import datetime as dt
import io
import json
import shutil
import tempfile
import warnings
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from analysis.errors import AnalysisError, InputError

SNAPSHOT = dt.date(2026, 7, 29)
FA_START = dt.date(2012, 11, 21)   # 121-FZ in force
UO_START = dt.date(2015, 6, 3)     # 129-FZ in force

BUDGET = {"json": 50, "csv": 50, "xlsx": 20, "published": 40}

TMP = Path(tempfile.mkdtemp(prefix="loader-properties-"))
atexit.register(shutil.rmtree, TMP, ignore_errors=True)  # the generated files go when the test process ends


def _settings(kind: str):
    return settings(max_examples=BUDGET[kind], deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# --------------------------------------------------------------------------- cells


@dataclass(frozen=True)
class Cell:
    """A raw cell, whether the loader must accept it, and the date it means (None = empty)."""

    value: Any
    ok: bool
    day: dt.date | None = None


IMPOSSIBLE = ["31.02.2023", "30.02.2024", "29.02.2023", "15.13.2023", "00.05.2023", "32.01.2023",
              "31.04.2024", "31.06.2022", "31.09.2021", "31.11.2020", "01.00.2020", "10.99.2019"]
BLANKS = ["", " ", "   ", "\u00a0", " \t ", "\u00a0\u00a0"]


@st.composite
def _mostly(draw, usual: st.SearchStrategy, anything: st.SearchStrategy):
    """``usual`` three times in four, else ``anything`` (hypothesis flattens ``one_of``, so weights need this)."""
    if draw(st.booleans()) and draw(st.booleans()):
        return draw(anything)
    return draw(usual)


def date_cell(start: dt.date, *, fmt: str, empty_ok: bool) -> st.SearchStrategy[Cell]:
    """A date cell: valid, padded, impossible, two-digit year, serial, out of range, wrong type..."""
    valid = st.dates(start, SNAPSHOT)
    options = [
        valid.map(lambda d: Cell(d.strftime("%d.%m.%Y"), True, d)),
        valid.map(lambda d: Cell(" " + d.strftime("%d.%m.%Y") + "\u00a0", True, d)),
        st.sampled_from(IMPOSSIBLE).map(lambda s: Cell(s, False)),
        valid.map(lambda d: Cell(d.strftime("%d.%m.%y"), False)),                      # two-digit year
        st.integers(20000, 60000).map(lambda n: Cell(str(n), False)),                  # serial as text
        st.dates(dt.date(1990, 1, 1), start - dt.timedelta(days=1))
        .map(lambda d: Cell(d.strftime("%d.%m.%Y"), False)),                           # before the registry
        st.dates(SNAPSHOT + dt.timedelta(days=1), dt.date(2100, 12, 31))
        .map(lambda d: Cell(d.strftime("%d.%m.%Y"), False)),                           # after the snapshot
        valid.map(lambda d: Cell(d.isoformat(), False)),                               # ISO
        st.integers(300, 20000).map(lambda n: Cell("x" * n, False)),                   # long junk
        st.sampled_from(BLANKS).map(lambda s: Cell(s, empty_ok)),
    ]
    if fmt == "json":
        options += [
            st.integers(20000, 60000).map(lambda n: Cell(n, False)),
            st.floats(allow_nan=False).map(lambda x: Cell(x, False)),
            st.sampled_from([True, False, [], ["10.03.2023"], {"d": "10.03.2023"}]).map(lambda v: Cell(v, False)),
            st.just(Cell(None, empty_ok)),
        ]
    if fmt == "xlsx":
        options += [
            st.integers(20000, 60000).map(lambda n: Cell(n, False)),                   # serial as a number
            valid.map(lambda d: Cell(dt.datetime(d.year, d.month, d.day), True, d)),   # real date cell
            valid.map(lambda d: Cell(dt.datetime(d.year, d.month, d.day, 13, 5), False)),  # with a time
            st.just(Cell(None, empty_ok)),
        ]
    good = st.one_of(*options[:2], *([st.sampled_from(BLANKS).map(lambda v: Cell(v, True))] if empty_ok else []))
    return _mostly(good, st.one_of(*options))


_NAME_CHARS = st.characters(blacklist_categories=("Cs", "Cc", "Cn", "Co", "Cf"))


def _clean(s: str) -> str:
    return " ".join(s.split())


def name_cell(*, fmt: str) -> st.SearchStrategy[Cell]:
    good = st.text(_NAME_CHARS | st.sampled_from(" \u00a0«»&<>\"'"), min_size=1, max_size=40) \
        .filter(lambda s: _clean(s) != "")
    options = [
        good.map(lambda s: Cell(s, True)),
        st.sampled_from(["Условная организация «Альфа»", 'Fund <script>alert("x")</script> & Co',
                         "  Образцов \u00a0 Условный\tТестович  "]).map(lambda s: Cell(s, True)),
        st.integers(50, 1000 if fmt != "xlsx" else 300).map(
            lambda n: Cell("Очень длинное условное название " * n, True)),             # long, kept
        st.sampled_from(BLANKS + ["\u200b", "\ufeff \u200b"]).map(lambda s: Cell(s, False)),
    ]
    if fmt == "json":
        options += [st.sampled_from([None, 42, 1.5, True, ["a"], {"a": 1}]).map(lambda v: Cell(v, False))]
    if fmt == "xlsx":
        options += [st.just(Cell(None, False))]
    return _mostly(options[0], st.one_of(*options))


def id_cell(*, fmt: str) -> st.SearchStrategy[Cell]:
    """A registry-number cell; a good one is filled in later with a unique number."""
    bad = ["abc", "0", "-3", "1.5", "1e3", "№5"]
    unique = st.just(Cell("<unique>", True))
    options = [st.sampled_from(bad).map(lambda s: Cell(s, False)),
               st.sampled_from(["", "  "]).map(lambda s: Cell(s, True))]               # optional number
    if fmt == "json":
        options += [st.sampled_from([True, 2.5, [], {"n": 1}, -1]).map(lambda v: Cell(v, False))]
    return _mostly(unique, st.one_of(*options))


# --------------------------------------------------------------------------- rows


@dataclass(frozen=True)
class Row:
    cells: dict[str, Cell]
    expect: str                    # "accepted", "rejected" or "skipped"
    inc: dt.date | None = None
    exc: dt.date | None = None
    name: str | None = None
    key: Any = None                # registry number when the row was accepted and has one


def _verdict(cells: dict[str, Cell]) -> str:
    if not all(c.ok for c in cells.values()):
        return "rejected"
    inc = cells["inc"].day
    if inc is None:
        return "rejected"
    exc = cells.get("exc")
    if exc is not None and exc.day is not None and exc.day < inc:
        return "rejected"
    dec = cells.get("dec")
    if dec is not None and dec.day is not None and dec.day > inc:
        return "rejected"
    return "accepted"


@st.composite
def registry_rows(draw, *, start: dt.date, fmt: str, with_id: bool, with_exc: bool = True,
                  with_person: bool = False, with_decision: bool = False, max_rows: int = 10) -> list[Row]:
    n = draw(st.integers(1, max_rows))
    rows: list[Row] = []
    next_id = 1
    for k in range(n):
        name = draw(name_cell(fmt=fmt))
        if name.ok and isinstance(name.value, str):
            # distinct entries get distinct names: two rows with the same name and inclusion
            # date are one listing event (tested on its own in test_data_safety.py)
            name = Cell(f"{name.value} #{k}", True)
        cells = {"name": name, "inc": draw(date_cell(start, fmt=fmt, empty_ok=False))}
        if with_exc:
            cells["exc"] = draw(date_cell(start, fmt=fmt, empty_ok=True))
        if with_id:
            c = draw(id_cell(fmt=fmt))
            if c.value == "<unique>":
                c = Cell(next_id if fmt == "json" and draw(st.booleans()) else str(next_id), True)
                next_id += 1
            cells["id"] = c
        if with_person:
            cells["person"] = draw(st.one_of(
                st.sampled_from([0, 1, True, False]).map(lambda v: Cell(v, True)),
                st.sampled_from(["да", None, 2, 1.0, "1", [], -1]).map(lambda v: Cell(v, False))))
        if with_decision:
            inc = cells["inc"].day
            if inc is not None and draw(st.booleans()):
                back = draw(st.integers(-30, 60))
                d = inc - dt.timedelta(days=back)
                ok = d >= start and d <= SNAPSHOT
                text = d.strftime("%d.%m.%Y")
                cells["dec"] = Cell(draw(st.sampled_from([text, f"№ 3 от {text}", f"№3 от {text}\u00a0"])), ok, d)
            else:
                cells["dec"] = draw(st.one_of(st.sampled_from(["\u00a0", ""]).map(lambda s: Cell(s, True)),
                                              st.sampled_from(IMPOSSIBLE).map(lambda s: Cell(s, False))))
        verdict = _verdict(cells)
        key = None
        if with_id and verdict == "accepted":
            v = cells["id"].value
            key = int(v) if str(v).strip() else None
        rows.append(Row(cells, verdict, cells["inc"].day, cells["exc"].day if with_exc else None,
                        _clean(str(cells["name"].value)) if verdict == "accepted" else None, key))
    if with_id:
        keyed = [i for i, r in enumerate(rows) if r.key is not None]
        doubled: set[int] = set()
        for _ in range(draw(st.integers(0, 2)) if keyed else 0):
            i = draw(st.sampled_from(keyed))
            orig = rows[i]
            if draw(st.booleans()):
                rows.append(replace(orig, expect="skipped"))  # an exact repeat of a number and content
            else:
                # the same number with other content and the same dates: both fit the registry
                # order equally, so which is the registry's cannot be told and both are rejected
                # (a second identical copy of the other content is an exact repeat: skipped)
                cells = dict(orig.cells)
                cells["name"] = Cell(str(orig.cells["name"].value) + " дубль", True)
                rows.append(Row(cells, "skipped" if i in doubled else "rejected"))
                rows[i] = replace(orig, expect="rejected")
                doubled.add(i)
    return rows


def _check(res, rows: list[Row], first_row: int) -> None:
    n_ok = sum(r.expect == "accepted" for r in rows)
    event(f"rows accepted: {'none' if n_ok == 0 else 'all' if n_ok == len(rows) else 'some'}")
    res.check_accounting()
    assert res.rows_in == len(rows)
    assert res.rows_in == res.accepted + res.rejected
    frame = res.frame.set_index("source_row")
    status = dict(zip(res.rejects["source_row"], res.rejects["status"]))
    for i, r in enumerate(rows, start=first_row):
        if r.expect == "accepted":
            assert i in frame.index, f"row {i} should be accepted: {r.cells} → {status.get(i)}"
            got = frame.loc[i]
            assert got["included_on"].date() == r.inc
            if r.exc is None:
                assert pd.isna(got["excluded_on"])
            else:
                assert got["excluded_on"].date() == r.exc
            assert got["name"] == r.name
        else:
            assert status.get(i) == r.expect, f"row {i} should be {r.expect}: {r.cells} → {status.get(i)}"


def _load(source: str, path: Path, **kw):
    from analysis.sources import get_loader

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return get_loader(source)(path, **kw)


def _run(source: str, path: Path, rows: list[Row], first_row: int, *, whole_file_error=None, **kw) -> None:
    try:
        res = _load(source, path, snapshot_date=SNAPSHOT, **kw)
    except InputError as exc:
        if "no usable row" in str(exc):  # nothing usable: the file is refused, never "usable with 0 rows"
            assert not any(r.expect == "accepted" for r in rows), f"file refused: {exc}"
            return
        assert whole_file_error is not None and whole_file_error(), f"file refused: {exc}"
        return
    except AnalysisError as exc:
        pytest.fail(f"{type(exc).__name__} on a generated file: {exc}")
    except Exception as exc:  # noqa: BLE001 - the point of the test
        pytest.fail(f"{type(exc).__name__} escaped the loader: {exc}")
    _check(res, rows, first_row)


# --------------------------------------------------------------------------- JSON loaders


def _write_json(name: str, obj) -> Path:
    p = TMP / name
    p.write_text(json.dumps(obj, ensure_ascii=False), encoding="utf-8")
    return p


@_settings("json")
@given(registry_rows(start=FA_START, fmt="json", with_id=True))
def test_foreign_agents_pdf_json(rows):
    items = [{"id": r.cells["id"].value, "fullName": r.cells["name"].value, "dob": "", "ogrn": "", "inn": "",
              "regNum": "", "snils": "", "address": "", "resources": "", "members": "",
              "law": "Статья 7 Федерального закона от 14.07.2022 № 255-ФЗ", "dateIn": r.cells["inc"].value,
              "datePubl": "", "dateOut": r.cells["exc"].value} for r in rows]
    _run("foreign_agents_pdf_json", _write_json("pdf.json", items), rows, 1)


@_settings("json")
@given(registry_rows(start=FA_START, fmt="json", with_id=False, with_person=True))
def test_foreign_agents_rest_json(rows):
    items = [{"name": r.cells["name"].value, "type": "inoagent", "aliases": [], "is_person": r.cells["person"].value,
              "dateIn": r.cells["inc"].value, "dateOut": r.cells["exc"].value} for r in rows]
    _run("foreign_agents_rest_json", _write_json("rest.json", items), rows, 1)


@_settings("json")
@given(registry_rows(start=FA_START, fmt="json", with_id=True))
def test_minjust_rest_values(rows):
    values = [{"field_1_i": r.cells["id"].value, "field_2_s": r.cells["name"].value,
               "field_3_s": "Статья 9 Федерального закона от 14.07.2022 № 255-ФЗ",
               "field_4_s": r.cells["inc"].value, "field_5_s": r.cells["exc"].value,
               "field_7_s": "Юридические лица"} for r in rows]
    import re

    def no_date_looking_inclusion() -> bool:
        dated = [v["field_4_s"] for v in values if isinstance(v["field_4_s"], str) and v["field_4_s"].strip()]
        return bool(dated) and not any(re.match(r"^\s*\d{2}\.\d{2}\.\d{4}\s*$", v) for v in dated)

    _run("minjust_rest_values", _write_json("values.json", {"size": len(values), "values": values}), rows, 1,
         whole_file_error=no_date_looking_inclusion)


@_settings("json")
@given(registry_rows(start=UO_START, fmt="json", with_id=False))
def test_undesirable_rest_json(rows):
    # the pull is in registry order (listing dates never decrease); rows out of that order are
    # rejected, which tests/test_data_safety.py checks on its own
    rows = sorted(rows, key=lambda r: r.cells["inc"].day or dt.date.min)
    items = [{"name": r.cells["name"].value, "type": "undesirable", "aliases": [], "is_person": False,
              "dateIn": r.cells["inc"].value, "dateOut": r.cells["exc"].value} for r in rows]
    _run("undesirable_rest_json", _write_json("uo.json", items), rows, 1)


@_settings("json")
@given(registry_rows(start=UO_START, fmt="json", with_id=True, with_exc=False, with_decision=True))
def test_undesirable_scrape_json(rows):
    items = []
    for k, r in enumerate(rows, start=1):
        inc = r.cells["inc"].value
        minjust = f"№ {1000 + k}-р от {inc}" if isinstance(inc, str) and inc.strip() else inc
        items.append({"id": r.cells["id"].value, "fullName": r.cells["name"].value, "decisionInMinjust": minjust,
                      "decisionInGenproc": r.cells["dec"].value, "decisionOutMinjust": "\u00a0",
                      "decisionOutGenproc": "\u00a0", "dateIn": inc, "dateOut": ""})
    _run("undesirable_scrape_json", _write_json("scrape.json", items), rows, 1)


@_settings("json")
@given(registry_rows(start=FA_START, fmt="json", with_id=True, max_rows=6),
       st.lists(st.sampled_from(["text", 3, None, [1], True]), min_size=1, max_size=3), st.data())
def test_non_object_elements_are_rejected_rows(rows, junk, data):
    """Elements that are not objects are rejected rows; only a file of nothing else is refused."""
    items = [{"id": r.cells["id"].value, "fullName": r.cells["name"].value,
              "law": "", "dateIn": r.cells["inc"].value, "dateOut": r.cells["exc"].value} for r in rows]
    all_rows = list(rows)
    for j in junk:
        pos = data.draw(st.integers(0, len(items)))
        items.insert(pos, j)
        all_rows.insert(pos, Row({}, "rejected"))
    # inserting elements shifts positions but keeps the order of the rows, so the first
    # occurrence of a registry number is still the original
    _run("foreign_agents_pdf_json", _write_json("mixed.json", items), all_rows, 1)


# --------------------------------------------------------------------------- CSV and XLSX


CSV_HEADER = ["№ п/п", "Полное наименование/ФИО", "Дата рождения", "ОГРН", "ИНН", "Регистрационный номер", "СНИЛС",
              "Адрес (место нахождения)", "Информационный ресурс", "Полное наименование/ФИО участников",
              "Основания включения", "Дата принятия решения о включении", "Дата принятия решения об исключении"]


@_settings("csv")
@given(registry_rows(start=FA_START, fmt="csv", with_id=True), st.sampled_from([",", ";"]),
       st.sampled_from(["\n", "\r\n"]), st.booleans())
def test_foreign_agents_csv(rows, delimiter, newline, bom):
    buf = io.StringIO(newline="")
    w = csv.writer(buf, delimiter=delimiter, lineterminator=newline)
    w.writerow(CSV_HEADER)
    for r in rows:
        w.writerow([r.cells["id"].value, r.cells["name"].value, "", "", "", "", "", "", "", "",
                    "Статья 7 Федерального закона от 14.07.2022 № 255-ФЗ", r.cells["inc"].value,
                    r.cells["exc"].value])
    p = TMP / "fa.csv"
    p.write_bytes((b"\xef\xbb\xbf" if bom else b"") + buf.getvalue().encode("utf-8"))
    _run("foreign_agents_csv", p, rows, 2)


XLSX_HEADER = ["№ п/п", "Полное наименование / ФИО", "Основания для включения",
               "Дата принятия Минюстом России решения о включении в реестр",
               "Дата принятия Минюстом России решения об исключении из реестра (при наличии)",
               "Тип иностранного агента", "ИНН"]


@_settings("xlsx")
@given(registry_rows(start=FA_START, fmt="xlsx", with_id=True, max_rows=8), st.integers(0, 3))
def test_foreign_agents_xlsx(rows, title_rows):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for k in range(title_rows):
        ws.append(["Реестр иностранных агентов" if k == 0 else "примечание"])
    ws.append(XLSX_HEADER)
    for r in rows:
        ws.append([r.cells["id"].value, r.cells["name"].value, "Статья 7 Федерального закона № 255-ФЗ",
                   r.cells["inc"].value, r.cells["exc"].value, "Юридические лица", None])
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, even when it starts with "=" (openpyxl would store a formula)
    p = TMP / "fa.xlsx"
    wb.save(p)
    _run("foreign_agents_xlsx", p, rows, title_rows + 2)


# --------------------------------------------------------------------------- published figures


PUB_HEADER = ["article", "code", "period_start", "period_end", "measure", "value", "source_name", "source_url",
              "source_quote", "retrieved_from"]


@st.composite
def published_rows(draw):
    rows = []
    for _ in range(draw(st.integers(1, 12))):
        start = draw(st.dates(dt.date(2003, 1, 1), dt.date(2026, 12, 31)))
        end = start + dt.timedelta(days=draw(st.integers(0, 400)))
        good = {"article": draw(st.sampled_from(["280.3", "207.3", "275", "20.3.3"])), "code": "UK",
                "period_start": start.isoformat(), "period_end": end.isoformat(),
                "measure": draw(st.sampled_from(["convicted_main_charge", "persons_punished"])),
                "value": str(draw(st.integers(0, 10**6))), "source_name": "Условный источник",
                "source_url": "https://example.invalid", "source_quote": "цитата", "retrieved_from": "web page"}
        defect = draw(st.sampled_from([None, None, None, "value_words", "value_negative", "value_fraction",
                                       "value_blank", "date_impossible", "date_dotted", "period_reversed",
                                       "measure_spaces", "article_blank", "too_few_fields", "too_many_fields",
                                       "long_quote"]))
        fields = dict(good)
        expect = "accepted"
        if defect == "value_words":
            fields["value"], expect = "сто", "rejected"
        elif defect == "value_negative":
            fields["value"], expect = "-5", "rejected"
        elif defect == "value_fraction":
            fields["value"], expect = "12.5", "rejected"
        elif defect == "value_blank":
            fields["value"], expect = draw(st.sampled_from(BLANKS)), "rejected"
        elif defect == "date_impossible":
            fields["period_start"], expect = "2023-02-30", "rejected"
        elif defect == "date_dotted":
            fields["period_start"], expect = start.strftime("%d.%m.%Y"), "rejected"
        elif defect == "period_reversed":
            if end > start:
                fields["period_start"], fields["period_end"], expect = end.isoformat(), start.isoformat(), "rejected"
        elif defect == "measure_spaces":
            fields["measure"], expect = "Convicted persons", "rejected"
        elif defect == "article_blank":
            fields["article"], expect = " ", "rejected"
        elif defect == "long_quote":
            fields["source_quote"] = "длинная цитата " * draw(st.integers(100, 5000))
        record = [fields[c] for c in PUB_HEADER]
        if defect == "too_few_fields":
            record, expect = record[:-2], "rejected"
        elif defect == "too_many_fields":
            record, expect = record + ["лишнее"], "rejected"
        if expect == "accepted" and end > SNAPSHOT:
            expect = "rejected"  # a figure for a period that ends after it was collected
        if expect == "accepted":
            figure = tuple(fields[c] for c in ("article", "code", "period_start", "period_end", "measure",
                                               "value", "source_name"))
            if figure in {r[3] for r in rows if r[1] == "accepted"}:
                expect = "skipped"  # the same figure twice is listed once
        else:
            figure = None
        rows.append((record, expect, int(fields["value"]) if expect == "accepted" else None, figure))
    return [r[:3] for r in rows]


@_settings("published")
@given(published_rows())
def test_published_convictions_csv(rows):
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(PUB_HEADER)
    for record, _, _ in rows:
        w.writerow(record)
    p = TMP / "published.csv"
    p.write_text(buf.getvalue(), encoding="utf-8")
    try:
        res = _load("published_convictions_csv", p, snapshot_date=SNAPSHOT)
    except InputError as exc:
        assert "no usable row" in str(exc) and not any(e == "accepted" for _, e, _ in rows), str(exc)
        return
    except Exception as exc:  # noqa: BLE001
        pytest.fail(f"{type(exc).__name__} on a generated file: {exc}")
    res.check_accounting()
    assert res.rows_in == len(rows) == res.accepted + res.rejected
    frame = res.frame.set_index("source_row")
    status = dict(zip(res.rejects["source_row"], res.rejects["status"]))
    for i, (record, expect, value) in enumerate(rows, start=2):
        if expect == "accepted":
            assert i in frame.index, f"row {i} should be accepted: {record[:6]} → {status.get(i)}"
            assert int(frame.loc[i, "value"]) == value
        else:
            assert status.get(i) == expect, f"row {i} should be {expect}: {record[:6]}"
