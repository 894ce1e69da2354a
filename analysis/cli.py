"""Command line: ``python -m analysis fetch | build | validate | report | vintages | refresh``.

Exit codes:

* ``fetch``: 0 every file present and verified; 1 some file could not be obtained or
  verified (each named in one line, then a summary); 2 the command itself is wrong
  (unknown ``--only`` id, missing mirror folder, ``--raw-dir`` not a folder).
* ``build``: 0 success; 2 any problem (an unusable input, an output folder that cannot
  be replaced). Row-level problems are not errors: they are counted in
  ``rejects_summary.csv``.
* ``validate``: 0 every row accepted; 1 the file is usable but some rows were rejected;
  2 the file cannot be used, or no row of it can.
* ``report``: 0 success; 2 a failed step (a bad configuration value, an output that
  cannot be written, no processed data found).
* a command line that cannot be parsed (unknown command or option): 2.

Every problem is one line on stderr (``error: …``, ``warning: …``), never a traceback.
``--version`` prints the toolkit's version and the commit it was built from.

Where data are read and written (see :mod:`analysis._locations`): processed data from
``--data DIR``, else ``$ANALYSIS_PROCESSED``, else the checkout's ``data/processed``,
else the data installed with the package; the report goes to ``--out DIR``, else
``reports/latest`` of the checkout that holds the current folder, else the user's data
folder (``~/.local/share/analysis/reports/latest`` on Linux). Nothing is ever written
into an installed package.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import warnings
from pathlib import Path
from typing import NoReturn

from . import _locations
from .errors import AnalysisError


def _fail(msg: str) -> int:
    print(f"error: {' '.join(str(msg).split())}", file=sys.stderr)
    return 2


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line (``error: …``) and exit 2."""

    def error(self, message: str) -> NoReturn:
        _fail(f"{self.prog}: {message} (see --help)")
        sys.exit(2)


class _Version(argparse.Action):
    """``--version``: the version and commit, worked out only when asked for."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, help=None):
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None) -> NoReturn:
        from . import __version__, source_commit

        commit = source_commit()
        print(f"analysis {__version__}" + (f" (commit {commit})" if commit else ""))
        parser.exit(0)


def _os_error(exc: OSError) -> str:
    """One line for a file-system error: the path and the reason, without errno noise."""
    where = exc.filename if exc.filename is not None else ""
    reason = exc.strerror or type(exc).__name__
    return f"{where}: {reason}" if where else reason


def _unexpected(what: str, exc: BaseException) -> int:
    """One line for an exception the toolkit did not foresee (a bug to report, never a traceback)."""
    return _fail(f"{what} failed unexpectedly ({type(exc).__name__}: {' '.join(str(exc).split())[:300]}); "
                 "please report this")


def cmd_fetch(args: argparse.Namespace) -> int:
    from .fetch import MIRROR_ENV, fetch_all, mirror_from_env  # the network modules load for fetch and build only

    mirror = Path(args.mirror) if args.mirror else mirror_from_env()
    raw_dir = Path(args.raw_dir) if args.raw_dir else _locations.default_raw_dir()
    outcomes = fetch_all(raw_dir=raw_dir, mirror=mirror, only=args.only or None,
                         progress=not args.quiet)
    n = {s: sum(o.status == s for o in outcomes) for s in ("present", "fetched", "copied", "missing", "failed")}
    for o in outcomes:
        if o.status in ("failed", "missing"):
            print(f"error: {o.id}: {o.message}", file=sys.stderr)
    print(f"fetch: {len(outcomes)} files: {n['present']} already present, {n['fetched']} downloaded, "
          f"{n['copied']} copied from the mirror, {n['missing'] + n['failed']} not obtained", file=sys.stderr)
    if any(o.problem in ("network", "deadline") for o in outcomes) and mirror is None:
        print(f"hint: the network looks unreachable; copy the files from a local folder with --mirror DIR "
              f"(or set {MIRROR_ENV}=DIR)", file=sys.stderr)
    return 1 if n["missing"] or n["failed"] else 0


def cmd_build(args: argparse.Namespace) -> int:
    from .build import build_processed
    from .fetch import mirror_from_env

    mirror = Path(args.mirror) if args.mirror else mirror_from_env()
    try:
        build_processed(raw_dir=Path(args.raw_dir) if args.raw_dir else _locations.default_raw_dir(),
                        mirror=mirror,
                        out_dir=Path(args.out) if args.out else _locations.default_build_dir(),
                        progress=not args.quiet)
    except (AnalysisError, KeyboardInterrupt):
        raise
    except Exception as exc:  # noqa: BLE001 - one line, never a traceback
        return _unexpected("build", exc)
    return 0


def _as_of(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise AnalysisError(f"--as-of {text!r}: not a date in YYYY-MM-DD form") from None


def cmd_validate(args: argparse.Namespace) -> int:
    from .sources import LOADER_NAMES, get_loader

    def refuse(msg: str) -> int:
        if args.json:
            print(json.dumps({"file": str(args.path), "source": args.source, "error": msg}, ensure_ascii=False))
        return _fail(msg)

    if args.source not in LOADER_NAMES:
        return refuse(f"unknown source {args.source!r}; choose one of: {', '.join(LOADER_NAMES)}")
    try:
        as_of = _as_of(args.as_of)
    except AnalysisError as exc:
        return refuse(str(exc))
    loader = get_loader(args.source)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            res = loader(Path(args.path), snapshot_date=as_of)
        except AnalysisError as exc:
            return refuse(str(exc))
        except Exception as exc:  # noqa: BLE001 - a file we never saw: still one line, never a traceback
            return refuse(f"{args.path}: cannot be read ({type(exc).__name__}: {' '.join(str(exc).split())[:200]})")
    for w in caught:
        print(f"warning: {' '.join(str(w.message).split())}", file=sys.stderr)
    rej = res.rejects
    n_rejected = int((rej["status"] == "rejected").sum()) if len(rej) else 0
    if res.accepted == 0:
        return refuse(f"{args.path}: no usable row ({res.rows_in} rows, all rejected or skipped)")
    payload = {
        "file": str(args.path), "source": args.source, "rows_in": res.rows_in,
        "accepted": res.accepted, "rejected": res.rejected,
        "as_of": res.meta.get("snapshot_date") or (as_of.isoformat() if as_of else None),
        "rejects": [{"row": int(r.source_row), "column": r.column, "reason": r.reason, "status": r.status}
                    for r in rej.itertuples(index=False)],
    }
    if args.json:
        print(json.dumps(payload, ensure_ascii=False))
    print(f"{args.path}: {res.rows_in} rows, {res.accepted} accepted, {n_rejected} rejected, "
          f"{res.rejected - n_rejected} skipped", file=sys.stderr)
    if not args.json:
        for r in rej.itertuples(index=False):
            col = f", column {r.column!r}" if r.column else ""
            print(f"  row {r.source_row}{col}: {r.status}: {r.reason}", file=sys.stderr)
    return 1 if n_rejected else 0


def _check_config(path: Path) -> None:
    """Read a report configuration once, so that a value of the wrong type is one line naming the file."""
    from .report.config import load_config

    try:
        load_config(path)
    except AnalysisError:
        raise
    except (ValueError, TypeError) as exc:
        raise AnalysisError(f"{path}: a configuration value has the wrong type or form "
                            f"({' '.join(str(exc).split())[:200]})") from None


def cmd_report(args: argparse.Namespace) -> int:
    from .processed import processed_dir
    from .report.builder import run_report

    if args.config:
        _check_config(Path(args.config))
    data_dir = processed_dir(args.data)  # refuses "no data found" before anything is drawn
    out = Path(args.out) if args.out else _locations.default_report_dir()
    run = run_report(Path(args.config) if args.config else None, out, lang=args.lang,
                     progress=not args.quiet, data_dir=data_dir, n_jobs=args.n_jobs)
    if args.quiet:  # with progress on, the report's own last line already says where it went
        print(f"report written to {run.index}", file=sys.stderr)
    return 0


def make_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m analysis",
                                description="Repression time-series toolkit: fetch raw inputs, build "
                                            "processed series, validate a file, write the report.")
    p.add_argument("--version", action=_Version, help="print the version (and commit) and exit")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    f = sub.add_parser("fetch", help="download raw inputs into data/raw (sha256-checked)",
                       description="Download every raw file in data/raw/manifest.toml, or copy it from a "
                                   "mirror folder, verifying sha256 and size; files already present are skipped. "
                                   "Every file is tried; exit 1 if any could not be obtained, 2 on misuse.")
    f.add_argument("--mirror", help="local folder laid out like the manifest paths (default: $ANALYSIS_MIRROR)")
    f.add_argument("--raw-dir", help="destination folder (default: the checkout's data/raw, else "
                                     "<user data folder>/raw)")
    f.add_argument("--only", nargs="*", metavar="ID", help="fetch only these manifest ids")
    f.add_argument("--quiet", action="store_true", help="no progress output")
    f.set_defaults(func=cmd_fetch)

    b = sub.add_parser("build", help="rebuild data/processed from the raw files",
                       description="Load and validate every raw file, reconcile snapshots and write the "
                                   "processed series (data/processed) and audit tables (data/processed/audit). "
                                   "The output folder is replaced as a whole: an interrupt leaves the old one.")
    b.add_argument("--mirror", help="fallback folder for raw files (default: $ANALYSIS_MIRROR)")
    b.add_argument("--raw-dir", help="folder of fetched raw files (default: the checkout's data/raw, else "
                                     "<user data folder>/raw)")
    b.add_argument("--out", help="output folder (default: the checkout's data/processed, else "
                                 "<user data folder>/processed)")
    b.add_argument("--quiet", action="store_true", help="no progress output")
    b.set_defaults(func=cmd_build)

    v = sub.add_parser("validate", help="validate one file with a named loader",
                       description="Validate one file. Exit 0: every row accepted; 1: usable with rejected rows; "
                                   "2: unusable file or no usable row. Only regular files of at most 256 MiB "
                                   "are read.")
    v.add_argument("path", help="the file to validate")
    v.add_argument("--source", required=True, help="loader name, e.g. foreign_agents_xlsx")
    v.add_argument("--json", action="store_true", help="print exactly one JSON object on stdout")
    v.add_argument("--as-of", metavar="DATE",
                   help="snapshot date (YYYY-MM-DD): dates, export stamps and reporting periods after it are "
                        "refused (default: the date the file states, else today, with a warning)")
    v.set_defaults(func=cmd_validate)

    r = sub.add_parser("report", help="write the report from the processed data",
                       description="Write index.html, report.md and figures/ from the processed data only "
                                   "(no download).")
    r.add_argument("--config", help="TOML configuration (default: the packaged default configuration)")
    r.add_argument("--data", metavar="DIR", help=DATA_HELP)
    r.add_argument("--out", help="output folder (default: reports/latest of the checkout holding the current "
                                 "folder, else <user data folder>/reports/latest)")
    r.add_argument("--lang", choices=["en", "ru"],
                   help="report language (default: the configuration's [report] lang)")
    r.add_argument("--n-jobs", type=int, default=1,
                   help="processes for the fits and the figures (default 1; -1 = all cores); the report's "
                        "bytes do not depend on it")
    r.add_argument("--quiet", action="store_true", help="no progress output")
    r.set_defaults(func=cmd_report)

    from .vintages.cli import register as register_vintages

    register_vintages(sub)  # `vintages` and `refresh`

    from .screening.cli import register as register_screen

    register_screen(sub)  # `screen`
    sub.choices["screen"].add_argument("--data", metavar="DIR", help=DATA_HELP + " (read when --input is not given)")
    return p


DATA_HELP = (f"processed-data folder (default: ${_locations.ENV_PROCESSED}, else the checkout's data/processed, "
             "else the data installed with the package)")


def main(argv: list[str] | None = None) -> int:
    """Run one command; return its exit code (see the module docstring). Never raises but SystemExit."""
    parser = make_parser()
    args = parser.parse_args(argv)
    data = getattr(args, "data", None)
    saved = os.environ.get(_locations.ENV_PROCESSED)
    if data and args.command != "report":
        # commands that find the processed data themselves: --data wins over the variable
        os.environ[_locations.ENV_PROCESSED] = data
    try:
        return int(args.func(args))
    except AnalysisError as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return _fail("interrupted")
    except OSError as exc:  # a path that cannot be read or written: one line naming it
        return _fail(_os_error(exc))
    except Exception as exc:  # noqa: BLE001 - never a traceback
        return _unexpected(args.command, exc)
    finally:
        if data and args.command != "report":
            if saved is None:
                os.environ.pop(_locations.ENV_PROCESSED, None)
            else:
                os.environ[_locations.ENV_PROCESSED] = saved


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
