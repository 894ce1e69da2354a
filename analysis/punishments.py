"""Punishments by article part and year, from form 10.3, and their grouping for the severity panel.

Form 10.3 counts each person once, under the most serious (main) charge, with the
main punishment imposed. :func:`punishment_table` keeps the categories the forms
print (:data:`analysis.sources.cdep_cells.CATEGORIES`, found by header text in each
year's form), one row per article part and year; a category a year's form does not
print is missing that year (:func:`missing_columns` lists them). Rows of editions of
a part are added up; combined rows are not separable and are left out (their parts
are absent that year), as in :mod:`analysis.convictions_all`.

:func:`punishment_groups` adds the categories up to the groups of the severity
panel (:data:`GROUPS`); ``other`` is what remains of the persons convicted, so the
groups add up to ``convicted`` in every year.
"""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from .convictions_all import part_key
from .sources.base import LoadResult
from .sources.cdep_cells import CATEGORIES, form10_3_punishments

__all__ = ["GROUPS", "PUNISHMENT_COLUMNS", "missing_columns", "punishment_groups", "punishment_table"]

#: Columns of the punishment table.
PUNISHMENT_COLUMNS = ["article", "part", "year", "convicted", *CATEGORIES]

#: Punishment groups of the severity panel and the printed categories each adds up.
#: ``imprisonment`` is real (not suspended) deprivation of liberty, life terms included;
#: ``compulsory_correctional`` adds compulsory work (обязательные работы), correctional
#: work (исправительные работы) and forced labour (принудительные работы, in force from 2017).
GROUPS: dict[str, tuple[str, ...]] = {
    "imprisonment": ("life_imprisonment", "imprisonment"),
    "suspended": ("suspended_imprisonment", "suspended_other"),
    "fine": ("fine",),
    "compulsory_correctional": ("compulsory_work", "correctional_work", "forced_labour"),
}


def punishment_table(loads: Iterable[LoadResult]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Main punishments per article part and year, and the header of every column read.

    Parameters
    ----------
    loads : iterable of LoadResult
        :func:`~analysis.sources.cdep.load_cdep_form10_3` results, one per year.

    Returns
    -------
    (DataFrame, DataFrame)
        The table (:data:`PUNISHMENT_COLUMNS`; counts as nullable integers, missing
        where the year's form lacks the column), sorted by article, part and year;
        and the column record ``year, category, header`` (the header as printed).
    """
    tables, columns = [], []
    for res in loads:
        t, c = form10_3_punishments(res)
        tables.append(t)
        columns.append(c)
    t = pd.concat(tables, ignore_index=True)
    t["part"] = t["part"].fillna("")
    cats = list(CATEGORIES)
    agg = t.groupby(["article", "part", "year"], sort=False)[["convicted", *cats]].sum(min_count=1).reset_index()
    agg["part"] = agg["part"].replace("", None)
    agg["_k"] = [part_key(a, p) for a, p in zip(agg["article"], agg["part"])]
    agg = agg.sort_values(["_k", "year"], kind="stable").drop(columns="_k").reset_index(drop=True)
    agg["part"] = pd.Series(agg["part"].tolist(), dtype="str")
    for c in ["convicted", *cats]:
        agg[c] = pd.array([None if pd.isna(v) else int(v) for v in agg[c]], dtype="Int64")
    cols = pd.concat(columns, ignore_index=True)[["year", "category", "header"]]
    cols["_c"] = cols["category"].map({c: i for i, c in enumerate(cats)})
    cols = cols.sort_values(["year", "_c"], kind="stable").drop(columns="_c").reset_index(drop=True)
    return agg[PUNISHMENT_COLUMNS], cols


def missing_columns(columns: pd.DataFrame, years: Iterable[int] | None = None) -> pd.DataFrame:
    """Which years' forms lack which category: ``category, years_missing`` (years as text, comma separated)."""
    years = sorted(set(columns["year"])) if years is None else sorted(years)
    have = set(zip(columns["year"], columns["category"]))
    rows = []
    for cat in CATEGORIES:
        miss = [y for y in years if (y, cat) not in have]
        if miss:
            rows.append({"category": cat, "years_missing": ", ".join(str(y) for y in miss)})
    return pd.DataFrame(rows, columns=["category", "years_missing"])


def punishment_groups(table: pd.DataFrame) -> pd.DataFrame:
    """Long frame ``article, part, year, group, value`` of :data:`GROUPS`, ``other`` and ``convicted``.

    A group adds the categories its year's form prints (a category the form does not
    print counts 0 in the sum: the forms leave out a column only for a punishment not
    yet in force, or, in 2009, print three lesser ones as one column, which falls in
    ``other``). ``other = convicted - the four groups``: lesser main punishments
    (restriction of liberty, arrest, disqualification, military ones) and persons
    released from punishment or given none.

    Raises
    ------
    ValueError
        When the groups exceed the persons convicted in some row (a misread column).
    """
    rows = []
    conv = table["convicted"].astype("float").to_numpy()
    base = table[["article", "part", "year"]].reset_index(drop=True)
    total = np.zeros(len(table))
    parts = {"convicted": conv}
    for grp, cats in GROUPS.items():
        v = np.zeros(len(table))
        for c in cats:
            v += table[c].astype("float").fillna(0).to_numpy()
        parts[grp] = v
        total += v
    other = conv - total
    over = other < 0
    exceeding = base[over].assign(convicted=conv[over].astype("int64"), groups_sum=total[over].astype("int64"))
    parts["other"] = np.where(over, 0.0, other)
    for grp in ("convicted", *GROUPS, "other"):
        rows.append(base.assign(group=grp, value=parts[grp]))
    out = pd.concat(rows, ignore_index=True)
    order = {g: i for i, g in enumerate(("convicted", *GROUPS, "other"))}
    out["_k"] = [part_key(a, p) for a, p in zip(out["article"], out["part"])]
    out["_g"] = out["group"].map(order)
    out = out.sort_values(["_k", "year", "_g"], kind="stable").drop(columns=["_k", "_g"]).reset_index(drop=True)
    out["value"] = out["value"].astype("int64")
    out.attrs["exceeding"] = exceeding.reset_index(drop=True)
    return out
