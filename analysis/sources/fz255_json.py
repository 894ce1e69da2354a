"""Loaders for the dated JSON snapshots of both registries kept by the ``fz255`` project.

=================================  ==========================================  ===============
loader                             what                                        ``source_row``
=================================  ==========================================  ===============
load_fz255_foreign_agents          ``fz255/foreign-agents`` ``registry.json``   array index + 1
                                   (parsed from the ministry's PDF)
load_fz255_undesirable             ``fz255/undesirable-organizations``          array index + 1
                                   ``registry.json`` (scraped from the
                                   ministry's HTML table)
=================================  ==========================================  ===============

Each snapshot is one commit of the upstream repository; the mirror names it
``<commit date>_<short commit>.json``. The commit date is when the third party ran its
parser (:func:`parse_date_from_name`), usually the day of or after the ministry's
release: it bounds the release date from above, it is not the release date.

What the parser got wrong is recorded, never turned into entries:

* a row whose cells begin with the table's header text (``"No п/п\\n262"``,
  ``"Дата принятия решения о включении\\n29.09.2021"``) is a page header merged into an
  entry by the upstream parser; it is rejected with a reason that names the registry
  number it swallowed (``meta["artefact_entry_ids"]``), so that the entry's absence
  from that snapshot is known to be an artefact and not a removal;
* a row with every field empty is skipped;
* in some snapshots the ``dateOut`` key holds the *publication* date that the
  ministry's PDF gained in 2024 (every filled value 0–3 days after the inclusion
  date, no ``datePubl`` key): exclusions are then not observed in that snapshot. The
  loader drops the column, says so in a warning, and sets
  ``meta["exclusions_observed"] = False``.
"""
from __future__ import annotations

import datetime as dt
import re
import warnings
from pathlib import Path
from typing import Any

from ..errors import AnalysisWarning
from ..registries import FOREIGN_AGENTS_START
from .base import LoadResult
from .foreign_agents import REGISTRY, _filled, _kind_without_category
from .kit.categories import infer_category, kind_from_category
from .kit.events import EventBuilder
from .kit.json_input import json_records, read_json, text_cell
from .kit.legal_basis import legal_basis_code
from .kit.normalise import clean_text
from .undesirable import load_undesirable_scrape_json

__all__ = ["load_fz255_foreign_agents", "load_fz255_undesirable", "parse_date_from_name"]

_FILE_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:_|$)")
#: Header wording the upstream parser leaves at the start of a cell of a merged row.
_HEADER_WORDS = ("п/п", "полное наименование", "основания включения", "дата принятия", "дата опубликования",
                 "дата рождения")
#: Largest gap (days) between inclusion and a ``dateOut`` value that marks the column
#: as the publication date rather than the exclusion date (see the module docstring).
PUBLICATION_GAP_DAYS = 3
#: Fewest such values before the column is judged to be the publication date.
PUBLICATION_MIN_VALUES = 5


def parse_date_from_name(path: str | Path) -> dt.date | None:
    """Parse (commit) date in a snapshot name ``YYYY-MM-DD_<commit>.json``, or None."""
    m = _FILE_DATE.match(Path(path).name)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _header_fragment(value: Any) -> bool:
    """Whether a cell begins with header wording (a page header glued into the row)."""
    if not isinstance(value, str):
        return False
    first = clean_text(value.split("\n", 1)[0]).casefold().replace("№", "no")
    return any(first.startswith(w) or first.startswith("no " + w) or w in first[:20] for w in _HEADER_WORDS)


def _swallowed_number(value: Any) -> int | None:
    """Registry number on the lines after the header text in a merged ``id`` cell."""
    if not isinstance(value, str):
        return None
    tail = value.split("\n", 1)[1] if "\n" in value else ""
    m = re.fullmatch(r"\s*(\d{1,7})\s*", tail)
    return int(m.group(1)) if m else None


def _is_empty_record(rec: dict[str, Any]) -> bool:
    return all(not clean_text(v) if isinstance(v, str) or v is None else False for v in rec.values())


def _parse(text: Any) -> dt.date | None:
    try:
        return dt.datetime.strptime(clean_text(text), "%d.%m.%Y").date()
    except (TypeError, ValueError):
        return None


def _date_out_is_publication(records: list[tuple[int, dict[str, Any]]]) -> bool:
    """Whether ``dateOut`` holds publication dates (see the module docstring)."""
    if any("datePubl" in rec for _, rec in records):
        return False
    gaps = []
    for _, rec in records:
        d_in, d_out = _parse(rec.get("dateIn")), _parse(rec.get("dateOut"))
        if d_in is not None and d_out is not None:
            gaps.append((d_out - d_in).days)
    return len(gaps) >= PUBLICATION_MIN_VALUES and all(0 <= g <= PUBLICATION_GAP_DAYS for g in gaps)


def load_fz255_foreign_agents(path: str | Path, *, source_id: str | None = None,
                              snapshot_date: dt.date | None = None) -> LoadResult:
    """Load one ``fz255/foreign-agents`` snapshot of the registry of foreign agents.

    Parameters
    ----------
    path : str or Path
        A ``registry.json`` snapshot (keys ``id``, ``fullName``, ``dob``, ``ogrn``,
        ``inn``, ``regNum``, ``snils``, ``address``, ``resources``, ``members``, ``law``,
        ``dateIn``, ``dateOut``, from 2024-07 also ``datePubl``).
    source_id : str, optional
        Identifier written into the result (default ``"fz255_foreign_agents"``).
    snapshot_date : date, optional
        Latest plausible date; defaults to the parse date in the file name
        (:func:`parse_date_from_name`), else today.

    Returns
    -------
    LoadResult
        ``meta``: ``snapshot_date``, ``release_date_from`` (``"parse date in file name"``,
        ``"argument"`` or ``"today"``), ``exclusions_observed``, ``artefact_entry_ids``
        (registry numbers swallowed by merged header rows) and counts of unrecognised
        wordings.

    Raises
    ------
    InputError
        Unusable file, or a required key missing from every entry.

    Notes
    -----
    The rows are read as by :func:`analysis.sources.foreign_agents.load_foreign_agents_pdf_json`
    (same cell rules and category inference; identifier values are only tested for
    presence and never kept), after the artefacts of the module docstring are set aside.
    """
    file = str(path)
    sid = source_id or "fz255_foreign_agents"
    items = read_json(path)
    bound, how = _bound(path, snapshot_date)
    builder = EventBuilder(registry=REGISTRY, source_id=sid, file=file,
                           not_before=FOREIGN_AGENTS_START, not_after=bound)
    records = json_records(items, file, builder, required=("id", "fullName", "law", "dateIn", "dateOut"))
    artefact_ids: list[int] = []
    kept: list[tuple[int, dict[str, Any]]] = []
    for row, rec in records:
        if _is_empty_record(rec):
            builder.reject(row, None, None, "blank row (every field empty)", status="skipped")
            continue
        fragment_keys = [k for k in ("id", "fullName", "law", "dateIn", "dateOut") if _header_fragment(rec.get(k))]
        if fragment_keys:
            number = _swallowed_number(rec.get("id"))
            if number is not None:
                artefact_ids.append(number)
            what = f" (it holds entry {number})" if number is not None else ""
            builder.reject(row, fragment_keys[0], rec.get(fragment_keys[0]) if fragment_keys[0] == "id" else None,
                           f"parser artefact: page header merged into the row{what}")
            continue
        kept.append((row, rec))
    publication = _date_out_is_publication(kept)
    if publication:
        warnings.warn(f"{file}: 'dateOut' holds publication dates (every value within "
                      f"{PUBLICATION_GAP_DAYS} days of inclusion, no 'datePubl' key); exclusions are "
                      "not observed in this snapshot and the column is ignored", AnalysisWarning, stacklevel=2)
    for row, rec in kept:
        basis_raw = text_cell(rec, "law")
        basis_text = clean_text(basis_raw) if isinstance(basis_raw, str) else ""
        basis = legal_basis_code(basis_text)
        if basis == "unknown" and basis_text:
            builder.note_unrecognised("legal_basis", basis_text)
        filled = {k: _filled(rec.get(src)) for k, src in (("birth_date", "dob"), ("snils", "snils"),
                                                           ("ogrn", "ogrn"))}
        category = infer_category(has_birth_date=filled["birth_date"], has_snils=filled["snils"],
                                  has_ogrn=filled["ogrn"], legal_basis=basis)
        kind = kind_from_category(category) or _kind_without_category(filled)
        builder.add(
            row,
            entry_id=("id", rec.get("id")),
            name=("fullName", text_cell(rec, "fullName")),
            included=("dateIn", rec.get("dateIn")),
            excluded=None if publication else ("dateOut", rec.get("dateOut")),
            legal_basis=basis, category=category, kind=kind,
        )
    meta = {"format": "fz255_foreign_agents", "snapshot_date": bound.isoformat(), "release_date_from": how,
            "exclusions_observed": not publication, "artefact_entry_ids": sorted(set(artefact_ids))}
    return builder.result(rows_in=len(items), meta=meta)


def load_fz255_undesirable(path: str | Path, *, source_id: str | None = None,
                           snapshot_date: dt.date | None = None) -> LoadResult:
    """Load one ``fz255/undesirable-organizations`` snapshot of the list of undesirable organisations.

    The rows are read by :func:`analysis.sources.undesirable.load_undesirable_scrape_json`
    (``included_on`` = Minjust listing date, ``decision_on`` = Prosecutor-General's
    decision date); this loader only dates the snapshot by the parse date in its file
    name and records how that date is known.

    Parameters
    ----------
    path : str or Path
        A ``registry.json`` snapshot.
    source_id : str, optional
        Identifier written into the result (default ``"fz255_undesirable"``).
    snapshot_date : date, optional
        Latest plausible date; defaults to the parse date in the file name, else today.

    Returns
    -------
    LoadResult
        As the scrape loader, with ``meta["release_date_from"]``,
        ``meta["exclusions_observed"]`` (True) and ``meta["artefact_entry_ids"]`` (empty).
    """
    bound, how = _bound(path, snapshot_date)
    res = load_undesirable_scrape_json(path, source_id=source_id or "fz255_undesirable", snapshot_date=bound)
    meta = {**res.meta, "format": "fz255_undesirable", "release_date_from": how,
            "exclusions_observed": True, "artefact_entry_ids": []}
    return LoadResult(frame=res.frame, rejects=res.rejects, rows_in=res.rows_in, source_id=res.source_id,
                      file=res.file, meta=meta)


def _bound(path: str | Path, snapshot_date: dt.date | None) -> tuple[dt.date, str]:
    if snapshot_date is not None:
        return snapshot_date, "argument"
    found = parse_date_from_name(path)
    if found is not None:
        return found, "parse date in file name"
    return dt.date.today(), "today"
