"""Cell rules shared by the registry loaders: text, dates, legal bases, categories."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.registries import FOREIGN_AGENTS_START, UNDESIRABLE_START
from analysis.schemas import CATEGORIES, LEGAL_BASES
from analysis.sources.kit.categories import category_from_type, infer_category, kind_from_category
from analysis.sources.kit.cells import CellError, parse_entry_id
from analysis.sources.kit.dates import date_in_text, parse_date
from analysis.sources.kit.legal_basis import legal_basis_code
from analysis.sources.kit.normalise import clean_text, name_key


# --- text -------------------------------------------------------------------

def test_clean_text_folds_every_kind_of_space():
    assert clean_text("\u00a0Кац  Максим\u2009Евгеньевич\n") == "Кац Максим Евгеньевич"
    assert clean_text("\u00a0") == ""
    assert clean_text(None) == ""
    assert clean_text(float("nan")) == ""
    assert clean_text("a\u200bb\ufeff") == "ab"


def test_name_key_folds_quotes_case_and_missing_spaces():
    a = name_key("Автономная некоммерческая организация«Центр сохранения»")
    b = name_key('АВТОНОМНАЯ некоммерческая  организация "Центр сохранения"')
    assert a == b == "автономная некоммерческая организация центр сохранения"
    assert name_key("Ёлкин Пётр") == name_key("елкин петр")
    assert name_key("Проект«Досье»", compact=True) == name_key("Проект «Досье»", compact=True)


@given(st.text(max_size=40))
def test_name_key_is_idempotent(s):
    assert name_key(name_key(s)) == name_key(s)


# --- dates ------------------------------------------------------------------

@given(st.dates(min_value=dt.date(1000, 1, 1), max_value=dt.date(9999, 12, 31)))
def test_parse_date_roundtrips_every_valid_date(d):
    assert parse_date(d.strftime("%d.%m.%Y")) == d


@pytest.mark.parametrize("text, reason", [
    ("31.02.2024", "impossible calendar date"),
    ("29.02.2023", "impossible calendar date"),
    ("00.01.2024", "impossible calendar date"),
    ("15.13.2024", "impossible calendar date"),
    ("01.02.24", "two-digit year"),
    ("1.2.24", "two-digit year"),
    ("45519", "Excel serial"),
    ("45519.0", "Excel serial"),
    ("1.02.2024", "two digits"),
    ("2024-02-01", "not a DD.MM.YYYY date"),
    ("15.08.2025 00:00", "not a DD.MM.YYYY date"),
    ("вчера", "not a DD.MM.YYYY date"),
])
def test_parse_date_rejects_with_reason(text, reason):
    with pytest.raises(CellError) as info:
        parse_date(text)
    assert reason in info.value.reason


def test_parse_date_cells():
    assert parse_date("  \u00a015.08.2025\u00a0") == dt.date(2025, 8, 15)
    assert parse_date("") is None
    assert parse_date(" ") is None
    assert parse_date(None) is None
    assert parse_date(dt.datetime(2025, 8, 15)) == dt.date(2025, 8, 15)
    assert parse_date(dt.date(2025, 8, 15)) == dt.date(2025, 8, 15)
    for bad in (45519, 45519.0, True, dt.datetime(2025, 8, 15, 17, 0)):
        with pytest.raises(CellError):
            parse_date(bad)


def test_parse_date_range():
    assert parse_date("21.11.2012", not_before=FOREIGN_AGENTS_START) == FOREIGN_AGENTS_START
    with pytest.raises(CellError, match="before the registry existed"):
        parse_date("20.11.2012", not_before=FOREIGN_AGENTS_START)
    with pytest.raises(CellError, match="before the registry existed"):
        parse_date("02.06.2015", not_before=UNDESIRABLE_START)
    with pytest.raises(CellError, match="after the snapshot date"):
        parse_date("16.08.2025", not_after=dt.date(2025, 8, 15))


def test_date_in_text():
    assert date_in_text("№ 1069-р от 27.08.2024\u00a0") == "27.08.2024"
    assert date_in_text("№1 от 28.07.2015") == "28.07.2015"
    assert date_in_text("\u00a0") is None
    assert date_in_text("от 127.08.20245") is None


# --- legal basis ------------------------------------------------------------

@pytest.mark.parametrize("text, code", [
    # the official export's wording
    ("Статья 7 Федерального закона от 14.07.2022 № 255-ФЗ «О контроле за деятельностью лиц, "
     "находящихся под иностранным влиянием»", "255-FZ art. 7"),
    ("Статья 9 Федерального закона от 14.07.2022 № 255-ФЗ «О контроле…»", "255-FZ art. 9"),
    ("Статья 32 Федерального закона от 12.01.1996 № 7-ФЗ «О некоммерческих организациях»", "7-FZ art. 32"),
    ("Статья 6 Закона Российской Федерации от 27.12.1991 № 2124-1 «О средствах массовой информации»",
     "2124-1 art. 6"),
    ("Статья 25.1 Закона Российской Федерации от 27.12.1991 № 2124-1 «О СМИ»", "2124-1 art. 25.1"),
    ("Статья 2.1 Федерального закона от 28.12.2012 № 272-ФЗ «О мерах воздействия…»", "272-FZ art. 2.1"),
    ("Статья 29.1 Федерального закона от 19.05.1995 № 82-ФЗ «Об общественных объединениях»",
     "82-FZ art. 29.1"),
    # PDF artefacts: "No" for "№", missing spaces, other dashes and spellings
    ("Статья 7 Федерального закона от 14.07.2022 No 255-ФЗ«О контроле…»", "255-FZ art. 7"),
    ("Статья7 Федерального закона №255-ФЗ", "255-FZ art. 7"),
    ("ст. 9 Федерального закона № 255–ФЗ", "255-FZ art. 9"),
    ("ст.9 ФЗ-255", "255-FZ art. 9"),
    ("Статья  25.1  Закона РФ  №2124-I", "2124-1 art. 25.1"),
    ("статья 3.1 Федерального закона № 272-ФЗ", "129-FZ"),
    ("Федеральный закон от 23.05.2015 № 129-ФЗ", "129-FZ"),
    # not determinable
    ("", "unknown"),
    ("\u00a0", "unknown"),
    ("Статья 8 Федерального закона № 255-ФЗ", "unknown"),
    ("Федеральный закон № 255-ФЗ", "unknown"),
    ("Статья 7 Федерального закона № 999-ФЗ", "unknown"),
    ("Статья 7 закона № 255-ФЗ; Статья 32 закона № 7-ФЗ", "unknown"),
])
def test_legal_basis_code(text, code):
    assert legal_basis_code(text) == code


@given(st.text(max_size=80))
@settings(max_examples=200)
def test_legal_basis_code_is_always_a_known_code(text):
    assert legal_basis_code(text) in LEGAL_BASES


# --- category and kind ------------------------------------------------------

@pytest.mark.parametrize("text, category", [
    ("Физические лица", "individual"),
    ("физическое лицо", "individual"),
    ("Юридические лица", "legal_entity"),
    ("Иные объединения лиц", "unregistered_association"),
    ("Общественные объединения, действующие без образования юридического лица",
     "unregistered_association"),
    ("Иностранные структуры без образования юридического лица", "foreign_structure"),
    ("Иностранная  структура без образования юридического лица", "foreign_structure"),
    ("", "unknown"),
    ("\u00a0", "unknown"),
    ("Прочие", None),
])
def test_category_from_type(text, category):
    assert category_from_type(text) == category


def test_kind_from_category():
    assert kind_from_category("individual") == "individual"
    for c in ("legal_entity", "unregistered_association", "foreign_structure"):
        assert kind_from_category(c) == "organisation"
    assert kind_from_category("unknown") is None
    assert {kind_from_category(c) for c in CATEGORIES} == {"individual", "organisation", None}


def test_infer_category_only_when_unambiguous():
    kw = dict(has_birth_date=False, has_snils=False, has_ogrn=False, legal_basis="255-FZ art. 7")
    assert infer_category(**kw) == "unknown"
    assert infer_category(**{**kw, "has_birth_date": True}) == "individual"
    assert infer_category(**{**kw, "has_snils": True}) == "individual"
    assert infer_category(**{**kw, "has_ogrn": True}) == "legal_entity"
    assert infer_category(**{**kw, "legal_basis": "82-FZ art. 29.1"}) == "unregistered_association"


# --- registry numbers -------------------------------------------------------

def test_parse_entry_id():
    assert parse_entry_id("1050") == 1050
    assert parse_entry_id(" 7\u00a0") == 7
    assert parse_entry_id(12) == 12
    assert parse_entry_id(12.0) == 12
    assert parse_entry_id("") is None
    assert parse_entry_id(None) is None
    for bad in ("12a", "1.5", 0, -3, 1.5, True, "0"):
        with pytest.raises(CellError):
            parse_entry_id(bad)
