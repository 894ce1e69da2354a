"""``python -m analysis refresh``: pull a registry from the ministry's REST API as a new vintage.

Requests (``endpoint`` is ``scheme://host[:port]``):

* ``POST {endpoint}/rest/registry/all`` with ``{"offset": 0, "limit": 50, "search": ""}``:
  the registries and their column titles. No public source documents its shape; the
  accepted form is ``{"size": N, "values": [{"id": …, "name": …, "columns": [{"field":
  "field_4_s", "title": "…"}]}]}``. Field meanings are resolved from the titles; when the
  titles cannot be read, the documented meanings of ``UPSTREAM.md`` are used, with a
  warning, and the vintage records ``fields_from = "documented"``.
* ``POST {endpoint}/rest/registry/<id>/values`` with ``{"offset", "limit", "search": "",
  "facets": {}, "sort": []}``, paged by ``offset`` until ``size`` entries are read. Every
  page is validated (a JSON object with an integer ``size`` and a ``values`` array of
  objects holding the resolved fields; the same ``size`` on every page; a full page
  unless it is the last).
* ``GET {endpoint}/rest/registry/<id>/export?``: the XLSX export, optional; failing to
  get it is a warning. It is stored beside the vintage when obtained.

Behaviour: a timeout per request (also against a server that sends a few bytes at a
time), an overall deadline, up to ``retries`` retries with exponential backoff on 5xx,
a truncated or malformed body and network errors, a page cap and a size cap per
response. A 403 (the ministry's sites refuse many foreign networks) is a clear message,
never retried. TLS is always verified; ``ca_bundle`` adds the certificates to trust (the
ministry's chain ends in the Russian root CA).

Storage: ``data/raw/registry_vintages/<registry>/rest-<UTC time>.json`` holds only the
fields the toolkit reads (registry number, name, legal basis, dates, type or status), so
no identifier is written. Its entry goes to the local manifest
``data/raw/registry_vintages/refreshed.toml`` with the request time, the sha256 of the
*normalised content* (the values sorted, keys sorted, without the request time: the same
registry gives the same hash on every pull, whereas the export's bytes change per
request), and a diff against the newest earlier vintage that can be loaded here. When the
content equals that of the newest earlier refresh, nothing is written, and the outcome
says so. No earlier file is needed: in a fresh clone the diff says none was found.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import socket
import ssl
import sys
import tempfile
import time
import urllib.error
import urllib.request
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from ..errors import AnalysisError, AnalysisWarning
from ..manifest import RAW_DIR

__all__ = ["DEFAULT_ENDPOINT", "REGISTRY_IDS", "RefreshError", "RefreshOutcome", "refresh", "resolve_fields",
           "DOCUMENTED_FIELDS", "MAX_PAGES", "MAX_BYTES", "content_sha256"]

DEFAULT_ENDPOINT = "https://reestrs.minjust.gov.ru"
REGISTRY_IDS = {"foreign_agents": "39b95df9-9a68-6b6d-e1e3-e6388507067e",
                "undesirable": "c2d1692e-a9f6-5a79-13ee-5da5b42980df"}
#: Field meanings documented by third-party clients (``UPSTREAM.md``); used only when the
#: titles of ``/rest/registry/all`` cannot be read.
DOCUMENTED_FIELDS = {
    "foreign_agents": {"entry_id": "field_1_i", "name": "field_2_s", "basis": "field_3_s",
                       "included": "field_4_s", "excluded": "field_5_s", "type": "field_7_s"},
    "undesirable": {"name": "field_5_s", "included": "field_2_s", "excluded": "field_8_s",
                    "status": "field_10_s"},
}
PAGE_SIZE = 500
MAX_PAGES = 100
MAX_BYTES = 50 * 1024 * 1024
USER_AGENT = "analysis-toolkit-refresh (research; polite: sequential, bounded)"


class RefreshError(AnalysisError):
    """A refresh that could not complete; the message says why in one line."""


@dataclass(frozen=True)
class RefreshOutcome:
    """What a refresh did: ``written`` is False when the content had not changed."""

    registry: str
    written: bool
    vintage_id: str | None
    path: Path | None
    content_sha256: str
    n_values: int
    diff: str
    message: str
    warnings: tuple[str, ...] = ()


# ---------------------------------------------------------------------------
# Field meanings from titles
# ---------------------------------------------------------------------------


def _title_meaning(registry: str, title: Any) -> str | None:
    from ..sources.foreign_agents import _header_field
    from ..sources.kit.normalise import clean_text

    key = clean_text(title).casefold().replace("ё", "е")
    if not key:
        return None
    if registry == "foreign_agents":
        f = _header_field(title)
        return {"entry_id": "entry_id", "name": "name", "basis": "basis", "included": "included",
                "excluded": "excluded", "type": "type"}.get(f or "")
    if key.replace(" ", "") in {"№п/п", "№", "noп/п", "п/п"}:
        return "entry_id"
    if "статус" in key:
        return "status"
    if "прокурат" in key:
        return "decision" if "исключ" not in key else None
    if "исключ" in key:
        return "excluded"
    if "включ" in key or ("дата" in key and "решени" in key):
        return "included"
    if "наименование" in key:
        return "name"
    return None


def resolve_fields(registry: str, columns: Any) -> dict[str, str] | None:
    """Meaning → field from ``columns`` (``[{"field", "title"}]``), or None when unreadable.

    Unreadable means: not a list of objects with string ``field`` and ``title``, a
    required meaning (name, inclusion date) missing, or one meaning claimed by two fields.
    """
    if not isinstance(columns, list) or not columns:
        return None
    out: dict[str, str] = {}
    for c in columns:
        if not isinstance(c, dict) or not isinstance(c.get("field"), str) or not isinstance(c.get("title"), str):
            return None
        m = _title_meaning(registry, c["title"])
        if m is None:
            continue
        if m in out:
            return None
        out[m] = c["field"]
    if "name" not in out or "included" not in out:
        return None
    return out


# ---------------------------------------------------------------------------
# HTTP
# ---------------------------------------------------------------------------


class _Transient(Exception):
    """A failure worth retrying (5xx, truncated body, network error)."""


@dataclass
class _Client:
    endpoint: str
    context: ssl.SSLContext | None
    timeout: float
    deadline_at: float
    max_bytes: int
    retries: int
    backoff: float
    log: Callable[[str], None]

    def _left(self) -> float:
        left = self.deadline_at - time.monotonic()
        if left <= 0:
            raise RefreshError(f"{self.endpoint}: the overall deadline passed before the refresh completed")
        return left

    def _once(self, method: str, path: str, body: Any | None) -> bytes:
        url = self.endpoint.rstrip("/") + path
        data = json.dumps(body).encode("utf-8") if body is not None else None
        req = urllib.request.Request(url, data=data, method=method,
                                     headers={"User-Agent": USER_AGENT, "Accept": "application/json, */*",
                                              **({"Content-Type": "application/json"} if data else {})})
        limit = min(self.timeout, self._left())
        started = time.monotonic()
        try:
            resp = urllib.request.urlopen(req, timeout=limit, context=self.context)
        except urllib.error.HTTPError as exc:
            if exc.code == 403:
                raise RefreshError(
                    f"{url}: 403 Forbidden. The ministry's servers refuse requests from many networks outside "
                    "Russia; run the refresh from a network they accept, or use the vintages of the mirror") from None
            if 500 <= exc.code < 600:
                raise _Transient(f"HTTP {exc.code}") from None
            raise RefreshError(f"{url}: HTTP {exc.code} {exc.reason}") from None
        except ssl.SSLCertVerificationError as exc:
            raise RefreshError(f"{url}: the TLS certificate cannot be verified ({exc.verify_message}); the "
                               "ministry's chain needs the Russian root CA: pass it with --ca-bundle FILE "
                               "(verification is never switched off)") from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, ssl.SSLCertVerificationError):
                raise RefreshError(f"{url}: the TLS certificate cannot be verified; pass the CA with --ca-bundle "
                                   "FILE (verification is never switched off)") from None
            raise _Transient(f"network error ({exc.reason})") from None
        except (TimeoutError, socket.timeout):
            raise _Transient(f"no answer within {limit:.0f} s") from None
        except (ConnectionError, OSError) as exc:
            raise _Transient(f"network error ({type(exc).__name__})") from None
        with resp:
            declared = resp.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > self.max_bytes:
                raise RefreshError(f"{url}: the response declares {int(declared):,} bytes, more than the size cap "
                                   f"of {self.max_bytes:,}")
            chunks, n = [], 0
            while True:
                if time.monotonic() - started > limit:
                    raise _Transient(f"the response did not complete within {limit:.0f} s (slow server)")
                try:
                    chunk = resp.read1(65536) if hasattr(resp, "read1") else resp.read(65536)
                except (TimeoutError, socket.timeout):
                    raise _Transient(f"no data within {limit:.0f} s") from None
                except (ConnectionError, OSError, http_incomplete()) as exc:
                    raise _Transient(f"the connection broke ({type(exc).__name__})") from None
                if not chunk:
                    break
                n += len(chunk)
                if n > self.max_bytes:
                    raise RefreshError(f"{url}: the response exceeds the size cap of {self.max_bytes:,} bytes")
                chunks.append(chunk)
            if declared and declared.isdigit() and n < int(declared):
                raise _Transient(f"truncated body ({n} of {declared} bytes)")
        return b"".join(chunks)

    def request(self, method: str, path: str, body: Any | None = None, *, parse: bool = True) -> Any:
        """The response (parsed JSON unless ``parse`` is False), retrying transient failures."""
        last = ""
        for attempt in range(self.retries + 1):
            self._left()
            try:
                raw = self._once(method, path, body)
                if not parse:
                    return raw
                try:
                    return json.loads(raw.decode("utf-8-sig"))
                except (UnicodeDecodeError, json.JSONDecodeError):
                    raise _Transient("the body is not complete JSON (truncated or malformed)") from None
            except _Transient as exc:
                last = str(exc)
                if attempt == self.retries:
                    break
                wait = min(self.backoff * (2 ** attempt), max(0.0, self.deadline_at - time.monotonic()))
                self.log(f"refresh: {path}: {last}; retrying in {wait:.1f} s ({attempt + 1}/{self.retries})")
                time.sleep(wait)
        raise RefreshError(f"{self.endpoint.rstrip('/') + path}: {last} (after {self.retries + 1} attempts)")


def http_incomplete() -> type:
    import http.client

    return http.client.IncompleteRead


# ---------------------------------------------------------------------------
# Paging and validation
# ---------------------------------------------------------------------------


def _page(obj: Any, *, offset: int, fields: dict[str, str], where: str) -> tuple[int, list[dict[str, Any]]]:
    if not isinstance(obj, dict):
        raise _Transient(f"{where}: offset {offset}: the page is not a JSON object")
    size, values = obj.get("size"), obj.get("values")
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        raise RefreshError(f"{where}: offset {offset}: the page has no integer 'size'")
    if not isinstance(values, list) or not all(isinstance(v, dict) for v in values):
        raise RefreshError(f"{where}: offset {offset}: 'values' is not an array of objects")
    for k, v in enumerate(values):
        missing = [f for f in (fields["name"], fields["included"]) if f not in v]
        if missing:
            raise RefreshError(f"{where}: offset {offset}, entry {k + 1}: field {missing[0]!r} is missing "
                               "(the layout changed?)")
    return size, values


def _pull_values(client: _Client, reg_id: str, fields: dict[str, str], *, max_pages: int,
                 page_size: int) -> tuple[int, list]:
    path = f"/rest/registry/{reg_id}/values"
    values: list[dict[str, Any]] = []
    size = None
    for page_no in range(max_pages):
        offset = len(values)
        body = {"offset": offset, "limit": page_size, "search": "", "facets": {}, "sort": []}
        for attempt in range(2):  # a short page is asked for once more
            n, page = _page(client.request("POST", path, body), offset=offset, fields=fields, where=path)
            if size is None:
                size = n
            if n != size:
                raise RefreshError(f"{path}: the registry size changed during the pull ({size} → {n}); try again")
            expected = min(page_size, size - offset)
            if len(page) >= expected or attempt == 1:
                break
            client.log(f"refresh: offset {offset}: short page ({len(page)} of {expected}); asking again")
        if len(page) < expected:
            raise RefreshError(f"{path}: offset {offset}: short page ({len(page)} of {expected} entries) twice; "
                               "the registry cannot be read completely now")
        values.extend(page[:expected])
        client.log(f"refresh: {len(values)} of {size} entries")
        if len(values) >= size:
            return size, values
    raise RefreshError(f"{path}: the page cap ({max_pages} pages of {page_size}) was reached before "
                       f"{size} entries were read")


# ---------------------------------------------------------------------------
# Normalised content, storage, diff
# ---------------------------------------------------------------------------


def _normalise(values: list[dict[str, Any]], fields: dict[str, str]) -> list[dict[str, Any]]:
    kept = sorted(set(fields.values()))
    rows = [{f: v.get(f) for f in kept} for v in values]
    return sorted(rows, key=lambda r: json.dumps(r, ensure_ascii=False, sort_keys=True))


def content_sha256(fields: dict[str, str], values: list[dict[str, Any]]) -> str:
    """sha256 of the normalised content (field mapping and sorted values, no request time)."""
    blob = json.dumps({"fields": dict(sorted(fields.items())), "values": values}, ensure_ascii=False,
                      sort_keys=True, separators=(",", ":")).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()


def _toml_str(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    return json.dumps(str(v), ensure_ascii=False)


def _append_entry(manifest: Path, entry: dict[str, Any]) -> None:
    manifest.parent.mkdir(parents=True, exist_ok=True)
    text = manifest.read_text(encoding="utf-8") if manifest.is_file() else (
        "# Vintages pulled by `python -m analysis refresh` on this machine (local, not committed).\n")
    block = "\n[[vintage]]\n" + "".join(f"{k} = {_toml_str(v)}\n" for k, v in entry.items() if v is not None)
    fd, tmp = tempfile.mkstemp(dir=manifest.parent, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text + block)
    os.replace(tmp, manifest)


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)


def _diff(new_path: Path, registry: str, raw_dir: Path, mirror: Path | None, before: str,
          manifest: Path, exclude: set[str]) -> tuple[str | None, str]:
    """(id of the newest earlier vintage that can be loaded, summary of the differences)."""
    from ..sources.rest_vintage import load_minjust_rest_vintage
    from .store import VINTAGES_PATH, load_vintages, read_vintages

    try:
        candidates = [v for v in read_vintages(VINTAGES_PATH, refreshed=manifest, registry=registry)
                      if v.release_date.isoformat() <= before and v.id not in exclude]
    except AnalysisError:
        candidates = []
    new = load_minjust_rest_vintage(new_path).frame
    for v in sorted(candidates, key=lambda v: (v.release_date, v.id), reverse=True):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                old = load_vintages([v], raw_dir=raw_dir, mirror=mirror)[0].frame
        except AnalysisError:
            continue
        if old["entry_id"].notna().any() and new["entry_id"].notna().any():
            a = old.dropna(subset=["entry_id"]).set_index("entry_id")
            b = new.dropna(subset=["entry_id"]).set_index("entry_id")
            common = a.index.intersection(b.index)
            changed = 0
            for col in ("included_on", "excluded_on"):
                x, y = a.loc[common, col], b.loc[common, col]
                changed += int((~((x == y) | (x.isna() & y.isna()))).sum())
            text = (f"{len(b.index.difference(a.index))} registry numbers added, "
                    f"{len(a.index.difference(b.index))} missing, {changed} date changes in common entries")
        else:
            text = f"{len(new) - len(old):+d} entries (no registry numbers to match)"
        return v.id, text
    return None, "no earlier vintage of this registry can be loaded here (fresh clone?)"


def refresh(registry: str = "foreign_agents", *, endpoint: str = DEFAULT_ENDPOINT, ca_bundle: str | None = None,
            raw_dir: Path = RAW_DIR, mirror: Path | None = None, progress: bool = True, timeout: float = 30.0,
            deadline: float = 300.0, retries: int = 3, backoff: float = 1.0, max_pages: int = MAX_PAGES,
            max_bytes: int = MAX_BYTES, page_size: int = PAGE_SIZE,
            now: dt.datetime | None = None) -> RefreshOutcome:
    """Pull ``registry`` and store it as a new vintage unless its content has not changed.

    Parameters
    ----------
    registry : {"foreign_agents", "undesirable"}
    endpoint : str
        Base URL ``scheme://host[:port]``.
    ca_bundle : str, optional
        PEM file of extra CA certificates to trust.
    raw_dir : Path
        Raw data folder; the vintage goes to ``raw_dir/registry_vintages/<registry>/``.
    mirror : Path, optional
        Where earlier vintages are also looked for (for the diff).
    timeout, deadline : float
        Seconds per request (including reading its body) and for the whole refresh.
    retries, backoff : int, float
        Retries of a transient failure, waiting ``backoff · 2^k`` seconds before the k-th.
    max_pages, max_bytes : int
        Page cap and size cap per response.
    page_size : int
        Entries asked for per page (``limit``).
    now : datetime, optional
        Request time to record (default: the current UTC time).

    Returns
    -------
    RefreshOutcome

    Raises
    ------
    RefreshError
        403, unverifiable TLS, a page that fails validation, caps or deadline exceeded,
        or failures that persist after the retries.
    """
    if registry not in REGISTRY_IDS:
        raise RefreshError(f"unknown registry {registry!r}; choose one of {', '.join(REGISTRY_IDS)}")
    if not endpoint.startswith(("http://", "https://")):
        raise RefreshError(f"endpoint {endpoint!r} is not scheme://host[:port]")
    context = None
    if endpoint.startswith("https://"):
        context = ssl.create_default_context()
        if ca_bundle:
            try:
                context.load_verify_locations(cafile=ca_bundle)
            except (OSError, ssl.SSLError) as exc:
                raise RefreshError(f"{ca_bundle}: not a readable PEM bundle ({type(exc).__name__})") from None

    def log(msg: str) -> None:
        if progress:
            print(msg, file=sys.stderr, flush=True)

    notes: list[str] = []
    client = _Client(endpoint=endpoint, context=context, timeout=timeout, deadline_at=time.monotonic() + deadline,
                     max_bytes=max_bytes, retries=retries, backoff=backoff, log=log)
    requested = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc).replace(microsecond=0)
    reg_id = REGISTRY_IDS[registry]

    fields, titles, fields_from = None, {}, "titles"
    try:
        listing = client.request("POST", "/rest/registry/all", {"offset": 0, "limit": 50, "search": ""})
        entry = next((r for r in (listing.get("values") or []) if isinstance(r, dict) and r.get("id") == reg_id),
                     None) if isinstance(listing, dict) else None
        if entry is not None:
            fields = resolve_fields(registry, entry.get("columns"))
            from ..sources.kit.normalise import clean_text

            titles = {c["field"]: clean_text(c["title"]) for c in entry.get("columns") or []
                      if isinstance(c, dict) and isinstance(c.get("field"), str) and isinstance(c.get("title"), str)}
    except RefreshError as exc:
        if "403" in str(exc):
            raise
        notes.append(f"the registry list could not be read ({exc})")
    if fields is None:
        fields, fields_from = dict(DOCUMENTED_FIELDS[registry]), "documented"
        msg = (f"{endpoint}: the column titles of /rest/registry/all could not be read; using the documented "
               "field meanings (UPSTREAM.md), which no title confirms")
        warnings.warn(msg, AnalysisWarning, stacklevel=2)
        notes.append(msg)
    log(f"refresh: {registry}: fields {dict(sorted(fields.items()))} (from {fields_from})")

    size, values = _pull_values(client, reg_id, fields, max_pages=max_pages, page_size=page_size)
    norm = _normalise(values, fields)
    csha = content_sha256(fields, norm)

    manifest = Path(raw_dir) / "registry_vintages" / "refreshed.toml"
    from .store import VINTAGES_PATH, read_vintages

    try:
        earlier = [v for v in read_vintages(VINTAGES_PATH, refreshed=manifest, registry=registry)
                   if v.extra.get("content_sha256")]
    except AnalysisError:
        earlier = []
    if earlier:
        newest = max(earlier, key=lambda v: (v.extra.get("requested_at", ""), v.id))
        if newest.extra["content_sha256"] == csha:
            msg = (f"refresh: {registry}: {len(norm)} entries, content unchanged since {newest.id} "
                   f"(content sha256 {csha[:12]}…); nothing written")
            return RefreshOutcome(registry=registry, written=False, vintage_id=newest.id, path=None,
                                  content_sha256=csha, n_values=len(norm), diff="unchanged", message=msg,
                                  warnings=tuple(notes))

    stamp = requested.strftime("%Y%m%dT%H%M%SZ")
    prefix = "fa" if registry == "foreign_agents" else "uo"
    vid = f"{prefix}_rest_{stamp}"
    rel = Path("registry_vintages") / registry / f"rest-{stamp}.json"
    payload = {"format": "minjust_rest_vintage", "registry": registry, "registry_id": reg_id,
               "endpoint": endpoint, "requested_at": requested.isoformat().replace("+00:00", "Z"),
               "fields": dict(sorted(fields.items())), "fields_from": fields_from,
               "titles": {f: titles[f] for f in sorted(set(fields.values())) if f in titles},
               "size": size, "values": norm}
    data = json.dumps(payload, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")
    path = Path(raw_dir) / rel
    _write_atomic(path, data)

    try:
        export = client.request("GET", f"/rest/registry/{reg_id}/export?", parse=False)
        if export[:2] == b"PK":
            _write_atomic(path.with_name(f"rest-{stamp}-export.xlsx"), export)
        else:
            notes.append("the export is not an XLSX file; not stored")
    except RefreshError as exc:
        msg = f"the XLSX export could not be obtained ({exc}); the vintage is complete without it"
        warnings.warn(msg, AnalysisWarning, stacklevel=2)
        notes.append(msg)

    against, diff = _diff(path, registry, Path(raw_dir), mirror, requested.date().isoformat(), manifest, {vid})
    _append_entry(manifest, {
        "id": vid, "registry": registry, "series": "minjust_rest", "release_date": requested.date().isoformat(),
        "release_date_from": "request time", "loader": "minjust_rest_vintage", "path": rel.as_posix(),
        "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data), "pin": "local pull",
        "source": endpoint.rstrip("/") + f"/rest/registry/{reg_id}/values",
        "requested_at": payload["requested_at"], "content_sha256": csha, "diff_against": against, "diff": diff,
    })
    msg = (f"refresh: {registry}: {len(norm)} entries written as {vid} ({rel.as_posix()}); "
           f"diff against {against or 'nothing'}: {diff}")
    return RefreshOutcome(registry=registry, written=True, vintage_id=vid, path=path, content_sha256=csha,
                          n_values=len(norm), diff=diff, message=msg, warnings=tuple(notes))
