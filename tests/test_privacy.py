"""No personal identifier from the registries reaches any output of ``build`` or ``report``.

The identifier values are taken from the raw files themselves (not described by a
pattern): INN, OGRN, SNILS, registration numbers, special bank-account numbers,
dates of birth, addresses and member lists of

* ``neuron_nexus_inoagents/export.xlsx`` (the official export),
* ``inoagent_info/registry.json`` and ``fz255_foreign_agents/registry.json`` (PDF parses),
* ``theotheo_foreign_agents/the-registry.csv`` (PDF parse, CSV).

Every file that ``build`` writes (the committed tables *and* the audit folder),
every file of the report (HTML, Markdown, SVG, PNG, anything else), and the
progress and warning messages both print are searched byte for byte. Each value is
searched in the forms an output could hold it: UTF-8 as is, ``\\uXXXX``-escaped
(JSON with ``ensure_ascii``), HTML-escaped, digits only (SNILS without its
separators), and as a float (a number column read as float: ``631625645264.0``,
``4.081781074405899e+19``). PNG text chunks are
decompressed and base64 ``data:`` URIs inside HTML/Markdown/SVG are decoded before
searching, so metadata is covered too.

Exclusions, to avoid matches by chance rather than by leak (each is counted in
:func:`test_identifier_values_are_taken_from_the_raw_files`):

* dates of birth are searched (as ``DD.MM.YYYY`` and ``YYYY-MM-DD``) only when the
  year is before 2009: no output holds an event date before 2009 (the registries
  start in 2012, the court series in 2009), so such a match cannot be a
  legitimate event date; later "birth dates" are left out;
* numeric identifiers must not be part of a longer digit run (``827418`` inside an
  SVG coordinate ``12.8274185`` is not a leak); values shorter than 6 characters
  are left out;
* addresses shorter than 20 characters (``г. Москва``) say nothing about a person
  and are left out; member names that are themselves listed in the registry under
  their own entry are public registry names and are left out; member names of a
  single word are left out;
* bank names, BIC and correspondent accounts identify banks, not people: left out
  (the special account numbers themselves are searched);
* a value that the registry prints inside an entry's own official name (a foreign
  foundation's registration number, ``… (регистрационный номер № …)``) is part of
  a public name, which the audit tables may show: left out.
"""
from __future__ import annotations

import base64
import contextlib
import csv
import html
import io
import json
import re
import shutil
import warnings
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from analysis.sources.kit.normalise import clean_text, name_key

pytestmark = pytest.mark.raw  # needs the raw-data mirror

EARLIEST_EVENT_YEAR = 2009
MIN_ADDRESS_LEN = 20
MIN_NUMERIC_LEN = 6

_DATE = re.compile(r"(\d{2})\.(\d{2})\.(\d{4})")
_DIGITS = re.compile(r"\d{6,}")


# --------------------------------------------------------------------------- identifier values


@dataclass
class Identifiers:
    numeric: set[str] = field(default_factory=set)   # INN, OGRN, SNILS, registration no., accounts
    text: set[str] = field(default_factory=set)      # addresses, member names, non-numeric reg. numbers
    birth: set[str] = field(default_factory=set)     # DD.MM.YYYY
    excluded: dict[str, int] = field(default_factory=dict)
    by_kind: dict[str, int] = field(default_factory=dict)

    def skip(self, why: str) -> None:
        self.excluded[why] = self.excluded.get(why, 0) + 1

    def count(self, kind: str) -> None:
        self.by_kind[kind] = self.by_kind.get(kind, 0) + 1


def _add_number(ids: Identifiers, kind: str, raw) -> None:
    text = clean_text(raw)
    if not text:
        return
    values = {text} | set(_DIGITS.findall(text))
    for v in values:
        if len(v) < MIN_NUMERIC_LEN:
            ids.skip(f"{kind}: shorter than {MIN_NUMERIC_LEN} characters")
            continue
        if v.replace("-", "").replace(" ", "").isdigit():
            if v not in ids.numeric:
                ids.count(kind)
            ids.numeric.add(v)
            digits = re.sub(r"\D", "", v)
            if digits != v and len(digits) >= MIN_NUMERIC_LEN:
                ids.numeric.add(digits)
        else:
            if v not in ids.text:
                ids.count(kind)
            ids.text.add(v)  # e.g. "RA000693_127426", "206006 B"


def _add_birth(ids: Identifiers, raw) -> None:
    for d, m, y in _DATE.findall(clean_text(raw)):
        if int(y) >= EARLIEST_EVENT_YEAR:
            ids.skip(f"birth date: year {EARLIEST_EVENT_YEAR} or later (could be an event date)")
            continue
        v = f"{d}.{m}.{y}"
        if v not in ids.birth:
            ids.count("birth date")
        ids.birth.add(v)


def _add_address(ids: Identifiers, raw) -> None:
    text = clean_text(raw)
    if not text:
        return
    if len(text) < MIN_ADDRESS_LEN:
        ids.skip(f"address: shorter than {MIN_ADDRESS_LEN} characters")
        return
    if text not in ids.text:
        ids.count("address")
    ids.text.add(text)
    raw_s = str(raw).strip()
    if raw_s != text and len(raw_s) >= MIN_ADDRESS_LEN:
        ids.text.add(raw_s)


def _add_members(ids: Identifiers, raw, registry_names: set[str]) -> None:
    text = clean_text(raw)
    if not text:
        return
    whole = text.strip("[]").strip()
    if len(whole) >= MIN_ADDRESS_LEN:
        ids.text.add(whole)
        ids.count("member list")
    for part in re.split(r"[,;\[\]\n]", text):
        person = clean_text(part)
        if len(person.split()) < 2:
            if person:
                ids.skip("member: single word")
            continue
        if name_key(person) in registry_names:
            ids.skip("member: also listed in the registry under their own entry (public name)")
            continue
        if person not in ids.text:
            ids.count("member name")
        ids.text.add(person)


def _read_export(path: Path) -> list[dict]:
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        ws = wb.worksheets[0]
        ws.reset_dimensions()
        rows = [tuple(r) for r in ws.iter_rows(values_only=True)]
        wb.close()
    h = next(i for i, r in enumerate(rows) if r and r[0] == "№ п/п")
    header = [clean_text(c) for c in rows[h]]
    return [dict(zip(header, r)) for r in rows[h + 1:]]


def collect_identifiers(mirror: Path) -> Identifiers:
    """Every identifier value in the four raw files that carry them."""
    ids = Identifiers()
    export = _read_export(mirror / "neuron_nexus_inoagents" / "export.xlsx")
    pdf_json = []
    for rel in ("inoagent_info/registry.json", "fz255_foreign_agents/registry.json"):
        pdf_json.extend(json.loads((mirror / rel).read_text(encoding="utf-8")))
    with open(mirror / "theotheo_foreign_agents" / "the-registry.csv", encoding="utf-8", newline="") as fh:
        theo = list(csv.DictReader(fh))

    name_col = next(k for k in export[0] if k.startswith("Полное наименование (прежнее"))
    registry_names = {name_key(r[name_col]) for r in export}
    registry_names |= {name_key(o.get("fullName")) for o in pdf_json}
    registry_names |= {name_key(r["Полное наименование/ФИО"]) for r in theo}
    registry_names.discard("")

    for r in export:
        for col in ("Регистрационный номер", "ИНН", "ОГРН", "СНИЛС", "Номер специального счета"):
            _add_number(ids, col, r.get(col))
        _add_birth(ids, r.get("Дата рождения"))
        _add_address(ids, r.get("Адрес (место нахождения)"))
        _add_members(ids, r.get("Полное наименование или ФИО участников"), registry_names)
    for o in pdf_json:
        for key, kind in (("regNum", "Регистрационный номер"), ("inn", "ИНН"), ("ogrn", "ОГРН"),
                          ("snils", "СНИЛС")):
            _add_number(ids, kind, o.get(key))
        _add_birth(ids, o.get("dob"))
        _add_address(ids, o.get("address"))
        _add_members(ids, o.get("members"), registry_names)
    for r in theo:
        for col in ("Регистрационный номер", "ИНН", "ОГРН", "СНИЛС"):
            _add_number(ids, col, r.get(col))
        _add_birth(ids, r.get("Дата рождения"))
        _add_address(ids, r.get("Адрес (место нахождения)"))
        _add_members(ids, r.get("Полное наименование/ФИО участников"), registry_names)

    # A value the registry prints inside an entry's own name (a foreign foundation's
    # registration number in its official name) is part of that public name.
    names = [clean_text(r[name_col]) for r in export]
    names += [clean_text(o.get("fullName")) for o in pdf_json]
    names += [clean_text(r["Полное наименование/ФИО"]) for r in theo]
    blob = "\n".join(n for n in names if n)
    for pool in (ids.numeric, ids.text, ids.birth):
        for v in sorted(pool):
            if v in blob:
                pool.discard(v)
                ids.skip("value printed inside a registry entry's own name (public)")
    return ids


# --------------------------------------------------------------------------- searching files


def _png_texts(data: bytes) -> list[bytes]:
    """Payloads of a PNG's text chunks (tEXt as is, zTXt and compressed iTXt inflated)."""
    out = []
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        return out
    pos = 8
    while pos + 8 <= len(data):
        length = int.from_bytes(data[pos:pos + 4], "big")
        ctype = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        if ctype == b"tEXt":
            out.append(body)
        elif ctype == b"zTXt":
            key, _, rest = body.partition(b"\0")
            with contextlib.suppress(zlib.error):
                out.append(key + b"\0" + zlib.decompress(rest[1:]))
        elif ctype == b"iTXt":
            key, _, rest = body.partition(b"\0")
            flag = rest[:1]
            rest = rest[2:]
            _lang, _, rest = rest.partition(b"\0")
            _tkey, _, text = rest.partition(b"\0")
            if flag == b"\x01":
                with contextlib.suppress(zlib.error):
                    text = zlib.decompress(text)
            out.append(key + b"\0" + text)
        pos += 12 + length
    return out


_DATA_URI = re.compile(rb"data:[\w/+.-]+;base64,([A-Za-z0-9+/=\s]+)")


def searchable_blobs(path: Path) -> list[bytes]:
    """The bytes of a file plus whatever it hides in compressed or encoded form."""
    data = path.read_bytes()
    blobs = [data]
    blobs += _png_texts(data)
    for m in _DATA_URI.finditer(data):
        with contextlib.suppress(ValueError):
            inner = base64.b64decode(re.sub(rb"\s", b"", m.group(1)))
            blobs.append(inner)
            blobs += _png_texts(inner)
    if data[:2] == b"\x1f\x8b":
        import gzip

        with contextlib.suppress(OSError):
            blobs.append(gzip.decompress(data))
    return blobs


def _text_forms(value: str) -> set[bytes]:
    """Byte forms a text value takes in UTF-8, HTML and ASCII-only JSON."""
    forms = {value.encode("utf-8"), html.escape(value).encode("utf-8"),
             json.dumps(value, ensure_ascii=True)[1:-1].encode("ascii")}
    return {f for f in forms if f}


_RUN = re.compile(rb"\d+")
_DMY = re.compile(rb"(?<![0-9])(\d{2})\.(\d{2})\.(\d{4})(?![0-9])")
_YMD = re.compile(rb"(?<![0-9])(\d{4})-(\d{2})-(\d{2})(?![0-9])")


def scan(files: list[Path], ids: Identifiers) -> list[tuple[str, str]]:
    """(file, identifier) for every identifier value found in any of ``files``.

    A pure-digit value is found when it is a whole digit run of the file (so a
    value inside a longer number does not count; ``631625645264.0``, the float a
    number column prints, is found this way), or in scientific notation where a
    float prints it so (``4.081781074405899e+19``); a value with separators (SNILS
    ``112-468-205 27``) or text is found as a byte substring in any of its forms;
    a date of birth is found when it is a whole ``DD.MM.YYYY`` or ``YYYY-MM-DD``.
    """
    digits = {v for v in ids.numeric if v.isdigit()}
    # a number column read as a number loses leading zeros (026107863719 → 26107863719.0)
    runs_of = {v: v for v in digits}
    for v in digits:
        if v.startswith("0") and len(v.lstrip("0")) >= 9:
            runs_of.setdefault(v.lstrip("0"), v)
    literal: dict[bytes, set[str]] = {}
    bounded: dict[bytes, str] = {}
    for v in ids.numeric - digits:
        for f in _text_forms(v):
            bounded[f] = v
    for v in digits:
        as_float = repr(float(v))
        if "e" in as_float:  # 20-digit account numbers print as 4.081781074405899e+19
            literal.setdefault(as_float.encode(), set()).add(v)
        # shorter numbers print as 631625645264.0, whose digit run is the value itself
    for v in ids.text:
        for f in _text_forms(v):
            literal.setdefault(f, set()).add(v)
    hits = set()
    for f in files:
        for blob in searchable_blobs(f):
            runs = {m.decode() for m in _RUN.findall(blob)}
            hits.update((str(f), runs_of[r]) for r in runs_of.keys() & runs)
            for form, values in literal.items():
                if form in blob:
                    hits.update((str(f), v) for v in values)
            for form, v in bounded.items():
                if form in blob and re.search(rb"(?<![0-9])" + re.escape(form) + rb"(?![0-9])", blob):
                    hits.add((str(f), v))
            dates = {".".join(x.decode() for x in g) for g in _DMY.findall(blob)}
            dates |= {f"{d.decode()}.{m.decode()}.{y.decode()}" for y, m, d in _YMD.findall(blob)}
            hits.update((str(f), v) for v in ids.birth & dates)
    return sorted(hits)


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def identifiers(mirror) -> Identifiers:
    return collect_identifiers(mirror)


@pytest.fixture(scope="module")
def build_run(mirror_build_dir):
    """``build`` from the mirror (processed folder, folder of captured messages)."""
    return mirror_build_dir / "processed", mirror_build_dir / "logs"


@pytest.fixture(scope="module")
def report_run(mirror_report_dir):
    """``report`` on the processed data just built (report folder, folder of captured messages)."""
    return mirror_report_dir / "report", mirror_report_dir / "logs"


def _all_files(*folders: Path) -> list[Path]:
    return sorted(p for d in folders for p in d.rglob("*") if p.is_file())


# --------------------------------------------------------------------------- tests


def test_identifier_values_are_taken_from_the_raw_files(identifiers):
    ids = identifiers
    # The raw files hold hundreds of each kind (PROVENANCE: 886 INN, 285 OGRN, 557 SNILS in the export).
    assert ids.by_kind.get("ИНН", 0) >= 800
    assert ids.by_kind.get("ОГРН", 0) >= 280
    assert ids.by_kind.get("СНИЛС", 0) >= 550
    assert ids.by_kind.get("Номер специального счета", 0) >= 600
    assert ids.by_kind.get("birth date", 0) >= 500
    assert ids.by_kind.get("member name", 0) >= 50
    assert ids.by_kind.get("address", 0) >= 5
    assert len(ids.numeric) + len(ids.text) + len(ids.birth) >= 3000
    print(f"\nidentifier values searched: {len(ids.numeric)} numeric, {len(ids.text)} text, "
          f"{len(ids.birth)} birth dates; by kind {dict(sorted(ids.by_kind.items()))}; "
          f"left out {dict(sorted(ids.excluded.items()))}")


def test_scanner_finds_planted_values(tmp_path, identifiers):
    """The scan itself works on every file form it claims to cover."""
    inn = next(v for v in sorted(identifiers.numeric) if len(v) == 12)
    member = next(v for v in sorted(identifiers.text) if re.search("[а-я]", v) and " " in v)
    birth = sorted(identifiers.birth)[0]
    d, m, y = birth.split(".")
    (tmp_path / "a.json").write_text(json.dumps({"x": member}), encoding="utf-8")  # \u-escaped
    (tmp_path / "b.html").write_text(f"<td>{html.escape(member)}</td>", encoding="utf-8")
    (tmp_path / "c.csv").write_text(f"v\n{float(inn)}\n", encoding="utf-8")
    account = next(v for v in sorted(identifiers.numeric) if len(v) == 20)
    (tmp_path / "h.csv").write_text(f"v\n{float(account)!r}\n", encoding="utf-8")
    (tmp_path / "d.csv").write_text(f"v\n{y}-{m}-{d}\n", encoding="utf-8")
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(1, 1))
    fig.savefig(tmp_path / "e.png", metadata={"Description": member})
    plt.close(fig)
    png_b64 = base64.b64encode((tmp_path / "e.png").read_bytes()).decode()
    (tmp_path / "f.html").write_text(f'<img src="data:image/png;base64,{png_b64}">', encoding="utf-8")
    (tmp_path / "g.svg").write_text(f'<path d="M 1.{inn}9 2"/>', encoding="utf-8")  # inside a digit run: no hit
    hits = scan(sorted(tmp_path.iterdir()), identifiers)
    found = {(Path(f).name, v) for f, v in hits}
    assert ("a.json", member) in found
    assert ("b.html", member) in found
    assert ("c.csv", inn) in found
    assert ("h.csv", account) in found
    assert ("d.csv", birth) in found
    assert ("e.png", member) in found
    assert ("f.html", member) in found
    assert not any(name == "g.svg" for name, _ in found)


def test_build_outputs_hold_no_identifier(build_run, identifiers):
    out, logs = build_run
    files = _all_files(out, logs)
    assert any(f.name == "monthly_series.csv" for f in files)
    assert any(f.parent.name == "audit" for f in files), "the audit tables are scanned as well"
    hits = scan(files, identifiers)
    n_values = len(identifiers.numeric) + len(identifiers.text) + len(identifiers.birth)
    print(f"\nbuild: {n_values} identifier values searched in {len(files)} files: {len(hits)} hits")
    assert hits == [], f"identifiers found in build outputs: {hits[:20]}"


def test_report_outputs_hold_no_identifier(report_run, build_run, identifiers):
    out, logs = report_run
    files = _all_files(out, logs)
    assert any(f.suffix == ".html" for f in files)
    hits = scan(files, identifiers)
    n_values = len(identifiers.numeric) + len(identifiers.text) + len(identifiers.birth)
    kinds = sorted({f.suffix for f in files})
    print(f"\nreport: {n_values} identifier values searched in {len(files)} files ({', '.join(kinds)}): "
          f"{len(hits)} hits")
    assert hits == [], f"identifiers found in report outputs: {hits[:20]}"


def test_validate_messages_on_the_raw_files_hold_no_identifier(mirror, identifiers, tmp_path):
    """``validate`` (text and ``--json``) on every raw registry file: its messages are scanned too."""
    from analysis.cli import main
    from analysis.manifest import load_manifest

    registry_loaders = {"foreign_agents_xlsx", "foreign_agents_rest_json", "foreign_agents_pdf_json",
                        "foreign_agents_csv", "undesirable_rest_json", "undesirable_scrape_json"}
    entries = [e for e in load_manifest() if e.loader in registry_loaders]
    assert len(entries) >= 7
    files = []
    for e in entries:
        for extra in ([], ["--json"]):
            out, err = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), \
                    warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                code = main(["validate", str(mirror / e.path), "--source", e.loader, *extra])
            assert code in (0, 1), f"{e.id}: exit {code}: {err.getvalue()[-300:]}"
            log = tmp_path / f"{e.id}{'-json' if extra else ''}.log"
            log.write_text(out.getvalue() + err.getvalue() + "\n".join(str(w.message) for w in caught),
                           encoding="utf-8")
            files.append(log)
    hits = scan(files, identifiers)
    print(f"\nvalidate: {len(files)} message logs scanned: {len(hits)} hits")
    assert hits == [], f"identifiers found in validate messages: {hits[:20]}"


HOSTILE = 'Условный фонд <script>alert("x")</script> & Partners'


def test_names_from_the_data_are_escaped_in_the_report(build_run, fast_config, tmp_path):
    """Text that comes from the data (a source name, a reject reason) is data, not markup."""
    from analysis.report import run_report

    processed, _ = build_run
    data = tmp_path / "processed"
    shutil.copytree(processed, data, ignore=shutil.ignore_patterns("audit"))
    pub = data / "published_figures.csv"
    import pandas as pd

    df = pd.read_csv(pub, dtype=str, keep_default_na=False)
    df.loc[:, "source_name"] = HOSTILE
    df.to_csv(pub, index=False, lineterminator="\n")
    rej = data / "rejects_summary.csv"
    rdf = pd.read_csv(rej, dtype=str, keep_default_na=False)
    if len(rdf):
        rdf.loc[rdf.index[0], "reason"] = HOSTILE
        rdf.to_csv(rej, index=False, lineterminator="\n")
    # the readers refuse a file that differs from what build_info.json records: record the edits
    import hashlib
    import json

    info_path = data / "build_info.json"
    info = json.loads(info_path.read_text(encoding="utf-8"))
    for name in ("published_figures.csv", "rejects_summary.csv"):
        body = (data / name).read_bytes()
        info["outputs"][name].update(sha256=hashlib.sha256(body).hexdigest(), bytes=len(body))
    info_path.write_text(json.dumps(info, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    out = tmp_path / "report"
    with contextlib.redirect_stderr(io.StringIO()):
        run_report(fast_config, out, progress=False, data_dir=data)
    page = (out / "index.html").read_text(encoding="utf-8")
    assert '<script>alert("x")</script>' not in page
    assert "<script>alert" not in page
    assert "&lt;script&gt;" in page, "the hostile name does not appear at all: the test did not reach it"
    assert "& Partners" not in page and "&amp; Partners" in page
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "<script>alert" not in md


# --------------------------------------------------------------------------- safety of parsing


def test_spreadsheets_are_parsed_with_defusedxml():
    """openpyxl uses defusedxml (entity-expansion safe) only when it is installed; it must be."""
    from openpyxl.xml import DEFUSEDXML

    import defusedxml  # noqa: F401

    assert DEFUSEDXML is True


_UNSAFE_CALLS = {"eval", "exec", "compile", "__import__"}
_UNSAFE_ATTRS = {("pickle", "load"), ("pickle", "loads"), ("pickle", "Unpickler"), ("marshal", "load"),
                 ("marshal", "loads"), ("shelve", "open"), ("dill", "load"), ("dill", "loads"),
                 ("joblib", "load"), ("pd", "read_pickle"), ("pandas", "read_pickle"), ("yaml", "load"),
                 ("yaml", "unsafe_load"), ("cloudpickle", "load"), ("cloudpickle", "loads")}


def test_nothing_untrusted_is_unpickled_or_evaluated():
    """No module of the package calls eval/exec on anything but a literal, unpickles, or loads with
    ``allow_pickle=True``. (The command line's entry point runs ``exec("None")``, a literal, for its
    exit status: see ``analysis/__main__.py``.)"""
    import ast

    import analysis

    found = []
    for path in sorted(Path(analysis.__file__).parent.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            f = node.func
            where = f"{path.name}:{node.lineno}"
            literal = bool(node.args) and not node.keywords and all(
                isinstance(a, ast.Constant) and isinstance(a.value, str) for a in node.args)
            if isinstance(f, ast.Name) and f.id in _UNSAFE_CALLS and not (f.id == "exec" and literal):
                found.append(f"{where} {f.id}()")
            elif isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) \
                    and (f.value.id, f.attr) in _UNSAFE_ATTRS:
                found.append(f"{where} {f.value.id}.{f.attr}()")
            for kw in node.keywords:
                if kw.arg == "allow_pickle" and not (isinstance(kw.value, ast.Constant) and kw.value.value is False):
                    found.append(f"{where} allow_pickle")
    assert found == [], found
