"""A local stand-in for the ministry's registry REST API, with the failures a refresh must survive.

It serves ``POST /rest/registry/all``, ``POST /rest/registry/<id>/values`` (paged by
``offset``/``limit``, with ``size``) and ``GET /rest/registry/<id>/export`` on 127.0.0.1.
Values are synthetic (made-up names and dates; no real identifiers). ``faults`` is a
list of instructions consumed in order by the values requests:

* ``"403"``, ``"500"`` — that status;
* ``"short"`` — the page with half its entries;
* ``"reorder"`` — the page's objects with their keys in reverse order;
* ``"truncate"`` — the body cut in half (with the full ``Content-Length``);
* ``"drip"`` — the body sent a few bytes at a time, slowly;
* ``"ok"`` — a normal answer.
"""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FA_ID = "39b95df9-9a68-6b6d-e1e3-e6388507067e"
UO_ID = "c2d1692e-a9f6-5a79-13ee-5da5b42980df"

#: Column titles as the registry's export header prints them, with shuffled field numbers
#: so that a client reading fields by index would fail.
FA_COLUMNS = [
    {"field": "field_1_i", "title": "№ п/п"},
    {"field": "field_3_s", "title": "Полное наименование (прежнее наименование (в случае его изменения))/ФИО"},
    {"field": "field_2_s", "title": "Основания для включения"},
    {"field": "field_5_s", "title": "Дата принятия Минюстом России решения о включении в реестр"},
    {"field": "field_4_s", "title": "Дата принятия Минюстом России решения об исключении из реестра (при наличии)"},
    {"field": "field_7_s", "title": "Тип иностранного агента"},
    {"field": "field_9_s", "title": "ИНН"},
]


def make_values(n: int) -> list[dict]:
    """``n`` synthetic foreign-agent entries in the field layout of :data:`FA_COLUMNS`."""
    out = []
    for i in range(1, n + 1):
        day = 1 + (i % 28)
        out.append({
            "field_1_i": i,
            "field_3_s": f"Условная организация номер {i}",
            "field_2_s": "Статья 7 Федерального закона от 14.07.2022 № 255-ФЗ",
            "field_5_s": f"{day:02d}.0{1 + i % 9}.2024",
            "field_4_s": "" if i % 7 else f"{day:02d}.12.2024",
            "field_7_s": "Юридические лица" if i % 3 else "Иные объединения лиц",
            "field_9_s": "",
        })
    return out


class MockMinjust:
    """Start with ``with MockMinjust(values=...) as m:``; ``m.endpoint`` is the base URL."""

    def __init__(self, *, values: list[dict] | None = None, faults: list[str] | None = None,
                 all_mode: str = "titles", export: str = "ok", drip_delay: float = 0.2) -> None:
        self.values = values if values is not None else make_values(23)
        self.faults = list(faults or [])
        self.all_mode = all_mode
        self.export = export
        self.drip_delay = drip_delay
        self.requests: list[tuple[str, str, dict | None]] = []
        self._lock = threading.Lock()
        mock = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep the test output quiet
                pass

            def _send(self, status: int, body: bytes, *, ctype="application/json", length=None,
                      drip=False) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body) if length is None else length))
                self.send_header("Connection", "close")
                self.end_headers()
                if drip:
                    for k in range(0, len(body), 8):
                        self.wfile.write(body[k:k + 8])
                        self.wfile.flush()
                        time.sleep(mock.drip_delay)
                else:
                    self.wfile.write(body)
                self.close_connection = True

            def do_POST(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(n) or b"{}")
                with mock._lock:
                    mock.requests.append(("POST", self.path, body))
                if self.path == "/rest/registry/all":
                    return self._all()
                if self.path == f"/rest/registry/{FA_ID}/values":
                    return self._values(body)
                self._send(404, b'{"error": "not found"}')

            def do_GET(self):
                with mock._lock:
                    mock.requests.append(("GET", self.path, None))
                if self.path.startswith(f"/rest/registry/{FA_ID}/export"):
                    if mock.export == "ok":
                        return self._send(200, b"PK\x03\x04synthetic-xlsx", ctype="application/octet-stream")
                    return self._send(500, b"error")
                self._send(404, b"not found")

            def _all(self):
                if mock.all_mode == "titles":
                    cols = FA_COLUMNS
                elif mock.all_mode == "no_titles":
                    cols = [{"field": c["field"]} for c in FA_COLUMNS]
                else:
                    return self._send(500, b"error")
                obj = {"size": 2, "values": [{"id": FA_ID, "name": "Реестр иностранных агентов", "columns": cols},
                                             {"id": UO_ID, "name": "Перечень", "columns": []}]}
                self._send(200, json.dumps(obj, ensure_ascii=False).encode("utf-8"))

            def _values(self, body):
                with mock._lock:
                    fault = mock.faults.pop(0) if mock.faults else "ok"
                if fault in ("403", "500"):
                    return self._send(int(fault), b'{"error": "status"}')
                off, lim = int(body.get("offset", 0)), int(body.get("limit", 50))
                page = mock.values[off:off + lim]
                if fault == "short":
                    page = page[: max(0, len(page) // 2)]
                if fault == "reorder":
                    page = [dict(reversed(list(v.items()))) for v in page]
                raw = json.dumps({"size": len(mock.values), "values": page}, ensure_ascii=False).encode("utf-8")
                if fault == "truncate":
                    return self._send(200, raw[: len(raw) // 2], length=len(raw))
                self._send(200, raw, drip=(fault == "drip"))

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.endpoint = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> "MockMinjust":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
