"""Foreign-agent loaders: known answers on the real files, and every kind of bad input.

Real-file figures are the ones stated in each folder's PROVENANCE.md of the data
mirror (counted independently of this package).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from analysis.errors import AnalysisWarning, InputError
from analysis.schemas import EventSchema, RejectSchema
from analysis.sources.foreign_agents import (
    load_foreign_agents_csv,
    load_foreign_agents_pdf_json,
    load_foreign_agents_rest_json,
    load_foreign_agents_xlsx,
)

EXPORT = "neuron_nexus_inoagents/export.xlsx"
REST = "chekazoid_legal_entity_marks/foreign-agents-raw.json"
FZ255 = "fz255_foreign_agents/registry.json"
INOAGENT_INFO = "inoagent_info/registry.json"
THEOTHEO = "theotheo_foreign_agents/the-registry.csv"


def _years(frame: pd.DataFrame, column: str = "included_on") -> dict[int, int]:
    return {int(k): int(v) for k, v in frame[column].dt.year.value_counts().sort_index().items()}


def _check(result):
    EventSchema.validate(result.frame)
    RejectSchema.validate(result.rejects)
    result.check_accounting()


def _identifier_values(mirror: Path, relpath: str) -> set[str]:
    """Every filled identifier cell of a raw file (INN, SNILS, OGRN, registration number, birth date).

    A few foreign organisations carry their company registration number inside
    their official name (``SIA «Medusa Project» (регистрационный номер …)``); such
    a value is part of the name the registry publishes, not a personal
    identifier, and is left out of the check.
    """
    p = mirror / relpath
    pairs: list[tuple[str, list]] = []  # (name, identifier cells) per row
    if p.suffix == ".xlsx":
        wb = openpyxl.load_workbook(p, read_only=True, data_only=True)
        ws = wb.worksheets[0]
        ws.reset_dimensions()
        rows = list(ws.iter_rows(values_only=True))
        wb.close()
        header = list(rows[2])
        idx = [header.index(h) for h in ("Регистрационный номер", "ИНН", "ОГРН", "СНИЛС", "Дата рождения")]
        pairs = [(str(r[1]), [r[i] for i in idx]) for r in rows[3:]]
    elif p.suffix == ".json":
        pairs = [(rec["fullName"], [rec.get(k) for k in ("inn", "snils", "ogrn", "regNum", "dob")])
                 for rec in json.loads(p.read_text(encoding="utf-8"))]
    else:
        with p.open(encoding="utf-8", newline="") as f:
            pairs = [(rec["Полное наименование/ФИО"],
                      [rec[k] for k in ("ИНН", "СНИЛС", "ОГРН", "Регистрационный номер", "Дата рождения")])
                     for rec in csv.DictReader(f)]
    values: set[str] = set()
    for name, cells in pairs:
        for c in cells:
            v = str(c).strip() if c is not None else ""
            if len(v) >= 5 and v not in name:
                values.add(v)
    return values


def _assert_no_identifiers(result, identifiers: set[str]):
    assert list(result.frame.columns) == list(EventSchema.to_schema().columns)
    blob = result.frame.to_csv() + result.rejects.to_csv() + json.dumps(result.meta, ensure_ascii=False)
    leaked = [v for v in identifiers if v in blob]
    assert not leaked, f"{len(leaked)} identifier values appear in the output"


# ---------------------------------------------------------------------------
# Real files (one load per module)
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def export(mirror):
    return load_foreign_agents_xlsx(mirror / EXPORT)


@pytest.fixture(scope="module")
def rest(mirror):
    return load_foreign_agents_rest_json(mirror / REST)


@pytest.fixture(scope="module")
def fz255(mirror):
    return load_foreign_agents_pdf_json(mirror / FZ255)


@pytest.fixture(scope="module")
def inoagent_info(mirror):
    return load_foreign_agents_pdf_json(mirror / INOAGENT_INFO)


@pytest.fixture(scope="module")
def theotheo(mirror):
    return load_foreign_agents_csv(mirror / THEOTHEO)


def test_export_rows_all_accepted(export):
    _check(export)
    assert (export.rows_in, export.accepted, export.rejected) == (1050, 1050, 0)
    assert export.meta["header_row"] == 3
    assert export.meta["snapshot_date"] == "2025-08-15"
    assert export.frame["source_row"].min() == 4 and export.frame["source_row"].max() == 1053
    assert sorted(export.frame["entry_id"]) == list(range(1, 1051))
    # the file is newest first: registry number 1050 is on spreadsheet row 4
    first = export.frame.iloc[0]
    assert (first["entry_id"], first["source_row"]) == (1050, 4)


def test_export_years_and_exclusions(export):
    assert _years(export.frame) == {2013: 1, 2014: 29, 2015: 81, 2016: 43, 2017: 25, 2018: 7, 2019: 14,
                                    2020: 17, 2021: 110, 2022: 188, 2023: 227, 2024: 164, 2025: 144}
    assert export.frame["excluded_on"].notna().sum() == 232
    assert _years(export.frame.dropna(subset=["excluded_on"]), "excluded_on") == {
        2015: 21, 2016: 30, 2017: 34, 2018: 20, 2019: 11, 2020: 9, 2021: 12, 2022: 31, 2023: 25,
        2024: 27, 2025: 12}
    f = export.frame
    assert f["included_on"].min() == pd.Timestamp("2013-06-27")
    assert f["included_on"].max() == pd.Timestamp("2025-08-15")
    months_2024 = f[f["included_on"].dt.year == 2024]["included_on"].dt.month.value_counts().sort_index()
    assert months_2024.tolist() == [15, 12, 21, 11, 8, 17, 14, 10, 16, 15, 11, 14]
    assert ((f["included_on"].dt.year == 2022) & (f["included_on"].dt.month == 8)).sum() == 0


def test_export_categories_and_kinds(export):
    f = export.frame
    assert f["category"].value_counts().to_dict() == {
        "individual": 648, "legal_entity": 297, "unregistered_association": 75 + 19,
        "unknown": 8, "foreign_structure": 3}
    assert sorted(f.loc[f["category"] == "unknown", "entry_id"]) == list(range(167, 175))
    assert (f.loc[f["category"] == "unknown", "included_on"] == pd.Timestamp("2017-12-05")).all()
    assert f["kind"].value_counts().to_dict() == {"individual": 648, "organisation": 402}


def test_export_legal_bases(export):
    assert export.frame["legal_basis"].value_counts().to_dict() == {
        "255-FZ art. 7": 540, "7-FZ art. 32": 218, "2124-1 art. 6": 175, "272-FZ art. 2.1": 62,
        "2124-1 art. 25.1": 27, "255-FZ art. 9": 17, "82-FZ art. 29.1": 11}
    in_2024 = export.frame[export.frame["included_on"].dt.year == 2024]
    assert in_2024["legal_basis"].value_counts().to_dict() == {"255-FZ art. 7": 158, "255-FZ art. 9": 6}


def test_export_names_are_whitespace_normalised_and_reinclusions_kept(export):
    names = export.frame["name"]
    assert not names.str.contains("\u00a0|  |^ | $", regex=True).any()
    assert (names.value_counts() == 2).sum() == 5
    kovin = export.frame[names == "Ковин Виталий Сергеевич"].set_index("entry_id")
    assert kovin.loc[273, "excluded_on"] == pd.Timestamp("2022-10-05")
    assert kovin.loc[490, "included_on"] == pd.Timestamp("2022-11-25")


def test_rest_json(rest):
    _check(rest)
    assert (rest.rows_in, rest.accepted, rest.rejected) == (1226, 1226, 0)
    assert rest.frame["entry_id"].isna().all()
    assert _years(rest.frame) == {2013: 1, 2014: 29, 2015: 81, 2016: 43, 2017: 25, 2018: 7, 2019: 13,
                                  2020: 17, 2021: 110, 2022: 186, 2023: 226, 2024: 163, 2025: 219,
                                  2026: 106}
    assert rest.frame["excluded_on"].notna().sum() == 251
    assert rest.frame["kind"].value_counts().to_dict() == {"individual": 781, "organisation": 445}
    assert (rest.frame["legal_basis"] == "unknown").all()
    assert rest.frame["source_row"].tolist() == list(range(1, 1227))


def test_inoagent_info(inoagent_info, mirror):
    _check(inoagent_info)
    assert (inoagent_info.rows_in, inoagent_info.accepted, inoagent_info.rejected) == (906, 906, 0)
    assert _years(inoagent_info.frame)[2024] == 164
    assert inoagent_info.frame["excluded_on"].notna().sum() == 220
    ex24 = inoagent_info.frame[inoagent_info.frame["excluded_on"].dt.year == 2024]
    assert len(ex24) == 27
    raw = json.loads((mirror / INOAGENT_INFO).read_text(encoding="utf-8"))
    space_rows = [i + 1 for i, rec in enumerate(raw) if rec["dateOut"] == " "]
    assert len(space_rows) == 1
    row = inoagent_info.frame.set_index("source_row").loc[space_rows[0]]
    assert pd.isna(row["excluded_on"])


def test_fz255(fz255):
    _check(fz255)
    assert (fz255.rows_in, fz255.accepted, fz255.rejected) == (866, 866, 0)
    assert _years(fz255.frame)[2024] == 124
    assert fz255.frame["excluded_on"].notna().sum() == 211
    assert fz255.frame["included_on"].max() == pd.Timestamp("2024-09-25")


def test_theotheo(theotheo):
    _check(theotheo)
    assert (theotheo.rows_in, theotheo.accepted, theotheo.rejected) == (763, 763, 0)
    assert theotheo.meta["encoding"] == "utf-8"
    assert _years(theotheo.frame)[2024] == 21
    assert theotheo.frame["excluded_on"].notna().sum() == 194
    # header is CSV row 1, so registry number 1 is row 2
    assert theotheo.frame.iloc[0][["entry_id", "source_row"]].tolist() == [1, 2]


@pytest.mark.parametrize("name", ["fz255", "inoagent_info", "theotheo"])
def test_pdf_snapshots_agree_with_export(name, export, request):
    """Dates, legal bases and the inferred category/kind agree with the export by registry number."""
    snap = request.getfixturevalue(name).frame.set_index("entry_id")
    ref = export.frame.set_index("entry_id").loc[snap.index]
    assert (snap["included_on"] == ref["included_on"]).all()
    assert (snap["legal_basis"] == ref["legal_basis"]).all()
    assert (snap["kind"] == ref["kind"]).all()
    known = snap["category"] != "unknown"
    assert known.mean() > 0.85
    assert (snap.loc[known, "category"] == ref.loc[known, "category"]).all()


@pytest.mark.parametrize("fixture, relpath", [
    ("export", EXPORT), ("fz255", FZ255), ("inoagent_info", INOAGENT_INFO), ("theotheo", THEOTHEO)])
def test_identifiers_never_leave_the_loader(fixture, relpath, mirror, request):
    identifiers = _identifier_values(mirror, relpath)
    assert len(identifiers) > 300  # INN, SNILS, OGRN ... are really in the raw file
    _assert_no_identifiers(request.getfixturevalue(fixture), identifiers)


# ---------------------------------------------------------------------------
# Synthetic files
# ---------------------------------------------------------------------------

HEADER = [
    "№ п/п",
    "Полное наименование (прежнее наименование (в случае его изменения)) / ФИО «Псевдоним» (при наличии) "
    "(прежние ФИО (в случае их изменения))",
    "Основания для включения",
    "Дата принятия Минюстом России решения о включении в реестр",
    "Дата принятия Минюстом России решения об исключении из реестра (при наличии)",
    "Доменное имя информационного ресурса (при наличии)",
    "Тип иностранного агента",
    "Регистрационный номер", "ИНН", "ОГРН", "СНИЛС", "Дата рождения",
    "Полное наименование или ФИО участников",
    "Адрес (место нахождения)",
    "Дата опубликования принятого Минюстом России решения о включении в реестр",
    "Номер специального счета",
    "Наименование и местонахождение уполномоченного банка",
]
B7 = "Статья 7 Федерального закона от 14.07.2022 № 255-ФЗ «О контроле за деятельностью лиц»"
SECRET_INN = "990011223344"
SECRET_SNILS = "000-111-222 33"


def _row(n, name, included, excluded="", kind="Физические лица", inn=SECRET_INN, snils=SECRET_SNILS):
    return [n, name, B7, included, excluded, "", kind, "", inn, "", snils, "01.01.1970", "", "адрес", "", "", ""]


GOOD = [
    _row("5", "Пятый Тест Тестович", "15.08.2025"),
    _row("4", "Проект «Четвёртый»", "08.08.2025", kind="Иные объединения лиц", inn="", snils=""),
    _row("3", "Третий Тест Тестович", "01.03.2024", "07.03.2025"),
    _row("2", "ООО «Второе»", "01.02.2023", kind="Юридические лица", snils=""),
    _row("1", "Первый Тест Тестович", "01.01.2022"),
]


def _write_xlsx(path: Path, rows, *, header=HEADER, title_rows=2, sheet_before=False,
                exported=dt.datetime(2025, 8, 15, 17, 0)) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    if sheet_before:
        ws.title = "Сведения"
        ws.append(["Служебный лист"])
        ws = wb.create_sheet("Лист 1")
    if title_rows >= 1:
        ws.append(["Реестр иностранных агентов"])
    if title_rows >= 2:
        ws.append([exported])
    for _ in range(title_rows - 2):
        ws.append([])
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def test_synthetic_good_workbook(tmp_path):
    res = load_foreign_agents_xlsx(_write_xlsx(tmp_path / "x.xlsx", GOOD))
    _check(res)
    assert (res.rows_in, res.accepted, res.rejected) == (5, 5, 0)
    assert res.frame["source_row"].tolist() == [4, 5, 6, 7, 8]
    assert res.frame["category"].tolist() == [
        "individual", "unregistered_association", "individual", "legal_entity", "individual"]
    _assert_no_identifiers(res, {SECRET_INN, SECRET_SNILS, "01.01.1970"})


def test_header_is_searched_for_not_fixed(tmp_path):
    res = load_foreign_agents_xlsx(_write_xlsx(tmp_path / "x.xlsx", GOOD, title_rows=4, sheet_before=True))
    _check(res)
    assert res.meta["sheet"] == "Лист 1" and res.meta["header_row"] == 5
    assert res.frame["source_row"].tolist() == [6, 7, 8, 9, 10]


def test_columns_found_by_header_text_not_position(tmp_path):
    order = list(reversed(range(len(HEADER))))
    rows = [[r[i] for i in order] for r in GOOD]
    res = load_foreign_agents_xlsx(_write_xlsx(tmp_path / "x.xlsx", rows, header=[HEADER[i] for i in order]))
    _check(res)
    assert res.frame["entry_id"].tolist() == [5, 4, 3, 2, 1]
    assert res.frame["excluded_on"].notna().sum() == 1


BAD_ROWS = [
    (_row("10", "Десятый", "31.02.2024"), 3, "impossible calendar date", "31.02.2024"),
    (_row("11", "Одиннадцатый", "01.02.24"), 3, "two-digit year", "01.02.24"),
    (_row("12", "Двенадцатый", 45519), 3, "Excel serial", "45519"),
    (_row("13", "Тринадцатый", "45519"), 3, "Excel serial", "45519"),
    (_row("14", "Четырнадцатый", "01.03.2024", "01.02.2024"), 4, "exclusion before inclusion", "01.02.2024"),
    (_row("15", "   ", "01.03.2024"), 1, "blank name", "   "),
    (_row("16", None, "01.03.2024"), 1, "blank name", None),
    # a date before the registry existed may be a date of birth in the wrong column: never shown
    (_row("17", "Семнадцатый", "01.03.2012"), 3, "before the registry existed", "<redacted: a date before 21.11.2012>"),
    (_row("18", "Восемнадцатый", "16.08.2025"), 3, "after the snapshot date", "16.08.2025"),
    (_row("19", "Девятнадцатый", ""), 3, "inclusion date missing", None),
    (_row("x20", "Двадцатый", "01.03.2024"), 0, "not a whole number", "x20"),
    # number 3 again, dated out of registry order (before number 2): the genuine row 6 is kept
    (_row("3", "Другой Третий", "01.01.2021"), 0, "already used by row", "3"),
]


def test_bad_rows_are_rejected_with_reason(tmp_path):
    rows = GOOD + [r for r, *_ in BAD_ROWS] + [GOOD[0]]  # last: exact repeat of registry number 5
    res = load_foreign_agents_xlsx(_write_xlsx(tmp_path / "x.xlsx", rows))
    _check(res)
    assert (res.rows_in, res.accepted, res.rejected) == (5 + len(BAD_ROWS) + 1, 5, len(BAD_ROWS) + 1)
    rej = res.rejects.set_index("source_row")
    for k, (_, col, reason, raw) in enumerate(BAD_ROWS):
        r = rej.loc[9 + k]
        assert r["column"] == HEADER[col], (k, r["column"])
        assert reason in r["reason"], (k, r["reason"])
        assert (r["raw_value"] if pd.notna(r["raw_value"]) else None) == raw, k
        assert r["status"] == "rejected"
    dup = rej.loc[9 + len(BAD_ROWS)]
    assert dup["status"] == "skipped" and "repeats row 4" in dup["reason"]
    assert "already used by row 6" in rej.loc[9 + len(BAD_ROWS) - 1, "reason"]
    _assert_no_identifiers(res, {SECRET_INN, SECRET_SNILS, "01.01.1970"})


def test_blank_rows_inside_are_skipped_and_trailing_ignored(tmp_path):
    rows = GOOD[:2] + [[None] * 5] + GOOD[2:] + [[None] * 3, [""] * 4]
    res = load_foreign_agents_xlsx(_write_xlsx(tmp_path / "x.xlsx", rows))
    _check(res)
    assert (res.rows_in, res.accepted, res.rejected) == (6, 5, 1)
    assert res.rejects.iloc[0][["source_row", "status", "reason"]].tolist() == [6, "skipped", "blank row"]


def test_unrecognised_type_is_unknown_with_a_warning(tmp_path):
    rows = [_row("1", "Лицо", "01.03.2024", kind="Прочие субъекты")]
    with pytest.warns(AnalysisWarning, match="1 rows have a category wording"):
        res = load_foreign_agents_xlsx(_write_xlsx(tmp_path / "x.xlsx", rows))
    assert res.frame["category"].tolist() == ["unknown"]
    assert res.frame["kind"].tolist() == ["individual"]  # a date of birth is filled
    assert res.meta["unrecognised_category"] == {"Прочие субъекты": 1}


def test_export_stamp_is_checked_against_the_snapshot_date(tmp_path):
    path = _write_xlsx(tmp_path / "x.xlsx", GOOD)  # stamp 2025-08-15 17:00
    with pytest.raises(InputError, match="export stamp 2025-08-15 17:00 is after the snapshot date 2025-08-10"):
        load_foreign_agents_xlsx(path, snapshot_date=dt.date(2025, 8, 10))
    # a later snapshot date is an upper bound; the stamp stays the latest plausible date
    res = load_foreign_agents_xlsx(_write_xlsx(tmp_path / "y.xlsx", GOOD + [_row("6", "Шестой", "16.08.2025")]),
                                   snapshot_date=dt.date(2025, 9, 1))
    assert res.accepted == 5 and res.meta["snapshot_date"] == "2025-08-15"
    assert "after the snapshot date (15.08.2025)" in res.rejects["reason"].iloc[0]


@pytest.mark.parametrize("missing", [0, 1, 2, 3, 4, 6])
def test_required_column_missing_is_an_input_error(tmp_path, missing):
    header = list(HEADER)
    header[missing] = "Столбец без смысла"
    path = _write_xlsx(tmp_path / "x.xlsx", GOOD, header=header)
    with pytest.raises(InputError) as info:
        load_foreign_agents_xlsx(path)
    assert str(path) in str(info.value)
    if missing in (0, 1, 3):  # the header row itself is not recognisable without these
        assert "no sheet has a header row" in str(info.value)
    else:
        assert "missing from the header row" in str(info.value) and info.value.row == 3


def _bad_file(tmp_path, name, data: bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


def _workbook_bytes(tmp_path) -> bytes:
    return _write_xlsx(tmp_path / "good.xlsx", GOOD).read_bytes()


@pytest.mark.parametrize("case, message", [
    ("empty", "file is empty"),
    ("html", "HTML page"),
    ("xls", "old binary Excel"),
    ("text", "not a zip archive"),
    ("zip", "zip archive but not an XLSX"),
    ("truncated", "corrupt zip"),
    ("no_header", "no sheet has a header row"),
])
def test_unusable_xlsx_is_an_input_error(tmp_path, case, message):
    if case == "empty":
        data = b""
    elif case == "html":
        data = b"<!DOCTYPE html><html><body>503 Service Unavailable</body></html>"
    elif case == "xls":
        data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
    elif case == "text":
        data = "№ п/п;Имя\n1;Тест\n".encode()
    elif case == "zip":
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            zf.writestr("readme.txt", "not a workbook")
        data = buf.getvalue()
    elif case == "truncated":
        data = _workbook_bytes(tmp_path)[:3000]
    else:
        p = tmp_path / "nohdr.xlsx"
        wb = openpyxl.Workbook()
        wb.active.append(["Реестр иностранных агентов"])
        wb.save(p)
        data = p.read_bytes()
    path = _bad_file(tmp_path, "bad.xlsx", data)
    with pytest.raises(InputError) as info:
        load_foreign_agents_xlsx(path)
    assert str(path) in str(info.value)
    assert message in str(info.value)


def test_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        load_foreign_agents_xlsx(tmp_path / "nothing.xlsx")


def test_openpyxl_parses_with_defusedxml():
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML


def test_entity_expansion_is_refused(tmp_path):
    """A sheet with a 'billion laughs' DTD is refused, not expanded."""
    src = zipfile.ZipFile(io.BytesIO(_workbook_bytes(tmp_path)))
    bomb = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(f'<!ENTITY lol{i} "{("&lol%s;" % ("" if i == 1 else i - 1)) * 10}">' for i in range(1, 10))
        + ']>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>'
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = bomb.encode()
            zf.writestr(item, data)
    path = _bad_file(tmp_path, "bomb.xlsx", buf.getvalue())
    with pytest.raises(InputError, match="cannot be read|not a readable"):
        load_foreign_agents_xlsx(path)


# --- CSV ------------------------------------------------------------------

PDF_HEADER = ["№ п/п", "Полное наименование/ФИО", "Дата рождения", "ОГРН", "ИНН", "Регистрационный номер",
              "СНИЛС", "Адрес (место нахождения)", "Информационный ресурс",
              "Полное наименование/ФИО участников", "Основания включения",
              "Дата принятия решения о включении", "Дата принятия решения об исключении"]
PDF_ROWS = [
    ["1", "«Тестовая ассоциация»", "", "9900000000077", "9900000066", "", "", "", "", "",
     "Статья 32 Федерального закона от 12.01.1996 № 7-ФЗ «О некоммерческих организациях»", "27.06.2013",
     "05.07.2023"],
    ["2", "Тестов Тест\nТестович", "02.02.1975", "", SECRET_INN, "", SECRET_SNILS, "", "", "",
     B7, "01.12.2023", ""],
    ["3", "Движение «Проба»", "", "", "", "", "", "", "", "Иванов Иван",
     "Статья 29.1 Федерального закона от 19.05.1995 № 82-ФЗ", "01.06.2021", ""],
    ["4", "Проект «Неясный»", "", "", "", "", "", "", "https://example.org", "", B7, "02.02.2024", ""],
]


def _csv_bytes(rows, *, header=PDF_HEADER, delimiter=",", encoding="utf-8") -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode(encoding)


def test_csv_pdf_layout(tmp_path):
    res = load_foreign_agents_csv(_bad_file(tmp_path, "r.csv", _csv_bytes(PDF_ROWS)))
    _check(res)
    assert res.frame["source_row"].tolist() == [2, 3, 4, 5]  # a quoted line break stays in its row
    assert res.frame["name"].tolist()[1] == "Тестов Тест Тестович"
    assert res.frame["category"].tolist() == ["legal_entity", "individual", "unregistered_association",
                                              "unknown"]
    assert res.frame["kind"].tolist() == ["organisation", "individual", "organisation", "organisation"]
    assert res.frame["legal_basis"].tolist() == ["7-FZ art. 32", "255-FZ art. 7", "82-FZ art. 29.1",
                                                 "255-FZ art. 7"]
    _assert_no_identifiers(res, {SECRET_INN, SECRET_SNILS, "9900000000077", "9900000066", "02.02.1975"})


def test_csv_with_bom(tmp_path):
    res = load_foreign_agents_csv(_bad_file(tmp_path, "r.csv", b"\xef\xbb\xbf" + _csv_bytes(PDF_ROWS)))
    _check(res)
    assert res.accepted == 4 and res.meta["encoding"] == "utf-8"


def test_csv_cp1251_fallback_is_noted(tmp_path):
    data = _csv_bytes(PDF_ROWS, encoding="cp1251")
    with pytest.warns(AnalysisWarning, match="Windows-1251"):
        res = load_foreign_agents_csv(_bad_file(tmp_path, "r.csv", data))
    _check(res)
    assert res.accepted == 4
    assert res.meta["encoding"] == "cp1251" and "Windows-1251" in res.meta["note"]
    assert res.frame["name"].iloc[0] == "«Тестовая ассоциация»"


def test_csv_export_layout_with_semicolons(tmp_path):
    rows = [["Реестр иностранных агентов"], ["2025-08-15 17:00:00"]]
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    w.writerows(rows + [HEADER] + GOOD)
    res = load_foreign_agents_csv(_bad_file(tmp_path, "e.csv", buf.getvalue().encode()),
                                  snapshot_date=dt.date(2025, 8, 15))
    _check(res)
    assert res.meta["delimiter"] == ";" and res.meta["header_row"] == 3
    assert res.meta["exported_at"] == "2025-08-15T17:00:00"
    assert res.frame["category"].tolist()[:2] == ["individual", "unregistered_association"]
    assert res.frame["source_row"].tolist() == [4, 5, 6, 7, 8]


def test_csv_bad_rows(tmp_path):
    rows = [list(r) for r in PDF_ROWS] + [list(PDF_ROWS[1])]
    rows[1][11] = "30.02.2023"
    rows[4][0] = "3"  # registry number 3 again, other content, dated after number 4: out of registry order
    rows[4][11] = "01.03.2024"
    res = load_foreign_agents_csv(_bad_file(tmp_path, "r.csv", _csv_bytes(rows)))
    _check(res)
    assert res.rejects[["source_row", "column"]].values.tolist() == [
        [3, "Дата принятия решения о включении"], [6, "№ п/п"]]
    assert "already used by row 4" in res.rejects["reason"].iloc[1]
    _assert_no_identifiers(res, {SECRET_INN, SECRET_SNILS})


@pytest.mark.parametrize("data, message", [
    (b"", "empty"),
    (b"<html><body>Not found</body></html>", "HTML"),
    (b"PK\x03\x04binary", "zip archive"),
    (b"a\x00b\n\x00\n\x00\n", "binary"),
    ("a,b,c\n1,2,3\n".encode(), "no header row"),
    (b"\x81\x98\x81", "neither UTF-8"),
])
def test_unusable_csv(tmp_path, data, message):
    path = _bad_file(tmp_path, "bad.csv", data)
    with pytest.raises(InputError) as info:
        load_foreign_agents_csv(path)
    assert message in str(info.value) and str(path) in str(info.value)


def test_csv_missing_exclusion_column(tmp_path):
    header = PDF_HEADER[:-1] + ["Примечание"]
    with pytest.raises(InputError, match="об исключении"):
        load_foreign_agents_csv(_bad_file(tmp_path, "r.csv", _csv_bytes(PDF_ROWS, header=header)))


# --- JSON -------------------------------------------------------------------

def _pdf_rec(i, name, date_in, date_out="", law=B7, **extra):
    rec = {"id": str(i), "fullName": name, "dob": "", "ogrn": "", "inn": "", "regNum": "", "snils": "",
           "address": "", "resources": "", "members": "", "law": law, "dateIn": date_in, "datePubl": "",
           "dateOut": date_out}
    rec.update(extra)
    return rec


def _json_file(tmp_path, obj, name="r.json") -> Path:
    return _bad_file(tmp_path, name, json.dumps(obj, ensure_ascii=False).encode())


def test_pdf_json_bad_rows(tmp_path):
    items = [
        _pdf_rec(1, "Первый", "01.02.2023", " ", dob="01.01.1970", inn=SECRET_INN, snils=SECRET_SNILS),
        _pdf_rec(2, 123, "01.02.2023"),
        _pdf_rec(3, "Третий", 44000),
        _pdf_rec(4, "Четвёртый", ["01.02.2023"]),
        "not an object",
        {k: v for k, v in _pdf_rec(6, "Шестой", "01.02.2023").items() if k != "dateIn"},
        _pdf_rec(7, "Седьмой", "01.02.2023", "01.01.2023"),
        _pdf_rec(1, "Первый", "01.02.2023", "", dob="01.01.1970"),
    ]
    res = load_foreign_agents_pdf_json(_json_file(tmp_path, items))
    _check(res)
    assert (res.rows_in, res.accepted, res.rejected) == (8, 1, 7)
    assert pd.isna(res.frame["excluded_on"].iloc[0])  # a single space is empty
    rej = res.rejects.set_index("source_row")
    assert rej.loc[2, ["column", "raw_value", "reason"]].tolist() == ["fullName", "<a number>", "name is not text"]
    assert rej.loc[3, "reason"].startswith("an Excel serial number")
    assert rej.loc[4, "raw_value"] == "<an array>"
    assert rej.loc[5, "reason"] == "array element is a string, not an object"
    assert pd.isna(rej.loc[5, "raw_value"])
    assert rej.loc[6, ["column", "reason"]].tolist() == ["dateIn", "key 'dateIn' missing"]
    assert rej.loc[7, "reason"].startswith("exclusion before inclusion")
    assert rej.loc[8, "status"] == "skipped"
    _assert_no_identifiers(res, {SECRET_INN, SECRET_SNILS, "01.01.1970"})


@pytest.mark.parametrize("loader", [load_foreign_agents_pdf_json, load_foreign_agents_rest_json])
@pytest.mark.parametrize("data, message", [
    (b"", "empty"),
    (b"<!doctype html><html></html>", "HTML page"),
    (b'[{"id": "1", "fullName": "x"', "truncated or corrupt"),
    (b'{"id": "1"}', "expected a JSON array"),
    (b"[]", "no entries"),
    (b"[1, 2]", "no element is an object"),
    (b'[{"unrelated": 1}]', "required key missing"),
    (b"\xff\xfe[]", "not UTF-8"),
])
def test_unusable_json(tmp_path, loader, data, message):
    path = _bad_file(tmp_path, "bad.json", data)
    with pytest.raises(InputError) as info:
        loader(path)
    assert message in str(info.value) and str(path) in str(info.value)


def test_rest_json_bad_rows(tmp_path):
    items = [
        {"name": "Лицо", "is_person": 1, "dateIn": "01.02.2023"},
        {"name": "Орг", "is_person": False, "dateIn": "01.02.2023", "dateOut": "01.03.2023"},
        {"name": "Кто-то", "is_person": "yes", "dateIn": "01.02.2023"},
        {"name": "Кто-то", "is_person": 0, "dateIn": "1.2.2023"},
        {"name": "", "is_person": 0, "dateIn": "01.02.2023"},
    ]
    res = load_foreign_agents_rest_json(_json_file(tmp_path, items))
    _check(res)
    assert res.frame["kind"].tolist() == ["individual", "organisation"]
    assert res.frame["category"].tolist() == ["individual", "unknown"]
    assert res.rejects["column"].tolist() == ["is_person", "dateIn", "name"]
