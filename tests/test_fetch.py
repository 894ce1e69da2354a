"""fetch: sha256 checks, atomic writes, mirror, and nothing left behind on failure."""
from __future__ import annotations

import hashlib

import pytest

from analysis.errors import ChecksumError, InputError
from analysis.fetch import fetch_all, fetch_one
from analysis.manifest import RawFile, load_manifest, sha256_file


def _entry(data: bytes, **kw) -> RawFile:
    base = dict(id="x", path="sub/file.xlsx", sha256=hashlib.sha256(data).hexdigest(), bytes=len(data),
                format="xlsx", loader="foreign_agents_xlsx", licence="test", snapshot_date="2025-01-01",
                url="https://example.invalid/file.xlsx")
    base.update(kw)
    return RawFile(**base)


def test_manifest_lists_every_source_with_pinned_urls():
    entries = load_manifest()
    ids = {e.id for e in entries}
    assert {"fa_export_2025_08_15", "fa_rest_2026_07", "uo_rest_2026_07", "uo_scrape_2024_09_05",
            "convictions_published"} <= ids
    assert sum(e.loader == "cdep_form10a" for e in entries) == 16
    assert sum(e.loader == "cdep_form10_3" for e in entries) == 16
    for e in entries:
        assert len(e.sha256) == 64
        if e.mirror_only:
            assert e.url is None
        else:
            # pinned to a commit: a 40-hex path segment
            assert any(len(s) == 40 and all(c in "0123456789abcdef" for c in s) for s in e.url.split("/")), e.url


def test_download_verified_and_atomic(tmp_path):
    data = b"PK\x03\x04 workbook bytes"
    e = _entry(data)
    out = fetch_one(e, raw_dir=tmp_path, downloader=lambda url: data)
    assert out.status == "fetched"
    assert (tmp_path / "sub/file.xlsx").read_bytes() == data
    again = fetch_one(e, raw_dir=tmp_path, downloader=lambda url: pytest.fail("should not download"))
    assert again.status == "present"


def test_html_page_instead_of_spreadsheet_is_never_written(tmp_path):
    e = _entry(b"real")
    html = b"<!DOCTYPE html><html><body>502 Bad Gateway</body></html>"
    with pytest.raises(ChecksumError, match="HTML"):
        fetch_one(e, raw_dir=tmp_path, downloader=lambda url: html)
    assert not (tmp_path / "sub").exists() or not any((tmp_path / "sub").iterdir())


def test_mismatch_does_not_overwrite_existing_good_file(tmp_path):
    good = b"good bytes"
    e = _entry(good)
    fetch_one(e, raw_dir=tmp_path, downloader=lambda url: good)
    (tmp_path / "sub/file.xlsx").write_bytes(b"tampered")
    with pytest.raises(ChecksumError):
        fetch_one(e, raw_dir=tmp_path, downloader=lambda url: b"also wrong")
    assert (tmp_path / "sub/file.xlsx").read_bytes() == b"tampered"  # untouched, and still fails its hash
    assert [p.name for p in (tmp_path / "sub").iterdir()] == ["file.xlsx"]  # no temporary left


def test_interrupted_download_leaves_nothing(tmp_path):
    e = _entry(b"complete")

    def broken(url):
        raise InputError(url, "download interrupted: got 3 of 8 bytes")

    with pytest.raises(InputError):
        fetch_one(e, raw_dir=tmp_path, downloader=broken)
    assert not (tmp_path / "sub/file.xlsx").exists()


def test_mirror_only_without_mirror_is_reported_missing(tmp_path):
    e = _entry(b"x", url=None, mirror_only=True)
    out = fetch_one(e, raw_dir=tmp_path)
    assert out.status == "missing"


def test_fetch_all_from_mirror(tmp_path, mirror):
    outcomes = fetch_all(raw_dir=tmp_path, mirror=mirror, progress=False)
    assert all(o.status == "copied" for o in outcomes)
    for e in load_manifest():
        assert sha256_file(e.local_path(tmp_path)) == e.sha256
    assert {o.status for o in fetch_all(raw_dir=tmp_path, mirror=mirror, progress=False)} == {"present"}
