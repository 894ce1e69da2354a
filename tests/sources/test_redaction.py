"""Issue 12, item 8: what a rejects table may show of a raw cell (analysis.sources.kit.redaction.redact)."""
from __future__ import annotations

import datetime as dt

import pytest

from analysis.sources.base import RejectLog
from analysis.sources.kit.redaction import personal_class, redact


@pytest.mark.parametrize("column, cls", [
    ("ИНН", "inn"), ("СНИЛС", "snils"), ("ОГРН", "ogrn"), ("Регистрационный номер", "registration_number"),
    ("Дата рождения", "birth_date"), ("dob", "birth_date"), ("regNum", "registration_number"),
    ("Адрес (место нахождения)", "address"), ("Полное наименование или ФИО участников", "members"),
    ("Номер специального счета", "bank_account"), ("inn", "inn"), ("address", "address"),
])
def test_personal_columns_are_recognised(column, cls):
    assert personal_class(column) == cls


@pytest.mark.parametrize("column", ["Полное наименование / ФИО", "fullName", "dateIn", "Основания для включения",
                                    "Дата принятия Минюстом России решения о включении в реестр", None])
def test_other_columns_are_not(column):
    assert personal_class(column) is None


def test_a_personal_column_is_never_shown():
    assert redact("anything", column="ИНН") == "<redacted: personal column (inn)>"
    assert redact("x", column="field_9_s", personal_columns=frozenset({"field_9_s"})) \
        == "<redacted: personal column (personal)>"


@pytest.mark.parametrize("value", ["990000000017", "9900000066", "000-000-001 23", "1237600009437",
                                   "40702810000000000001", "+7 495 123-45-67", "ИНН 7701234567 (юр. лицо)",
                                   "123456"])
def test_identifier_like_values_are_hidden_whatever_the_column(value):
    assert redact(value, column="Дата принятия решения о включении") == "<redacted: looks like an identifier>"


def test_addresses_mail_and_early_dates_are_hidden():
    assert redact("г. Москва, ул. Тверская, д. 1").startswith("<redacted: looks like an address")
    assert redact("someone@example.org").startswith("<redacted: looks like an e-mail")
    assert redact("07.07.1907", dates_before=dt.date(2012, 11, 21)) == "<redacted: a date before 21.11.2012>"
    assert redact("1907-07-07", dates_before=dt.date(2012, 11, 21)).startswith("<redacted")


@pytest.mark.parametrize("value", ["31.02.2024", "01.02.24", "45519", "x20", "Условная организация «Альфа»",
                                   "16.08.2025", "<an array>"])
def test_ordinary_bad_cells_stay_visible(value):
    assert redact(value, dates_before=dt.date(2012, 11, 21)) == value


def test_the_reject_log_redacts_and_clips():
    log = RejectLog("s", dates_before=dt.date(2015, 6, 3))
    log.add(1, "dateIn", "02.02.1975", "before the registry existed")
    log.add(2, "name", "я" * 500, "too long")
    log.add(3, "dateIn", "a\udc80b", "not valid text")
    f = log.frame()
    assert f["raw_value"].iloc[0] == "<redacted: a date before 03.06.2015>"
    assert f["raw_value"].iloc[1].endswith("… [500 characters]") and len(f["raw_value"].iloc[1]) < 250
    assert f["raw_value"].iloc[2] == "a\ufffdb"  # undecodable bytes never reach a table
