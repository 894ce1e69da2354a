"""Command line: ``python -m analysis fetch | build | validate | report | vintages | refresh``.

Exit codes: 0 success; 1 usable input with rejected rows (``validate``); 2 unusable
input or a failed step, reported in one line naming the file, never a traceback.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .errors import AnalysisError
from .fetch import fetch_all, mirror_from_env
from .manifest import PROCESSED_DIR, RAW_DIR


def _fail(msg: str) -> int:
    print(f"error: {msg}", file=sys.stderr)
    return 2


def cmd_fetch(args: argparse.Namespace) -> int:
    mirror = Path(args.mirror) if args.mirror else mirror_from_env()
    outcomes = fetch_all(raw_dir=Path(args.raw_dir), mirror=mirror, only=args.only or None,
                         progress=not args.quiet)
    missing = [o for o in outcomes if o.status == "missing"]
    n = {s: sum(o.status == s for o in outcomes) for s in ("present", "fetched", "copied", "missing")}
    print(f"fetch: {n['present']} already present, {n['fetched']} downloaded, {n['copied']} copied from mirror, "
          f"{n['missing']} not obtained", file=sys.stderr)
    return 1 if missing else 0


def cmd_build(args: argparse.Namespace) -> int:
    from .build import build_processed

    mirror = Path(args.mirror) if args.mirror else mirror_from_env()
    build_processed(raw_dir=Path(args.raw_dir), mirror=mirror, out_dir=Path(args.out),
                    progress=not args.quiet)
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from .sources import LOADER_NAMES, get_loader

    if args.source not in LOADER_NAMES:
        msg = f"unknown source {args.source!r}; choose one of: {', '.join(LOADER_NAMES)}"
        if args.json:
            print(json.dumps({"file": str(args.path), "source": args.source, "error": msg}, ensure_ascii=False))
        return _fail(msg)
    loader = get_loader(args.source)
    try:
        res = loader(Path(args.path))
    except AnalysisError as exc:
        if args.json:
            print(json.dumps({"file": str(args.path), "source": args.source, "error": str(exc)},
                             ensure_ascii=False))
        return _fail(str(exc))
    except Exception as exc:  # a file we never saw: still one line, never a traceback
        if args.json:
            print(json.dumps({"file": str(args.path), "source": args.source,
                              "error": f"cannot be read ({type(exc).__name__})"}, ensure_ascii=False))
        return _fail(f"{args.path}: cannot be read ({type(exc).__name__}: {exc})")
    rej = res.rejects
    n_rejected = int((rej["status"] == "rejected").sum()) if len(rej) else 0
    payload = {
        "file": str(args.path), "source": args.source, "rows_in": res.rows_in,
        "accepted": res.accepted, "rejected": res.rejected,
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


def cmd_report(args: argparse.Namespace) -> int:
    from .report import build_report

    out = build_report(Path(args.config) if args.config else None, Path(args.out) if args.out else None,
                       lang=args.lang, progress=not args.quiet)
    print(f"report written to {out}", file=sys.stderr)
    return 0


def make_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m analysis",
                                description="Repression time-series toolkit: fetch raw inputs, build "
                                            "processed series, validate a file, write the report.")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    f = sub.add_parser("fetch", help="download raw inputs into data/raw (sha256-checked)",
                       description="Download every raw file in data/raw/manifest.toml, or copy it from a "
                                   "mirror folder, verifying sha256; files already present are skipped.")
    f.add_argument("--mirror", help="local folder laid out like the manifest paths (default: $ANALYSIS_MIRROR)")
    f.add_argument("--raw-dir", default=str(RAW_DIR), help="destination folder (default: data/raw)")
    f.add_argument("--only", nargs="*", metavar="ID", help="fetch only these manifest ids")
    f.add_argument("--quiet", action="store_true", help="no progress output")
    f.set_defaults(func=cmd_fetch)

    b = sub.add_parser("build", help="rebuild data/processed from the raw files",
                       description="Load and validate every raw file, reconcile snapshots and write the "
                                   "processed series (data/processed) and audit tables (data/processed/audit).")
    b.add_argument("--mirror", help="fallback folder for raw files (default: $ANALYSIS_MIRROR)")
    b.add_argument("--raw-dir", default=str(RAW_DIR), help="folder of fetched raw files (default: data/raw)")
    b.add_argument("--out", default=str(PROCESSED_DIR), help="output folder (default: data/processed)")
    b.add_argument("--quiet", action="store_true", help="no progress output")
    b.set_defaults(func=cmd_build)

    v = sub.add_parser("validate", help="validate one file with a named loader",
                       description="Validate one file. Exit 0: every row accepted; 1: usable with rejected rows; "
                                   "2: unusable file.")
    v.add_argument("path", help="the file to validate")
    v.add_argument("--source", required=True, help="loader name, e.g. foreign_agents_xlsx")
    v.add_argument("--json", action="store_true", help="print exactly one JSON object on stdout")
    v.set_defaults(func=cmd_validate)

    r = sub.add_parser("report", help="write the report from data/processed",
                       description="Write reports/latest/index.html, report.md and figures/ from the committed "
                                   "processed data only (no download).")
    r.add_argument("--config", help="TOML configuration (default: the packaged default configuration)")
    r.add_argument("--out", help="output folder (default: reports/latest)")
    r.add_argument("--lang", default="en", choices=["en", "ru"], help="report language")
    r.add_argument("--quiet", action="store_true", help="no progress output")
    r.set_defaults(func=cmd_report)

    from .vintages.cli import register as register_vintages

    register_vintages(sub)  # `vintages` and `refresh`

    from .screening.cli import register as register_screen

    register_screen(sub)  # `screen`
    return p


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except AnalysisError as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return _fail("interrupted")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
