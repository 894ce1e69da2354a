"""Section "Data": sources, choices, calendar, rejects, reconciliation, codebook, citation, versions."""
from __future__ import annotations

import platform
import re
from typing import Any

import pandas as pd

from ... import processed as P
from .. import analyses as A
from ..document import Bullets, Code, Section, Table, Text
from ..tables import fmt_int


class DataSection:
    """Mixin of the report builder (see :class:`analysis.report.context.ReportContext`)."""

    def stage_data(self) -> None:
        sec = self.doc.section("data", self.t("s_data"))
        info = self.inp.build_info
        sec.add(Text("Everything in this report is computed from data/processed, written by "
                     "`python -m analysis build` from the raw files listed below (each checked against its "
                     "sha256). No data is downloaded when the report is built."))
        src = sorted(info.get("sources", []), key=lambda s: str(s.get("id", "")))
        if src:
            sec.add(*_source_tables(src))
        sub = Section(id="choices", title="Choices made", level=3)
        self.doc.sections.append(sub)
        opts = info.get("options", {}) or {}
        items = [f"{k}: {_plain(opts[k])}" for k in sorted(opts)]
        cp, mo = self.cfg.changepoint, self.cfg.model
        items += [
            "Date basis: Ministry listing date for both registries; the Prosecutor-General decision date for "
            "undesirable organizations is a sensitivity variant only (known to entry #188, August 2024), never "
            "mixed with listing dates in one series.",
            "Re-inclusions: a second listing of the same name is a separate inclusion event.",
            "Months outside coverage are missing, not zero; the month containing the end of coverage is "
            "incomplete and dropped from models.",
            f"Change points: {cp.cost} cost, {cp.method} search, {cp.penalty} penalty, minimum segment "
            f"{cp.min_size}, {cp.conf_int_draws} bootstrap draws for break-date intervals, seed {self.cfg.seed}.",
            (f"Count models: {mo.family}, specification chosen per series by the stated rule (see Count "
             f"models), outlier terms {mo.pulses or 'none'}, exposure {mo.exposure or 'none'}."
             if mo.specification == "rule" else
             f"Count models: {mo.family}, trend {mo.trend}, seasonality {mo.seasonality}, exposure "
             f"{mo.exposure or 'none'}, AR order {mo.ar}"
             + "".join(f"; {s.id}: AR order {s.ar}" for s in self.cfg.series
                       if s.count_model and s.ar is not None and s.ar != mo.ar) + "."),
        ]
        sub.add(Bullets(tuple(items)))
        cal = A.calendar()
        if cal is not None and len(cal):
            sub = Section(id="calendar", title="Calendar of laws and events", level=3)
            self.doc.sections.append(sub)
            cols = [c for c in ("id", "date_signed", "date_in_force", "act", "title_en", "title_ru",
                                "official_publication") if c in cal.columns]
            frame = cal[cols].copy()
            for c in ("date_signed", "date_in_force"):
                if c in frame:
                    frame[c] = [("" if pd.isna(v) else pd.Timestamp(v).date().isoformat()) for v in frame[c]]
            sub.add(Table(frame.fillna("").astype(str), caption="Laws and events (analysis/data/events.csv)"))
            self._check_dates(cal, sub)
        sub = Section(id="rejects", title="Rejected rows and reconciliation conflicts", level=3)
        self.doc.sections.append(sub)
        if self.inp.rejects is not None:
            sub.add(Table(_rejects_by_family(self.inp.rejects), caption="Rejected or skipped input rows by reason",
                          note=f"Total: {fmt_int(self.inp.rejects['n'].sum())} rows. The row-level tables name "
                               f"people and are kept out of the repository."))
        if self.inp.reconciliation is not None:
            rc = self.inp.reconciliation.sort_values(["registry", "kind"], kind="stable")
            sub.add(Table(rc.assign(n=rc["n"].map(fmt_int)), caption="Reconciliation of registry snapshots",
                          note=f"Total: {fmt_int(self.inp.reconciliation['n'].sum())}."))
        self._codebook()
        sub = Section(id="cite", title=self.t("s_cite"), level=3)
        self.doc.sections.append(sub)
        from ... import __version__
        sub.add(Text(f"Repression time-series toolkit (package `analysis`, version {__version__}): "
                     f"{self.cfg.title}. Report built from the committed processed data with the configuration "
                     f"below. Cite the official sources as well: Ministry of Justice of the Russian Federation "
                     f"(Минюст России), registries of foreign agents and of undesirable organizations; Judicial "
                     f"Department at the Supreme Court of the Russian Federation (Судебный департамент при "
                     f"Верховном Суде РФ), forms 10-а and 10.3."))
        sub = Section(id="versions", title=self.t("s_versions"), level=3)
        self.doc.sections.append(sub)
        sub.add(Table(_versions(info.get("versions", {})), caption="Versions"))
        sub = Section(id="config", title=self.t("s_config"), level=3)
        self.doc.sections.append(sub)
        sub.add(Code(self.config_text))

    def _check_dates(self, cal: pd.DataFrame, sub: Section) -> None:
        """State where a configured date differs from the calendar's date in force."""
        by_id = {r.id: r for r in cal.itertuples(index=False)}
        notes = []
        items = [i for s in self.cfg.series for i in s.interventions] + list(self.cfg.convictions.interventions)
        for it in sorted({(i.event, i.date, i.name) for i in items if i.event}):
            event, date, name = it
            r = by_id.get(event)
            if r is None:
                notes.append(f"{name}: event {event!r} is not in the calendar.")
            elif pd.isna(r.date_in_force):
                notes.append(f"{name}: the calendar records no date in force; the configured date {date} is used.")
            elif pd.Timestamp(r.date_in_force).date().isoformat() != date:
                notes.append(f"{name}: configured date {date} differs from the calendar's date in force "
                             f"{pd.Timestamp(r.date_in_force).date().isoformat()}.")
        if notes:
            sub.add(Bullets(tuple(notes)))

    def _codebook(self) -> None:
        sub = Section(id="codebook", title=self.t("s_codebook"), level=3)
        self.doc.sections.append(sub)
        rows = [{"file": f, "column": c, "meaning": m} for f, c, m in CODEBOOK]
        sub.add(Table(pd.DataFrame(rows), caption="Columns of the processed files"))
        cat = P.series_catalogue(frame=self.inp.monthly)
        cat = cat.assign(total=cat["total"].map(fmt_int), months=cat["months"].map(fmt_int))
        cat = cat.fillna("")
        sub.add(Table(cat, caption="Monthly series (default date basis)",
                      note="total: sum over coverage for flows; last value for the active stock. Undesirable "
                           "exclusions, net flow and stock are not observable and are missing throughout."))


CODEBOOK: tuple[tuple[str, str, str], ...] = (
    ("monthly_series.csv", "registry", "foreign_agents or undesirable"),
    ("monthly_series.csv", "measure", "inclusions, exclusions, net (inclusions − exclusions) or active (stock at month end)"),
    ("monthly_series.csv", "category", "all; kind:<individual|organisation>; category:<legal_entity|unregistered_association|foreign_structure|individual|unknown>; basis:<normalised legal basis>"),
    ("monthly_series.csv", "month", "calendar month, YYYY-MM"),
    ("monthly_series.csv", "value", "count; empty where missing (outside coverage; undesirable exclusions are never observable)"),
    ("monthly_series.csv", "complete", "False for the month containing the end of coverage"),
    ("monthly_series_alt.csv", "date_basis", "alternative counting: decision (Prosecutor-General date, undesirable, to August 2024), first_listing_only (foreign agents without re-inclusions), export_only (foreign agents from the official export of 15.08.2025 alone, without the later REST extension)"),
    ("weekly_series.csv", "week", "ISO week start date (Monday), YYYY-MM-DD; other columns as in monthly_series.csv"),
    ("calendar.csv", "days, fridays", "days and Fridays (the ministry's update day) in each month"),
    ("annual_convictions.csv", "article", "Criminal Code article (УК РФ)"),
    ("annual_convictions.csv", "charge", "main (основная статья), additional (дополнительная квалификация, persons), all (main + additional)"),
    ("annual_convictions.csv", "year, value", "year of sentences entering into force; persons; empty when the article did not exist"),
    ("published_figures.csv", "article, code, period_start, period_end, measure, value", "one published aggregate figure per row"),
    ("published_figures.csv", "source_name, source_url, retrieved_from", "who published it, where, and whether it was read on a web page or in an official table"),
    ("rejects_summary.csv", "source_id, status, reason, n", "input rows rejected or skipped, counted by reason"),
    ("reconciliation_summary.csv", "registry, source, kind, resolution, n", "conflicts between registry snapshots, counted by the snapshot they come from, their kind and how they were resolved"),
    ("build_info.json", "sources, options, versions", "raw files with sha256, snapshot dates, coverage and row accounting; build options; library versions"),
)


def _plain(v: Any) -> str:
    if isinstance(v, dict):
        return ", ".join(f"{k}={_plain(v[k])}" for k in sorted(v))
    if isinstance(v, (list, tuple)):
        return ", ".join(_plain(x) for x in v)
    return str(v)


def _versions(build_versions: dict[str, Any]) -> pd.DataFrame:
    import importlib.metadata as md

    from ... import __version__

    rows = [{"component": "analysis (this report)", "version": __version__},
            {"component": "python", "version": platform.python_version()}]
    for pkg in ("numpy", "pandas", "scipy", "statsmodels", "matplotlib", "pandera", "numba"):
        try:
            v = md.version(pkg)
        except md.PackageNotFoundError:
            v = "not installed"
        rows.append({"component": pkg, "version": v})
    for k in sorted(build_versions):
        rows.append({"component": f"{k} (data build)", "version": _plain(build_versions[k])})
    return pd.DataFrame(rows)


def _first(rec: dict[str, Any], *keys: str) -> str:
    for k in keys:
        v = rec.get(k)
        if v is not None and str(v) != "":
            return str(v)
    return ""


def _source_tables(src: list[dict[str, Any]]) -> list[Table]:
    """The sources table (files, snapshots, coverage, row accounting, sha256) and their addresses and licences."""
    rows, addr = [], []
    for s in src:
        rows.append({"id": _first(s, "id"), "file": _first(s, "file"), "role": _first(s, "role"),
                     "snapshot": _first(s, "snapshot_date"), "format": _first(s, "format"),
                     "coverage from": _first(s, "coverage_start", "first_event"),
                     "coverage to": _first(s, "coverage_end", "last_event"),
                     "rows in": fmt_int(s.get("rows_in")), "accepted": fmt_int(s.get("accepted")),
                     "rejected": fmt_int(s.get("rejected")), "sha256": _first(s, "sha256")})
        addr.append({"id": _first(s, "id"), "address": _first(s, "url") or "mirror only",
                     "refresh from": _first(s, "refresh_url")})
    licences: dict[str, list[str]] = {}
    for s in src:
        licences.setdefault(_first(s, "licence") or "not stated", []).append(_first(s, "id"))
    lic = [{"licence": k, "sources": ", ".join(v)} for k, v in sorted(licences.items())]
    return [Table(pd.DataFrame(rows), caption="Sources",
                  note="Rows in = accepted + rejected for every file; sha256 of the raw file as checked by fetch."),
            Table(pd.DataFrame(addr), caption="Where each file comes from"),
            Table(pd.DataFrame(lic), caption="Licences")]


def _rejects_by_family(rejects: pd.DataFrame) -> pd.DataFrame:
    """Rejects summed over the yearly files of one source family (``cdep_10a_2009`` … → ``cdep_10a``)."""
    rj = rejects.assign(source=[re.sub(r"_\d{4}$", "", str(x)) for x in rejects["source_id"]],
                        year=[(m.group(1) if (m := re.search(r"_(\d{4})$", str(x))) else "")
                              for x in rejects["source_id"]])
    rows = []
    for (src, status, reason), g in rj.groupby(["source", "status", "reason"], sort=True):
        years = sorted(y for y in g["year"].unique() if y)
        span = "" if not years else (years[0] if len(years) == 1 else f"{years[0]}–{years[-1]} ({len(years)} files)")
        rows.append({"source": src, "files": span, "status": status, "reason": reason, "n": fmt_int(g["n"].sum())})
    return pd.DataFrame(rows, columns=["source", "files", "status", "reason", "n"])
