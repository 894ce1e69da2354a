"""Command-line parts of ``python -m analysis vintages`` and ``python -m analysis refresh``.

:func:`register` adds both subcommands to the main parser of :mod:`analysis.cli`.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..manifest import RAW_DIR

__all__ = ["register", "cmd_vintages", "cmd_refresh"]


def cmd_vintages(args: argparse.Namespace) -> int:
    from ..fetch import mirror_from_env
    from .build import VINTAGES_DIR, build_vintages

    mirror = Path(args.mirror) if args.mirror else mirror_from_env()
    build_vintages(raw_dir=Path(args.raw_dir), mirror=mirror, out_dir=Path(args.out or VINTAGES_DIR),
                   progress=not args.quiet, engine=args.engine, audit=not args.no_audit)
    return 0


def cmd_refresh(args: argparse.Namespace) -> int:
    from .refresh import DEFAULT_ENDPOINT, RefreshError, refresh

    try:
        outcome = refresh(args.registry, endpoint=args.endpoint or DEFAULT_ENDPOINT, ca_bundle=args.ca_bundle,
                          raw_dir=Path(args.raw_dir), progress=not args.quiet, timeout=args.timeout,
                          deadline=args.deadline, max_pages=args.max_pages, max_bytes=args.max_bytes)
    except RefreshError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(outcome.message, file=sys.stderr)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``vintages`` and ``refresh`` subcommands."""
    from .refresh import DEFAULT_ENDPOINT, MAX_BYTES, MAX_PAGES

    v = sub.add_parser("vintages", help="load every registry release and write the vintage tables",
                       description="Load and validate every vintage of data/raw/vintages.toml (and local "
                                   "refreshes), build entry histories, disappearances, the revision triangle, "
                                   "publication lags and the nowcast, and write data/processed/vintages "
                                   "(aggregate tables) and data/processed/vintages/audit (per entry).")
    v.add_argument("--mirror", help="fallback folder for raw files (default: $ANALYSIS_MIRROR)")
    v.add_argument("--raw-dir", default=str(RAW_DIR), help="folder of fetched raw files (default: data/raw)")
    v.add_argument("--out", help="output folder (default: data/processed/vintages)")
    v.add_argument("--engine", default="pdfium", choices=["pdfium", "pdfplumber"],
                   help="table extractor for the ministry PDFs (default: pdfium)")
    v.add_argument("--no-audit", action="store_true", help="do not write the per-entry audit tables")
    v.add_argument("--quiet", action="store_true", help="no progress output")
    v.set_defaults(func=cmd_vintages)

    r = sub.add_parser("refresh", help="pull the registry from the ministry's REST API as a new vintage",
                       description="Read the paged REST API of a registry, validate every page, and store the "
                                   "result as a new vintage under data/raw/registry_vintages/<registry>/ unless "
                                   "its content equals the newest earlier vintage.")
    r.add_argument("--registry", default="foreign_agents", choices=["foreign_agents", "undesirable"])
    r.add_argument("--endpoint", help=f"base URL scheme://host[:port] (default: {DEFAULT_ENDPOINT})")
    r.add_argument("--ca-bundle", help="PEM file of CA certificates to trust (e.g. the Russian root CA)")
    r.add_argument("--raw-dir", default=str(RAW_DIR), help="raw data folder (default: data/raw)")
    r.add_argument("--timeout", type=float, default=30.0, help="seconds per request (default 30)")
    r.add_argument("--deadline", type=float, default=300.0, help="seconds for the whole refresh (default 300)")
    r.add_argument("--max-pages", type=int, default=MAX_PAGES, help=f"page cap (default {MAX_PAGES})")
    r.add_argument("--max-bytes", type=int, default=MAX_BYTES, help=f"size cap per response (default {MAX_BYTES})")
    r.add_argument("--quiet", action="store_true", help="no progress output")
    r.set_defaults(func=cmd_refresh)
