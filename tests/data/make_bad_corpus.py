"""Write the bad-input corpus into ``tests/data/bad/`` (deterministically).

Every file is made here from scratch: synthetic names ("Условная организация
«Альфа»"), invented identifiers that cannot belong to anyone (they are used to
check that identifiers never reach an output), and the public column titles of
each upstream format. Nothing is copied from a real registry file.

Run ``python tests/data/make_bad_corpus.py`` from the repository root; it rewrites
the folder and ``MANIFEST.csv``. Running it twice gives the same bytes (XLSX
members carry a fixed timestamp, JSON and CSV are written with fixed formatting).

``MANIFEST.csv`` has one row per case:

``file``
    name of the file in ``tests/data/bad/``;
``source``
    loader name as ``python -m analysis validate --source`` takes it;
``category``
    kind of problem (``empty``, ``corrupt``, ``html``, ``layout``, ``dates`` ...);
``problem``
    what is wrong, in words;
``expected_exit``
    0 every row accepted (skipped rows allowed), 1 usable with rejected rows, 2 unusable;
``rows_in``, ``accepted``
    the expected row accounting (empty for exit 2);
``rejects``
    for exit 0/1: a JSON list of ``[row, status, reason]`` where ``reason`` is a
    regular expression (case-insensitive) the reject's reason must match; rows are
    numbered as the loaders document: spreadsheet row, CSV record with the header
    as 1, JSON array index + 1;
``message``
    for exit 2: a regular expression (case-insensitive) the one-line error must match;
``message_row``, ``message_column``
    for exit 2: the row / column the message must name, where there is one.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
OUT = HERE / "bad"

#: Fixed timestamp for every zip member and document property, so bytes are reproducible.
FIXED_ZIP_TIME = (2020, 1, 1, 0, 0, 0)
FIXED_PROPS_TIME = "2020-01-01T00:00:00Z"

# Invented identifiers: well-formed in shape, impossible as real values (region 99/00
# prefixes, SNILS 000-…), so that a test can search outputs for them.
FAKE_INN = "990000000017"
FAKE_OGRN = "9900000000011"
FAKE_SNILS = "000-000-001 23"
FAKE_REGNUM = "9900000099"
FAKE_DOB = "07.07.1907"
FAKE_ADDRESS = "Условный город, Несуществующая улица, дом 0"
FAKE_MEMBERS = "Вымышленный Участник Первый; Вымышленный Участник Второй"
FAKE_IDENTIFIERS = (FAKE_INN, FAKE_OGRN, FAKE_SNILS, FAKE_REGNUM, FAKE_DOB, FAKE_ADDRESS,
                    "Вымышленный Участник")

BASIS_255_7 = ("Статья 7 Федерального закона от 14.07.2022 № 255-ФЗ «О контроле за деятельностью лиц, "
               "находящихся под иностранным влиянием»")
BASIS_255_9 = ("Статья 9 Федерального закона от 14.07.2022 № 255-ФЗ «О контроле за деятельностью лиц, "
               "находящихся под иностранным влиянием»")
BASIS_7FZ = "Статья 32 Федерального закона от 12.01.1996 № 7-ФЗ «О некоммерческих организациях»"
BASIS_MEDIA = "Статья 6 Закона Российской Федерации от 27.12.1991 № 2124-1 «О средствах массовой информации»"

XLSX_HEADER = [
    "№ п/п",
    "Полное наименование (прежнее наименование (в случае его изменения)) / ФИО «Псевдоним» (при наличии) "
    "(прежние ФИО (в случае их изменения))",
    "Основания для включения",
    "Дата принятия Минюстом России решения о включении в реестр",
    "Дата принятия Минюстом России решения об исключении из реестра (при наличии)",
    "Доменное имя информационного ресурса (при наличии)",
    "Тип иностранного агента",
    "Регистрационный номер",
    "ИНН",
    "ОГРН",
    "СНИЛС",
    "Дата рождения",
    "Полное наименование или ФИО участников",
    "Адрес (место нахождения)",
    "Дата опубликования принятого Минюстом России решения о включении в реестр",
    "Номер специального счета",
    "Наименование и местонахождение уполномоченного банка",
    "Банковский идентификационный код уполномоченного банка",
    "Номер корреспондентского счета (субсчета) уполномоченного банка (его филиала)",
    "Дата открытия специального счета",
    "Дата заключения договора банковского счёта",
]
CSV_HEADER = [
    "№ п/п", "Полное наименование/ФИО", "Дата рождения", "ОГРН", "ИНН", "Регистрационный номер", "СНИЛС",
    "Адрес (место нахождения)", "Информационный ресурс", "Полное наименование/ФИО участников",
    "Основания включения", "Дата принятия решения о включении", "Дата принятия решения об исключении",
]
PUBLISHED_HEADER = ["article", "code", "period_start", "period_end", "measure", "value", "source_name",
                    "source_url", "source_quote", "retrieved_from"]

EXPORTED_AT = dt.datetime(2025, 8, 15, 17, 0)

# -------------------------------------------------------------------------- cases


@dataclass
class Case:
    """One corpus file and what `validate` must report for it (see the module docstring)."""

    file: str
    source: str
    category: str
    problem: str
    expected_exit: int
    data: bytes
    rows_in: int | None = None
    accepted: int | None = None
    rejects: list[tuple[int, str, str]] = field(default_factory=list)
    message: str = ""
    message_row: int | None = None
    message_column: str | None = None


CASES: list[Case] = []


def case(*args, **kwargs) -> None:
    CASES.append(Case(*args, **kwargs))


# -------------------------------------------------------------------------- writers


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed member timestamps and fixed document-property dates."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in sorted(src.infolist(), key=lambda i: i.filename):
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)",
                              rb"\g<1>" + FIXED_PROPS_TIME.encode() + rb"\g<3>", body)
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, body)
    return out.getvalue()


def _save(wb: openpyxl.Workbook) -> bytes:
    wb.properties.creator = "bad-input corpus"
    wb.properties.created = dt.datetime(2020, 1, 1)
    wb.properties.modified = dt.datetime(2020, 1, 1)
    buf = io.BytesIO()
    wb.save(buf)
    return _normalise_zip(buf.getvalue())


def fa_row(no, name, basis, inc, exc="", typ="Юридические лица", *, ids: bool = True) -> list:
    """One row of the XLSX export layout (21 columns); identifier cells get invented values."""
    person = typ == "Физические лица"
    row = [no, name, basis, inc, exc, "https://example.invalid", typ,
           FAKE_REGNUM if ids and not person else None,
           FAKE_INN if ids else None,
           FAKE_OGRN if ids and not person else None,
           FAKE_SNILS if ids and person else None,
           FAKE_DOB if ids and person else None,
           FAKE_MEMBERS if ids and typ == "Иные объединения лиц" else None,
           FAKE_ADDRESS if ids else None,
           None, None, None, None, None, None, None]
    return row


def fa_xlsx(rows: list[list], *, header: list | None = None, exported_at=EXPORTED_AT,
            title_rows: int = 2, first_sheet: list[list] | None = None, extra_top: int = 0) -> bytes:
    """An export-like workbook: title, timestamp, header row, data rows."""
    wb = openpyxl.Workbook()
    ws = wb.active
    if first_sheet is not None:
        ws.title = "Пояснения"
        for r in first_sheet:
            ws.append(r)
        ws = wb.create_sheet("Лист 1")
    else:
        ws.title = "Лист 1"
    if title_rows >= 1:
        ws.append(["Реестр иностранных агентов"])
    if title_rows >= 2:
        ws.append([exported_at])
    for _ in range(extra_top):
        ws.append(["Сформировано автоматически"])
    ws.append(header if header is not None else XLSX_HEADER)
    for r in rows:
        ws.append(r)
    return _save(wb)


def good_fa_rows(n: int = 4, start: int = 1) -> list[list]:
    """``n`` well-formed rows with registry numbers ``start``…"""
    base = [
        ("Условная организация «Альфа»", BASIS_7FZ, "27.06.2013", "05.07.2015", "Юридические лица"),
        ("Образцов Условный Тестович", BASIS_255_7, "15.03.2023", "", "Физические лица"),
        ("Вымышленное издание «Бета»", BASIS_MEDIA, "05.12.2017", "", "Юридические лица"),
        ("Проект «Гамма» (условный)", BASIS_255_9, "01.03.2024", "", "Иные объединения лиц"),
        ("Примерова Условная Образцовна", BASIS_255_7, "07.06.2024", "", "Физические лица"),
    ]
    return [fa_row(str(start + i), *base[i % len(base)]) for i in range(n)]


def json_bytes(obj) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def csv_bytes(rows: list[list], *, delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    for r in rows:
        w.writerow(r)
    return buf.getvalue().encode(encoding)


def zip_bytes(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name in sorted(members):
            zi = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            z.writestr(zi, members[name])
    return out.getvalue()


HTML_PAGE = (b"<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n"
             b"<body><h1>502 Bad Gateway</h1><p>The server returned an invalid response.</p></body></html>\n")
HTML_LOGIN = ("<html>\n<head><meta charset=\"utf-8\"><title>Вход</title></head>\n"
              "<body><form>Сессия истекла, войдите снова</form></body></html>\n").encode("utf-8")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def pseudo_random_bytes(n: int, seed: int = 12345) -> bytes:
    """Deterministic junk bytes (a linear congruential generator, no global state)."""
    out = bytearray()
    x = seed
    for _ in range(n):
        x = (1103515245 * x + 12345) % (1 << 31)
        out.append((x >> 16) & 0xFF)
    return bytes(out)


# -------------------------------------------------------------------------- foreign agents XLSX

SRC = "foreign_agents_xlsx"
valid_xlsx = fa_xlsx(good_fa_rows(5))
case("fa_xlsx_valid.xlsx", SRC, "control", "well-formed export, five rows", 0, valid_xlsx,
     rows_in=5, accepted=5)
case("fa_xlsx_empty.xlsx", SRC, "empty", "zero-byte file", 2, b"", message=r"empty")
case("fa_xlsx_whitespace.xlsx", SRC, "empty", "file holds only spaces and line breaks", 2, b"  \n\t\n",
     message=r"empty")
case("fa_xlsx_truncated.xlsx", SRC, "corrupt", "workbook cut off after 60% of its bytes", 2,
     valid_xlsx[: len(valid_xlsx) * 6 // 10], message=r"corrupt|not .*readable|not an xlsx|zip")


def _damage_member(data: bytes, member: str, new: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    return zip_bytes({i.filename: (new if i.filename == member else src.read(i.filename))
                      for i in src.infolist()})


case("fa_xlsx_corrupt_sheet.xlsx", SRC, "corrupt", "zip is intact but the sheet XML is garbage", 2,
     _damage_member(valid_xlsx, "xl/worksheets/sheet1.xml", b"<worksheet><sheetData><row><c r='A1'"),
     message=r"cannot be read|not .*readable|corrupt")
case("fa_xlsx_html.xlsx", SRC, "html", "HTML error page saved under an .xlsx name", 2, HTML_PAGE,
     message=r"html")
case("fa_xlsx_html_login.xlsx", SRC, "html", "HTML login page (UTF-8, no doctype) under an .xlsx name", 2,
     HTML_LOGIN, message=r"html")
case("fa_xlsx_zip_not_workbook.xlsx", SRC, "zip", "a zip archive holding a text file, not a workbook", 2,
     zip_bytes({"readme.txt": "Архив с документами\n".encode()}), message=r"zip|not an xlsx|workbook")
case("fa_xlsx_junk.xlsx", SRC, "corrupt", "4 KiB of pseudo-random bytes", 2, pseudo_random_bytes(4096),
     message=r"not an xlsx|zip|workbook")
case("fa_xlsx_is_xls.xlsx", SRC, "corrupt", "an old binary (OLE) header under an .xlsx name", 2,
     OLE_MAGIC + pseudo_random_bytes(1016, seed=7), message=r"xls|not an xlsx|workbook")

# XML entity expansion in the shared-strings part ("billion laughs"): must be refused, not expanded.
_BOMB = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
         + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                    for i in range(1, 10))
         + b']>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
           b'uniqueCount="1"><si><t>&lol9;</t></si></sst>')


def _with_shared_strings(data: bytes, sst: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    members = {i.filename: src.read(i.filename) for i in src.infolist()}
    members["xl/sharedStrings.xml"] = sst
    ct = members["[Content_Types].xml"]
    if b"sharedStrings" not in ct:
        ct = ct.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
        members["[Content_Types].xml"] = ct
    rels = members["xl/_rels/workbook.xml.rels"]
    if b"sharedStrings" not in rels:
        rels = rels.replace(b"</Relationships>", b'<Relationship Id="rIdSst" Type="http://schemas.openxmlformats'
                            b'.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
                            b"</Relationships>")
        members["xl/_rels/workbook.xml.rels"] = rels
    return zip_bytes(members)


case("fa_xlsx_entity_expansion.xlsx", SRC, "corrupt", "shared strings define nested XML entities "
     "(entity-expansion attack); must be refused by defusedxml", 2, _with_shared_strings(valid_xlsx, _BOMB),
     message=r"cannot be read|not .*readable|entit|unsafe|forbidden")

case("fa_xlsx_header_row6.xlsx", SRC, "layout", "three extra title rows: header on row 6, data from row 7", 0,
     fa_xlsx(good_fa_rows(3), extra_top=3), rows_in=3, accepted=3)
case("fa_xlsx_no_title_rows.xlsx", SRC, "layout", "no title rows: header on row 1, data from row 2", 0,
     fa_xlsx(good_fa_rows(3), title_rows=0), rows_in=3, accepted=3)
case("fa_xlsx_second_sheet.xlsx", SRC, "layout", "first sheet holds notes, the table is on the second sheet", 0,
     fa_xlsx(good_fa_rows(3), first_sheet=[["Пояснения к выгрузке"], ["Таблица на следующем листе"]]),
     rows_in=3, accepted=3)
case("fa_xlsx_header_only.xlsx", SRC, "empty", "header row but no data rows (nothing to use)", 2,
     fa_xlsx([]), message=r"no (data )?rows|no entries|empty")
_no_inc = [c for c in XLSX_HEADER if "о включении" not in c or "опубликования" in c]
case("fa_xlsx_missing_inclusion_column.xlsx", SRC, "layout", "the inclusion-date column is missing", 2,
     fa_xlsx([[c for j, c in enumerate(r) if j != 3] for r in good_fa_rows(3)], header=_no_inc),
     message=r"no sheet has a header row|inclusion date|включении|missing|column")
_renamed = list(XLSX_HEADER)
_renamed[2] = "Правовое основание"
case("fa_xlsx_renamed_basis_column.xlsx", SRC, "layout",
     "'Основания для включения' renamed to 'Правовое основание' (required column missing)", 2,
     fa_xlsx(good_fa_rows(3), header=_renamed), message=r"Основания|basis|missing|column", message_row=3)
_no_type = [c for c in XLSX_HEADER if c != "Тип иностранного агента"]
case("fa_xlsx_missing_type_column.xlsx", SRC, "layout", "the 'Тип иностранного агента' column is missing", 2,
     fa_xlsx([[c for j, c in enumerate(r) if j != 6] for r in good_fa_rows(3)], header=_no_type),
     message=r"Тип|type|missing|column", message_row=3)
_dup_header = list(XLSX_HEADER)
_dup_header[14] = "Дата принятия решения о включении"
case("fa_xlsx_two_inclusion_columns.xlsx", SRC, "layout", "two columns are titled as the inclusion date", 2,
     fa_xlsx(good_fa_rows(3), header=_dup_header), message=r"two columns|включении|inclusion", message_row=3)

# dates: row 4 is the first data row
_rows = good_fa_rows(2)
_rows += [
    fa_row("3", "Условная организация «Дельта»", BASIS_255_7, "31.02.2023"),
    fa_row("4", "Условная организация «Эпсилон»", BASIS_255_7, "15.13.2023"),
    fa_row("5", "Условная организация «Дзета»", BASIS_255_7, "15.03.23"),
    fa_row("6", "Условная организация «Эта»", BASIS_255_7, 45000),
    fa_row("7", "Условная организация «Тета»", BASIS_255_7, "45000"),
    fa_row("8", "Условная организация «Йота»", BASIS_255_7, "01.01.2010"),
    fa_row("9", "Условная организация «Каппа»", BASIS_255_7, "01.01.2099"),
    fa_row("10", "Условная организация «Лямбда»", BASIS_255_7, "10.03.2023", "09.03.2023"),
    fa_row("11", "Условная организация «Мю»", BASIS_255_7, "2023-03-10"),
    fa_row("12", "Условная организация «Ню»", BASIS_255_7, "10.03.2023", "31.04.2024"),
    fa_row("13", "Условная организация «Кси»", BASIS_255_7, dt.datetime(2023, 3, 10)),
    fa_row("14", "Условная организация «Омикрон»", BASIS_255_7, "1.3.2023"),
]
case("fa_xlsx_bad_dates.xlsx", SRC, "dates",
     "impossible dates (31.02, month 13, 31.04 exclusion), two-digit year, Excel serial (number and text), "
     "before the registry existed, after the export timestamp, exclusion before inclusion, ISO format, "
     "single-digit day; one real date cell (accepted)", 1, fa_xlsx(_rows), rows_in=14, accepted=3,
     rejects=[(6, "rejected", "impossible calendar date"), (7, "rejected", "impossible calendar date"),
              (8, "rejected", "two-digit year"), (9, "rejected", "serial"), (10, "rejected", "serial"),
              (11, "rejected", "before the registry existed"), (12, "rejected", "after the snapshot date"),
              (13, "rejected", "exclusion before inclusion"), (14, "rejected", "not a DD.MM.YYYY date"),
              (15, "rejected", "impossible calendar date"), (17, "rejected", "two digits")])
case("fa_xlsx_after_export_timestamp.xlsx", SRC, "dates",
     "an inclusion on 01.09.2025, after the export timestamp in A2 (15.08.2025 17:00)", 1,
     fa_xlsx(good_fa_rows(2) + [fa_row("3", "Условная организация «Пи»", BASIS_255_7, "01.09.2025")]),
     rows_in=3, accepted=2, rejects=[(6, "rejected", "after the snapshot date")])

_rows = good_fa_rows(2) + [
    fa_row("3", None, BASIS_255_7, "10.03.2023"),
    fa_row("4", " \u00a0\t ", BASIS_255_7, "10.03.2023"),
    fa_row("5", "Условная организация «Ро»", BASIS_255_7, "   "),
    fa_row("6", "Условная организация «Сигма»", BASIS_255_7, None),
    [None] * 21,
    fa_row("  ", "Условная организация «Тау»", BASIS_255_7, "10.03.2023"),
    fa_row("8", 12345, BASIS_255_7, "10.03.2023"),
    fa_row("9", "  Условная\u00a0\u00a0организация   «Ипсилон»  ", BASIS_255_7, " 10.03.2023\u00a0"),
    fa_row("10", "Условная организация «Фи»", "", "10.03.2023", typ=""),
    fa_row("abc", "Условная организация «Хи»", BASIS_255_7, "10.03.2023"),
    fa_row("11", "Условная организация «Пси»", BASIS_255_7, "10.03.2023", " "),
]
case("fa_xlsx_blank_cells.xlsx", SRC, "blank",
     "blank and whitespace-only name, blank and whitespace-only inclusion date, a fully blank row between "
     "data rows, a blank registry number (kept: number is optional), a numeric name (kept as text), padded "
     "cells (kept, normalised), empty basis and type (kept as unknown), a non-numeric registry number, a "
     "whitespace-only exclusion date (empty)", 1, fa_xlsx(_rows), rows_in=13, accepted=7,
     rejects=[(6, "rejected", "blank name"), (7, "rejected", "blank name"),
              (8, "rejected", "inclusion date missing"), (9, "rejected", "inclusion date missing"),
              (10, "skipped", "blank row"), (15, "rejected", "whole number")])

_long_name = "Условная организация " + "«Очень длинное название» " * 1300  # about 33 000 characters
_rows = good_fa_rows(2) + [
    fa_row("3", _long_name[:32000], BASIS_255_7, "10.03.2023"),
    fa_row("4", "Условная организация «Омега»", BASIS_255_7, "10.03.2023 " + "x" * 31000),
    fa_row("5", "Условная организация «Альфа-2»", BASIS_255_7 + " " * 20000 + "приложение", "10.03.2023"),
]
case("fa_xlsx_long_cells.xlsx", SRC, "long",
     "a 32 000-character name (kept), a 31 000-character date cell (rejected, value clipped in the rejects "
     "table), a 20 000-character legal-basis cell (kept)", 1, fa_xlsx(_rows), rows_in=5, accepted=4,
     rejects=[(7, "rejected", "not a DD.MM.YYYY date")])

_rows = good_fa_rows(3) + [
    fa_row("2", "Другое Условное Имя", BASIS_255_7, "15.03.2023", typ="Физические лица"),
    fa_row("3", "Вымышленное издание «Бета»", BASIS_MEDIA, "05.12.2017"),
    fa_row("1", "Условная организация «Альфа»", BASIS_7FZ, "27.06.2013", "06.07.2015"),
]
case("fa_xlsx_duplicate_numbers.xlsx", SRC, "duplicates",
     "registry numbers repeated: #2 with another name and #1 with another exclusion date (the numbers are not "
     "in date order, so which row is the registry's cannot be told: every row with #1 or #2 is rejected), "
     "#3 repeated exactly (skipped)", 1, fa_xlsx(_rows), rows_in=6, accepted=1,
     rejects=[(4, "rejected", "used by rows 4, 9"), (5, "rejected", "used by rows 5, 7"),
              (7, "rejected", "used by rows 5, 7"), (8, "skipped", "repeats row 6"),
              (9, "rejected", "used by rows 4, 9")])

# -------------------------------------------------------------------------- foreign agents CSV

SRC = "foreign_agents_csv"


def csv_row(no, name, basis, inc, exc="", *, person=False, ids=True):
    return [no, name, FAKE_DOB if ids and person else "", FAKE_OGRN if ids and not person else "",
            FAKE_INN if ids else "", FAKE_REGNUM if ids and not person else "",
            FAKE_SNILS if ids and person else "", FAKE_ADDRESS if ids else "", "", "", basis, inc, exc]


def good_csv_rows(n=3):
    base = [("1", "Условная организация «Альфа»", BASIS_7FZ, "27.06.2013", "05.07.2015"),
            ("2", "Образцов Условный Тестович", BASIS_255_7, "15.03.2023", ""),
            ("3", "Вымышленное издание «Бета»", BASIS_MEDIA, "05.12.2017", "")]
    return [csv_row(*base[i], person=(i == 1)) for i in range(n)]


_good_csv = [CSV_HEADER] + good_csv_rows()
case("fa_csv_valid.csv", SRC, "control", "well-formed CSV, three rows", 0, csv_bytes(_good_csv),
     rows_in=3, accepted=3)
case("fa_csv_bom.csv", SRC, "encoding", "UTF-8 with a byte-order mark before '№ п/п'", 0,
     b"\xef\xbb\xbf" + csv_bytes(_good_csv), rows_in=3, accepted=3)
case("fa_csv_cp1251.csv", SRC, "encoding", "Windows-1251 text (decoded, names must come out as Cyrillic)", 0,
     csv_bytes(_good_csv, encoding="cp1251"), rows_in=3, accepted=3)
case("fa_csv_semicolon.csv", SRC, "layout", "';'-separated", 0, csv_bytes(_good_csv, delimiter=";"),
     rows_in=3, accepted=3)
case("fa_csv_crlf.csv", SRC, "layout", "Windows line endings", 0,
     csv_bytes(_good_csv).replace(b"\n", b"\r\n"), rows_in=3, accepted=3)
case("fa_csv_empty.csv", SRC, "empty", "zero-byte file", 2, b"", message=r"empty")
case("fa_csv_html.csv", SRC, "html", "HTML error page saved under a .csv name", 2, HTML_PAGE, message=r"html")
case("fa_csv_utf16.csv", SRC, "encoding", "UTF-16 text (NUL bytes): not a supported encoding", 2,
     csv_bytes(_good_csv, encoding="utf-16"), message=r"binary|encoding|utf|not .*text")
case("fa_csv_xlsx_bytes.csv", SRC, "zip", "an XLSX workbook saved under a .csv name", 2, valid_xlsx,
     message=r"binary|zip|not a csv")
case("fa_csv_header_only.csv", SRC, "empty", "header row, no data rows (nothing to use)", 2,
     csv_bytes([CSV_HEADER]), message=r"no (data )?rows|no entries|empty")
case("fa_csv_no_header.csv", SRC, "layout", "data rows without a header row", 2,
     csv_bytes(good_csv_rows()), message=r"header")
case("fa_csv_missing_exclusion_column.csv", SRC, "layout", "exclusion-date column missing", 2,
     csv_bytes([r[:-1] for r in _good_csv]), message=r"исключении|exclusion|missing|column", message_row=1)
case("fa_csv_header_row3.csv", SRC, "layout", "two title lines above the header (header is record 3)", 0,
     csv_bytes([["Реестр иностранных агентов"], ["по состоянию на 02.02.2024"]] + _good_csv),
     rows_in=3, accepted=3)
_rows = [CSV_HEADER] + good_csv_rows() + [
    csv_row("4", "Условная организация «Дельта»", BASIS_255_7, "29.02.2023"),
    csv_row("5", "Условная организация «Эпсилон»", BASIS_255_7, "01.00.2023"),
    csv_row("6", "Условная организация «Дзета»", BASIS_255_7, "1.02.24"),
    csv_row("7", "Условная организация «Эта»", BASIS_255_7, "44927"),
    csv_row("8", "Условная организация «Тета»", BASIS_255_7, "20.11.2012"),
    csv_row("9", "Условная организация «Йота»", BASIS_255_7, "21.11.2012"),
    csv_row("10", "Условная организация «Каппа»", BASIS_255_7, "01.01.2099"),
    csv_row("11", "Условная организация «Лямбда»", BASIS_255_7, "10.03.2023", "10.02.2023"),
    csv_row("12", "", BASIS_255_7, "10.03.2023"),
    csv_row("13", "   ", BASIS_255_7, "10.03.2023"),
    csv_row("3", "Другое Условное Название", BASIS_MEDIA, "05.12.2017"),
    ["14", "Условная организация «Мю»", "", ""],
]
case("fa_csv_bad_rows.csv", SRC, "dates",
     "29.02 in a non-leap year, month 00, two-digit year, Excel serial, the day before the registry existed "
     "(20.11.2012; 21.11.2012 is kept), a date in 2099, exclusion before inclusion, blank and whitespace "
     "names, a duplicate registry number with another name (both rows rejected), a short row (too few fields)",
     1, csv_bytes(_rows), rows_in=15, accepted=3,
     rejects=[(4, "rejected", "used by rows 4, 15"), (5, "rejected", "impossible calendar date"), (6, "rejected", "impossible calendar date"),
              (7, "rejected", "two-digit year"), (8, "rejected", "serial"),
              (9, "rejected", "before the registry existed"), (11, "rejected", "after the snapshot date"),
              (12, "rejected", "exclusion before inclusion"), (13, "rejected", "blank name"),
              (14, "rejected", "blank name"), (15, "rejected", "used by rows 4, 15"),
              (16, "rejected", "inclusion date missing|fields|columns")])
_trunc = csv_bytes(_good_csv)
_cut = _trunc.rindex(b"\n3,") + 1 + len("3,Выми".encode())
case("fa_csv_truncated.csv", SRC, "corrupt", "file cut off in the middle of the last record (after '3,Выми')",
     1, _trunc[:_cut], rows_in=3, accepted=2, rejects=[(4, "rejected", "cut short")])
case("fa_csv_truncated_mid_character.csv", SRC, "corrupt",
     "file cut off inside a two-byte UTF-8 character of the last record: still UTF-8 (valid characters "
     "outnumber the bad byte), so only the cut record is rejected", 1, _trunc[:_cut + 1], rows_in=3, accepted=2,
     rejects=[(4, "rejected", "not valid text|cut short")])
# Same damage in a file whose every byte happens to be defined in Windows-1251 (no capital И,
# whose UTF-8 form contains 0x98): re-reading it as Windows-1251 would garble every name.
_mini_header = ["№ п/п", "Полное наименование", "Основания включения", "Дата принятия решения о включении",
                "Дата принятия решения об исключении"]
_mini = csv_bytes([_mini_header,
                   ["1", "Условная организация «Альфа»", BASIS_7FZ, "27.06.2013", "05.07.2015"],
                   ["2", "Образцов Условный Тестович", BASIS_255_7, "15.03.2023", ""],
                   ["3", "Вымышленное издание «Бета»", BASIS_MEDIA, "05.12.2017", ""]])
assert b"\x98" not in _mini
_cut2 = _mini.rindex(b"\n3,") + 1 + len("3,Выми".encode()) + 1
case("fa_csv_truncated_mid_character_1251_valid.csv", SRC, "encoding",
     "UTF-8 file cut off inside a two-byte character, every byte valid in Windows-1251: must not be "
     "read as Windows-1251 with garbled names; read as UTF-8, only the cut record is rejected", 1,
     _mini[:_cut2], rows_in=3, accepted=2, rejects=[(4, "rejected", "not valid text|cut short")])
case("fa_csv_unterminated_quote.csv", SRC, "corrupt",
     "last record opens a quote that never closes (the rest of the file is one cell)", 1,
     csv_bytes(_good_csv) + "4,\"Условная организация «Ро»,,,,,,,,,Статья 7,10.03.2023,\n".encode(),
     rows_in=4, accepted=3, rejects=[(5, "rejected", "missing|fields|columns")])

# -------------------------------------------------------------------------- foreign agents PDF JSON

SRC = "foreign_agents_pdf_json"


def pdf_obj(i, name, law, inc, out="", *, person=False):
    return {"id": str(i), "fullName": name, "dob": FAKE_DOB if person else "",
            "ogrn": "" if person else FAKE_OGRN, "inn": FAKE_INN, "regNum": "" if person else FAKE_REGNUM,
            "snils": FAKE_SNILS if person else "", "address": FAKE_ADDRESS, "resources": "", "members": "",
            "law": law, "dateIn": inc, "datePubl": "", "dateOut": out}


_good_pdf = [pdf_obj(1, "Условная организация «Альфа»", BASIS_7FZ.replace("№", "No"), "27.06.2013", "05.07.2015"),
             pdf_obj(2, "Образцов  Условный Тестович", BASIS_255_7, "15.03.2023", " ", person=True),
             pdf_obj(3, "Вымышленное издание «Бета»", BASIS_MEDIA, "05.12.2017")]
case("fa_pdf_json_valid.json", SRC, "control", "three objects; one dateOut is a single space (empty)", 0,
     json_bytes(_good_pdf), rows_in=3, accepted=3)
case("fa_pdf_json_bom.json", SRC, "encoding", "UTF-8 with a byte-order mark", 0,
     b"\xef\xbb\xbf" + json_bytes(_good_pdf), rows_in=3, accepted=3)
case("fa_pdf_json_cp1251.json", SRC, "encoding", "Windows-1251 text (JSON must be UTF-8)", 2,
     json.dumps(_good_pdf, ensure_ascii=False).encode("cp1251"), message=r"utf-8|encoding")
case("fa_pdf_json_empty.json", SRC, "empty", "zero-byte file", 2, b"", message=r"empty")
case("fa_pdf_json_empty_array.json", SRC, "empty", "an empty JSON array", 2, b"[]\n",
     message=r"no entries|empty")
case("fa_pdf_json_html.json", SRC, "html", "HTML error page saved under a .json name", 2, HTML_PAGE,
     message=r"html")
_full = json_bytes(_good_pdf)
case("fa_pdf_json_truncated.json", SRC, "json", "array cut off in the middle of the second object", 2,
     _full[: len(_full) // 2], message=r"truncated|corrupt|not valid json")
case("fa_pdf_json_object.json", SRC, "json", "a JSON object where an array is expected", 2,
     json_bytes({"data": _good_pdf}), message=r"expected .*array|an object")
case("fa_pdf_json_strings.json", SRC, "json", "an array of strings, no objects", 2,
     json_bytes(["Условная организация", "Другая"]), message=r"no element is an object|array of objects")
case("fa_pdf_json_renamed_key.json", SRC, "layout", "'dateIn' renamed to 'date_in' in every object", 2,
     json_bytes([{("date_in" if k == "dateIn" else k): v for k, v in o.items()} for o in _good_pdf]),
     message=r"missing|renamed", message_column="dateIn")
_rows = list(_good_pdf) + [
    "строка вместо объекта",
    {k: v for k, v in pdf_obj(5, "Условная организация «Дельта»", BASIS_255_7, "10.03.2023").items()
     if k != "dateIn"},
    pdf_obj(6, "Условная организация «Эпсилон»", BASIS_255_7, 20230310),
    pdf_obj(7, "Условная организация «Дзета»", BASIS_255_7, ["10.03.2023"]),
    pdf_obj(8, "Условная организация «Эта»", BASIS_255_7, None),
    pdf_obj(9, ["Условная", "организация"], BASIS_255_7, "10.03.2023"),
    pdf_obj(10, None, BASIS_255_7, "10.03.2023"),
    pdf_obj(11, "Условная организация «Тета»", BASIS_255_7, "10.03.2023", {"date": "11.03.2023"}),
    dict(pdf_obj(12, "Условная организация «Йота»", BASIS_255_7, "10.03.2023"), id=12.5),
    dict(pdf_obj(13, "Условная организация «Каппа»", BASIS_255_7, "10.03.2023"), id=True),
    dict(pdf_obj(14, "Условная организация «Лямбда»", BASIS_255_7, "10.03.2023"), id=14),
    dict(pdf_obj(15, "Условная организация «Мю»", 7, "10.03.2023")),
    None,
    pdf_obj(16, "Условная организация «Ню»", BASIS_255_7, "31.06.2024"),
    pdf_obj(17, "Условная организация «Кси»", BASIS_255_7, "10.03.2023", "01.01.2100"),
]
case("fa_pdf_json_wrong_types.json", SRC, "types",
     "a string element, a missing dateIn, dateIn as number / list / null, name as list / null, dateOut as "
     "object, id as fraction / boolean, id as integer (kept), law as number (kept, unknown basis), a null "
     "element, 31.06, exclusion in 2100", 1, json_bytes(_rows), rows_in=18, accepted=5,
     rejects=[(4, "rejected", "not an object"), (5, "rejected", "missing"), (6, "rejected", "date"),
              (7, "rejected", "date"), (8, "rejected", "inclusion date missing"), (9, "rejected", "name"),
              (10, "rejected", "blank name"), (11, "rejected", "date"), (12, "rejected", "whole number"),
              (13, "rejected", "whole number"), (16, "rejected", "not an object"),
              (17, "rejected", "impossible calendar date"), (18, "rejected", "after the snapshot date")])
_rows = list(_good_pdf) + [
    pdf_obj(2, "Образцов Условный Тестович", BASIS_255_7, "15.03.2023", "", person=True),  # same content
    pdf_obj(3, "Вымышленное издание «Гамма»", BASIS_MEDIA, "05.12.2017"),       # other name
    pdf_obj(1, "Условная организация «Альфа»", BASIS_7FZ, "27.06.2013", "05.07.2016"),  # other exclusion
]
case("fa_pdf_json_duplicate_ids.json", SRC, "duplicates",
     "id 2 repeated with whitespace-only differences (skipped), id 3 with another name and id 1 with "
     "another exclusion date (every row with those numbers rejected: nothing tells which is the registry's)",
     1, json_bytes(_rows), rows_in=6, accepted=1,
     rejects=[(1, "rejected", "used by rows 1, 6"), (3, "rejected", "used by rows 3, 5"),
              (4, "skipped", "repeats row 2"), (5, "rejected", "used by rows 3, 5"),
              (6, "rejected", "used by rows 1, 6")])
case("fa_pdf_json_long_cells.json", SRC, "long", "a 100 000-character name (kept) and a 100 000-character "
     "dateIn (rejected)", 1,
     json_bytes(list(_good_pdf) + [pdf_obj(4, "Условное имя " * 7700, BASIS_255_7, "10.03.2023"),
                                   pdf_obj(5, "Условная организация", BASIS_255_7, "1" * 100000)]),
     rows_in=5, accepted=4, rejects=[(5, "rejected", "date")])
case("fa_pdf_json_nested.json", SRC, "json", "arrays nested 5 000 deep", 2, b"[" * 5000 + b"]" * 5000,
     message=r"nested|json|array")

# -------------------------------------------------------------------------- foreign agents REST JSON

SRC = "foreign_agents_rest_json"


def rest_obj(name, inc, out=None, person=0):
    o = {"name": name, "type": "inoagent", "aliases": [], "is_person": person, "dateIn": inc}
    if out is not None:
        o["dateOut"] = out
    return o


_good_rest = [rest_obj("Условная организация «Альфа»", "27.06.2013", "05.07.2015"),
              rest_obj("Образцов Условный Тестович", "15.03.2023", person=1),
              rest_obj("Вымышленное издание «Бета»", "05.12.2017", person=False)]
case("fa_rest_json_valid.json", SRC, "control", "three objects", 0, json_bytes(_good_rest), rows_in=3, accepted=3)
case("fa_rest_json_html.json", SRC, "html", "HTML page under a .json name", 2, HTML_LOGIN, message=r"html")
case("fa_rest_json_truncated.json", SRC, "json", "cut off after the first object", 2,
     json_bytes(_good_rest)[:150], message=r"truncated|corrupt|not valid json")
case("fa_rest_json_not_list.json", SRC, "json", "a bare string", 2, b'"registry"\n',
     message=r"expected .*array|a string")
case("fa_rest_json_missing_key.json", SRC, "layout", "no object has 'is_person'", 2,
     json_bytes([{k: v for k, v in o.items() if k != "is_person"} for o in _good_rest]),
     message=r"missing|renamed", message_column="is_person")
_rows = list(_good_rest) + [
    rest_obj("Условная организация «Дельта»", "31.02.2023"),
    rest_obj("Условная организация «Эпсилон»", "10.13.2023"),
    rest_obj("Условная организация «Дзета»", "10.03.23"),
    rest_obj("Условная организация «Эта»", 45000),
    rest_obj("Условная организация «Тета»", "01.06.2012"),
    rest_obj("Условная организация «Йота»", "01.01.2099"),
    rest_obj("Условная организация «Каппа»", "10.03.2023", "01.03.2023"),
    rest_obj("Условная организация «Лямбда»", "10.03.2023", person="да"),
    rest_obj("Условная организация «Мю»", "10.03.2023", person=None),
    rest_obj("Условная организация «Ню»", "10.03.2023", person=2),
    rest_obj("\u00a0 ", "10.03.2023"),
    rest_obj(42, "10.03.2023"),
    rest_obj("Условная организация «Кси»", "  "),
    rest_obj("Условная организация «Омикрон»", "10.03.2023", person=1.0),
    rest_obj("Условная организация «Пи»", "10.03.2023", out=""),
    rest_obj("Условная организация «Альфа»", "01.09.2016"),
]
case("fa_rest_json_bad_rows.json", SRC, "dates",
     "31.02, month 13, two-digit year, Excel serial, before the registry existed, 2099, exclusion before "
     "inclusion, is_person 'да' / null / 2 / 1.0, blank and numeric name, blank dateIn; an empty dateOut and "
     "a re-used name with another date are kept (the pull has no registry numbers)", 1, json_bytes(_rows),
     rows_in=19, accepted=5,
     rejects=[(4, "rejected", "impossible calendar date"), (5, "rejected", "impossible calendar date"),
              (6, "rejected", "two-digit year"), (7, "rejected", "serial"),
              (8, "rejected", "before the registry existed"), (9, "rejected", "after the snapshot date"),
              (10, "rejected", "exclusion before inclusion"), (11, "rejected", "is_person"),
              (12, "rejected", "is_person"), (13, "rejected", "is_person"), (14, "rejected", "blank name"),
              (15, "rejected", "name is not text"), (16, "rejected", "inclusion date missing"),
              (17, "rejected", "is_person")])

# -------------------------------------------------------------------------- ministry paged REST response

SRC = "minjust_rest_values"


def mj_val(i, name, inc, out="", typ="Юридические лица", basis=BASIS_255_7):
    return {"field_1_i": i, "field_2_s": name, "field_3_s": basis, "field_4_s": inc, "field_5_s": out,
            "field_6_s": "https://example.invalid", "field_7_s": typ, "field_8_s": FAKE_REGNUM,
            "field_9_s": FAKE_INN}


_good_mj = [mj_val(1, "Условная организация «Альфа»", "27.06.2013", "05.07.2015", basis=BASIS_7FZ),
            mj_val(2, "Образцов Условный Тестович", "15.03.2023", typ="Физические лица"),
            mj_val(3, "Вымышленное издание «Бета»", "05.12.2017", basis=BASIS_MEDIA)]
case("mj_values_valid.json", SRC, "control", "a page of three values", 0,
     json_bytes({"size": 3, "values": _good_mj}), rows_in=3, accepted=3)
case("mj_values_list.json", SRC, "json", "a bare array instead of {size, values}", 2, json_bytes(_good_mj),
     message=r"values|expected|object")
case("mj_values_no_values.json", SRC, "json", "an object without 'values'", 2,
     json_bytes({"size": 0, "items": []}), message=r"values")
case("mj_values_values_not_list.json", SRC, "json", "'values' is an object", 2,
     json_bytes({"size": 1, "values": {"field_1_i": 1}}), message=r"values|array|list")
case("mj_values_html.json", SRC, "html", "HTML page under a .json name", 2, HTML_PAGE, message=r"html")
case("mj_values_truncated.json", SRC, "json", "response cut off", 2,
     json_bytes({"size": 3, "values": _good_mj})[:300], message=r"truncated|corrupt|not valid json")
case("mj_values_renamed_field.json", SRC, "layout", "inclusion-date field renamed (field_4_s → field_4_d)", 2,
     json_bytes({"size": 3, "values": [{("field_4_d" if k == "field_4_s" else k): v for k, v in o.items()}
                                       for o in _good_mj]}), message=r"missing|renamed|field_4_s",
     message_column="field_4_s")
_rows = list(_good_mj) + [
    mj_val(4, "Условная организация «Дельта»", "31.02.2023"),
    mj_val("пять", "Условная организация «Эпсилон»", "10.03.2023"),
    mj_val(6, "", "10.03.2023"),
    mj_val(7, "Условная организация «Дзета»", "10.03.2023", "09.03.2023"),
    mj_val(2, "Совсем Другое Имя", "15.03.2023", typ="Физические лица"),
    mj_val(8, "Условная организация «Эта»", "01.01.2099"),
]
case("mj_values_bad_rows.json", SRC, "dates",
     "31.02, non-numeric row number, blank name, exclusion before inclusion, duplicate row number with "
     "another name (both rows rejected), a date in 2099", 1, json_bytes({"size": 9, "values": _rows}),
     rows_in=9, accepted=2,
     rejects=[(2, "rejected", "used by rows 2, 8"), (4, "rejected", "impossible calendar date"), (5, "rejected", "whole number"),
              (6, "rejected", "blank name"), (7, "rejected", "exclusion before inclusion"),
              (8, "rejected", "used by rows 2, 8"), (9, "rejected", "after the snapshot date")])

# -------------------------------------------------------------------------- undesirable REST JSON

SRC = "undesirable_rest_json"


def uo_obj(name, inc):
    return {"name": name, "type": "undesirable", "aliases": [], "is_person": False, "dateIn": inc}


_good_uo = [uo_obj("«Условный фонд поддержки» (Fictional Support Fund)", "29.07.2015"),
            uo_obj("Вымышленный институт (Imaginary Institute) (Условия)", "03.06.2020"),
            uo_obj("Образцовая ассоциация (Sample Association)", "12.04.2024")]
case("uo_rest_json_valid.json", SRC, "control", "three objects", 0, json_bytes(_good_uo), rows_in=3, accepted=3)
case("uo_rest_json_empty.json", SRC, "empty", "zero-byte file", 2, b"", message=r"empty")
case("uo_rest_json_html.json", SRC, "html", "HTML page under a .json name", 2, HTML_PAGE, message=r"html")
case("uo_rest_json_truncated.json", SRC, "json", "cut off inside a string", 2, json_bytes(_good_uo)[:120],
     message=r"truncated|corrupt|not valid json")
case("uo_rest_json_object.json", SRC, "json", "an object, not an array", 2, json_bytes({"items": _good_uo}),
     message=r"expected .*array|an object")
case("uo_rest_json_cp1251.json", SRC, "encoding", "Windows-1251 text", 2,
     json.dumps(_good_uo, ensure_ascii=False).encode("cp1251"), message=r"utf-8|encoding")
case("uo_rest_json_renamed_key.json", SRC, "layout", "'name' renamed to 'title' everywhere", 2,
     json_bytes([{("title" if k == "name" else k): v for k, v in o.items()} for o in _good_uo]),
     message=r"missing|renamed", message_column="name")
_rows = list(_good_uo) + [
    uo_obj("Условная организация «Дельта»", "30.02.2024"),
    uo_obj("Условная организация «Эпсилон»", "01.06.2015"),
    uo_obj("Условная организация «Дзета»", "01.01.2099"),
    uo_obj("", "10.03.2023"),
    uo_obj("Условная организация «Эта»", None),
    uo_obj("Условная организация «Тета»", 45123),
    uo_obj("Условная организация «Йота»", "1.1.24"),
    "не объект",
]
case("uo_rest_json_bad_rows.json", SRC, "dates",
     "30.02, 01.06.2015 (before 129-FZ was in force on 03.06.2015), 2099, blank name, null and numeric "
     "dateIn, short date, a non-object element", 1, json_bytes(_rows), rows_in=11, accepted=3,
     rejects=[(4, "rejected", "impossible calendar date"), (5, "rejected", "before the registry existed"),
              (6, "rejected", "after the snapshot date"), (7, "rejected", "blank name"),
              (8, "rejected", "inclusion date missing"), (9, "rejected", "serial"),
              (10, "rejected", "date"), (11, "rejected", "not an object")])

# -------------------------------------------------------------------------- undesirable scrape JSON

SRC = "undesirable_scrape_json"


def uos_obj(i, name, minjust, genproc, inc):
    return {"id": str(i), "fullName": name, "decisionInMinjust": minjust, "decisionInGenproc": genproc,
            "decisionOutMinjust": "\u00a0", "decisionOutGenproc": "\u00a0", "dateIn": inc, "dateOut": ""}


_good_uos = [uos_obj(1, "«Условный фонд поддержки» (Fictional Support Fund)", "№ 1001-р от 29.07.2015",
                     "№1 от 28.07.2015", "29.07.2015"),
             uos_obj(2, "Вымышленный институт (Imaginary Institute), Условия", "№ 1002-р от 03.06.2020\u00a0",
                     "20.05.2020", "03.06.2020"),
             uos_obj(3, "Образцовая ассоциация (Sample Association)", "№ 1003-р от 12.04.2024",
                     "№ 3 от 01.04.2024", "12.04.2024")]
case("uo_scrape_json_valid.json", SRC, "control", "three objects", 0, json_bytes(_good_uos), rows_in=3,
     accepted=3)
case("uo_scrape_json_html.json", SRC, "html", "HTML page under a .json name", 2, HTML_PAGE, message=r"html")
case("uo_scrape_json_truncated.json", SRC, "json", "cut off", 2, json_bytes(_good_uos)[:400],
     message=r"truncated|corrupt|not valid json")
case("uo_scrape_json_missing_key.json", SRC, "layout", "'fullName' missing everywhere", 2,
     json_bytes([{k: v for k, v in o.items() if k != "fullName"} for o in _good_uos]),
     message=r"missing|renamed", message_column="fullName")
_rows = list(_good_uos) + [
    uos_obj(4, "Условная организация «Дельта»", "№ 1004-р от 31.02.2023", "01.02.2023", "31.02.2023"),
    uos_obj(5, "Условная организация «Эпсилон»", "№ 1005-р от 10.03.2023", "20.03.2023", "10.03.2023"),
    uos_obj(6, "Условная организация «Дзета»", "№ 1006-р от 01.01.2099", "01.03.2023", "01.01.2099"),
    uos_obj(2, "Другая условная организация", "№ 1007-р от 03.06.2020", "20.05.2020", "03.06.2020"),
    uos_obj(7, "\u00a0", "№ 1008-р от 10.03.2023", "01.03.2023", "10.03.2023"),
    uos_obj(8, "Условная организация «Эта»", "№ 1009-р\u00a0", "01.03.2023", "\u00a0"),
]
case("uo_scrape_json_bad_rows.json", SRC, "dates",
     "31.02, a Prosecutor-General decision after the listing, 2099, a duplicate number with another name, "
     "an NBSP-only name, an NBSP-only dateIn (both rows with the duplicate number rejected)", 1,
     json_bytes(_rows), rows_in=9, accepted=2,
     rejects=[(2, "rejected", "used by rows 2, 7"), (4, "rejected", "impossible calendar date"),
              (5, "rejected", "decision after the listing"),
              (6, "rejected", "after the snapshot date"), (7, "rejected", "used by rows 2, 7"),
              (8, "rejected", "blank name"), (9, "rejected", "missing|not a DD.MM.YYYY date")])

# -------------------------------------------------------------------------- court forms (.xls)

for SRC, stem in (("cdep_form10a", "cdep_10a"), ("cdep_form10_3", "cdep_10_3")):
    case(f"{stem}_empty.xls", SRC, "empty", "zero-byte file", 2, b"", message=r"empty")
    case(f"{stem}_html.xls", SRC, "html", "HTML error page saved under an .xls name", 2, HTML_PAGE,
         message=r"html")
    case(f"{stem}_zip.xls", SRC, "zip", "a zip archive that is not a workbook, under an .xls name", 2,
         zip_bytes({"report.txt": b"not a workbook\n"}), message=r"zip|xlsx|not .*xls")
    case(f"{stem}_xlsx_bytes.xls", SRC, "zip", "an XLSX workbook saved under an .xls name", 2, valid_xlsx,
         message=r"zip|xlsx|not .*xls")
    case(f"{stem}_junk.xls", SRC, "corrupt", "pseudo-random bytes", 2, pseudo_random_bytes(2048, seed=3),
         message=r"not .*readable|xls|workbook")
    case(f"{stem}_ole_truncated.xls", SRC, "corrupt", "an OLE2 header followed by junk (truncated workbook)", 2,
         OLE_MAGIC + pseudo_random_bytes(1528, seed=11), message=r"not .*readable|xls|workbook|corrupt")
    case(f"{stem}_text.xls", SRC, "corrupt", "a UTF-8 text table saved under an .xls name", 2,
         "Статья,Осуждено\n280 ч. 1,10\n".encode(), message=r"not .*readable|xls|workbook")

# -------------------------------------------------------------------------- published figures CSV

SRC = "published_convictions_csv"


def pub_row(article, code, start, end, measure, value):
    return [article, code, start, end, measure, value, "Условный источник", "https://example.invalid/page",
            "условная цитата", "web page"]


_good_pub = [PUBLISHED_HEADER,
             pub_row("280.3", "UK", "2023-01-01", "2023-12-31", "convicted_main_charge", "100"),
             pub_row("207.3", "UK", "2023-01-01", "2023-12-31", "convicted_main_charge", "50"),
             pub_row("20.3.3", "KoAP", "2023-01-01", "2023-06-30", "persons_punished", "1000")]
case("pub_csv_valid.csv", SRC, "control", "three figures", 0, csv_bytes(_good_pub), rows_in=3, accepted=3)
case("pub_csv_empty.csv", SRC, "empty", "zero-byte file", 2, b"", message=r"empty")
case("pub_csv_html.csv", SRC, "html", "HTML page under a .csv name", 2, HTML_PAGE, message=r"html")
case("pub_csv_missing_column.csv", SRC, "layout", "the 'value' column is missing", 2,
     csv_bytes([r[:5] + r[6:] for r in _good_pub]), message=r"value|missing|column")
case("pub_csv_bom_crlf.csv", SRC, "encoding", "UTF-8 BOM and Windows line endings", 0,
     b"\xef\xbb\xbf" + csv_bytes(_good_pub).replace(b"\n", b"\r\n"), rows_in=3, accepted=3)
_rows = _good_pub + [
    pub_row("280.3", "UK", "2023-01-01", "2023-12-31", "convicted_main_charge", "сто"),
    pub_row("280.3", "UK", "2023-01-01", "2023-12-31", "convicted_main_charge", "-5"),
    pub_row("280.3", "UK", "2023-02-30", "2023-12-31", "convicted_main_charge", "5"),
    pub_row("280.3", "UK", "2023-12-31", "2023-01-01", "convicted_main_charge", "5"),
    pub_row("280.3", "UK", "2023-01-01", "2023-12-31", "convicted_main_charge", ""),
    pub_row("280.3", "UK", "2023-01-01", "2023-12-31", "convicted_main_charge", "12.5"),
]
case("pub_csv_bad_rows.csv", SRC, "types",
     "a value in words, a negative value, 30 February, a period that ends before it starts, an empty value, "
     "a fractional count", 1, csv_bytes(_rows), rows_in=9, accepted=3,
     rejects=[(5, "rejected", ""), (6, "rejected", ""), (7, "rejected", ""), (8, "rejected", ""),
              (9, "rejected", ""), (10, "rejected", "")])


# -------------------------------------------------------------------------- write


# -------------------------------------------------------------------------- vintage loaders

case("minjust_pdf_html.pdf", "minjust_pdf", "html", "HTML error page saved under a .pdf name", 2, HTML_PAGE,
     message=r"html")
case("minjust_pdf_empty.pdf", "minjust_pdf", "empty", "zero-byte file", 2, b"", message=r"empty")
case("minjust_pdf_broken.pdf", "minjust_pdf", "corrupt", "a PDF header and nothing else", 2, b"%PDF-1.4\n%%EOF\n",
     message=r"not a readable PDF|no page has a table")
case("fz255_fa_html.json", "fz255_foreign_agents", "html", "HTML error page saved under a .json name", 2,
     HTML_PAGE, message=r"html")
case("fz255_fa_truncated.json", "fz255_foreign_agents", "json", "array cut off in the middle", 2,
     _full[: len(_full) // 2], message=r"truncated|corrupt|not valid json")
case("fz255_uo_empty.json", "fz255_undesirable", "empty", "zero-byte file", 2, b"", message=r"empty")
case("rest_vintage_object.json", "minjust_rest_vintage", "layout", "a JSON object that is not a stored vintage", 2,
     json_bytes({"size": 1, "values": []}), message=r"not a vintage written by")
case("rest_vintage_html.json", "minjust_rest_vintage", "html", "HTML error page saved under a .json name", 2,
     HTML_PAGE, message=r"html")


def write_corpus(out: Path = OUT) -> list[Case]:
    """Write every case and ``MANIFEST.csv`` into ``out`` (replacing what is there)."""
    names = [c.file for c in CASES]
    assert len(names) == len(set(names)), "duplicate case file name"
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for c in CASES:
        (out / c.file).write_bytes(c.data)
    with open(out / "MANIFEST.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["file", "source", "category", "problem", "expected_exit", "rows_in", "accepted", "rejects",
                    "message", "message_row", "message_column"])
        for c in sorted(CASES, key=lambda c: c.file):
            w.writerow([c.file, c.source, c.category, c.problem, c.expected_exit,
                        "" if c.rows_in is None else c.rows_in, "" if c.accepted is None else c.accepted,
                        json.dumps([list(r) for r in c.rejects], ensure_ascii=False) if c.rejects else "",
                        c.message,
                        "" if c.message_row is None else c.message_row, c.message_column or ""])
    return CASES


if __name__ == "__main__":
    cases = write_corpus()
    by_cat: dict[str, int] = {}
    for c in cases:
        by_cat[c.category] = by_cat.get(c.category, 0) + 1
    print(f"wrote {len(cases)} cases to {OUT}: " + ", ".join(f"{k} {v}" for k, v in sorted(by_cat.items())))
