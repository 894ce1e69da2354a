"""``refresh`` against a local mock of the ministry's REST API: paging, titles, and every failure."""
from __future__ import annotations

import datetime as dt
import json
import time
import tomllib
import warnings

import pytest

from mock_minjust import FA_COLUMNS, MockMinjust, make_values

from analysis.errors import AnalysisWarning
from analysis.vintages.refresh import RefreshError, refresh, resolve_fields

NOW = dt.datetime(2026, 8, 1, 12, 0, 0, tzinfo=dt.timezone.utc)


def run(m, tmp_path, **kw):
    opts = dict(endpoint=m.endpoint, raw_dir=tmp_path, progress=False, timeout=2.0, deadline=20.0, retries=2,
                backoff=0.01, page_size=10, now=NOW)
    opts.update(kw)
    return refresh("foreign_agents", **opts)


def manifest_entries(tmp_path):
    p = tmp_path / "registry_vintages" / "refreshed.toml"
    return tomllib.loads(p.read_text(encoding="utf-8")).get("vintage", []) if p.exists() else []


def test_fields_are_resolved_from_titles_not_indexes():
    f = resolve_fields("foreign_agents", FA_COLUMNS)
    # the mock swaps field_2/3 and field_4/5 relative to the documented meanings
    assert f == {"entry_id": "field_1_i", "name": "field_3_s", "basis": "field_2_s", "included": "field_5_s",
                 "excluded": "field_4_s", "type": "field_7_s"}
    assert resolve_fields("foreign_agents", [{"field": "field_1_i"}]) is None


def test_pages_are_read_and_a_vintage_is_written(tmp_path):
    values = make_values(23)
    with MockMinjust(values=values) as m:
        out = run(m, tmp_path)
        offsets = [b["offset"] for meth, path, b in m.requests if path.endswith("/values")]
    assert out.written and out.n_values == 23
    assert offsets == [0, 10, 20]                      # paged by offset with limit 10
    stored = json.loads(out.path.read_text(encoding="utf-8"))
    assert stored["size"] == 23 and len(stored["values"]) == 23
    assert "field_9_s" not in json.dumps(stored["values"])   # the INN field is never stored
    assert (out.path.parent / f"{out.path.stem}-export.xlsx").is_file()
    [entry] = manifest_entries(tmp_path)
    assert entry["release_date_from"] == "request time" and entry["requested_at"] == "2026-08-01T12:00:00Z"
    assert entry["content_sha256"] == out.content_sha256
    assert "no earlier vintage" in entry["diff"]
    # the stored vintage loads through the store with the field meanings it recorded
    from analysis.vintages.store import load_vintages, read_vintages

    [v] = [v for v in read_vintages(refreshed=tmp_path / "registry_vintages" / "refreshed.toml")
           if v.id == out.vintage_id]
    [lv] = load_vintages([v], raw_dir=tmp_path)
    f = lv.frame.set_index("entry_id")
    assert len(f) == 23
    assert f.loc[1, "name"] == values[0]["field_3_s"]
    assert str(f.loc[7, "excluded_on"].date()) == "2024-12-08"
    assert f.loc[3, "category"] == "unregistered_association"


def test_second_run_on_unchanged_content_writes_nothing(tmp_path):
    with MockMinjust() as m:
        first = run(m, tmp_path)
        files = sorted(p.name for p in (tmp_path / "registry_vintages" / "foreign_agents").iterdir())
        second = run(m, tmp_path, now=NOW + dt.timedelta(hours=1))
    assert first.written and not second.written
    assert "unchanged" in second.message and "nothing written" in second.message
    assert second.content_sha256 == first.content_sha256
    assert sorted(p.name for p in (tmp_path / "registry_vintages" / "foreign_agents").iterdir()) == files
    assert len(manifest_entries(tmp_path)) == 1


def test_changed_content_is_a_new_vintage_with_a_diff(tmp_path):
    with MockMinjust(values=make_values(20)) as m:
        run(m, tmp_path)
    with MockMinjust(values=make_values(23)) as m:
        out = run(m, tmp_path, now=NOW + dt.timedelta(days=7))
    assert out.written
    entries = manifest_entries(tmp_path)
    assert len(entries) == 2
    assert entries[1]["diff_against"] == entries[0]["id"]
    assert entries[1]["diff"].startswith("3 registry numbers added, 0 missing")


def test_403_is_a_clear_message(tmp_path):
    with MockMinjust(faults=["403"]) as m, pytest.raises(RefreshError, match="403 Forbidden.*networks"):
        run(m, tmp_path)
    assert manifest_entries(tmp_path) == []


def test_500_then_success_is_retried(tmp_path):
    with MockMinjust(faults=["500", "500", "ok"]) as m:
        out = run(m, tmp_path)
    assert out.written and out.n_values == 23


def test_500_that_persists_fails_after_the_retries(tmp_path):
    with MockMinjust(faults=["500"] * 10) as m, pytest.raises(RefreshError, match="HTTP 500 .after 3 attempts"):
        run(m, tmp_path)
    assert manifest_entries(tmp_path) == []


def test_short_page_is_asked_again_then_refused(tmp_path):
    with MockMinjust(faults=["ok", "short", "ok"]) as m:
        assert run(m, tmp_path).n_values == 23           # once: asked again, complete
    with MockMinjust(faults=["ok", "short", "short"]) as m, pytest.raises(RefreshError, match="short page"):
        run(m, tmp_path / "b")


def test_changed_field_order_gives_the_same_content(tmp_path):
    with MockMinjust() as m:
        a = run(m, tmp_path / "a")
    with MockMinjust(faults=["reorder", "reorder", "reorder"]) as m:
        b = run(m, tmp_path / "b")
    assert a.content_sha256 == b.content_sha256


def test_truncated_body_is_retried(tmp_path):
    with MockMinjust(faults=["truncate", "ok"]) as m:
        assert run(m, tmp_path).n_values == 23
    with MockMinjust(faults=["truncate"] * 10) as m, pytest.raises(RefreshError, match="truncated"):
        run(m, tmp_path / "b")


def test_slow_drip_hits_the_request_timeout(tmp_path):
    with MockMinjust(faults=["drip"] * 10, drip_delay=0.3) as m:
        t0 = time.monotonic()
        with pytest.raises(RefreshError, match="did not complete within|no data within"):
            run(m, tmp_path, timeout=1.0, retries=1)
        assert time.monotonic() - t0 < 10


def test_overall_deadline(tmp_path):
    with MockMinjust(faults=["500"] * 50) as m, pytest.raises(RefreshError, match="deadline"):
        run(m, tmp_path, retries=40, backoff=0.2, deadline=1.0)


def test_missing_titles_fall_back_to_documented_fields_with_a_warning(tmp_path):
    # the documented layout: field_2_s = name, field_4_s = inclusion date
    docs = [{"field_1_i": i, "field_2_s": f"Условное имя {i}", "field_3_s": "", "field_4_s": "05.01.2024",
             "field_5_s": "", "field_7_s": "Физические лица"} for i in range(1, 6)]
    with MockMinjust(values=docs, all_mode="no_titles") as m, \
            pytest.warns(AnalysisWarning, match="documented field meanings"):
        out = run(m, tmp_path)
    assert out.written
    assert manifest_entries(tmp_path)[0]["id"] == out.vintage_id
    stored = json.loads(out.path.read_text(encoding="utf-8"))
    assert stored["fields_from"] == "documented"


def test_failed_export_is_only_a_warning(tmp_path):
    with MockMinjust(export="fail") as m, pytest.warns(AnalysisWarning, match="export could not be obtained"):
        out = run(m, tmp_path)
    assert out.written


def test_tls_is_verified_and_a_bad_bundle_is_refused(tmp_path):
    bad = tmp_path / "bad.pem"
    bad.write_text("not a certificate", encoding="utf-8")
    with pytest.raises(RefreshError, match="not a readable PEM bundle"):
        refresh("foreign_agents", endpoint="https://127.0.0.1:1", ca_bundle=str(bad), raw_dir=tmp_path,
                progress=False)


def test_cli_refresh_reports_unchanged(tmp_path, capsys):
    from analysis.cli import main

    with MockMinjust() as m:
        assert main(["refresh", "--endpoint", m.endpoint, "--raw-dir", str(tmp_path), "--quiet"]) == 0
        assert main(["refresh", "--endpoint", m.endpoint, "--raw-dir", str(tmp_path), "--quiet"]) == 0
    err = capsys.readouterr().err
    assert "written as" in err and "nothing written" in err
    with MockMinjust(faults=["403"]) as m:
        assert main(["refresh", "--endpoint", m.endpoint, "--raw-dir", str(tmp_path / "x"), "--quiet"]) == 2
    assert "Traceback" not in capsys.readouterr().err
