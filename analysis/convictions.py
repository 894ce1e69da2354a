"""Annual conviction series per Criminal Code article, from the Judicial Department forms.

The loaders in :mod:`analysis.sources.cdep` return one row per article *part*
(and per edition of a part, where the forms list old and new editions
separately). This module adds them up to one value per article, charge and year
and compares the result with the published-figures table.

Charges
-------
``main``
    Persons whose most serious (main) charge was the article (form 10-а column 1,
    or form 10.3 «ВСЕГО ОСУЖДЕНО»). A person has one main charge, so the sum over
    the article's parts counts every person once.
``additional``
    Persons convicted with the article as an additional charge, by persons
    («по числу лиц»). The forms count a person once per *row* (part), so a person
    with additional charges under two parts of the same article is counted twice
    in the article sum, and a person with main charge under one part and an
    additional charge under another part of the same article appears in both
    ``main`` and ``additional``. The article sum is therefore an upper bound on
    the number of distinct persons.
``all``
    ``main + additional``: persons convicted with the article anywhere in the
    verdict, with the same double-counting caveat as ``additional``.

Missing values
--------------
A year in which the article does not appear in the form (it did not exist yet)
is missing, not 0. So is the additional charge in 2009 (the only additional
column of the 2009 form does not say whether it counts persons or offences; see
:func:`analysis.sources.cdep.load_cdep_form10a`) and in any year covered only by
form 10.3, and ``all`` wherever either part is missing.

Combined rows (several articles in one row, e.g. 2022's
«280.4 ч. 1, … 282.4 ч. 2») say that the articles exist that year. When the
combined count is 0, each article in it is 0 too (counts are non-negative); when
it is positive it cannot be split, and the articles' values are missing unless
the row lumps parts of a single article (then it counts towards that article).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from .errors import InputError
from .schemas import CHARGES, ConvictionSchema
from .sources.base import LoadResult
from .sources.cdep_codes import parse_article_code

__all__ = [
    "AnnualConvictionSchema",
    "DEFAULT_ARTICLES",
    "PUBLISHED_MEASURE_CHARGE",
    "annual_convictions",
    "compare_forms",
    "cross_check_published",
]

#: Articles of the wartime and political list tracked by default (all appear in the forms).
DEFAULT_ARTICLES = (
    "205.2", "207.3", "275", "275.1", "276", "280", "280.1", "280.3", "280.4",
    "282", "282.1", "282.2", "282.3", "282.4", "284.1", "330.1", "354.1",
)
#: Years covered by the annual forms in the mirror.
DEFAULT_YEARS = tuple(range(2009, 2025))

#: Published measures that are comparable with a charge of this module.
PUBLISHED_MEASURE_CHARGE = {
    "convicted_main_charge": "main",
    "convicted_additional_charge_persons": "additional",
    "convicted_total_main_or_additional": "all",
    "convicted": "main",
}

_FORM_PRIORITY = {"10-а": 0, "10.3": 1}
_CONVICTION_COLUMNS = list(ConvictionSchema.to_schema().columns)


class AnnualConvictionSchema(pa.DataFrameModel):
    """Persons convicted per article, charge and year (value missing where not observable)."""

    article: Series[str] = pa.Field(str_matches=r"^\d{3}(\.\d+)?$")
    charge: Series[str] = pa.Field(isin=list(CHARGES))
    year: Series[int] = pa.Field(ge=2000, le=2100)
    value: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0)

    class Config:
        strict = True
        ordered = True
        unique = ["article", "charge", "year"]


def _article_key(article: str) -> tuple[int, int]:
    head, _, tail = article.partition(".")
    return int(head), int(tail or -1)


def _as_sources(sources: Iterable[LoadResult | pd.DataFrame]) -> list[dict[str, Any]]:
    """Normalise inputs to dicts with frame, combined rows, form priority and months."""
    out = []
    for order, src in enumerate(sources):
        if isinstance(src, LoadResult):
            frame, meta = src.frame, src.meta
            name = src.file
        elif isinstance(src, pd.DataFrame):
            frame, meta, name = src, {}, f"frame #{order}"
        else:
            raise TypeError(f"expected LoadResult or DataFrame, got {type(src).__name__}")
        if not isinstance(src, LoadResult):
            frame = ConvictionSchema.validate(frame)
        elif list(frame.columns) != _CONVICTION_COLUMNS:  # loader frames are validated already
            raise TypeError(f"{name}: not a conviction frame (columns {list(frame.columns)})")
        months = meta.get("months")
        if months not in (None, 12):
            raise InputError(name, f"covers {months} months; annual series need 12-month reports")
        years = sorted(set(frame["year"].tolist()) | ({meta["year"]} if "year" in meta else set()))
        sums = frame.groupby(["year", "charge", "article"])["value"].sum()
        rejected = {(int(meta.get("year", 0)), str(r["article"])) for r in meta.get("rejected_parts", [])}
        out.append({
            "frame": frame,
            "rejected": rejected,
            "sums": {k: int(v) for k, v in sums.items()},
            "reports": {(int(y), c) for y, c, _ in sums.index},
            "combined": meta.get("combined_rows", []),
            "priority": (_FORM_PRIORITY.get(meta.get("form"), 2), order),
            "years": years,
            "name": name,
        })
    return out


def _candidates(sources: list[dict[str, Any]], year: int, charge: str) -> list[dict[str, Any]]:
    """The sources that report ``charge`` for ``year``, preferred first (form 10-а before 10.3)."""
    found = [src for src in sources if year in src["years"] and (year, charge) in src["reports"]]
    return sorted(found, key=lambda src: src["priority"])


def _pick(sources: list[dict[str, Any]], year: int, charge: str) -> dict[str, Any] | None:
    """The preferred source that reports ``charge`` for ``year`` (form 10-а before 10.3)."""
    found = _candidates(sources, year, charge)
    return found[0] if found else None


def _value(sources: list[dict[str, Any]], year: int, charge: str, article: str) -> float:
    """An article's value from the preferred source, or from the next one where that source rejected a row.

    A rejected part row makes the preferred form's article sum unknown (it would be
    short by that row); the next form that reports the same charge (form 10.3 for
    the main charge) is then used, and the value is missing when none does.
    """
    for src in _candidates(sources, year, charge):
        if (year, article) in src["rejected"]:
            continue
        return _article_value(src, year, charge, article)
    return np.nan


def _article_value(src: dict[str, Any], year: int, charge: str, article: str) -> float:
    """Sum of an article's part rows in one source, or NaN when absent or not separable."""
    key = (year, charge, article)
    present = key in src["sums"]
    total = src["sums"].get(key, 0)
    unsplittable = False
    for comb in src["combined"]:
        arts = {a for a, _ in comb["components"]}
        if article not in arts:
            continue
        present = True
        value = comb.get(charge)
        if value is None:
            unsplittable = True
        elif arts == {article}:
            total += int(value)
        elif value != 0:
            unsplittable = True
    if not present or unsplittable:
        return np.nan
    return float(total)


def annual_convictions(
    sources: Iterable[LoadResult | pd.DataFrame],
    *,
    articles: Sequence[str] = DEFAULT_ARTICLES,
    years: Sequence[int] = DEFAULT_YEARS,
) -> pd.DataFrame:
    """Persons convicted per article, charge and year, summed over the article's parts.

    Parameters
    ----------
    sources : iterable of LoadResult or DataFrame
        Results of :func:`~analysis.sources.cdep.load_cdep_form10a` and/or
        :func:`~analysis.sources.cdep.load_cdep_form10_3` (one per year), or
        frames that follow :class:`~analysis.schemas.ConvictionSchema`. For each
        year and charge the values come from form 10-а when given, else from
        form 10.3, else from plain frames (first given wins). Where the preferred
        form rejected one of the article's part rows (``meta["rejected_parts"]``),
        its sum would be short, so the next form is used (10.3 for the main
        charge); with none left the value is missing.
    articles : sequence of str
        Articles to report (``'275'``, ``'207.3'``); default :data:`DEFAULT_ARTICLES`.
    years : sequence of int
        Years to report; default 2009–2024.

    Returns
    -------
    DataFrame
        Long frame ``article, charge, year, value`` (charge in ``main``,
        ``additional``, ``all``), one row per combination, sorted by article
        number, charge and year; ``value`` is a nullable integer, missing where
        the article is absent from that year's form or the charge is not
        observable (see the module notes).

    Raises
    ------
    InputError
        When a source covers fewer than 12 months.

    Notes
    -----
    Main-charge article totals count each person once. Additional-charge and
    ``all`` totals may count a person more than once (once per part row); they
    are upper bounds on distinct persons.

    Examples
    --------
    >>> from analysis.sources.cdep import load_cdep_form10a  # doctest: +SKIP
    >>> res = [load_cdep_form10a(p) for p in sorted(folder.glob("*.xls"))]  # doctest: +SKIP
    >>> annual_convictions(res, articles=["275"]).query("charge == 'main'")  # doctest: +SKIP
    """
    srcs = _as_sources(sources)
    records = []
    for article in sorted(dict.fromkeys(str(a) for a in articles), key=_article_key):
        for year in years:
            values = {}
            for charge in ("main", "additional"):
                values[charge] = _value(srcs, year, charge, article)
            values["all"] = values["main"] + values["additional"]
            for charge in CHARGES:
                records.append((article, charge, int(year), values[charge]))
    out = pd.DataFrame.from_records(records, columns=["article", "charge", "year", "value"])
    out["charge"] = pd.Categorical(out["charge"], categories=list(CHARGES), ordered=True)
    out["_key"] = out["article"].map(_article_key)
    out = out.sort_values(["_key", "charge", "year"], kind="stable").drop(columns="_key")
    out["charge"] = out["charge"].astype(str)
    out["article"] = out["article"].astype(str)
    out["year"] = out["year"].astype("int64")
    out["value"] = pd.array([None if pd.isna(v) else int(v) for v in out["value"]], dtype="Int64")
    out = out.reset_index(drop=True)
    return AnnualConvictionSchema.validate(out, lazy=True)


def compare_forms(form10a: Iterable[LoadResult | pd.DataFrame],
                  form10_3: Iterable[LoadResult | pd.DataFrame], *,
                  articles: Sequence[str] | None = None) -> pd.DataFrame:
    """Main-charge counts of form 10-а against form 10.3, per year, article and part.

    Parameters
    ----------
    form10a, form10_3 : iterables of LoadResult or DataFrame
        Loaded forms (any years).
    articles : sequence of str, optional
        Restrict to these articles; default all.

    Returns
    -------
    DataFrame
        ``year, article, part, form10a, form10_3, difference`` (10-а minus 10.3)
        for every (year, article, part) present in both, rows of the same part
        (editions) summed; ``part`` is ``''`` for articles without parts.
    """
    def _main(items: Iterable[LoadResult | pd.DataFrame]) -> pd.Series:
        frames = [x.frame if isinstance(x, LoadResult) else x for x in items]
        f = pd.concat(frames, ignore_index=True)
        f = f[f["charge"] == "main"].assign(part=lambda d: d["part"].fillna(""))
        if articles is not None:
            f = f[f["article"].isin([str(a) for a in articles])]
        return f.groupby(["year", "article", "part"])["value"].sum()

    a, b = _main(form10a), _main(form10_3)
    both = pd.concat({"form10a": a, "form10_3": b}, axis=1, join="inner").reset_index()
    both["difference"] = both["form10a"] - both["form10_3"]
    both["_key"] = both["article"].map(_article_key)
    both = both.sort_values(["year", "_key", "part"], kind="stable").drop(columns="_key")
    return both.reset_index(drop=True)


def cross_check_published(
    sources: Iterable[LoadResult | pd.DataFrame],
    published: LoadResult | pd.DataFrame,
) -> pd.DataFrame:
    """Our annual counts next to every comparable published figure.

    A published row is comparable when it covers one full calendar year, its
    ``measure`` is in :data:`PUBLISHED_MEASURE_CHARGE` and its ``article`` reads
    as one article or one article part (pseudo-codes such as ``ch29`` and
    combined rows are left out). Part-level figures are compared with the part
    rows of the forms (editions summed); article-level figures with the article
    totals of :func:`annual_convictions`. Media figures (``measure ==
    'convicted'``) are compared with the main charge, which is what most outlets
    report; a difference there may mean the outlet reported main + additional.

    Parameters
    ----------
    sources : iterable of LoadResult or DataFrame
        Loaded forms, as for :func:`annual_convictions`.
    published : LoadResult or DataFrame
        Result of :func:`~analysis.sources.published.load_published_convictions`.

    Returns
    -------
    DataFrame
        ``article, part, year, measure, charge, published, ours, difference,
        origin, source_name, source_row`` with ``difference = ours - published``
        (missing where we have no value); ``origin`` is ``official_table`` for
        figures read from the forms and ``web`` for the rest.
    """
    srcs = list(sources)
    pub = published.frame if isinstance(published, LoadResult) else published
    start, end = pub["period_start"], pub["period_end"]
    full_year = (
        (start.dt.month == 1) & (start.dt.day == 1) & (end.dt.month == 12) & (end.dt.day == 31)
        & (start.dt.year == end.dt.year)
    )
    pub = pub[full_year & pub["measure"].isin(list(PUBLISHED_MEASURE_CHARGE))].copy()
    codes = pub["article"].map(parse_article_code)
    keep = codes.map(lambda c: c.kind == "part")
    pub, codes = pub[keep], codes[keep]
    pub["art"] = codes.map(lambda c: c.article)
    pub["part"] = codes.map(lambda c: c.part)
    pub["year"] = pub["period_start"].dt.year.astype("int64")
    pub["charge"] = pub["measure"].map(PUBLISHED_MEASURE_CHARGE)

    wanted_articles = sorted(set(pub["art"]), key=_article_key)
    totals = annual_convictions(srcs, articles=wanted_articles,
                                years=sorted(set(pub["year"].tolist()))) if len(pub) else None
    tot_index = (totals.set_index(["article", "charge", "year"])["value"] if totals is not None else None)

    part_sums: dict[tuple[str, str, int, str], float] = {}
    srcs_norm = _as_sources(srcs)
    for year in sorted(set(pub["year"].tolist())):
        for charge in ("main", "additional"):
            src = _pick(srcs_norm, year, charge)
            if src is None:
                continue
            f = src["frame"]
            f = f[(f["year"] == year) & (f["charge"] == charge) & f["part"].notna()]
            for (art, part), value in f.groupby(["article", "part"])["value"].sum().items():
                part_sums[(art, part, year, charge)] = float(value)

    ours = []
    for _, row in pub.iterrows():
        if pd.isna(row["part"]):
            v = tot_index.get((row["art"], row["charge"], row["year"]), pd.NA)
            ours.append(np.nan if pd.isna(v) else float(v))
        elif row["charge"] == "all":
            m = part_sums.get((row["art"], row["part"], row["year"], "main"), np.nan)
            a = part_sums.get((row["art"], row["part"], row["year"], "additional"), np.nan)
            ours.append(m + a)
        else:
            ours.append(part_sums.get((row["art"], row["part"], row["year"], row["charge"]), np.nan))
    out = pd.DataFrame({
        "article": pub["art"].astype(str).to_numpy(),
        "part": pd.array(pub["part"].tolist(), dtype="str"),
        "year": pub["year"].to_numpy(),
        "measure": pub["measure"].astype(str).to_numpy(),
        "charge": pub["charge"].astype(str).to_numpy(),
        "published": pub["value"].astype("int64").to_numpy(),
        "ours": pd.array([None if pd.isna(v) else int(v) for v in ours], dtype="Int64"),
        "origin": np.where(pub["retrieved_from"].str.startswith("web"), "web", "official_table"),
        "source_name": pub["source_name"].astype(str).to_numpy(),
        "source_row": pub["source_row"].astype("int64").to_numpy(),
    })
    out["difference"] = out["ours"] - out["published"]
    out = out[["article", "part", "year", "measure", "charge", "published", "ours", "difference",
               "origin", "source_name", "source_row"]]
    out["_key"] = out["article"].map(_article_key)
    out = out.sort_values(["_key", "part", "year", "charge", "source_row"], kind="stable", na_position="first")
    return out.drop(columns="_key").reset_index(drop=True)
