"""The vintage store: which dated releases of the registries exist, and loading them.

The list of vintages is ``data/raw/vintages.toml`` (committed), plus the vintages that
``python -m analysis refresh`` pulled on this machine (``data/raw/registry_vintages/
refreshed.toml``, local like every raw file). A vintage either names its own file
(``path``, ``sha256``, ``bytes``, ``url``) or refers to an entry of the main manifest
(``manifest_id``), whose facts are then read from there, so that each checksum is
written once.
"""
from __future__ import annotations

import datetime as dt
import sys
import time
import tomllib
import warnings
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable

from ..errors import AnalysisWarning, InputError
from ..manifest import MANIFEST_PATH, RAW_DIR, RawFile, load_manifest, resolve_raw
from ..sources.base import LoadResult

__all__ = ["VINTAGES_PATH", "REFRESHED_PATH", "Vintage", "LoadedVintage", "read_vintages", "load_vintages",
           "RELEASE_DATE_KINDS", "SERIES_RANK"]

VINTAGES_PATH = RAW_DIR / "vintages.toml"
#: Local manifest of the vintages pulled by ``refresh`` (under data/raw, never committed).
REFRESHED_PATH = RAW_DIR / "registry_vintages" / "refreshed.toml"

#: How a release date can be known (``release_date_from``).
RELEASE_DATE_KINDS = ("file name", "parse date", "export timestamp", "data date", "request time")

#: Authority of each series when releases overlap in time: official releases (rank 0)
#: are preferred in the release chain over third-party parses of the same registry.
SERIES_RANK = {
    "minjust_pdf": 0, "minjust_export": 0, "minjust_rest": 0,
    "fz255_foreign_agents": 1, "fz255_undesirable": 1, "theotheo_csv": 1, "inoagent_info": 1,
    "chekazoid_rest": 1,
}

_FIELDS = {"id", "registry", "series", "release_date", "release_date_from", "loader", "path", "sha256",
           "bytes", "url", "pin", "source", "manifest_id", "note", "requested_at", "content_sha256",
           "diff_against", "diff"}


@dataclass(frozen=True)
class Vintage:
    """One dated release of a registry.

    Attributes
    ----------
    id, registry, series : str
    release_date : date
        The release date as far as it is known (see ``release_date_from``).
    release_date_from : str
        One of :data:`RELEASE_DATE_KINDS`.
    loader : str
        Source name in :data:`analysis.sources.LOADERS`.
    path, sha256 : str
        Relative path under ``data/raw`` (or the mirror) and checksum of the file.
    bytes : int or None
    url : str or None
        Pinned public address (None for a local pull or a mirror-only file).
    pin : str
        ``"commit"``, ``"abbreviated commit"``, ``"mirror only"`` or ``"local pull"``.
    bound_date : date
        Latest date the loader accepts in the file (the release date, or the date the
        file was made when that is later).
    manifest_id : str or None
        Entry of the main manifest this vintage reads its file facts from.
    """

    id: str
    registry: str
    series: str
    release_date: dt.date
    release_date_from: str
    loader: str
    path: str
    sha256: str
    bytes: int | None = None
    url: str | None = None
    pin: str = "mirror only"
    source: str | None = None
    manifest_id: str | None = None
    note: str | None = None
    bound_date: dt.date | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def rank(self) -> int:
        """Authority of the series (0 = official), see :data:`SERIES_RANK`."""
        return SERIES_RANK.get(self.series, 1)

    def as_raw_file(self) -> RawFile:
        """The vintage as a manifest entry (for checksum-verified resolution)."""
        return RawFile(id=self.id, path=self.path, sha256=self.sha256, bytes=self.bytes or 0, format="",
                       loader=self.loader, licence="", snapshot_date=self.release_date.isoformat(),
                       url=self.url, mirror_only=self.url is None)


def _date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        raise InputError(where, f"release_date {value!r} is not YYYY-MM-DD") from None


def _read_toml(path: Path) -> list[dict[str, Any]]:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(str(path), "vintage manifest not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(str(path), f"not valid TOML ({exc})") from None
    return list(data.get("vintage", []))


def read_vintages(path: Path = VINTAGES_PATH, *, manifest: Path = MANIFEST_PATH,
                  refreshed: Path | None = REFRESHED_PATH, registry: str | None = None) -> list[Vintage]:
    """Every vintage listed, sorted by (registry, release date, id).

    Parameters
    ----------
    path : Path
        The committed vintage manifest.
    manifest : Path
        The main raw-input manifest that ``manifest_id`` entries refer to.
    refreshed : Path or None
        The local manifest of pulled vintages; read when it exists.
    registry : str, optional
        Keep only this registry.

    Raises
    ------
    InputError
        Malformed entry, duplicate id, unknown ``manifest_id``, unknown release-date kind.
    """
    main = {e.id: e for e in load_manifest(manifest)}
    raw_entries = [(str(path), e) for e in _read_toml(path)]
    if refreshed is not None and Path(refreshed).is_file():
        raw_entries += [(str(refreshed), e) for e in _read_toml(refreshed)]
    out: list[Vintage] = []
    seen: set[str] = set()
    for where, e in raw_entries:
        unknown = set(e) - _FIELDS
        if unknown:
            raise InputError(where, f"vintage {e.get('id')!r} has unknown keys {sorted(unknown)}")
        vid = e.get("id")
        if not vid or vid in seen:
            raise InputError(where, f"vintage id {vid!r} is missing or repeated")
        seen.add(vid)
        kind = e.get("release_date_from")
        if kind not in RELEASE_DATE_KINDS:
            raise InputError(where, f"vintage {vid}: release_date_from {kind!r} is not one of {RELEASE_DATE_KINDS}")
        release = _date(e.get("release_date"), where)
        bound = release
        facts: dict[str, Any] = {k: e.get(k) for k in ("path", "sha256", "bytes", "url")}
        pin = e.get("pin", "mirror only")
        if e.get("manifest_id"):
            ref = main.get(e["manifest_id"])
            if ref is None:
                raise InputError(where, f"vintage {vid}: manifest_id {e['manifest_id']!r} is not in {manifest}")
            facts = {"path": ref.path, "sha256": ref.sha256, "bytes": ref.bytes, "url": ref.url}
            pin = "mirror only" if ref.mirror_only or not ref.url else "commit"
            bound = max(release, _date(ref.snapshot_date, where))
        if not facts["path"] or not facts["sha256"]:
            raise InputError(where, f"vintage {vid}: needs path and sha256, or a manifest_id")
        extra = {k: e[k] for k in ("requested_at", "content_sha256", "diff_against", "diff") if k in e}
        out.append(Vintage(id=vid, registry=e["registry"], series=e["series"], release_date=release,
                           release_date_from=kind, loader=e["loader"], path=facts["path"],
                           sha256=facts["sha256"], bytes=facts["bytes"], url=facts["url"], pin=pin,
                           source=e.get("source"), manifest_id=e.get("manifest_id"), note=e.get("note"),
                           bound_date=bound, extra=extra))
    if registry is not None:
        out = [v for v in out if v.registry == registry]
    return sorted(out, key=lambda v: (v.registry, v.release_date, v.rank, v.id))


@dataclass(frozen=True)
class LoadedVintage:
    """A vintage and what its loader made of it."""

    vintage: Vintage
    result: LoadResult
    seconds: float

    @property
    def frame(self):
        return self.result.frame

    @property
    def exclusions_observed(self) -> bool:
        """False when the loader found that the file does not show exclusions."""
        return bool(self.result.meta.get("exclusions_observed", True))

    @property
    def has_entry_ids(self) -> bool:
        return bool(self.result.frame["entry_id"].notna().any()) if len(self.result.frame) else False

    @property
    def artefact_entry_ids(self) -> list[int]:
        return list(self.result.meta.get("artefact_entry_ids", []))


def load_vintages(vintages: Iterable[Vintage] | None = None, *, registry: str | None = None,
                  raw_dir: Path = RAW_DIR, mirror: Path | None = None, progress: bool = False,
                  loader_options: dict[str, dict[str, Any]] | None = None) -> list[LoadedVintage]:
    """Load and validate every vintage (checksum-verified), in release order.

    Parameters
    ----------
    vintages : iterable of Vintage, optional
        Default: :func:`read_vintages` (filtered by ``registry``).
    registry : str, optional
        Keep only this registry.
    raw_dir, mirror : Path
        Where the files are looked for: ``raw_dir/<path>`` first, then ``mirror/<path>``.
    progress : bool
        Print one line per vintage to stderr.
    loader_options : dict, optional
        Extra keyword arguments per loader name (e.g. ``{"minjust_pdf": {"engine": "pdfplumber"}}``).

    Returns
    -------
    list of LoadedVintage
        Every file accounted for row by row (``rows_in = accepted + rejected``).

    Raises
    ------
    InputError
        A file missing from both places or failing its checksum, or unusable.
    """
    from ..sources import get_loader

    items = list(vintages) if vintages is not None else read_vintages(registry=registry)
    if registry is not None:
        items = [v for v in items if v.registry == registry]
    out: list[LoadedVintage] = []
    for k, v in enumerate(items, start=1):
        path = resolve_raw(v.as_raw_file(), raw_dir=Path(raw_dir), mirror=mirror)
        loader = get_loader(v.loader)
        opts = dict((loader_options or {}).get(v.loader, {}))
        t0 = time.perf_counter()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            res = loader(path, source_id=v.id, snapshot_date=v.bound_date, **opts)
        for w in caught:
            if issubclass(w.category, AnalysisWarning):
                warnings.warn(str(w.message), AnalysisWarning, stacklevel=2)
        res.check_accounting()
        seconds = time.perf_counter() - t0
        out.append(LoadedVintage(vintage=v, result=res, seconds=seconds))
        if progress:
            print(f"vintages: [{k}/{len(items)}] {v.id}: {res.rows_in} rows, {res.accepted} accepted, "
                  f"{res.rejected} rejected or skipped ({seconds:.1f} s)", file=sys.stderr, flush=True)
    return out


def with_release(v: Vintage, **changes: Any) -> Vintage:
    """A copy of ``v`` with fields changed (used by tests and by ``refresh``)."""
    return replace(v, **changes)
