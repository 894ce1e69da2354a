"""Issue 12, items 2–5 and 7–9, on mutated copies of the real files.

Every mutation is made at test time from the raw-data mirror (nothing is committed): a
repeated row, a damaged chapter sheet, an implausible count, a future date, swapped
headers, a NUL byte… Court forms (``.xls``) have no writer, so they are mutated at the
level the loader parses: the cell grids of the real workbook (``cdep_workbook.sheet_grids``).
"""
from __future__ import annotations

import copy as copy_mod
import datetime as dt
import hashlib
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis.cli import main as cli
from analysis.errors import InputError
from analysis.manifest import MANIFEST_PATH, load_manifest
from analysis.sources import cdep, cdep_layout, cdep_workbook
from analysis.sources.cdep_workbook import split_source_row
from analysis.sources.foreign_agents import (
    load_foreign_agents_csv,
    load_foreign_agents_rest_json,
    load_foreign_agents_xlsx,
)
from analysis.sources.published import load_published_convictions
from analysis.sources.undesirable import load_undesirable_rest_json

pytestmark = pytest.mark.raw

ROOT = Path(__file__).resolve().parents[1]
ENTRIES = {e.id: e for e in load_manifest()}
FORMS = "cdep_annual_forms/ExcelFiles"


def raw(mirror: Path, entry_id: str) -> Path:
    return mirror / ENTRIES[entry_id].path


def snap(entry_id: str) -> dt.date:
    return dt.date.fromisoformat(ENTRIES[entry_id].snapshot_date)


def mutated_mirror(mirror: Path, folder: Path, changes: dict[str, bytes]) -> tuple[Path, Path]:
    """A mirror in ``folder``: links to the real files, ``changes`` (manifest id → bytes) written
    instead, and a manifest whose sha256 and size follow the changed files."""
    m = folder / "mirror"
    for e in ENTRIES.values():
        dst = m / e.path
        dst.parent.mkdir(parents=True, exist_ok=True)
        if e.id in changes:
            dst.write_bytes(changes[e.id])
        else:
            dst.symlink_to(mirror / e.path)
    text = MANIFEST_PATH.read_text(encoding="utf-8")
    blocks = text.split("[[file]]")
    for i, b in enumerate(blocks):
        mid = re.search(r'^id = "([^"]+)"', b, re.M)
        if mid and mid.group(1) in changes:
            data = changes[mid.group(1)]
            b = re.sub(r'^sha256 = "[0-9a-f]+"', f'sha256 = "{hashlib.sha256(data).hexdigest()}"', b, flags=re.M)
            b = re.sub(r"^bytes = \d+", f"bytes = {len(data)}", b, flags=re.M)
            blocks[i] = b
    manifest = folder / "manifest.toml"
    manifest.write_text("[[file]]".join(blocks), encoding="utf-8")
    return m, manifest


def _json(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


def _dump(obj) -> bytes:
    return json.dumps(obj, ensure_ascii=False, indent=1).encode("utf-8")


# =========================================================================== 2. duplicates


def test_repeated_rows_of_the_foreign_agent_pull_are_one_event(mirror):
    items = _json(raw(mirror, "fa_rest_2026_07"))
    repeated = items + [dict(items[k]) for k in range(300, 310)]  # 10 rows repeated
    path = Path(os.environ.get("TMPDIR", "/tmp")) / "fa-rest-repeated.json"
    path.write_bytes(_dump(repeated))
    res = load_foreign_agents_rest_json(path, snapshot_date=snap("fa_rest_2026_07"))
    res.check_accounting()
    assert (res.rows_in, res.accepted) == (1236, 1226)
    rej = res.rejects
    assert len(rej) == 10 and set(rej["source_row"]) == set(range(1227, 1237))
    assert rej["reason"].tolist() == [f"duplicate of row {k}: same name and inclusion date (one listing event; "
                                      "the repeat is not counted)" for k in range(301, 311)]
    assert set(rej["status"]) == {"skipped"}


def test_one_repeated_undesirable_row_is_not_a_368th_listing(mirror, tmp_path):
    items = _json(raw(mirror, "uo_rest_2026_07"))
    path = tmp_path / "uo.json"
    path.write_bytes(_dump(items[:100] + [dict(items[99])] + items[100:]))  # inside the first 188
    res = load_undesirable_rest_json(path, snapshot_date=snap("uo_rest_2026_07"))
    assert (res.rows_in, res.accepted) == (368, 367)
    assert res.rejects["source_row"].tolist() == [101] and "duplicate of row 100" in res.rejects["reason"].iloc[0]
    # the repeat takes no registry number: entries after it keep theirs (decision dates stay matched)
    assert res.frame["entry_id"].tolist() == list(range(1, 368))
    real = load_undesirable_rest_json(raw(mirror, "uo_rest_2026_07"), snapshot_date=snap("uo_rest_2026_07"))
    assert res.frame["included_on"].tolist() == real.frame["included_on"].tolist()


@pytest.fixture(scope="module")
def export_rows(mirror):
    """The rows of the real XLSX export as openpyxl reads them (header at row 3)."""
    import openpyxl
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(raw(mirror, "fa_export_2025_08_15"))
    ws = wb.worksheets[0]
    return [[c.value for c in row] for row in ws.iter_rows()]


def _xlsx(rows, path: Path) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    wb.save(path)
    return path


def test_a_row_repeated_under_a_new_registry_number_is_one_event(export_rows, tmp_path):
    rows = [list(r) for r in export_rows]
    copied = list(rows[3 + 200])  # registry number 850
    copied[0] = "1051"
    rows.insert(3, copied)  # newest first: the repeat becomes the newest entry
    res = load_foreign_agents_xlsx(_xlsx(rows, tmp_path / "x.xlsx"), snapshot_date=dt.date(2025, 8, 15))
    assert (res.rows_in, res.accepted) == (1051, 1050)
    assert res.rejects["source_row"].tolist() == [4]
    assert "same name and inclusion date as registry number 850" in res.rejects["reason"].iloc[0]
    assert res.meta["same_event_two_numbers"] == [
        {"kept_entry_id": 850, "kept_row": 205, "dropped_entry_id": 1051, "dropped_row": 4,
         "included_on": res.frame.loc[res.frame.entry_id == 850, "included_on"].iloc[0].date().isoformat()}]
    from analysis.reconcile import loader_conflicts

    conflicts = loader_conflicts(res)
    assert conflicts[["kind", "entry_id", "value_b"]].values.tolist() == [
        ["same_name_and_date_under_two_numbers", 850, "1051"]]


def test_the_real_reinclusions_are_untouched(built):
    """The five entities listed twice in the export (on other dates) stay two events each, and no
    registry file of the mirror loses a row to the new duplicate rules."""
    from analysis.sources.kit.normalise import name_key

    _, out = built
    res = out.loads["fa_export_2025_08_15"]
    assert res.accepted == 1050 and res.rejected == 0
    twice = res.frame.groupby(res.frame["name"].map(name_key)).size()
    assert int((twice == 2).sum()) == 5
    for e in ("fa_inoagent_info_2024_12_27", "fa_fz255_2024_10_01", "fa_rest_2026_07", "uo_rest_2026_07",
              "uo_scrape_2024_09_05", "fa_theotheo_2024_02_02"):
        r = out.loads[e]
        assert r.rejected == 0 and r.meta["same_event_two_numbers"] == [], (e, r.rejects["reason"].tolist()[:3])


def test_a_conflicting_row_placed_first_does_not_push_out_the_genuine_one(export_rows, tmp_path):
    rows = [list(r) for r in export_rows]
    fake = list(rows[3 + 100])  # registry number 950, placed before the genuine row
    fake[1] = "Вымышленное имя"
    fake[3] = "01.02.2016"  # out of registry order for number 950
    rows.insert(3, fake)
    res = load_foreign_agents_xlsx(_xlsx(rows, tmp_path / "x.xlsx"), snapshot_date=dt.date(2025, 8, 15))
    assert res.accepted == 1050
    assert res.rejects["source_row"].tolist() == [4]
    assert "already used by row 105" in res.rejects["reason"].iloc[0]
    assert res.frame.loc[res.frame.entry_id == 950, "name"].iloc[0] == " ".join(str(rows[104][1]).split())


# =========================================================================== 3. every sheet


@pytest.fixture(scope="module")
def grids_2024(mirror):
    a = cdep_workbook.sheet_grids(cdep_workbook.open_workbook(mirror / FORMS / "Add/k3-svod_vse_sudy-2024.xls"))
    m = cdep_workbook.sheet_grids(cdep_workbook.open_workbook(mirror / FORMS / "Main/K7-svod_vse_sudy-2024.xls"))
    return a, m


def _sheet(grids, name):
    return next(i for i, g in enumerate(grids) if g.name == name)


def _parse(grids, form="10a", year=2024):
    return cdep._parse_grids(grids, f"form-{form}-{year}.xls", form, None, year, dt.date(2025, 7, 20))


def _row_of(grid, code):
    return next(r for r in range(grid.nrows) if cdep_workbook.cell_text(grid.cell_value(r, 1)) == code)


CH29 = "Раздел 15 (Гл. 29)"


def test_a_deleted_chapter_sheet_is_an_error(grids_2024):
    a, _ = grids_2024
    damaged = [g for g in a if g.name != CH29]
    with pytest.raises(InputError, match=r"chapter 29 \(862|chapter 29 \(") as info:
        _parse(damaged)
    assert "no sheet «… (Гл. 29)»" in str(info.value)


@pytest.mark.parametrize("header", ["по основной статье", "Статьи Уголовного кодекса"])
def test_a_reworded_header_is_an_error_not_a_silent_drop(grids_2024, header):
    a, _ = grids_2024
    damaged = copy_mod.deepcopy(a)
    g = damaged[_sheet(damaged, CH29)]
    for row in g.rows[:25]:
        for c, v in enumerate(row):
            if isinstance(v, str) and header.lower() in v.lower():
                row[c] = "Графа"
    with pytest.raises(InputError, match="Раздел 15 \\(Гл. 29\\).*(header missing or reworded)"):
        _parse(damaged)


def test_real_2024_form_accounts_for_every_row_and_checks_every_chapter(grids_2024):
    a, m = grids_2024
    res = _parse(a)
    assert res.rows_in == 1595 and res.rejects["status"].eq("rejected").sum() == 0
    checks = res.meta["total_checks"]["chapters"]
    assert len(checks) == 18 and all(c["printed"] == c["rows"] for c in checks.values())
    assert checks["29"]["printed"] == res.meta["chapter_totals_main"][29]


def test_build_records_every_disagreement_of_forms_10a_and_10_3(built, cdep_forms):
    from analysis.build import form_cross_check
    from analysis.convictions import compare_forms

    processed, _ = built
    info = json.loads((processed / "build_info.json").read_text(encoding="utf-8"))
    cross = info["form_cross_check"]
    ref = compare_forms(cdep_forms["10a"].values(), cdep_forms["10.3"].values())
    assert cross["compared_parts"] == len(ref) == 13004
    assert len(cross["disagreements"]) == int((ref["difference"] != 0).sum()) == 68
    assert {d["year"] for d in cross["disagreements"]} == {2009, 2010, 2011, 2014, 2016, 2017}
    assert cross["national_total_disagreements"] == [
        {"year": 2014, "form10a": 719297, "form10_3": 719305, "difference": -8}]
    # no disagreement on the tracked political articles
    from analysis.convictions import DEFAULT_ARTICLES

    assert not {d["article"] for d in cross["disagreements"]} & set(DEFAULT_ARTICLES)
    again = form_cross_check(list(cdep_forms["10a"].values()), list(cdep_forms["10.3"].values()))
    assert again == cross


def test_a_planted_disagreement_is_recorded(grids_2024, cdep_forms):
    from analysis.build import form_cross_check

    a, m = grids_2024
    damaged = copy_mod.deepcopy(m)
    g = damaged[_sheet(damaged, "Раздел 1")]
    r = next(r for r in range(g.nrows) if cdep_workbook.cell_text(g.cell_value(r, 0)) == "275")
    lay = cdep_layout.find_layout(g, _sheet(damaged, "Раздел 1"), "10.3")
    g.rows[r][lay.main_col] = 144.0
    m10_3 = _parse(damaged, "10.3")
    cross = form_cross_check([cdep_forms["10a"][2024]], [m10_3])
    assert {"year": 2024, "article": "275", "part": "", "form10a": 145, "form10_3": 144,
            "difference": 1} in cross["disagreements"]


# =========================================================================== 4. plausibility


def _set(grids, sheet, code, col, value):
    g = grids[_sheet(grids, sheet)]
    lay = cdep_layout.find_layout(g, _sheet(grids, sheet), "10a")
    r = _row_of(g, code)
    g.rows[r][{"main": lay.main_col, "add": lay.add_col}[col]] = value
    return r + 1


@pytest.mark.parametrize("value", [5_000_000.0, 1e15])
def test_an_impossible_count_is_rejected_and_never_published(grids_2024, cdep_forms, value):
    from analysis.convictions import annual_convictions

    a, _ = grids_2024
    damaged = copy_mod.deepcopy(a)
    excel_row = _set(damaged, CH29, "280.3 ч. 1", "main", value)
    res = _parse(damaged)
    rej = res.rejects[res.rejects["status"] == "rejected"]
    assert [split_source_row(r)[1] for r in rej["source_row"]] == [excel_row]
    assert f"{int(value):,}" in rej["reason"].iloc[0] and "chapter 29" in rej["reason"].iloc[0]
    assert res.meta["total_checks"]["chapters"]["29"]["rows_of_unknown_value"] == 1
    assert {"article": "280.3", "part": "1", "source_row": int(rej["source_row"].iloc[0])} in res.meta["rejected_parts"]
    # the series takes 280.3's main charge from form 10.3; what only 10-а has is missing, never 5,000,002
    conv = annual_convictions([res, cdep_forms["10.3"][2024]], articles=["280.3"], years=[2024])
    v = conv.set_index("charge")["value"]
    assert v["main"] == 63 and pd.isna(v["additional"]) and pd.isna(v["all"])
    alone = annual_convictions([res], articles=["280.3"], years=[2024]).set_index("charge")["value"]
    assert alone.isna().all()


def test_repeated_data_rows_are_copies_not_persons(grids_2024):
    a, _ = grids_2024
    real = _parse(a)
    damaged = copy_mod.deepcopy(a)
    g = damaged[_sheet(damaged, CH29)]
    first = _row_of(g, "275")
    g.rows[first + 10:first + 10] = [list(r) for r in g.rows[first:first + 10]]
    g.nrows = len(g.rows)
    res = _parse(damaged)
    assert res.accepted == real.accepted and res.rejected == real.rejected + 10
    copies = res.rejects[res.rejects["reason"].str.contains("a copy, not counted")]
    assert len(copies) == 10 and set(copies["status"]) == {"rejected"}
    pd.testing.assert_series_equal(res.frame.groupby("article")["value"].sum(),
                                   real.frame.groupby("article")["value"].sum())
    assert res.meta["total_checks"]["chapters"]["29"]["rows"] == real.meta["total_checks"]["chapters"]["29"]["rows"]


@pytest.mark.parametrize("form_file, sheet", [("k3-svod_vse_sudy-2024.xls", CH29), ("2015add.xls", "Раздел 1")])
def test_swapped_main_and_additional_columns_are_refused(mirror, form_file, sheet):
    grids = cdep_workbook.sheet_grids(cdep_workbook.open_workbook(mirror / FORMS / "Add" / form_file))
    i = _sheet(grids, sheet)
    g = grids[i]
    lay = cdep_layout.find_layout(g, i, "10a")
    for row in g.rows[lay.data_start:]:
        if len(row) > lay.add_col:
            row[lay.main_col], row[lay.add_col] = row[lay.add_col], row[lay.main_col]
    year = int(re.search(r"20\d\d", form_file).group())
    with pytest.raises(InputError, match="misread or swapped|add up to"):
        _parse(grids, year=year)


def test_the_year_must_be_the_manifests_and_over_by_the_snapshot(grids_2024):
    a, _ = grids_2024
    damaged = copy_mod.deepcopy(a)
    title = damaged[0]
    for row in title.rows:
        for c, v in enumerate(row):
            if v in (2024.0, "2024"):
                row[c] = 2031.0
    with pytest.raises(InputError, match="states the reporting year 2031, but 2024 was expected"):
        cdep._parse_grids(damaged, "x.xls", "10a", None, 2024, dt.date(2025, 7, 20))
    with pytest.raises(InputError, match="ends on 31.12.2031, after the snapshot date 20.07.2025"):
        cdep._parse_grids(damaged, "x.xls", "10a", None, None, dt.date(2025, 7, 20))


def _published_with(mirror, tmp_path, extra: list[str]) -> Path:
    body = raw(mirror, "convictions_published").read_bytes().decode("utf-8")
    path = tmp_path / "pub.csv"
    path.write_text(body + "".join(line + "\r\n" for line in extra), encoding="utf-8")
    return path


def test_published_main_above_all_is_refused_but_a_malformed_partner_drags_nothing(mirror, tmp_path):
    head = "280.3,UK,2024-01-01,2024-12-31"
    tail = "Условный источник,https://example.invalid,цитата,web page"
    path = _published_with(mirror, tmp_path, [f"{head},convicted_main_charge,900,{tail}",
                                              f"{head},convicted_total_main_or_additional,100,{tail}"])
    res = load_published_convictions(path, snapshot_date=snap("convictions_published"))
    rej = res.rejects
    assert rej["source_row"].tolist() == [806, 807] and rej["reason"].str.contains("exceeds").all()
    assert res.accepted == 804
    path = _published_with(mirror, tmp_path, [f"{head},convicted_main_charge,900,{tail}",
                                              f"{head},convicted_total_main_or_additional,сто,{tail}"])
    res = load_published_convictions(path, snapshot_date=snap("convictions_published"))
    assert res.rejects["source_row"].tolist() == [807] and res.accepted == 805  # the format reject only


# =========================================================================== 5. no traceback in build


@pytest.fixture(scope="module")
def mutated_build(mirror, built, tmp_path_factory):
    """One build from a mirror with the attacks of issue 12 items 2 and 5 planted together."""
    from analysis.build import build_processed

    root = tmp_path_factory.mktemp("mutated-build")
    fa = _json(raw(mirror, "fa_rest_2026_07"))
    fa += [dict(fa[k]) for k in range(500, 510)]                       # 10 repeated rows
    uo = _json(raw(mirror, "uo_rest_2026_07"))
    uo = uo[:50] + [dict(uo[49])] + uo[50:]                            # a repeat inside the first 188
    uo += [{"name": f"Условная организация {k}", "type": "undesirable", "aliases": [], "is_person": False,
            "dateIn": f"1{k}.03.2016"} for k in range(2)]               # appended out of date order
    import csv

    pub = list(csv.reader(io.StringIO(raw(mirror, "convictions_published").read_text(encoding="utf-8"),
                                      newline="")))
    pub[5][5] = "1" * 23                                                # one 23-digit value
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(pub)
    changes = {"fa_rest_2026_07": _dump(fa), "uo_rest_2026_07": _dump(uo),
               "convictions_published": buf.getvalue().encode("utf-8")}
    m, manifest = mutated_mirror(mirror, root, changes)
    import contextlib

    with contextlib.redirect_stderr(io.StringIO()):
        out = build_processed(raw_dir=root / "none", mirror=m, out_dir=root / "processed", manifest=manifest,
                              progress=False)
    return root / "processed", out


def test_the_planted_attacks_move_no_published_number(mutated_build, built):
    processed, _ = built
    mutated, out = mutated_build
    for name in ("monthly_series.csv", "monthly_series_alt.csv", "weekly_series.csv", "annual_convictions.csv"):
        assert (mutated / name).read_bytes() == (processed / name).read_bytes(), name
    rej = pd.read_csv(mutated / "rejects_summary.csv")
    by = rej.groupby("source_id")["n"].sum()
    assert by["fa_rest_2026_07"] == 10 and by["uo_rest_2026_07"] == 3 and by["convictions_published"] == 1
    assert rej["reason"].str.contains("out of registry order").any()
    assert rej["reason"].str.contains("23 digits").any()
    assert len(out.undesirable.events) == 367 and out.undesirable.events["decision_on"].notna().sum() == 188


def test_build_errors_are_one_line(mirror, tmp_path, capsys):
    """A file-level problem in build is one line and exit 2; so is an output that is a file."""
    m = tmp_path / "mirror"
    for e in ENTRIES.values():
        (m / e.path).parent.mkdir(parents=True, exist_ok=True)
        if e.id != "cdep_10_3_2009":  # loaded first: the build stops at once
            (m / e.path).symlink_to(mirror / e.path)
    assert cli(["build", "--mirror", str(m), "--raw-dir", str(tmp_path / "none"), "--out",
                str(tmp_path / "out"), "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ") and "2009main.xls" in err[0]
    (tmp_path / "a-file").write_text("x")
    assert cli(["build", "--out", str(tmp_path / "a-file"), "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "not a folder" in err[0]


# =========================================================================== 7. dates bounded


def test_validate_as_of_bounds_the_dates(mirror, tmp_path, capsys):
    items = _json(raw(mirror, "fa_rest_2026_07"))
    items[0] = dict(items[0], dateIn="01.09.2026", dateOut=None)  # after the pull (16.07.2026)
    path = tmp_path / "fa.json"
    path.write_bytes(_dump(items))
    assert cli(["validate", str(path), "--source", "foreign_agents_rest_json", "--json",
                "--as-of", "2026-07-16"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["as_of"] == "2026-07-16" and [r["row"] for r in out["rejects"]] == [1]
    assert "after the snapshot date (16.07.2026)" in out["rejects"][0]["reason"]
    assert cli(["validate", str(path), "--source", "foreign_agents_rest_json"]) == 0
    err = capsys.readouterr().err
    assert "warning: " in err and "no snapshot date given" in err
    assert cli(["validate", str(path), "--source", "foreign_agents_rest_json", "--as-of", "16.07.2026"]) == 2


def test_a_future_export_stamp_is_refused(export_rows, tmp_path):
    rows = [list(r) for r in export_rows]
    rows[1][0] = "2031-08-15 17:00:00"
    rows[3][3] = "01.03.2031"  # an inclusion the stamp would allow
    path = _xlsx(rows, tmp_path / "x.xlsx")
    with pytest.raises(InputError, match="export stamp 2031-08-15 17:00 is after the snapshot date 2025-08-15"):
        load_foreign_agents_xlsx(path, snapshot_date=dt.date(2025, 8, 15))
    with pytest.raises(InputError, match="is in the future"):
        load_foreign_agents_xlsx(path)


def test_published_figures_cannot_end_after_their_collection(mirror, tmp_path):
    path = _published_with(mirror, tmp_path, [
        "275,UK,2026-07-01,2026-12-31,convicted,300,Условный источник,https://example.invalid,цитата,web page"])
    res = load_published_convictions(path, snapshot_date=snap("convictions_published"))
    assert res.rejects["source_row"].tolist() == [806]
    assert "after the date the figures were collected (01.11.2026)" in res.rejects["reason"].iloc[0]


# =========================================================================== 8. identifiers


def _identifier_values(rows, header_word):
    col = next(j for j, h in enumerate(rows[2]) if str(h).startswith(header_word))
    return {str(r[col]).strip() for r in rows[3:] if r[col] not in (None, "")}, col


@pytest.mark.parametrize("other", ["ИНН", "Дата рождения"])
def test_swapped_headers_never_put_identifiers_into_the_rejects(export_rows, tmp_path, other):
    rows = [list(r) for r in export_rows]
    secrets, col = _identifier_values(rows, other)
    inc = next(j for j, h in enumerate(rows[2]) if "о включении" in str(h))
    rows[2][inc], rows[2][col] = rows[2][col], rows[2][inc]
    for r in rows[3:23]:  # 20 rows stay usable (else the whole file is refused and nothing is shown at all)
        r[col] = r[inc]
    res = load_foreign_agents_xlsx(_xlsx(rows, tmp_path / "x.xlsx"), snapshot_date=dt.date(2025, 8, 15))
    shown = set(res.rejects["raw_value"].dropna())
    assert res.accepted == 20 and len(res.rejects) == 1030  # identifiers sit where the inclusion date is read
    assert not shown & secrets
    assert not any(s in v for v in shown for s in secrets)
    assert shown <= {v for v in shown if v.startswith("<redacted")} | {"", "None"}


def test_identifier_like_values_are_redacted_in_a_csv_too(mirror, tmp_path):
    import csv

    records = list(csv.reader(io.StringIO(raw(mirror, "fa_theotheo_2024_02_02").read_text(encoding="utf-8"),
                                          newline="")))
    i, j = records[0].index("ИНН"), records[0].index("Дата принятия решения о включении")
    records[0][i], records[0][j] = records[0][j], records[0][i]
    for r in records[1:21]:
        r[i] = r[j]
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(records)
    path = tmp_path / "r.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    res = load_foreign_agents_csv(path, snapshot_date=dt.date(2024, 2, 2))
    assert res.accepted == 20 and len(res.rejects) == 743
    assert not res.rejects["raw_value"].dropna().str.contains(r"\d{6}").any()


# =========================================================================== 9. exit codes


def test_nothing_usable_is_exit_2(mirror, tmp_path, capsys):
    items = [dict(x, dateIn="31.02.2024") for x in _json(raw(mirror, "uo_rest_2026_07"))]
    path = tmp_path / "uo.json"
    path.write_bytes(_dump(items))
    assert cli(["validate", str(path), "--source", "undesirable_rest_json", "--as-of", "2026-07-16"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no usable row: all 367" in err[0]


@pytest.mark.parametrize("damage, reason", [
    ("nul", "NUL byte"), ("long", "characters, more than 131,072"), ("bad_utf8", "not valid text"),
])
def test_one_bad_cell_rejects_one_row(mirror, tmp_path, capsys, damage, reason):
    body = raw(mirror, "fa_theotheo_2024_02_02").read_bytes()
    lines = body.split(b"\n")
    k = 3  # within the first 4 KB
    if damage == "nul":
        lines[k] = lines[k].replace(b",", b",\x00", 1)
    elif damage == "long":
        first, rest = lines[k].split(b",", 1)
        lines[k] = first + b',"' + b"x" * 140_000 + b'",' + rest  # one cell more, of 140 000 characters
    else:
        lines[k] = lines[k].replace("а".encode(), b"\xd0", 1)
    path = tmp_path / "r.csv"
    path.write_bytes(b"\n".join(lines))
    assert cli(["validate", str(path), "--source", "foreign_agents_csv", "--json", "--as-of", "2024-02-02"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["accepted"] == 762 and [(r["row"], r["status"]) for r in out["rejects"]] == [(k + 1, "rejected")]
    assert reason in out["rejects"][0]["reason"]


def test_zero_is_a_number_not_an_excel_serial():
    from analysis.sources.kit.cells import CellError
    from analysis.sources.kit.dates import parse_date

    with pytest.raises(CellError) as info:
        parse_date("0")
    assert info.value.reason == "a number, not a DD.MM.YYYY date"
    with pytest.raises(CellError, match=r"Excel serial number \(day 45519 = 15.08.2024\)"):
        parse_date("45519")


def test_special_files_are_refused_at_once(tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    big = tmp_path / "big.csv"
    with open(big, "wb") as fh:
        fh.truncate(257 * 1024 * 1024)  # sparse: nothing is really written
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for path, message in ((fifo, "named pipe"), (Path("/dev/zero"), "character device"),
                          (big, "more than the 268,435,456 bytes")):
        proc = subprocess.run([sys.executable, "-m", "analysis", "validate", str(path), "--source",
                               "foreign_agents_csv"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
        assert proc.returncode == 2, proc.stderr
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and message in lines[0], proc.stderr
