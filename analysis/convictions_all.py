"""Every article part of form 10-а, 2009–2024: persons convicted by main, additional and all charges.

:func:`convictions_all` turns the loaded forms 10-а (one per year) into one long
table with a row per (article, part, charge, year) for every article part that any
year's form lists, over all years. It keeps the rules of
:mod:`analysis.convictions`, at the level of parts:

* codes are read by :func:`analysis.sources.cdep_codes.parse_article_code`; rows of old
  and new editions of a part (``213 ч.1 стар. ред.``) count distinct persons and
  are added up;
* total, point-level and subset rows are not data (the loader skips them);
* combined rows (several parts in one row): a zero row makes each of its parts 0
  that year. A positive row that joins two editions of one article — one piece
  marked as the old edition («ст. ред.», «ст.р.», «стар. ред.», «в ст. ред.») and
  the other the current one (``232 ч.3 н.р., 232 ч.2 ст.р.``, ``314.1 ч.1, 314.1
  (стар. ред.)``) — counts the persons of the current-edition part: the form's own
  row says that the old part is now that part (:func:`edition_target`). Any other
  positive combined row cannot be split, so its parts are missing that year;
* renamed or renumbered parts are **left separate**: a part is identified by its
  article and part number as printed, so a part renumbered by an amendment starts
  a new series (for example art. 284.1 without parts up to 2020 and ``284.1 ч. 1``
  from 2021, whose row label says it includes the former article);
* a year in which the form does not list the part is missing, not 0; the
  additional charge of 2009 is missing (its unit is not stated), and ``all`` is
  ``main + additional`` where both are known.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from .schemas import CHARGES
from .sources.base import LoadResult
from .sources.cdep_codes import parse_article_code

__all__ = ["CONVICTIONS_ALL_COLUMNS", "convictions_all", "edition_target", "part_key"]

_OLD_EDITION = re.compile(r"ст\.\s*р|стар|ст\.\s*ред|в\s+ст\.?\s*ред|старой", re.IGNORECASE)

CONVICTIONS_ALL_COLUMNS = ["article", "part", "charge", "year", "value"]
DEFAULT_YEARS = tuple(range(2009, 2025))


def part_key(article: str, part: object) -> tuple[int, int, float]:
    """Sort key: article number, sub-article, part number (no part first)."""
    head, _, tail = str(article).partition(".")
    if part is None or (isinstance(part, float) and np.isnan(part)) or part == "":
        p = -1.0
    else:
        p = float(part)
    return int(head), int(tail or -1), p


def _norm_part(part: object) -> str | None:
    if part is None or (isinstance(part, float) and np.isnan(part)) or part == "":
        return None
    return str(part)


def edition_target(code: str) -> tuple[str, str | None] | None:
    """The current-edition part of a combined row that joins two editions of one article, else None.

    The cell is cut at commas, semicolons and «и»; each piece is read by the
    article-code grammar. The row qualifies when every piece names the same article,
    exactly one distinct part is left after dropping the pieces marked as the old
    edition, and at least one piece is so marked.

    Examples
    --------
    >>> edition_target("232 ч.3 н.р., 232 ч.2 ст.р.")
    ('232', '3')
    >>> edition_target("314.1 ч.1, 314.1 (стар. ред.)")
    ('314.1', '1')
    >>> edition_target("159 ч. 5, ч. 6, ч.7") is None
    True
    """
    pieces = [p.strip() for p in re.split(r"[,;]|\sи\s", str(code)) if p.strip()]
    parsed = [(parse_article_code(p), bool(_OLD_EDITION.search(p))) for p in pieces]
    if len(parsed) < 2 or any(c.kind != "part" for c, _ in parsed):
        return None
    if len({c.article for c, _ in parsed}) != 1 or not any(old for _, old in parsed):
        return None
    current = {(c.article, c.part) for c, old in parsed if not old}
    if len(current) != 1:
        return None
    return next(iter(current))


def convictions_all(loads: Iterable[LoadResult], *, years: Sequence[int] = DEFAULT_YEARS) -> pd.DataFrame:
    """Persons convicted per article part, charge and year, from loaded forms 10-а.

    Parameters
    ----------
    loads : iterable of LoadResult
        :func:`~analysis.sources.cdep.load_cdep_form10a` results (one per year; a
        year given twice raises).
    years : sequence of int
        Years of the table (default 2009–2024).

    Returns
    -------
    DataFrame
        ``article, part, charge, year, value``: ``part`` is missing for articles
        without parts, ``charge`` in ``main``, ``additional``, ``all``, ``value`` a
        nullable integer (missing where not observable, see the module notes).
        Sorted by article, part, charge (main, additional, all) and year.
    """
    by_year: dict[int, LoadResult] = {}
    for res in loads:
        y = int(res.meta["year"])
        if y in by_year:
            raise ValueError(f"two forms 10-а for {y}: {by_year[y].file} and {res.file}")
        by_year[y] = res
    values: dict[tuple[str, str | None, str, int], float] = {}
    parts: set[tuple[str, str | None]] = set()
    for y, res in by_year.items():
        f = res.frame
        sums = f.groupby(["article", f["part"].fillna(""), "charge"], sort=False)["value"].sum()
        reported = set(f["charge"].unique())
        for (art, part, charge), v in sums.items():
            key = (str(art), _norm_part(part))
            parts.add(key)
            values[(*key, charge, y)] = float(v)
        for comb in res.meta.get("combined_rows", []):
            target = edition_target(comb["code"])
            if target is not None:
                key = (str(target[0]), _norm_part(target[1]))
                parts.add(key)
                for charge in ("main", "additional"):
                    v = comb.get(charge)
                    if charge not in reported:
                        continue
                    full = (*key, charge, y)
                    values[full] = np.nan if v is None else values.get(full, 0.0) + float(v)
                continue
            for art, part in comb["components"]:
                key = (str(art), _norm_part(part))
                parts.add(key)
                for charge in ("main", "additional"):
                    if charge not in reported and charge == "additional":
                        continue
                    v = comb.get(charge)
                    full = (*key, charge, y)
                    if v is None or v > 0:
                        values[full] = np.nan  # cannot be split
                    elif full not in values:
                        values[full] = 0.0
    keys = sorted(parts, key=lambda k: part_key(*k))
    records = []
    for art, part in keys:
        for y in years:
            main = values.get((art, part, "main", y), np.nan)
            add = values.get((art, part, "additional", y), np.nan)
            vals = {"main": main, "additional": add, "all": main + add}
            for charge in CHARGES:
                records.append((art, part, charge, int(y), vals[charge]))
    out = pd.DataFrame.from_records(records, columns=CONVICTIONS_ALL_COLUMNS)
    out["part"] = pd.Series(out["part"].tolist(), dtype="str")
    out["value"] = pd.array([None if pd.isna(v) else int(v) for v in out["value"]], dtype="Int64")
    return out
