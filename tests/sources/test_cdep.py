"""Tests of the Judicial Department form loaders (forms 10-а and 10.3).

Reference values come from outside the loader: the tidy extracts in
``cdep_annual_forms/extracted/`` (made independently with xlrd, one row per
Excel row with its file, sheet and row number), the chapter totals printed in
«Раздел 1» of the forms themselves, and the figures quoted in PROVENANCE.md.
"""
from __future__ import annotations

import datetime as dt


import pandas as pd
import pytest
import xlrd

from analysis.errors import InputError
from analysis.sources.cdep import load_cdep_form10_3, load_cdep_form10a
from analysis.sources.cdep_codes import parse_article_code
from analysis.sources.cdep_workbook import ROW_STRIDE, split_source_row

POLITICAL = ["205.2", "207.3", "275", "275.1", "276", "280", "280.1", "280.3", "280.4", "282",
             "282.1", "282.2", "282.3", "282.4", "284.1", "284.2", "330.1", "354.1"]


# --------------------------------------------------------------------------- shared parse

@pytest.fixture(scope="session")
def forms(cdep_forms):
    return cdep_forms


_BOOKS: dict[str, xlrd.book.Book] = {}


def raw_book(path: str) -> xlrd.book.Book:
    """The workbook read directly with xlrd (independent of the loader), once per session."""
    if path not in _BOOKS:
        _BOOKS[path] = xlrd.open_workbook(path)
    return _BOOKS[path]


def part_sum(res, article, charge="main", part="any"):
    f = res.frame
    f = f[(f["article"] == article) & (f["charge"] == charge)]
    if part != "any":
        f = f[f["part"].isna()] if part is None else f[f["part"] == part]
    return int(f["value"].sum())


# --------------------------------------------------------------------------- codes

@pytest.mark.parametrize(
    "cell, kind, article, part",
    [
        ("280 ч. 2", "part", "280", "2"),
        ("280 ч.1", "part", "280", "1"),
        (275.0, "part", "275", None),
        ("106.0", "part", "106", None),
        (106.0, "part", "106", None),
        ("275.1", "part", "275.1", None),
        ("282-1 ч. 1", "part", "282.1", "1"),
        ("ст.215-1 ч.1", "part", "215.1", "1"),
        ("268ч.3", "part", "268", "3"),
        ("282.2 ч1.1", "part", "282.2", "1.1"),
        ("204.1. ч. 1", "part", "204.1", "1"),
        (" 284.1 ч. 3", "part", "284.1", "3"),
        ("284.1 ч. 1 (вкл. ст. 284.1 УК РФ до ред. № 292-ФЗ от 01.07.2021)", "part", "284.1", "1"),
        ("284.1 (вкл. ч. 1 в ред. № 292-ФЗ от 01.07.2021)", "part", "284.1", None),
        ("213 ч.1\nстар. ред.", "part", "213", "1"),
        ("232 ч.2 н.р.", "part", "232", "2"),
        ("269 ч. 1 - утрат. силу, Федеральный закон от 23.04.2018 № 114-ФЗ", "part", "269", "1"),
        ("Составы преступлений, введенные в УК РФ в 2019 году: 124.1 ч. 1", "part", "124.1", "1"),
        ("145.1 ч. 1 (в редакции ФЗ от 24.07.2007 № 203-ФЗ) и 145.1 ч. 1 (в редакции ФЗ от 23.12.2010 № 382-ФЗ)",
         "part", "145.1", "1"),
        ("282 ч. 2 п. <<а>>", "point", None, None),
        ("п. <<б>>", "point", None, None),
        ("110 ч. 2 <<а>>", "point", None, None),
        ('110 ч. 2 п. "д"', "point", None, None),
        ("284.1 ч. 2; 284.1 ч. 3", "combined", None, None),
        ("280.4 ч. 1, 280.4 ч. 2, 280.4 ч. 3, 282.4 ч. 1, 282.4 ч. 2", "combined", None, None),
        ("284.1 ; 293 ч. 1.1", "combined", None, None),
        ("232 ч.3 н.р., 232 ч.2 ст.р.", "combined", None, None),
        ("185.6 ч.1-2", "combined", None, None),
        ("105 - 361", "range", None, None),
        ("275-284", "range", None, None),
        ("272-274.1 (вкл. 274.2 ч. 1)", "range", None, None),
        ("Сумма стр. 720-724", "range", None, None),
        ("8-495-684-88-06", "unknown", None, None),
        ("Резервная строка", "unknown", None, None),
        ("", "unknown", None, None),
    ],
)
def test_parse_article_code(cell, kind, article, part):
    code = parse_article_code(cell)
    assert code.kind == kind
    assert code.article == article
    assert code.part == part


def test_combined_code_lists_its_article_parts():
    code = parse_article_code("280.4 ч. 1, 280.4 ч. 2, 280.4 ч. 3, 282.4 ч. 1, 282.4 ч. 2")
    assert code.components == (("280.4", "1"), ("280.4", "2"), ("280.4", "3"), ("282.4", "1"), ("282.4", "2"))
    assert parse_article_code("159 ч. 5, ч. 6, ч.7").components == (("159", "5"), ("159", "6"), ("159", "7"))


def test_split_source_row_round_trip():
    assert split_source_row(15 * ROW_STRIDE + 42) == (15, 42)
    assert split_source_row(ROW_STRIDE + 1) == (1, 1)


# --------------------------------------------------------------------------- unusable files

@pytest.mark.parametrize("loader", [load_cdep_form10a, load_cdep_form10_3])
@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"   \n",
        b"<!DOCTYPE html><html><body>503 Service Unavailable</body></html>",
        b"PK\x03\x04" + b"\x00" * 200,
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
        bytes(range(256)) * 8,
        "статья;значение\n280 ч. 2;5\n".encode("utf-8"),
    ],
    ids=["empty", "blank", "html", "zip", "ole-header-only", "garbage", "csv-text"],
)
def test_unusable_file_raises_input_error_naming_it(tmp_path, loader, content):
    path = tmp_path / "2022add.xls"
    path.write_bytes(content)
    with pytest.raises(InputError) as info:
        loader(path)
    assert str(path) in str(info.value)


@pytest.mark.parametrize("loader", [load_cdep_form10a, load_cdep_form10_3])
def test_missing_file_and_directory(tmp_path, loader):
    with pytest.raises(InputError, match="not found"):
        loader(tmp_path / "nothing.xls")
    with pytest.raises(InputError, match="directory"):
        loader(tmp_path)


@pytest.mark.parametrize("cut", [512, 4096, 50_000, 150_000])
def test_truncated_workbook_raises_input_error(mirror, tmp_path, cut):
    data = (mirror / "cdep_annual_forms/ExcelFiles/Add/2015add.xls").read_bytes()
    path = tmp_path / "2015add.xls"
    path.write_bytes(data[:cut])
    with pytest.raises(InputError) as info:
        load_cdep_form10a(path)
    assert str(path) in str(info.value)


def test_wrong_form_raises_input_error(mirror):
    # A form 10.3 workbook has no «по основной статье» column: not a form 10-а.
    path = mirror / "cdep_annual_forms/ExcelFiles/Main/2015main.xls"
    with pytest.raises(InputError, match="по основной статье"):
        load_cdep_form10a(path)


# --------------------------------------------------------------------------- accounting

def test_all_files_parsed_and_timed(forms):
    assert sorted(forms["10a"]) == list(range(2009, 2025))
    assert sorted(forms["10.3"]) == list(range(2009, 2025))
    print(f"\nparsed 32 workbooks in {forms['seconds']:.2f} s")


def test_every_row_accounted_for_once(forms):
    for name, res in forms["files"].items():
        res.check_accounting()
        assert res.rows_in == res.accepted + res.rejected, name
        assert set(res.rejects["status"]) <= {"skipped", "rejected"}


def test_year_and_months_from_title_sheet_agree_with_file_name(forms):
    for name, res in forms["files"].items():
        assert res.meta["year_source"] == "title sheet"
        assert str(res.meta["year"]) in name
        assert res.meta["months"] == 12
        assert (res.frame["year"] == res.meta["year"]).all()


def test_year_argument_must_agree_with_the_title_sheet(mirror):
    path = mirror / "cdep_annual_forms/ExcelFiles/Main/2016main.xls"
    with pytest.raises(InputError, match="reporting year 2016, but 2099 was expected"):
        load_cdep_form10_3(path, year=2099, source_id="x", snapshot_date=dt.date(2025, 7, 20))
    res = load_cdep_form10_3(path, year=2016, source_id="x", snapshot_date=dt.date(2025, 7, 20))
    assert res.meta["year_source"] == "title sheet" and res.meta["year_in_file"] == 2016
    assert set(res.frame["year"]) == {2016} and set(res.frame["source_id"]) == {"x"}


def test_skipped_rows_carry_their_kind(forms):
    r22 = forms["10a"][2022].rejects
    combined = r22[r22["raw_value"].str.startswith("280.4 ч. 1, 280.4 ч. 2", na=False)]
    assert len(combined) == 1 and combined["status"].iloc[0] == "skipped"
    assert "combined" in combined["reason"].iloc[0]
    points = r22[r22["reason"].str.startswith("point-level")]
    assert len(points) > 400 and (points["status"] == "skipped").all()
    assert (points["raw_value"] == "282 ч. 2 п. <<а>>").sum() == 1
    totals = r22[r22["reason"].str.startswith("total row")]
    assert any(v.startswith("275 - 284.1") for v in totals["raw_value"].dropna())
    r21 = forms["10a"][2021].rejects
    assert (r21["raw_value"] == "284.1 ч. 2; 284.1 ч. 3").sum() == 1


def test_data_sheets_found_by_content(forms):
    # 2009–2016: one data sheet; 2017+: chapter sheets, point section and (2022–2023) subsets.
    assert forms["10a"][2012].meta["data_sheets"] == {"Раздел 1": "parts"}
    ds = forms["10a"][2022].meta["data_sheets"]
    assert ds["Раздел 15 (Гл. 29)"] == "parts"
    assert ds["Раздел 21"] == "points"
    assert ds["Раздел 22"] == ds["Раздел 23"] == "subset"
    assert forms["10a"][2019].meta["data_sheets"]["Раздел 20"] == "points"  # titled «Раздел 21»
    assert forms["10.3"][2020].meta["data_sheets"] == {"Раздел 1": "parts"}  # English re-headed copy


# --------------------------------------------------------------------------- reference extracts

def _extract_source_row(forms, row) -> tuple:
    res = forms["files"][row["source_file"]]
    return res, ROW_STRIDE * res.meta["sheets"].index(row["sheet"]) + int(row["excel_row"])


def _is_combined(row) -> bool:
    return bool(row["combined_row"]) or any(ch in str(row["code"]) for ch in ",;")


def test_form10a_equals_reference_extract(forms, mirror):
    ref = pd.read_csv(mirror / "cdep_annual_forms/extracted/form10a_selected_articles_by_part.csv")
    assert len(ref) == 408
    for _, row in ref.iterrows():
        res, sr = _extract_source_row(forms, row)
        if row["point_level_row"] or _is_combined(row):
            rej = res.rejects[res.rejects["source_row"] == sr]
            assert len(rej) == 1 and rej["status"].iloc[0] == "skipped", row["code"]
            continue
        got = res.frame[res.frame["source_row"] == sr].set_index("charge")["value"]
        assert got["main"] == row["convicted_main_charge"], (row["year"], row["code"])
        if pd.isna(row["add_charge_convicted_persons"]):
            assert "additional" not in got.index
            unspecified = res.meta["additional_unit_unspecified"]
            value = unspecified.loc[unspecified["source_row"] == sr, "value"]
            assert value.tolist() == [row["add_charge_convicted_unit_unspecified"]]
        else:
            assert got["additional"] == row["add_charge_convicted_persons"], (row["year"], row["code"])


def test_form10_3_equals_reference_extract(forms, mirror):
    ref = pd.read_csv(mirror / "cdep_annual_forms/extracted/form10_3_selected_articles_by_part.csv")
    assert len(ref) == 390
    for _, row in ref.iterrows():
        res, sr = _extract_source_row(forms, row)
        if row["point_level_row"] or _is_combined(row):
            assert (res.rejects["source_row"] == sr).sum() == 1, row["code"]
            continue
        got = res.frame[res.frame["source_row"] == sr]
        assert got["charge"].tolist() == ["main"]
        assert got["value"].iloc[0] == row["total_convicted_main_charge"], (row["year"], row["code"])


def test_chapter29_totals_equal_extract(forms, mirror):
    # Sum of accepted part rows + combined rows of arts 275–284.x = «ВСЕГО ПО ГЛАВЕ 29» (main).
    ref = pd.read_csv(mirror / "cdep_annual_forms/extracted/chapter29_totals.csv")
    for _, row in ref.iterrows():
        res = forms["10a"][int(row["year"])]
        f = res.frame[res.frame["charge"] == "main"]
        in_ch29 = f["article"].map(lambda a: 275 <= float(a) < 285)
        combined = sum(c["main"] or 0 for c in res.meta["combined_rows"]
                       if c["components"] and all(275 <= float(a) < 285 for a, _ in c["components"]))
        assert int(f.loc[in_ch29, "value"].sum()) + combined == row["convicted_main_charge"], row["year"]


def test_chapter_totals_of_summary_sheet_equal_chapter_sheets(forms, mirror):
    """2017+: each «ВСЕГО ПО ГЛАВЕ N» of «Раздел 1» equals the rows of sheet «… (Гл. N)».

    Summed are accepted rows, combined rows and rejected rows (read back from the
    workbook), so nothing is dropped and edition rows are not double counted.
    """
    import re

    for year in range(2017, 2025):
        res = forms["10a"][year]
        book = raw_book(res.file)
        summary = book.sheet_by_name("Раздел 1")
        totals = {}
        for r in range(summary.nrows):
            m = re.search(r"ГЛАВЕ (\d+)", str(summary.cell_value(r, 0)).upper())
            if m and str(summary.cell_value(r, 0)).upper().lstrip().startswith(("ВСЕГО", "ИТОГО")):
                totals[int(m.group(1))] = int(summary.cell_value(r, 3))
        by_sheet: dict[int, int] = {}
        main = res.frame[res.frame["charge"] == "main"]
        for sr, v in zip(main["source_row"], main["value"]):
            by_sheet[split_source_row(sr)[0]] = by_sheet.get(split_source_row(sr)[0], 0) + int(v)
        for c in res.meta["combined_rows"]:
            i = split_source_row(c["source_row"])[0]
            by_sheet[i] = by_sheet.get(i, 0) + (c["main"] or 0)
        rejected = res.rejects[res.rejects["status"] == "rejected"]
        for sr in rejected["source_row"]:
            i, r = split_source_row(sr)
            by_sheet[i] = by_sheet.get(i, 0) + int(book.sheet_by_index(i).cell_value(r - 1, 3) or 0)
        checked = 0
        for i, name in enumerate(res.meta["sheets"]):
            m = re.search(r"Гл\. (\d+)", name)
            if m and int(m.group(1)) in totals:
                assert by_sheet.get(i, 0) == totals[int(m.group(1))], (year, name)
                checked += 1
        assert checked >= 18, year


def _main_column(sheet) -> int:
    for r in range(min(sheet.nrows, 12)):
        for c, v in enumerate(sheet.row_values(r)):
            t = str(v).lower()
            if t.startswith("всего осуждено") or t == "totalconvicted" or (
                    "по основной статье" in t and "осужд" in t and "оправ" not in t):
                return c
    raise AssertionError(f"no main column on {sheet.name}")


#: Persons the national total has beyond all rows and the military-crimes total.
NATIONAL_GAP = {("10a", 2011): 1, ("10.3", 2013): 1, ("10.3", 2018): 2}


def test_national_total_equals_rows_plus_military_crimes(forms):
    """«ВСЕГО ПО РАЗДЕЛАМ» = accepted + combined + rejected rows + «Воинские преступления».

    The military-crimes total (ch. 33) is printed only in form 10.3 (and, in 2020,
    as a chapter sheet of form 10-а); it is read here straight from the workbook.
    """
    military = {}
    for year, res in forms["10.3"].items():
        sheet = raw_book(res.file).sheet_by_name("Раздел 1")
        col = _main_column(sheet)
        rows = [r for r in range(sheet.nrows) if str(sheet.cell_value(r, 0)).strip() == "Воинские преступления"]
        assert len(rows) == 1, year
        military[year] = int(sheet.cell_value(rows[0], col))
    for form in ("10a", "10.3"):
        for year, res in forms[form].items():
            book = raw_book(res.file)
            total = res.meta["grand_total_main"]
            main = int(res.frame.loc[res.frame["charge"] == "main", "value"].sum())
            combined = sum(c["main"] or 0 for c in res.meta["combined_rows"])
            rejected = 0
            for sr in res.rejects.loc[res.rejects["status"] == "rejected", "source_row"]:
                i, r = split_source_row(sr)
                sheet = book.sheet_by_index(i)
                rejected += int(sheet.cell_value(r - 1, _main_column(sheet)) or 0)
            has_ch33_sheet = any("Гл. 33" in n for n in res.meta["sheets"])
            expected_rest = 0 if has_ch33_sheet else military[year]
            gap = total - main - combined - rejected - expected_rest
            assert gap == NATIONAL_GAP.get((form, year), 0), (form, year, gap)


# --------------------------------------------------------------------------- known answers

@pytest.mark.parametrize(
    "year, article, part, main, additional",
    [
        (2022, "280.3", "1", 2, 1),   # PROVENANCE: 280.3 in 2022 = 2 main + 1 additional
        (2022, "280.3", "2", 0, 0),
        (2023, "282.4", "any", 39, 1),  # 282.4 in 2023 = 39 + 1 (Kommersant's 40)
        (2023, "280.3", "any", 46, 4),  # 280.3 in 2023 = 46 + 4 (Kommersant's 50)
        (2017, "282", "any", 462, 109),  # 462 main (NEWSru/Kommersant: 460)
        (2024, "275", None, 145, 11),
        (2023, "275.1", None, 2, 0),
        (2016, "276", None, 3, 0),
    ],
)
def test_known_part_values(forms, year, article, part, main, additional):
    res = forms["10a"][year]
    assert part_sum(res, article, "main", part) == main
    assert part_sum(res, article, "additional", part) == additional


def test_2009_main_rows_known_values(forms):
    res = forms["10a"][2009]
    assert part_sum(res, "282", "main", "1") == 44
    assert part_sum(res, "282", "main", "2") == 21
    assert part_sum(res, "282.1", "main", "1") == 0  # printed as «282-1 ч. 1»
    assert part_sum(res, "275", "main", None) == 4


def test_2009_additional_column_is_flagged_not_loaded(forms):
    res = forms["10a"][2009]
    assert res.meta["additional_unit"] == "unspecified"
    assert set(res.frame["charge"]) == {"main"}
    table = res.meta["additional_unit_unspecified"]
    assert len(table) == res.accepted
    assert forms["10a"][2010].meta["additional_unit"] == "persons"


def test_form10_3_equals_form10a_main_for_political_articles(forms):
    for year in range(2009, 2025):
        a = forms["10a"][year].frame
        b = forms["10.3"][year].frame
        a = a[(a["charge"] == "main") & a["article"].isin(POLITICAL)].fillna({"part": "-"})
        b = b[b["article"].isin(POLITICAL)].fillna({"part": "-"})
        ga = a.groupby(["article", "part"])["value"].sum()
        gb = b.groupby(["article", "part"])["value"].sum()
        common = ga.index.intersection(gb.index)
        assert len(common) > 0
        pd.testing.assert_series_equal(ga[common], gb[common], check_names=False)


def test_frames_follow_schema_and_charges(forms):
    for year, res in forms["10a"].items():
        charges = set(res.frame["charge"])
        assert charges == ({"main"} if year == 2009 else {"main", "additional"})
        n_main = (res.frame["charge"] == "main").sum()
        assert n_main == res.accepted
    for res in forms["10.3"].values():
        assert set(res.frame["charge"]) == {"main"}


# --------------------------------------------------------------------------- planted layouts

from analysis.sources.cdep import _parse_grids  # noqa: E402  (private: parser on plain tables)
from analysis.sources.cdep_workbook import Grid  # noqa: E402

TITLE = Grid("Титул ф.10-а", [[], ["", "", "", "ОТЧЕТ О ЧИСЛЕ ОСУЖДЕННЫХ"],
                                ["", "", "", "", "", "за", 12.0, "месяцев", 2030.0, "г."]])
HEAD_10A = [
    ["Раздел 1. Число осужденных лиц по вступившим в законную силу приговорам"],
    ["Виды преступлений", "Статьи Уголовного кодекса Российской Федерации по частям", "№ стр.",
     "Число \nосужденных по основной статье", "Дополнительная квалификация. Осуждено", "",
     "Число  оправ-данных\nпо основной статье", "Дополнительная квалификация. Оправдано", ""],
    ["", "", "", "", "по числу лиц*", "по количеству составов", "", "по числу лиц*", "по количеству составов"],
    ["А", "Б", "", 1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
]


#: Snapshot date for the synthetic workbooks (their reporting year 2030 must be over by then).
AS_OF = dt.date(2031, 6, 1)
#: A national total row, which every form prints (the plausibility checks need it).
NATIONAL = ["ВСЕГО ПО РАЗДЕЛАМ", "", 0.0, 100000.0, 1000.0, 1000.0, 0.0, 0.0, 0.0]


def planted_10a():
    rows = HEAD_10A + [
        ["ВСЕГО ПО РАЗДЕЛАМ (сумма строк 2, 8)", "", 1.0, 100.0, 20.0, 30.0, 0.0, 0.0, 0.0],   # 5 total
        ["ВСЕГО ПО ГЛАВЕ 29.", "275 - 284", 2.0, 60.0, 9.0, 9.0, 0.0, 0.0, 0.0],              # 6 total
        ["Государственная измена", 275.0, 3.0, 10.0, 1.0, 2.0, 0.0, 0.0, 0.0],               # 7 accepted
        ["Публичные призывы", "280 ч. 1", 4.0, 20.0, 3.0, 4.0, 7.0, 0.0, 0.0],               # 8 accepted
        ["Те же деяния с СМИ", "280 ч.2", 5.0, 25.0, 5.0, 6.0, 0.0, 0.0, 0.0],                # 9 accepted
        ["Те же деяния (старая редакция)", "280 ч. 2 (в редакции ФЗ от 01.01.2001 № 1-ФЗ)",
         6.0, 5.0, 0.0, 0.0, 0.0, 0.0, 0.0],                                                  # 10 accepted
        ["Новые составы", "280.4 ч. 1, 282.4 ч. 1", 7.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],       # 11 combined
        ["", "п. <<а>>", 8.0, 3.0, 0.0, 0.0, 0.0, 0.0, 0.0],                                  # 12 point
        ["Неизвестно", "999 ч. 1", 9.0, "X", 0.0, 0.0, 0.0, 0.0, 0.0],                        # 13 rejected main
        ["Неизвестно", "бла-бла", 10.0, 7.0, 0.0, 0.0, 0.0, 0.0, 0.0],                        # 14 rejected code
        ["Резервная строка", "", 11.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],                          # 15 placeholder
        [],                                                                                    # 16 blank
        ["Возбуждение ненависти", "282", 12.0, 9.0, 1.0, 1.0, 0.0, 0.0, 0.0],                  # 17 article total
        ["Возбуждение ненависти", "282 ч. 1", 13.0, 4.0, 1.0, 1.0, 0.0, 0.0, 0.0],             # 18 accepted
        ["Возбуждение ненависти", "282 ч. 2", 14.0, 5.0, 0.0, 0.0, 0.0, 0.0, 0.0],             # 19 accepted
        ["Призывы к терроризму", "205.2 ч. 1", 15.0, 2.5, 0.0, 0.0, 0.0, 0.0, 0.0],            # 20 rejected main
        ["Призывы к терроризму", "205.2 ч. 2", 16.0, 3.0, -1.0, 0.0, 0.0, 0.0, 0.0],           # 21 rejected add
        ["* В графе учитывается число лиц"],                                                   # 22 footnote
    ]
    return Grid("Раздел 1", rows)


def _reasons(res):
    _, rows = zip(*(split_source_row(r) for r in res.rejects["source_row"]))
    return dict(zip(rows, zip(res.rejects["status"], res.rejects["reason"], res.rejects["column"])))


def test_planted_form10a_rows_are_classified():
    res = _parse_grids([TITLE, planted_10a()], "planted.xls", "10a", None, None, AS_OF)
    res.check_accounting()
    assert res.meta["year"] == 2030 and res.meta["months"] == 12 and res.meta["additional_unit"] == "persons"
    assert res.rows_in == 16 and res.accepted == 6 and res.rejected == 10
    assert res.meta["non_data_rows"] == 2  # blank line and footnote
    accepted = sorted(split_source_row(r)[1] for r in res.frame["source_row"].unique())
    assert accepted == [7, 8, 9, 10, 18, 19]
    reasons = _reasons(res)
    assert reasons[5][0] == reasons[6][0] == "skipped" and reasons[5][1].startswith("total row")
    assert reasons[11][1].startswith("combined row") and reasons[12][1].startswith("point-level")
    assert reasons[15][0] == "skipped" and "placeholder" in reasons[15][1]
    assert reasons[17][0] == "skipped" and reasons[17][1].startswith("article total row")
    assert reasons[13][:1] == ("rejected",) and reasons[13][2] == "main"
    assert reasons[14][0] == "rejected" and "not recognised" in reasons[14][1]
    assert reasons[20][2] == "main" and reasons[21][2] == "additional"
    f = res.frame
    assert part_sum(res, "280", "main", "2") == 30  # two editions of part 2: 25 + 5
    assert part_sum(res, "280", "additional", "2") == 5
    assert part_sum(res, "275", "main", None) == 10
    assert set(f["charge"]) == {"main", "additional"}
    assert res.meta["combined_rows"][0]["components"] == (("280.4", "1"), ("282.4", "1"))
    assert res.meta["grand_total_main"] == 100



def _sheet_10a(rows, head=HEAD_10A, name="Раздел 15 (Гл. 29)"):
    """A parts sheet: the header block (Excel rows 1–4), the national total (row 5), then ``rows``."""
    return Grid(name, head + [NATIONAL] + rows)


def test_bare_article_row_that_is_not_the_sum_is_its_own_population():
    # «116» next to «116 ч. 1» with a different count is another edition, not a total.
    sheet = _sheet_10a([["Побои", "116", 1.0, 3285.0, 1.0, 1.0, 0, 0, 0],
                        ["Побои", "116 ч. 1", 2.0, 535.0, 0.0, 0.0, 0, 0, 0]])
    res = _parse_grids([TITLE, sheet], "x.xls", "10a", None, None, AS_OF)
    assert res.accepted == 2 and res.rejected == 1  # the national total row is skipped
    assert part_sum(res, "116", "main") == 3820


def test_point_and_subset_sections_are_skipped_whole():
    parts = _sheet_10a([["Измена", 275.0, 1.0, 4.0, 0.0, 0.0, 0, 0, 0]])
    points = Grid("Раздел 21", [
        ["Раздел 21. Число осужденных лиц (квалифицирующие признаки преступления по пунктам статей)"],
        ["Виды преступлений", "Статьи Уголовного кодекса Российской Федерации по составам", "№ стр.",
         "Число осужденных по основной статье", "Дополнительная квалификация. Осуждено", ""],
        ["", "", "", "", "по числу лиц*", "по количеству составов"],
        ["А", "Б", "", 1.0, 2.0, 3.0],
        ["Возбуждение ненависти", "282 ч. 2 п. <<а>>", 1.0, 12.0, 6.0, 6.0],
        ["", "п. <<б>>", 2.0, 1.0, 0.0, 0.0],
    ])
    subset = Grid("Раздел 22", [
        ["Раздел 22. … с использованием информационно-телекоммуникационных сетей"],
        ["Составы преступлений по статьям УК РФ", "№ стр.", "Число осужденных по основной статье",
         "Дополнительная квалификация. Осуждено", ""],
        ["", "", "", "по числу лиц*", "по количеству составов"],
        ["А", "", 1.0, 2.0, 3.0],
        ["280 ч. 2", 1.0, 200.0, 10.0, 10.0],
    ])
    res = _parse_grids([TITLE, parts, points, subset], "x.xls", "10a", None, None, AS_OF)
    res.check_accounting()
    assert res.meta["data_sheets"] == {"Раздел 15 (Гл. 29)": "parts", "Раздел 21": "points", "Раздел 22": "subset"}
    assert res.accepted == 1 and res.rejected == 4  # 3 point / subset rows and the national total
    assert set(res.rejects["status"]) == {"skipped"}
    in_sections = res.rejects[res.rejects["source_row"].map(lambda r: split_source_row(r)[0]) != 1]
    assert len(in_sections) == 3 and in_sections["reason"].str.contains("Раздел 2[12]").all()
    assert set(split_source_row(r)[0] for r in in_sections["source_row"]) == {2, 3}


def test_2009_style_single_additional_column_is_flagged():
    head = [["Раздел 1."],
            ["Виды преступлений", "Статьи Уголовного кодекса Российской Федерации по частям", "№ стр.",
             "Число \nосужденных по основной статье", "Число \nосужденных по дополнительной квалификации"],
            ["А", "Б", "", 1.0, 2.0]]
    sheet = Grid("Раздел 1", head + [NATIONAL[:5], ["Возбуждение", "282-1 ч. 1", 1.0, 0.0, 3.0]])
    res = _parse_grids([TITLE, sheet], "x.xls", "10a", None, None, AS_OF)
    assert res.meta["additional_unit"] == "unspecified"
    assert res.frame["charge"].tolist() == ["main"] and res.frame["article"].tolist() == ["282.1"]
    assert res.meta["additional_unit_unspecified"]["value"].tolist() == [3]


def test_form10a_without_additional_column_is_unusable():
    head = [["Виды преступлений", "Статьи Уголовного кодекса Российской Федерации по частям", "№ стр.",
             "Число осужденных по основной статье"]]
    sheet = Grid("Раздел 1", head + [["x", "280 ч. 1", 1.0, 1.0]])
    with pytest.raises(InputError, match="additional-charge column") as info:
        _parse_grids([TITLE, sheet], "some/file.xls", "10a", None, None, AS_OF)
    assert "some/file.xls" in str(info.value)


def test_form10_3_english_headers_and_year_from_file_name():
    sheet = Grid("Раздел 1", [
        ["clause", "totalConvicted", "primaryLifeSentence"],
        ["Всего по составам УК РФ", 30.0, 0.0],
        ["275", 16.0, 0.0],
        ["280.3 ч. 1", 2.0, 0.0],
        ["Воинские преступления", 12.0, 0.0],
    ])
    res = _parse_grids([sheet], "data/2027main.xls", "10.3", None, None, AS_OF)
    assert res.meta["year"] == 2027 and res.meta["year_source"] == "file name"
    assert res.rows_in == 4 and res.accepted == 2 and res.rejected == 2
    assert res.frame["value"].tolist() == [16, 2] and set(res.frame["charge"]) == {"main"}
    assert res.meta["grand_total_main"] == 30


def test_year_missing_everywhere_is_unusable():
    sheet = Grid("Раздел 1", [["clause", "totalConvicted"], ["Всего по составам УК РФ", 20.0], ["275", 16.0]])
    with pytest.raises(InputError, match="year"):
        _parse_grids([sheet], "main.xls", "10.3", None, None, AS_OF)
    res = _parse_grids([sheet], "main.xls", "10.3", None, 2026, AS_OF)
    assert res.meta["year"] == 2026


def test_lumped_range_of_articles_is_combined_not_total():
    sheet = _sheet_10a([
        ["ВСЕГО ПО ГЛАВЕ 21", "158-168", 1.0, 50.0, 0.0, 0.0, 0, 0, 0],
        ["Мошенничество в сфере кредитования; …", "159.1-159.6", 2.0, 24.0, 2.0, 16.0, 0, 0, 0],
        ["Кража", "158 ч. 1", 3.0, 26.0, 0.0, 0.0, 0, 0, 0],
    ])
    res = _parse_grids([TITLE, sheet], "x.xls", "10a", None, None, AS_OF)
    reasons = _reasons(res)
    assert reasons[6][1].startswith("total row") and reasons[7][1].startswith("combined row")
    assert res.meta["combined_rows"][0]["components"][0] == ("159.1", None)
    assert len(res.meta["combined_rows"][0]["components"]) == 6


# --------------------------------------------------------------------------- properties

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_articles = st.builds(lambda a, s: f"{a}" + (f".{s}" if s else ""),
                      st.integers(105, 361), st.integers(0, 6))
_parts = st.one_of(st.integers(1, 8).map(str), st.sampled_from(["1.1", "2.1"]))


@given(article=_articles, part=_parts, style=st.sampled_from(["{a} ч. {p}", "{a} ч.{p}", "{a}ч.{p}",
                                                             "ст.{a} ч.{p}", " {a} ч. {p} ", "{a} ч. {p} н.р."]))
def test_part_codes_read_back_in_every_spelling(article, part, style):
    code = parse_article_code(style.format(a=article, p=part))
    assert (code.kind, code.article, code.part) == ("part", article, part)


@given(article=_articles)
def test_article_codes_read_back_as_text_and_number(article):
    assert parse_article_code(article).article == article
    assert parse_article_code(float(article)).article == article
    assert parse_article_code(f"{article} ч. 2 п. <<б>>").kind == "point"


_ROW_KINDS = ["part", "bare", "total", "point", "combined", "placeholder", "bad", "blank", "footnote"]


@settings(max_examples=40, deadline=None)
@given(kinds=st.lists(st.sampled_from(_ROW_KINDS), min_size=1, max_size=40), data=st.data())
def test_planted_rows_are_accounted_for(kinds, data):
    rows, planted_main, expected_accepted, n_data = [], 0, 0, 0
    for i, kind in enumerate(kinds):
        v = float(data.draw(st.integers(0, 500)))
        if kind == "part":  # parted articles 200–299; bare articles 300–361: a bare row is never a total
            code = f"{data.draw(st.integers(200, 299))} ч. {data.draw(st.integers(1, 5))}"
            rows.append([f"вид {i}", code, float(i), v, 1.0, 1.0])  # labels differ, as the forms' rows do
            planted_main += int(v)
            expected_accepted += 1
        elif kind == "bare":
            rows.append([f"вид {i}", float(data.draw(st.integers(300, 361))), float(i), v, 0.0, 0.0])
            planted_main += int(v)
            expected_accepted += 1
        elif kind == "total":
            rows.append(["ВСЕГО ПО ГЛАВЕ", "200 - 299", float(i), v, 0.0, 0.0])
        elif kind == "point":
            rows.append(["", "п. <<в>>", float(i), v, 0.0, 0.0])
        elif kind == "combined":
            rows.append(["новые", "280.4 ч. 1, 282.4 ч. 2", float(i), v, 0.0, 0.0])
        elif kind == "placeholder":
            rows.append(["Резервная строка", "", float(i), 0.0, 0.0, 0.0])
        elif kind == "bad":
            rows.append(["вид", "201 ч. 1", float(i), "н/д", 0.0, 0.0])
        elif kind == "blank":
            rows.append([])
        else:
            rows.append(["* примечание"])
        n_data += kind not in ("blank", "footnote")
    head = [["Виды преступлений", "Статьи Уголовного кодекса Российской Федерации по частям", "№ стр.",
             "Число осужденных по основной статье", "Дополнительная квалификация. Осуждено", ""],
            ["", "", "", "", "по числу лиц*", "по количеству составов"],
            ["А", "Б", "", 1.0, 2.0, 3.0]]
    sheet = Grid("Раздел 1", head + [["ВСЕГО ПО РАЗДЕЛАМ", "", 0.0, 10.0 ** 6, 0.0, 0.0]] + rows)
    if expected_accepted == 0:
        with pytest.raises(InputError, match="no usable row"):
            _parse_grids([TITLE, sheet], "p.xls", "10a", None, None, AS_OF)
        return
    res = _parse_grids([TITLE, sheet], "p.xls", "10a", None, None, AS_OF)
    res.check_accounting()
    n_data += 1  # the national total
    assert res.rows_in == n_data
    assert res.accepted == expected_accepted
    assert int(res.frame.loc[res.frame["charge"] == "main", "value"].sum()) == planted_main
    assert (res.rejects["status"] == "rejected").sum() == kinds.count("bad")
