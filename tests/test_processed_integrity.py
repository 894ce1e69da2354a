"""Issue 12, item 1 (readers): a truncated, empty or schema-breaking processed file is an error
naming the file, never a silently shorter report. Issue 15, item 4: one series lookup is O(1).

Every case damages a copy of the session's build from the mirror in the way an interrupted
or hand-edited build would, then reads it as the report does.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import time

import numpy as np
import pandas as pd
import pytest

from analysis import processed as P
from analysis.errors import InputError, ProcessedDataError, ProcessedFileMissing


@pytest.fixture()
def copy(built, tmp_path):
    processed, _ = built
    out = tmp_path / "processed"
    shutil.copytree(processed, out, ignore=shutil.ignore_patterns("audit"))
    return out


def _rerecord(folder, name):
    """Record a deliberate edit in build_info.json, so that only the content checks judge the file."""
    info_path = folder / "build_info.json"
    info = json.loads(info_path.read_text(encoding="utf-8"))
    body = (folder / name).read_bytes()
    info["outputs"][name].update(sha256=hashlib.sha256(body).hexdigest(), bytes=len(body))
    info_path.write_text(json.dumps(info, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def test_the_build_is_read_back_whole(built):
    processed, _ = built
    P.verify_processed(processed)
    info = P.read_build_info(processed)
    assert set(info["outputs"]) == {f for k, f in P.FILES.items() if k != "build_info"}
    for name, rec in info["outputs"].items():
        body = (processed / name).read_bytes()
        assert rec["sha256"] == hashlib.sha256(body).hexdigest() and rec["bytes"] == len(body)


@pytest.mark.parametrize("key", ["monthly", "monthly_alt", "weekly", "calendar", "convictions", "rejects",
                                 "reconciliation", "published"])
def test_an_empty_file_is_an_error_naming_it(copy, key):
    (copy / P.FILES[key]).write_bytes(b"")
    with pytest.raises(ProcessedDataError, match="empty") as info:
        P._READERS[key](copy)
    assert P.FILES[key] in str(info.value)


@pytest.mark.parametrize("key, cut", [("monthly", 612_573), ("monthly", 0.5), ("weekly", 0.9),
                                      ("convictions", 0.3), ("published", 0.7)])
def test_a_half_written_file_is_an_error(copy, key, cut):
    path = copy / P.FILES[key]
    body = path.read_bytes()
    path.write_bytes(body[: cut if isinstance(cut, int) else int(len(body) * cut)])
    with pytest.raises(ProcessedDataError, match="not the file the build wrote") as info:
        P._READERS[key](copy)
    assert str(path) in str(info.value)


def test_missing_rows_are_an_error_even_without_the_recorded_hash(copy):
    """Five rows cut out of monthly_series.csv (a headline rate ratio moved 1.59 → 1.36): refused by
    the hash, and also by the structure when the hash record is gone."""
    path = copy / "monthly_series.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:1000] + lines[1005:]), encoding="utf-8")
    with pytest.raises(ProcessedDataError, match="not the file the build wrote"):
        P.read_monthly_series(copy)
    _rerecord(copy, "monthly_series.csv")
    with pytest.raises(ProcessedDataError, match="rows missing"):
        P.read_monthly_series(copy)


def test_a_row_cut_in_the_middle_is_an_error(copy):
    path = copy / "annual_convictions.csv"
    body = path.read_bytes()
    path.write_bytes(body[: body.rindex(b"\n", 0, len(body) - 1) + 6])  # the last line cut to 5 characters
    _rerecord(copy, "annual_convictions.csv")
    with pytest.raises(ProcessedDataError) as info:
        P.read_annual_convictions(copy)
    assert "annual_convictions.csv" in str(info.value)


@pytest.mark.parametrize("edit, message", [
    (lambda df: df.assign(value=df["value"].where(df.index != 7, -5)), "schema"),
    (lambda df: df.assign(month=df["month"].where(df.index != 3, "2024-13")), "schema"),
    (lambda df: df.assign(complete=df["complete"].astype(str).where(df.index != 9, "maybe")), "True or False"),
    (lambda df: pd.concat([df, df.iloc[[5]]]), "repeats"),
    (lambda df: df.drop(columns="complete"), "missing: complete"),
])
def test_a_schema_breaking_file_is_an_error(copy, edit, message):
    path = copy / "monthly_series.csv"
    df = pd.read_csv(path, dtype={"value": "Int64", "month": str})
    edit(df).to_csv(path, index=False, lineterminator="\n")
    _rerecord(copy, "monthly_series.csv")
    with pytest.raises(ProcessedDataError, match=message) as info:
        P.read_monthly_series(copy)
    assert "monthly_series.csv" in str(info.value)


def test_convictions_must_add_up(copy):
    path = copy / "annual_convictions.csv"
    df = pd.read_csv(path, dtype={"article": str, "value": "Int64"})
    i = df.index[(df.article == "275") & (df.charge == "all") & (df.year == 2024)][0]
    df.loc[i, "value"] = 999
    df.to_csv(path, index=False, lineterminator="\n")
    _rerecord(copy, "annual_convictions.csv")
    with pytest.raises(ProcessedDataError, match="all .* is not main"):
        P.read_annual_convictions(copy)


def test_a_missing_file_stays_an_input_error_and_a_damaged_one_is_not(copy):
    (copy / "weekly_series.csv").unlink()
    with pytest.raises(ProcessedFileMissing):
        P.read_weekly_series(copy)
    assert issubclass(ProcessedFileMissing, InputError)
    assert not issubclass(ProcessedDataError, InputError)


@pytest.mark.parametrize("damage", ["empty", "half"])
def test_the_report_refuses_a_damaged_optional_file_instead_of_dropping_its_section(copy, tmp_path, damage):
    """An empty annual_convictions.csv made the convictions section vanish with exit 0."""
    from analysis.report import run_report

    path = copy / "annual_convictions.csv"
    path.write_bytes(b"" if damage == "empty" else path.read_bytes()[:5000])
    out = tmp_path / "report"
    with pytest.raises(ProcessedDataError, match="annual_convictions.csv"):
        run_report(None, out, progress=False, data_dir=copy)
    assert not out.exists()


def test_an_interrupted_swap_is_named_by_the_readers(copy):
    copy.rename(copy.parent / f".{copy.name}.old")
    with pytest.raises(ProcessedDataError, match="stopped half way"):
        P.read_monthly_series(copy)


def test_broken_build_info_is_named(copy):
    (copy / "build_info.json").write_text('{"sources": [', encoding="utf-8")
    with pytest.raises(ProcessedDataError, match="build_info.json"):
        P.read_build_info(copy)
    with pytest.raises(ProcessedDataError, match="build_info.json"):
        P.read_monthly_series(copy)  # the record that checks every other file is unreadable


# --------------------------------------------------------------------------- O(1) lookups


def _brute(frame, where):
    sel = frame
    for k, v in where.items():
        sel = sel[sel[k] == v]
    return sel.sort_values("month")


def test_indexed_lookup_equals_a_full_scan_for_every_series(built):
    processed, _ = built
    frame = P.read_monthly_series(processed)
    keys = frame[["registry", "measure", "category"]].drop_duplicates().itertuples(index=False)
    for reg, meas, cat in keys:
        y = P.monthly_series(reg, meas, cat, frame=frame, trim=False)
        ref = _brute(frame, {"registry": reg, "measure": meas, "category": cat})
        assert [str(p) for p in y.index] == ref["month"].tolist()
        np.testing.assert_array_equal(y.to_numpy(), ref["value"].astype("Float64").to_numpy(float, na_value=np.nan))
        assert y.attrs["incomplete"] == ref.loc[~ref["complete"], "month"].tolist()
    alt = P.read_monthly_series(processed, alternative=True)
    y = P.monthly_series("undesirable", "inclusions", date_basis="decision", frame=alt, trim=False)
    ref = _brute(alt, {"date_basis": "decision", "registry": "undesirable", "measure": "inclusions",
                       "category": "all"})
    assert y.sum() == ref["value"].sum()


def test_an_edited_frame_is_indexed_again(built):
    processed, _ = built
    frame = P.read_monthly_series(processed).copy()
    before = P.monthly_series("undesirable", "inclusions", frame=frame).sum()
    frame = frame.iloc[::-1].reset_index(drop=True)  # same length, rows elsewhere
    assert P.monthly_series("undesirable", "inclusions", frame=frame).sum() == before


def test_lookup_time_does_not_grow_with_the_table(built):
    """Ten times the rows: the time of one lookup stays the same (before: 1.9 ms → 8.9 ms)."""
    processed, _ = built
    small = P.read_monthly_series(processed)
    big = pd.concat([small] + [small.assign(category=small["category"] + f"#{k}") for k in range(9)],
                    ignore_index=True)

    def per_call(frame):
        P.monthly_series("foreign_agents", "inclusions", frame=frame)  # builds the index
        best = float("inf")
        for _ in range(5):
            t = time.perf_counter()
            for _ in range(40):
                P.monthly_series("foreign_agents", "inclusions", frame=frame)
            best = min(best, (time.perf_counter() - t) / 40)
        return best

    assert per_call(big) < 2.5 * per_call(small)


# ---------------------------------------------------------------------------------- the schema check a build did

_SCHEMA_READERS = {
    "monthly_series.csv": lambda d, **kw: P.read_monthly_series(d, **kw),
    "monthly_series_alt.csv": lambda d, **kw: P.read_monthly_series(d, alternative=True, **kw),
    "weekly_series.csv": lambda d, **kw: P.read_weekly_series(d, **kw),
    "calendar.csv": lambda d, **kw: P.read_calendar(d, **kw),
    "annual_convictions.csv": lambda d, **kw: P.read_annual_convictions(d, **kw),
    "rejects_summary.csv": lambda d, **kw: P.read_rejects_summary(d, **kw),
    "reconciliation_summary.csv": lambda d, **kw: P.read_reconciliation_summary(d, **kw),
    "published_figures.csv": lambda d, **kw: P.read_published_figures(d, **kw),
}


def _count_schema_checks(monkeypatch):
    import analysis.schemas as S

    seen = []
    for name in dir(S):
        obj = getattr(S, name)
        if name.endswith("FileSchema"):
            orig = obj.validate

            def spy(df, *a, _orig=orig, _name=name, **kw):
                seen.append(_name)
                return _orig(df, *a, **kw)

            monkeypatch.setattr(obj, "validate", spy)
    return seen


def test_a_file_the_build_checked_reads_as_the_checked_frame(built, monkeypatch):
    """Skipping the repeated schema check changes nothing in the frames, and skips only that check."""
    processed, _ = built
    info = P.read_build_info(processed)
    seen = _count_schema_checks(monkeypatch)
    for name, read in _SCHEMA_READERS.items():
        assert info["outputs"][name]["schema_checked"] == P.schema_token(info["outputs"][name]["sha256"])
        fast = read(processed)
        assert seen == []
        full = read(processed, revalidate=True)
        assert len(seen) == 1
        seen.clear()
        pd.testing.assert_frame_equal(fast, full, check_exact=True)


def test_the_schema_check_runs_when_the_schemas_or_the_record_differ(copy, monkeypatch):
    seen = _count_schema_checks(monkeypatch)
    # other schemas than the build's: every file is checked
    monkeypatch.setattr(P, "schema_fingerprint", lambda: "0" * 64)
    for read in _SCHEMA_READERS.values():
        read(copy)
    assert len(seen) == len(_SCHEMA_READERS)
    monkeypatch.undo()
    # a folder without the token (an older build): checked
    seen = _count_schema_checks(monkeypatch)
    info_path = copy / "build_info.json"
    info = json.loads(info_path.read_text(encoding="utf-8"))
    for rec in info["outputs"].values():
        rec.pop("schema_checked", None)
    info_path.write_text(json.dumps(info, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    P.read_calendar(copy)
    assert seen == ["CalendarFileSchema"]
    # verify_processed always checks
    seen.clear()
    P.verify_processed(copy)
    assert set(seen) == {"SeriesFileSchema", "WeeklyFileSchema", "CalendarFileSchema", "ConvictionsFileSchema",
                         "RejectsSummaryFileSchema", "ReconciliationSummaryFileSchema", "PublishedFileSchema"}


def test_reading_checked_files_does_not_load_pandera(built):
    import subprocess
    import sys

    processed, _ = built
    code = ("import sys; from analysis import processed as P; "
            f"P.read_monthly_series({str(processed)!r}); P.read_calendar({str(processed)!r}); "
            "print('pandera' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
