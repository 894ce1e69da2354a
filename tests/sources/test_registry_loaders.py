"""The loader registry, and properties every registry loader must have on any input."""
from __future__ import annotations

import functools
import io
import json
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.errors import InputError
from analysis.schemas import EventSchema, RejectSchema
from analysis.sources import LOADER_PATHS, LOADERS, get_loader, resolve_loader
from analysis.sources.foreign_agents import (
    load_foreign_agents_csv,
    load_foreign_agents_pdf_json,
    load_foreign_agents_rest_json,
    load_foreign_agents_xlsx,
)
from analysis.sources.minjust_rest import load_minjust_rest_values
from analysis.sources.undesirable import load_undesirable_rest_json, load_undesirable_scrape_json

REGISTRY_LOADERS = {
    "foreign_agents_xlsx": load_foreign_agents_xlsx,
    "foreign_agents_rest_json": load_foreign_agents_rest_json,
    "foreign_agents_pdf_json": load_foreign_agents_pdf_json,
    "foreign_agents_csv": load_foreign_agents_csv,
    "minjust_rest_values": load_minjust_rest_values,
    "undesirable_rest_json": load_undesirable_rest_json,
    "undesirable_scrape_json": load_undesirable_scrape_json,
}
FIXTURE = Path(__file__).resolve().parents[1] / "data" / "fixtures" / "minjust_rest_values.json"


def test_registry_names():
    vintage_loaders = {"minjust_pdf", "fz255_foreign_agents", "fz255_undesirable", "minjust_rest_vintage"}
    assert set(LOADER_PATHS) == set(REGISTRY_LOADERS) | {
        "cdep_form10a", "cdep_form10_3", "published_convictions_csv"} | vintage_loaders
    assert list(LOADERS) == list(LOADER_PATHS) and len(LOADERS) == 14


@pytest.mark.parametrize("name", sorted(REGISTRY_LOADERS))
def test_registry_resolves_registry_loaders(name):
    assert LOADERS[name] is REGISTRY_LOADERS[name]
    assert get_loader(name) is REGISTRY_LOADERS[name]


def test_unknown_source_lists_the_known_ones():
    with pytest.raises(KeyError, match="foreign_agents_xlsx"):
        get_loader("nope")


def test_missing_module_breaks_only_its_entry():
    with pytest.raises(ModuleNotFoundError):
        resolve_loader(".no_such_module:load")
    assert LOADERS["undesirable_rest_json"] is load_undesirable_rest_json


def test_attribute_access_to_loaders():
    import analysis.sources as sources

    assert sources.load_foreign_agents_xlsx is load_foreign_agents_xlsx
    with pytest.raises(AttributeError):
        sources.load_nothing  # noqa: B018


def test_source_id_argument_is_used(tmp_path):
    res = load_minjust_rest_values(FIXTURE, source_id="minjust_fa_2026-07-01")
    assert set(res.frame["source_id"]) == {"minjust_fa_2026-07-01"} and res.source_id == "minjust_fa_2026-07-01"


# --- properties ---------------------------------------------------------------

_date_text = st.one_of(
    st.dates(min_value=__import__("datetime").date(2010, 1, 1),
             max_value=__import__("datetime").date(2026, 1, 1)).map(lambda d: d.strftime("%d.%m.%Y")),
    st.sampled_from(["", " ", "\u00a0", "31.02.2024", "01.02.24", "45000", "2024-01-01"]),
    st.integers(-5, 50000),
    st.none(),
    st.lists(st.integers(), max_size=2),
)
_name = st.one_of(st.text(max_size=12), st.none(), st.integers(), st.just("\u00a0"))
_id = st.one_of(st.integers(-2, 30).map(str), st.integers(-2, 30), st.just(""), st.just("x"), st.none())


@st.composite
def _pdf_items(draw):
    n = draw(st.integers(1, 25))
    items = []
    for _ in range(n):
        if draw(st.integers(0, 15)) == 0:
            items.append(draw(st.one_of(st.text(max_size=3), st.integers(), st.none())))
            continue
        rec = {"id": draw(_id), "fullName": draw(_name), "law": draw(st.sampled_from(
            ["", "Статья 7 Федерального закона № 255-ФЗ", "Статья 99 закона"])),
            "dateIn": draw(_date_text), "dateOut": draw(_date_text),
            "dob": draw(st.sampled_from(["", "01.01.1970"])), "ogrn": "", "snils": "", "inn": ""}
        if draw(st.integers(0, 20)) == 0:
            del rec["dateIn"]
        items.append(rec)
    # keep every required key present somewhere, so the file stays usable
    items.append({"id": "1", "fullName": "Якорь", "law": "", "dateIn": "01.01.2020", "dateOut": ""})
    return items


@given(items=_pdf_items())
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@pytest.mark.filterwarnings("ignore::analysis.errors.AnalysisWarning")
def test_every_json_row_is_accounted_for_once(tmp_path, items):
    path = tmp_path / "p.json"
    path.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    res = load_foreign_agents_pdf_json(path)
    res.check_accounting()
    assert res.rows_in == len(items)
    EventSchema.validate(res.frame)
    RejectSchema.validate(res.rejects)
    # registry numbers are unique among accepted rows
    ids = res.frame["entry_id"].dropna()
    assert ids.is_unique


@functools.lru_cache(maxsize=None)
def _valid_bytes(name: str) -> bytes:
    """A small valid file for each loader (made once, so every example damages the same bytes)."""
    if name == "foreign_agents_xlsx":
        import openpyxl

        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(["Реестр"])
        ws.append(["№ п/п", "Полное наименование / ФИО", "Основания для включения",
                   "Дата принятия решения о включении", "Дата принятия решения об исключении",
                   "Тип иностранного агента"])
        ws.append(["1", "Тест", "Статья 7 № 255-ФЗ", "01.02.2024", "", "Физические лица"])
        buf = io.BytesIO()
        wb.save(buf)
        return buf.getvalue()
    if name == "foreign_agents_csv":
        return ("№ п/п,Полное наименование/ФИО,Основания включения,Дата принятия решения о включении,"
                "Дата принятия решения об исключении\n1,Тест,,01.02.2024,\n").encode()
    if name == "minjust_rest_values":
        return FIXTURE.read_bytes()
    rec = {"id": "1", "fullName": "Тест", "law": "", "dateIn": "01.02.2024", "dateOut": "",
           "name": "Тест", "is_person": 1, "decisionInMinjust": "№ 1-р от 01.02.2024",
           "decisionInGenproc": "20.01.2024"}
    return json.dumps([rec], ensure_ascii=False).encode()


@pytest.mark.parametrize("name", sorted(REGISTRY_LOADERS))
@given(data=st.data())
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@pytest.mark.filterwarnings("ignore::analysis.errors.AnalysisWarning")
def test_damaged_files_give_input_error_or_a_result(tmp_path, name, data):
    """Truncated or byte-flipped files never raise anything but InputError."""
    good = _valid_bytes(name)
    cut = data.draw(st.integers(0, len(good)))
    flips = data.draw(st.lists(st.tuples(st.integers(0, len(good) - 1), st.integers(0, 255)), max_size=4))
    damaged = bytearray(good[:cut] if data.draw(st.booleans()) else good)
    for pos, byte in flips:
        if pos < len(damaged):
            damaged[pos] = byte
    path = tmp_path / f"d_{name}"
    path.write_bytes(bytes(damaged))
    try:
        res = REGISTRY_LOADERS[name](path)
    except InputError as exc:
        assert str(path) in str(exc)
    else:
        res.check_accounting()


def test_zip_bomb_guard(tmp_path, monkeypatch):
    import analysis.sources.foreign_agents as fa

    monkeypatch.setattr(fa, "MAX_XLSX_UNCOMPRESSED", 1000)
    path = tmp_path / "big.xlsx"
    path.write_bytes(_valid_bytes("foreign_agents_xlsx"))
    with pytest.raises(InputError, match="unpacks to"):
        fa.load_foreign_agents_xlsx(path)
    assert zipfile.is_zipfile(path)
