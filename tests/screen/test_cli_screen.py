"""``python -m analysis screen`` on a small long CSV: table, meta and summary; one-line errors."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd

from analysis.cli import main


def _csv(tmp_path, monthly=False):
    rng = np.random.default_rng(0)
    rows = []
    periods = (pd.period_range("2016-01", "2024-12", freq="M").astype(str) if monthly
               else list(range(2009, 2025)))
    for k in range(3):
        for t in periods:
            rows.append({"article": f"10{k}", "part": "" if k else "1", "charge": "main", "year": t,
                         "value": int(rng.poisson(20))})
    path = tmp_path / "long.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def test_screen_command_writes_table_and_meta(tmp_path, capsys):
    out = tmp_path / "screen.csv"
    rc = main(["screen", "--input", str(_csv(tmp_path)), "--out", str(out), "--quiet", "--seed", "5"])
    assert rc == 0
    table = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert len(table) == 3 and list(table.columns[:3]) == ["article", "part", "charge"]
    meta = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert meta["seed"] == 5 and meta["options"]["event"] == "invasion_2022"
    assert "Screen of 3 series" in capsys.readouterr().out
    rc = main(["screen", "--input", str(_csv(tmp_path)), "--out", str(tmp_path / "again.csv"), "--quiet",
               "--seed", "5"])
    assert (tmp_path / "again.csv").read_bytes() == out.read_bytes()


def test_monthly_input_and_errors(tmp_path, capsys):
    rc = main(["screen", "--input", str(_csv(tmp_path, monthly=True)), "--quiet", "--no-intervals"])
    assert rc == 0 and "Screen of 3 series" in capsys.readouterr().out
    rc = main(["screen", "--input", str(tmp_path / "missing.csv"), "--quiet"])
    err = capsys.readouterr().err
    assert rc == 2 and err.startswith("error:") and "missing.csv" in err and len(err.strip().splitlines()) == 1
    bad = tmp_path / "bad.csv"
    bad.write_text("article,year\n1,2020\n", encoding="utf-8")
    rc = main(["screen", "--input", str(bad), "--quiet"])
    assert rc == 2 and "missing" in capsys.readouterr().err
