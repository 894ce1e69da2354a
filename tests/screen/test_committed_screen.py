"""The committed screen table (``data/processed/screen_convictions.csv``) is what the code gives.

Each row depends only on its series and its own random stream (series ``i`` gets child
``i`` of the seed), so a sample of rows is recomputed from the committed input and must
give the same text, byte for byte; the adjusted p-values are recomputed over the whole
committed column. The full table is written by the command in
:data:`analysis.court_tables.SCREEN_COMMAND`.
"""
from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest

from analysis.court_tables import SCREEN_FILE
from analysis.manifest import PROCESSED_DIR
from analysis.screening import adjust_bh, adjust_holm
from analysis.screening.cli import DEFAULT_BY, DEFAULT_INPUT, SCREEN_SEED, read_long_csv, table_csv
from analysis.screening.engine import _assemble, resolve_event, series_tasks
from analysis.screening.tasks import MIN_EVENTS, ScreenOptions, run_task

TABLE = PROCESSED_DIR / SCREEN_FILE


@pytest.fixture(scope="module")
def committed():
    if not TABLE.is_file():
        pytest.skip("no committed screen table")
    text = TABLE.read_text(encoding="utf-8")
    return text, pd.read_csv(TABLE, dtype=str, keep_default_na=False)


def test_sample_of_rows_recomputes_byte_for_byte(committed):
    text, table = committed
    meta = json.loads(TABLE.with_suffix(".json").read_text(encoding="utf-8"))
    assert meta["seed"] == SCREEN_SEED and meta["options"]["by"] == list(DEFAULT_BY)
    frame = read_long_csv(PROCESSED_DIR / DEFAULT_INPUT, list(DEFAULT_BY), "year", "value")
    keys, tasks, _root, digest = series_tasks(frame, DEFAULT_BY, seed=SCREEN_SEED)
    assert digest == meta["input_sha256"] and len(tasks) == len(table)
    name, date, _ = resolve_event(meta["options"]["event"])
    from analysis.changepoint import DEFAULT_N_BOOT

    opts = ScreenOptions(name, date.date().isoformat(), 0.05, True, DEFAULT_N_BOOT, MIN_EVENTS)
    p = pd.to_numeric(table["p_value"], errors="coerce").to_numpy()
    top = list(np.argsort(np.where(np.isnan(p), np.inf, p), kind="stable")[:10])
    sample = sorted(set(top) | set(range(0, len(tasks), 150)))
    records = []
    for j, pos in enumerate(sample):
        rec = run_task(tasks[pos], opts)
        rec["position"] = j
        records.append(rec)
    rebuilt, _ = _assemble(keys.iloc[sample].reset_index(drop=True), records, date)
    cols = [c for c in rebuilt.columns if c not in ("p_bh", "p_holm")]
    lines = text.splitlines()
    header = lines[0].split(",")
    assert header == list(rebuilt.columns)
    got = pd.read_csv(io.StringIO(table_csv(rebuilt[cols])), dtype=str, keep_default_na=False)
    want = pd.read_csv(io.StringIO(table_csv(pd.read_csv(TABLE, dtype=str, keep_default_na=False).iloc[sample][cols])),
                       dtype=str, keep_default_na=False)
    assert got.shape == want.shape
    # Text fields must match exactly. Numbers are written to 6 significant digits, so a
    # value that lies on a rounding boundary can flip its last digit between CPUs
    # (summation order in the BLAS); numbers may differ by one unit in that digit.
    for col in cols:
        g = pd.to_numeric(got[col], errors="coerce").to_numpy()
        w = pd.to_numeric(want[col], errors="coerce").to_numpy()
        numeric = ~np.isnan(w)
        assert (got[col][~numeric] == want[col][~numeric]).all(), col
        assert np.allclose(g[numeric], w[numeric], rtol=1.1e-5, atol=0), col  # one unit in the 6th digit


def test_adjusted_pvalues_are_bh_and_holm_of_the_committed_column(committed):
    _text, table = committed
    p = pd.to_numeric(table["p_value"], errors="coerce").to_numpy()
    for col, fn in (("p_bh", adjust_bh), ("p_holm", adjust_holm)):
        have = pd.to_numeric(table[col], errors="coerce").to_numpy()
        assert np.array_equal(np.isnan(have), np.isnan(p))
        ok = ~np.isnan(p)
        assert np.allclose(have[ok], fn(p)[ok], rtol=2e-5, atol=1e-12)
    assert (table.loc[table["testable"] == "False", "reason"] != "").all()
