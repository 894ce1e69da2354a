"""Section "Data": sources, choices, calendar, rejects, reconciliation, codebook, citation, versions."""
from __future__ import annotations

import re
from typing import Any

import pandas as pd

from ..compute import ReportResults
from ..document import Bullets, Code, Details, Link, Section, Table, Text
from ..texts import Texts
from .common import engine_note, registry_name


def _first(rec: dict[str, Any], *keys: str) -> str:
    for k in keys:
        v = rec.get(k)
        if v is not None and str(v) != "":
            return str(v)
    return ""


def _sources(results: ReportResults, tx: Texts) -> list:
    src = sorted(results.build_info.get("sources", []), key=lambda s: str(s.get("id", "")))
    if not src:
        return []
    c = {k: tx.t(f"data.col_{k}") for k in ("id", "role", "snapshot", "format", "from", "to", "rows_in", "accepted",
                                            "rejected", "file", "sha256", "address", "refresh", "licence", "sources")}
    rows, hashes, addr = [], [], []
    for s in src:
        sid = _first(s, "id")
        rows.append({c["id"]: sid, c["role"]: tx.opt(f"data.role.{_first(s, 'role')}", _first(s, "role")),
                     c["snapshot"]: _first(s, "snapshot_date"), c["format"]: _first(s, "format"),
                     c["from"]: _first(s, "coverage_start", "first_event"), c["to"]: _first(s, "coverage_end", "last_event"),
                     c["rows_in"]: tx.int(s.get("rows_in")), c["accepted"]: tx.int(s.get("accepted")),
                     c["rejected"]: tx.int(s.get("rejected"))})
        hashes.append({c["id"]: sid, c["file"]: _first(s, "file"), c["sha256"]: _first(s, "sha256")})
        url = _first(s, "url")
        refresh = _first(s, "refresh_url")
        addr.append({c["id"]: sid, c["address"]: Link(url, url) if url else tx.t("data.mirror_only"),
                     c["refresh"]: Link(refresh, refresh) if refresh else ""})
    licences: dict[str, list[str]] = {}
    for s in src:
        licences.setdefault(_first(s, "licence") or tx.t("data.not_stated"), []).append(_first(s, "id"))
    lic = [{c["licence"]: tx.cite(k), c["sources"]: ", ".join(tx.code(i) for i in v)} for k, v in sorted(licences.items())]
    ids = ((c["id"], "code"),)
    return [Table(pd.DataFrame(rows), caption=tx.t("data.sources_caption"), note=tx.t("data.sources_note"),
                  kinds=ids + ((c["snapshot"], "num"), (c["from"], "num"), (c["to"], "num"), (c["format"], "code"))),
            Table(pd.DataFrame(addr), caption=tx.t("data.address_caption"), kinds=ids, fold=True),
            Table(pd.DataFrame(hashes), caption=tx.t("data.hash_caption"),
                  kinds=ids + ((c["file"], "code"), (c["sha256"], "code")), fold=True),
            Table(pd.DataFrame(lic), caption=tx.t("data.licence_caption"))]


def _choices(results: ReportResults, tx: Texts) -> Section:
    cfg = results.config
    info = results.build_info
    opts = info.get("options", {}) or {}
    items = []
    for k in sorted(opts):
        if k == "decision_lag_days":  # stated with the decision basis below
            continue
        v = opts[k]
        key = f"choices.{k}.{v}" if isinstance(v, (str, bool, int)) else ""
        if key and tx.has(key):
            items.append(tx.t(key))
        else:
            items.append(tx.t("choices.generic", name=tx.code(k), value=tx.code(_plain(v))))
    cov = info.get("coverage", {}).get("undesirable_decision_basis", {})
    if cov.get("end"):
        items.append(tx.t("choices.decision_basis_to", end=tx.date(cov["end"]),
                          lag=tx.n("counts.days", int(cov.get("lag_days_marked_incomplete", 0)))))
    for reg, event, start in results.registry_starts:
        items.append(tx.t("choices.registry_start", registry=registry_name(reg, tx), date=tx.date(start),
                          event=tx.opt(f"events.name.{event}", event)))
    cp, mo = cfg.changepoint, cfg.model
    items.append(tx.t("choices.changepoints", cost=tx.t(f"labels.cost.{cp.cost}"), method=tx.code(cp.method),
                      penalty=tx.code(cp.penalty), min_size=tx.n("counts.months", cp.min_size),
                      draws=tx.int(cp.conf_int_draws), seed=tx.code(cfg.seed)))
    if mo.specification == "rule":
        items.append(tx.t("choices.models_rule", family=tx.t(f"labels.family.{mo.family}"),
                          pulses=tx.t(f"choices.pulses.{mo.pulses or 'none'}")))
    else:
        items.append(tx.t("choices.models_fixed", family=tx.t(f"labels.family.{mo.family}"), trend=tx.code(mo.trend),
                          seasonality=tx.code(mo.seasonality), ar=tx.int(mo.ar)))
    year = results.headline_year
    if year is not None:
        items.append(tx.t(f"choices.headline_year_{results.headline_year_rule}", year=year))
    return Section("choices", tx.t("data.choices_title"), 3, (Bullets(tuple(items)),))


def _calendar(results: ReportResults, tx: Texts) -> Section | None:
    cal = results.calendar
    if cal is None or not len(cal):
        return None
    rows = []
    for r in cal.itertuples(index=False):
        rows.append({tx.t("data.col_id"): r.id,
                     tx.t("data.col_signed"): "" if pd.isna(r.date_signed) else pd.Timestamp(r.date_signed).date().isoformat(),
                     tx.t("data.col_in_force"): "" if pd.isna(r.date_in_force) else pd.Timestamp(r.date_in_force).date().isoformat(),
                     tx.t("data.col_act"): str(r.act_number or "").replace("FZ", tx.t("labels.fz_abbr")),
                     tx.t("data.col_name"): tx.opt(f"events.name.{r.id}", r.title_en if tx.lang == "en" else r.title_ru),
                     tx.t("data.col_publication"): tx.cite(r.official_publication) if isinstance(r.official_publication, str)
                     and r.official_publication else ""})
    c = tx.t("data.col_id")
    blocks: list = [Table(pd.DataFrame(rows), caption=tx.t("data.calendar_caption", file=tx.code("analysis/data/events.csv")),
                          kinds=((c, "code"), (tx.t("data.col_signed"), "num"), (tx.t("data.col_in_force"), "num"),
                                 (tx.t("data.col_act"), "code")))]
    by_id = {r.id: r for r in cal.itertuples(index=False)}
    cfg = results.config
    notes = []
    items = [i for s in cfg.series for i in s.interventions] + list(cfg.convictions.interventions) + \
        [i for _, extra in cfg.convictions.article_interventions for i in extra]
    for event, date in sorted({(i.event, i.date) for i in items if i.event}):
        r = by_id.get(event)
        name = tx.opt(f"events.name.{event}", event)
        if r is None:
            notes.append(tx.t("data.event_missing", name=name, event=tx.code(event)))
        elif pd.isna(r.date_in_force):
            notes.append(tx.t("data.event_no_date", name=name, date=tx.date(date)))
        elif pd.Timestamp(r.date_in_force).date().isoformat() != date:
            notes.append(tx.t("data.event_override", name=name, date=tx.date(date),
                              in_force=tx.date(r.date_in_force)))
    if notes:
        blocks.append(Bullets(tuple(notes)))
    return Section("calendar", tx.t("data.calendar_title"), 3, tuple(blocks))


def _rejects(results: ReportResults, tx: Texts) -> Section:
    blocks: list = []
    rj = results.rejects
    if rj is not None:
        fam = rj.assign(source=[re.sub(r"_\d{4}$", "", str(x)) for x in rj["source_id"]],
                        year=[(m.group(1) if (m := re.search(r"_(\d{4})$", str(x))) else "") for x in rj["source_id"]])
        rows = []
        for (src, status, reason), g in fam.groupby(["source", "status", "reason"], sort=True):
            years = sorted(y for y in g["year"].unique() if y)
            span = "" if not years else (years[0] if len(years) == 1 else
                                         tx.n("data.files_span", len(years), first=years[0], last=years[-1]))
            rows.append({tx.t("data.col_source"): src, tx.t("data.col_files"): span,
                         tx.t("data.col_status"): tx.opt(f"data.status.{status}", status),
                         tx.t("data.col_reason"): engine_note(reason, tx), "n": tx.int(g["n"].sum())})
        blocks.append(Text(tx.t("data.rejects_total", n=tx.int(rj["n"].sum()))))
        blocks.append(Table(pd.DataFrame(rows), caption=tx.t("data.rejects_caption"), fold=True,
                            kinds=((tx.t("data.col_source"), "code"), ("n", "num"))))
    rc = results.reconciliation
    if rc is not None:
        rc = rc.sort_values(["registry", "kind"], kind="stable")
        empty = pd.Series([""] * len(rc), index=rc.index)
        frame = pd.DataFrame({tx.t("data.col_registry"): [registry_name(r, tx) for r in rc["registry"]],
                              tx.t("data.col_source"): rc.get("source", empty), tx.t("data.col_kind"): rc["kind"],
                              tx.t("data.col_resolution"): [engine_note(v, tx) if v else "" for v in
                                                            rc.get("resolution", empty).fillna("")],
                              "n": [tx.int(v) for v in rc["n"]]})
        blocks.append(Text(tx.t("data.reconciliation_total", n=tx.int(rc["n"].sum()))))
        blocks.append(Table(frame, caption=tx.t("data.reconciliation_caption"), fold=True,
                            kinds=((tx.t("data.col_source"), "code"), (tx.t("data.col_kind"), "code"), ("n", "num"))))
    return Section("rejects", tx.t("data.rejects_title"), 3, tuple(blocks))


CODEBOOK: tuple[tuple[str, str], ...] = (
    ("monthly_series.csv", "registry"), ("monthly_series.csv", "measure"), ("monthly_series.csv", "category"),
    ("monthly_series.csv", "month"), ("monthly_series.csv", "value"), ("monthly_series.csv", "complete"),
    ("monthly_series_alt.csv", "date_basis"), ("weekly_series.csv", "week"), ("calendar.csv", "days, fridays"),
    ("annual_convictions.csv", "article"), ("annual_convictions.csv", "charge"), ("annual_convictions.csv", "year, value"),
    ("published_figures.csv", "article, code, period_start, period_end, measure, value"),
    ("published_figures.csv", "source_name, source_url, retrieved_from"),
    ("rejects_summary.csv", "source_id, status, reason, n"),
    ("reconciliation_summary.csv", "registry, source, kind, resolution, n"),
    ("build_info.json", "sources, options, versions"),
)


def _codebook(results: ReportResults, tx: Texts) -> Section:
    rows = [{tx.t("data.col_file"): f, tx.t("data.col_column"): col,
             tx.t("data.col_meaning"): tx.t(f"codebook.{f.split('.')[0]}.{col.split(',')[0]}")} for f, col in CODEBOOK]
    cat = results.catalogue
    frame = pd.DataFrame({tx.t("data.col_registry"): [registry_name(r, tx) for r in cat["registry"]],
                          tx.t("data.col_measure"): cat["measure"], tx.t("data.col_category"): cat["category"],
                          tx.t("data.col_first"): cat["first"].fillna(""), tx.t("data.col_last"): cat["last"].fillna(""),
                          tx.t("data.col_months"): [tx.int(v) for v in cat["months"]],
                          tx.t("data.col_total"): [tx.int(v) for v in cat["total"]]})
    return Section("codebook", tx.t("sections.codebook"), 3, (
        Table(pd.DataFrame(rows), caption=tx.t("data.codebook_caption"),
              kinds=((tx.t("data.col_file"), "code"), (tx.t("data.col_column"), "code"))),
        Table(frame, caption=tx.t("data.catalogue_caption"), note=tx.t("data.catalogue_note"), fold=True,
              kinds=((tx.t("data.col_measure"), "code"), (tx.t("data.col_category"), "code")))))


def _plain(v: Any) -> str:
    if isinstance(v, dict):
        return ", ".join(f"{k}={_plain(v[k])}" for k in sorted(v))
    if isinstance(v, (list, tuple)):
        return ", ".join(_plain(x) for x in v)
    return str(v)


def render_data(results: ReportResults, tx: Texts) -> Section:
    """Where every number comes from, every choice made, and how to cite and reproduce the report."""
    children = [_choices(results, tx)]
    cal = _calendar(results, tx)
    if cal is not None:
        children.append(cal)
    children += [_rejects(results, tx), _codebook(results, tx)]
    children.append(Section("cite", tx.t("sections.cite"), 3, (Text(tx.t(
        "data.cite", version=tx.code(results.version), title=tx.t("report.title"),
        commit=tx.code(results.commit) if results.commit else tx.t("data.commit_unknown"))),)))
    vers = pd.DataFrame([{tx.t("data.col_component"): k, tx.t("data.col_version"): v or tx.t("data.not_installed")}
                         for k, v in results.versions])
    children.append(Section("versions", tx.t("sections.versions"), 3, (
        Table(vers, caption=tx.t("data.versions_caption"),
              kinds=((tx.t("data.col_component"), "code"), (tx.t("data.col_version"), "code"))),)))
    children.append(Section("config", tx.t("sections.config"), 3, (
        Text(tx.t("data.config_intro", file=tx.code(results.config_name or "—"))), Code(results.config_text))))
    blocks = [Text(tx.t("data.intro", command=tx.code("python -m analysis build"), folder=tx.code(results.data_dir_name)))]
    blocks += _sources(results, tx)
    return Section("data", tx.t("sections.data"), 2, tuple(blocks), tuple(children))
