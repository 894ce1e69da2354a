"""The PDF and fz255 JSON loaders on a few real vintages (the full run is in bench/bench_vintages.py)."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.raw


def test_every_row_is_accounted_for(few_vintages):
    for vid, lv in few_vintages.items():
        r = lv.result
        r.check_accounting()
        assert r.rows_in == r.accepted + r.rejected, vid


def test_pdf_header_rows_are_skipped_rows_and_the_release_date_comes_from_the_file_name(few_vintages):
    r = few_vintages["fa_pdf_2024_02_02"].result
    assert r.meta["release_date_from"] == "argument"  # the store passes the manifest's date
    assert r.meta["pages"] == 26
    skipped = r.rejects[r.rejects["status"] == "skipped"]
    assert skipped["reason"].str.startswith("header row repeated at the top of page").sum() == r.meta["header_rows"]
    assert r.frame["entry_id"].max() == 763 and r.frame["entry_id"].is_unique


def test_pdf_inclusion_dates_agree_with_an_independent_parse_and_the_official_export(few_vintages):
    from analysis.vintages.checks import inclusion_date_agreement

    pdf, csv, export = (few_vintages[k] for k in ("fa_pdf_2024_02_02", "fa_csv_2024_02_02", "fa_export_2025_08_15"))
    a = inclusion_date_agreement(pdf, csv)        # camelot parse of the same PDF
    b = inclusion_date_agreement(pdf, export)     # the ministry's own export, 18 months later
    assert a["n_common"] == 763 and a["rate"] == 1.0
    assert b["n_common"] == 763 and b["rate"] == 1.0


def test_pdf_row_whose_bottom_ruling_is_missing_keeps_its_number(few_vintages):
    # Under the last row of page 24 of the later PDFs the ruling of the first two columns
    # is missing; entry 717 must still be read (pdfplumber's lines strategy loses it).
    for vid in ("fa_pdf_2023_11_24", "fa_pdf_2024_02_02"):
        f = few_vintages[vid].frame
        assert 717 in set(f["entry_id"].dropna().astype(int)), vid


def test_pdfium_and_pdfplumber_give_the_same_rows(mirror):
    from analysis.sources.kit.normalise import clean_text
    from analysis.sources.minjust_pdf import extract_pdf_rows

    path = mirror / "registry_vintages" / "minjust_pdf" / "2022-12-01.pdf"
    a = extract_pdf_rows(path, engine="pdfium", use_cache=False)
    b = extract_pdf_rows(path, engine="pdfplumber", use_cache=False)

    def norm(rows):
        return [[clean_text(c) if isinstance(c, str) else c for c in r] for r in rows]

    assert a["header"] == b["header"]
    assert len(a["rows"]) == len(b["rows"]) == 508
    assert norm(a["rows"]) == norm(b["rows"])


def test_fz255_header_fragment_is_a_reject_naming_the_entry(few_vintages):
    r = few_vintages["fa_fz255_2024_06_22_718c5e1"].result
    assert r.meta["artefact_entry_ids"] == [262]
    reasons = set(r.rejects["reason"])
    assert "parser artefact: page header merged into the row (it holds entry 262)" in reasons
    assert "blank row (every field empty)" in reasons
    assert 262 not in set(r.frame["entry_id"].astype(int))
    assert 262 in set(few_vintages["fa_fz255_2024_07_07_72614cc"].frame["entry_id"].astype(int))


def test_fz255_publication_dates_in_dateout_are_not_exclusions(few_vintages):
    shifted = few_vintages["fa_fz255_2024_06_15_bc7d3b8"]
    assert shifted.exclusions_observed is False
    assert shifted.frame["excluded_on"].isna().all()
    assert few_vintages["fa_fz255_2024_07_07_72614cc"].exclusions_observed is True


def test_undesirable_snapshot_is_dated_by_its_parse_date(few_vintages):
    lv = few_vintages["uo_fz255_2024_08_16_a985816"]
    assert lv.vintage.release_date_from == "parse date"
    assert lv.result.meta["release_date_from"] == "argument"
    assert len(lv.frame) == 186


def test_release_dates_from_file_names():
    import datetime as dt

    from analysis.sources.fz255_json import parse_date_from_name
    from analysis.sources.minjust_pdf import release_date_from_name

    assert release_date_from_name("reestr-inostrannyih-agentov-02022024.pdf") == dt.date(2024, 2, 2)
    assert release_date_from_name("kopiya-reestr-inostrannyih-agentov-02-02-2024.pdf") == dt.date(2024, 2, 2)
    assert release_date_from_name("2023-05-03.pdf") == dt.date(2023, 5, 3)
    assert release_date_from_name("registry.pdf") is None
    assert parse_date_from_name("2024-07-06_e8b3b61.json") == dt.date(2024, 7, 6)
    assert parse_date_from_name("registry.json") is None


def test_the_pdf_loader_refuses_what_is_not_a_registry_pdf(tmp_path):
    from analysis.errors import InputError
    from analysis.sources.minjust_pdf import load_minjust_pdf

    (tmp_path / "a.pdf").write_bytes(b"<html><body>blocked</body></html>")
    (tmp_path / "b.pdf").write_bytes(b"%PDF-1.4 broken")
    with pytest.raises(InputError, match="HTML page"):
        load_minjust_pdf(tmp_path / "a.pdf", use_cache=False)
    with pytest.raises(InputError, match="not a readable PDF"):
        load_minjust_pdf(tmp_path / "b.pdf", use_cache=False)


def test_vintage_manifest_lists_every_release_once(mirror):
    from analysis.vintages.store import read_vintages

    vs = read_vintages()
    by_series = {}
    for v in vs:
        by_series.setdefault(v.series, []).append(v)
    assert len(by_series["minjust_pdf"]) == 39
    assert len(by_series["fz255_foreign_agents"]) == 22 and len(by_series["fz255_undesirable"]) == 17
    assert {v.release_date_from for v in by_series["minjust_pdf"]} == {"file name"}
    assert {v.release_date_from for v in by_series["fz255_foreign_agents"]} == {"parse date"}
    sums = dict(line.split()[::-1] for line in (mirror / "registry_vintages" / "SHA256SUMS").read_text().splitlines())
    for v in vs:
        if v.path.startswith("registry_vintages/"):
            assert sums[v.path.removeprefix("registry_vintages/")] == v.sha256
    # the releases of the main manifest are referenced, not copied
    assert {v.manifest_id for v in vs if v.manifest_id} >= {"fa_theotheo_2024_02_02", "fa_export_2025_08_15",
                                                             "fa_inoagent_info_2024_12_27", "fa_rest_2026_07",
                                                             "fa_fz255_2024_10_01"}


def test_pdf_page_headers_are_rejects_with_their_reason_never_entries(few_vintages):
    """Real PDF of 17.11.2023: the header row printed again on every page is a reject naming its
    page, and no header wording reaches an accepted entry."""
    import re

    lv = few_vintages["fa_pdf_2023_11_17"]
    r = lv.result
    rej = r.rejects
    pages = sorted(int(m.group(1)) for m in (re.fullmatch(r"header row repeated at the top of page (\d+)", x)
                                               for x in rej["reason"]) if m)
    assert len(pages) >= 10 and pages == list(range(2, 2 + len(pages)))   # every page after the first
    assert r.rows_in == r.accepted + r.rejected
    header_words = re.compile(r"№\s*п/п|No\s*п/п|Полное наименование|Дата принятия решения", re.IGNORECASE)
    assert not r.frame["name"].str.contains(header_words).any()
    assert r.frame["entry_id"].notna().all() and (r.frame["entry_id"] >= 1).all()
    assert not set(r.frame["source_row"]) & set(rej["source_row"])
