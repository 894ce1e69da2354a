"""``python -m analysis screen``: screen every series of a long CSV (default: all convictions by article part)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError
from .limits import MIN_EVENTS

if TYPE_CHECKING:
    import pandas as pd

#: Default input and series keys: every article part and charge of form 10-а.
DEFAULT_INPUT = "convictions_all.csv"
DEFAULT_BY = ("article", "part", "charge")

#: Float format of the written table (six significant digits: stable across platforms).
FLOAT_FORMAT = "%.6g"
#: Root seed of the command's random streams (the committed screen table's seed).
SCREEN_SEED = 20240224


def read_long_csv(path: Path, by: list[str], time: str, value: str) -> pd.DataFrame:
    """Read a long CSV: ``by`` columns as text (empty = missing), ``time`` as integer years or ``YYYY-MM`` months."""
    import pandas as pd

    if not path.is_file():
        raise InputError(str(path), "file not found (run `python -m analysis build` for the default input)")
    try:
        df = pd.read_csv(path, dtype={c: str for c in by}, keep_default_na=False, na_values=[""])
    except (ValueError, pd.errors.ParserError) as exc:
        raise InputError(str(path), f"cannot be parsed as CSV ({exc})") from None
    missing = [c for c in [*by, time, value] if c not in df.columns]
    if missing:
        raise InputError(str(path), f"required column(s) missing: {', '.join(missing)}")
    col = df[time]
    if not pd.api.types.is_integer_dtype(col.dtype):
        try:
            df[time] = pd.PeriodIndex(col.astype(str), freq="M")
        except (ValueError, TypeError):
            raise InputError(str(path), f"column {time!r} holds neither integer years nor YYYY-MM months",
                             column=time) from None
    return df


def table_csv(table: pd.DataFrame) -> str:
    """The CSV text of a screen table as :func:`write_table` writes it."""
    return table.to_csv(index=False, lineterminator="\n", float_format=FLOAT_FORMAT)


def write_table(result, path: Path) -> Path:
    """Write the per-series table as CSV and its ``meta`` as JSON beside it (``.json``), each atomically."""
    import json

    from ..results import jsonable

    path.parent.mkdir(parents=True, exist_ok=True)
    for target, text in ((path, table_csv(result.to_frame())),
                         (path.with_suffix(".json"),
                          json.dumps(jsonable(result.meta), ensure_ascii=False, indent=1, sort_keys=True) + "\n")):
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(target)
    return path


def cmd_screen(args: argparse.Namespace) -> int:
    from ..processed import processed_dir
    from .engine import screen

    by = list(args.by)
    path = Path(args.input) if args.input else processed_dir() / DEFAULT_INPUT
    frame = read_long_csv(path, by, args.time, args.value)
    res = screen(frame, by, time=args.time, value=args.value, event=args.event, n_jobs=args.n_jobs,
                 seed=args.seed, intervals=not args.no_intervals, min_events=args.min_events,
                 progress=False if args.quiet else None)
    if args.out:
        write_table(res, Path(args.out))
        print(f"screen table written to {args.out}", file=sys.stderr)
    print(res.summary(q=args.q))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``screen`` command to the toolkit's command line."""
    s = sub.add_parser("screen", help="screen every series for change points and an event effect",
                       description="Run the change-point search and a step model at an event on every series "
                                   "of a long CSV; p-values adjusted by Benjamini-Hochberg and Holm.")
    s.add_argument("--input", help=f"long CSV (default: data/processed/{DEFAULT_INPUT})")
    s.add_argument("--by", nargs="+", default=list(DEFAULT_BY), help="columns naming a series")
    s.add_argument("--time", default="year", help="time column: integer years or YYYY-MM (default: year)")
    s.add_argument("--value", default="value", help="count column (default: value)")
    s.add_argument("--event", default="invasion_2022", help="event id of analysis/data/events.csv, or a date")
    s.add_argument("--n-jobs", type=int, default=1, help="joblib workers (default 1; -1 = all cores)")
    s.add_argument("--seed", type=int, default=SCREEN_SEED, help="root seed of the random streams")
    s.add_argument("--min-events", type=int, default=MIN_EVENTS, help="fewest events for a series to be tested")
    s.add_argument("--no-intervals", action="store_true", help="skip the break-date intervals (faster)")
    s.add_argument("--q", type=float, default=0.1, help="level for the discoveries in the summary")
    s.add_argument("--out", help="write the per-series table to this CSV")
    s.add_argument("--quiet", action="store_true", help="no progress output")
    s.set_defaults(func=cmd_screen)
