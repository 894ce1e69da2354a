"""The court-statistics tables of ``build`` beyond the selected articles, and their readers.

:func:`court_tables` makes, from the loaded forms:

``convictions_all.csv``
    every article part of form 10-а, 2009–2024, by charge (:mod:`analysis.convictions_all`);
``punishments.csv``
    main punishments per article part and year from form 10.3 (:mod:`analysis.punishments`);
``punishment_columns.csv``
    for every year, each punishment category read and the header it was read from;
``article_titles.csv``
    titles and chapters of articles and parts (:mod:`analysis.article_titles`);
``chapter_totals.csv``
    the printed main-charge total of every chapter and year next to the sum of the
    table's parts in the chapter's range (``difference`` = printed − sum).

The screen of every series (``screen_convictions.csv``) is written by
``python -m analysis screen --out data/processed/screen_convictions.csv`` from
``convictions_all.csv``; see :data:`SCREEN_COMMAND`.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from .article_titles import article_titles, chapter_of, chapter_table
from .convictions_all import convictions_all, edition_target
from .punishments import punishment_table
from .sources.base import LoadResult

__all__ = ["COURT_FILES", "SCREEN_COMMAND", "SCREEN_FILE", "chapter_check", "court_tables", "read_article_titles",
           "read_chapter_totals", "read_convictions_all", "read_punishment_columns", "read_punishments",
           "read_screen_table"]

COURT_FILES = ("convictions_all.csv", "punishments.csv", "punishment_columns.csv", "article_titles.csv",
               "chapter_totals.csv")
SCREEN_FILE = "screen_convictions.csv"
#: The command that writes :data:`SCREEN_FILE` (its defaults are the committed table's options).
SCREEN_COMMAND = ("python -m analysis screen --input data/processed/convictions_all.csv "
                  "--out data/processed/screen_convictions.csv")


def chapter_check(loads10a: Sequence[LoadResult], table: pd.DataFrame) -> pd.DataFrame:
    """Printed chapter totals (main charge) against the sum of the table's parts, per year and chapter.

    Returns ``year, chapter, chapter_title, code, printed, parts_sum, combined, rejected, withheld,
    difference``:
    ``parts_sum`` adds the table's main-charge values of the parts whose article lies in
    the chapter's printed range, ``combined`` the combined rows of that chapter that
    the table could not split (rows of two editions are in ``parts_sum`` already),
    ``rejected`` the main counts of rows the loader rejected there (unreadable codes),
    ``withheld`` the rows of parts the table leaves missing that year (they share a
    combined row that cannot be split), and
    ``difference = printed - parts_sum - combined - rejected - withheld``.
    """
    from .sources.cdep_layout import find_layout as _find_layout
    from .sources.cdep_workbook import count_cell as _count, open_workbook as _open_workbook, sheet_grids as _grids
    from .sources.cdep_workbook import split_source_row

    chapters = chapter_table(loads10a)
    main = table[table["charge"] == "main"]
    rows = []
    for res in loads10a:
        y = int(res.meta["year"])
        ch = chapters[chapters["year"] == y]
        sel = main[(main["year"] == y) & main["value"].notna()]
        arts = sel["article"].unique()
        art_ch = {a: chapter_of(a, ch)[0] for a in arts}
        sums = sel.assign(ch=sel["article"].map(art_ch)).groupby("ch")["value"].sum()
        # rows of parts the table leaves missing (they share a combined row that cannot be split)
        gone = main[(main["year"] == y) & main["value"].isna()]
        gone_keys = set(zip(gone["article"], gone["part"].fillna("")))
        lf = res.frame[res.frame["charge"] == "main"]
        lf = lf[[(a, p) in gone_keys for a, p in zip(lf["article"], lf["part"].fillna(""))]]
        withheld = lf.assign(ch=[chapter_of(a, ch)[0] for a in lf["article"]]).groupby("ch")["value"].sum()
        comb: dict[int | None, int] = {}
        for c in res.meta.get("combined_rows", []):
            if edition_target(c["code"]) is not None:
                continue  # two editions of one part: already counted in the part (convictions_all)
            k = chapter_of(c["components"][0][0], ch)[0]
            comb[k] = comb.get(k, 0) + int(c["main"] or 0)
        rejected: dict[int | None, int] = {}
        rej = res.rejects[res.rejects["status"] == "rejected"]
        if len(rej):
            grids = _grids(_open_workbook(res.file))
            for src in rej["source_row"]:
                si, er = split_source_row(int(src))
                lay = _find_layout(grids[si], si, "10a")
                if lay is None:
                    continue
                v = _count(grids[si].cell_value(er - 1, lay.main_col)) or 0
                # the rejected row's chapter: the chapter of the nearest accepted row above it
                above = res.frame[(res.frame["source_row"] < src) & (res.frame["charge"] == "main")]
                k = chapter_of(above["article"].iloc[-1], ch)[0] if len(above) else None
                rejected[k] = rejected.get(k, 0) + v
        for _, r in ch.iterrows():
            k = None if pd.isna(r["chapter"]) else int(r["chapter"])
            ps = int(sums.get(k, 0))
            cb, rj, wh = comb.get(k, 0), rejected.get(k, 0), int(withheld.get(k, 0))
            printed = None if pd.isna(r["main"]) else int(r["main"])
            rows.append({"year": y, "chapter": k, "chapter_title": r["chapter_title"], "code": r["code"],
                         "printed": printed, "parts_sum": ps, "combined": cb, "rejected": rj, "withheld": wh,
                         "difference": None if printed is None else printed - ps - cb - rj - wh})
    out = pd.DataFrame(rows)
    for c in ("chapter", "printed", "difference"):
        out[c] = out[c].astype("Int64")
    return out.sort_values(["year", "chapter"], kind="stable").reset_index(drop=True)


def court_tables(loads10a: Sequence[LoadResult], loads10_3: Sequence[LoadResult]) -> dict[str, pd.DataFrame]:
    """The frames of :data:`COURT_FILES`, by file name."""
    conv = convictions_all(loads10a)
    pun, cols = punishment_table(loads10_3)
    titles = article_titles(loads10a)
    check = chapter_check(loads10a, conv)
    return {"convictions_all.csv": conv, "punishments.csv": pun, "punishment_columns.csv": cols,
            "article_titles.csv": titles, "chapter_totals.csv": check}


def _dir(data_dir: str | Path | None) -> Path:
    from .processed import processed_dir

    return processed_dir(data_dir)


def _read(name: str, data_dir: str | Path | None, dtype: dict) -> pd.DataFrame:
    """Read a court table through the processed-data checks (present, not empty, the bytes the
    build recorded, required columns, whole numbers where counts are expected)."""
    from .processed import FILES, _read_csv

    key = next((k for k, v in FILES.items() if v == name), None)
    if key is not None:
        return _read_csv(key, data_dir, dtype)
    # the screen table is written by `python -m analysis screen`, not recorded by the build
    from .errors import InputError

    p = _dir(data_dir) / name
    if not p.is_file():
        raise InputError(str(p), f"processed file not found; run `{SCREEN_COMMAND}`")
    return pd.read_csv(p, dtype=dtype, keep_default_na=False, na_values=[""])


def read_convictions_all(data_dir: str | Path | None = None) -> pd.DataFrame:
    """``convictions_all.csv``: ``article, part, charge, year, value`` (part and value may be missing)."""
    return _read("convictions_all.csv", data_dir, {"article": str, "part": str, "charge": str, "year": "int64",
                                                    "value": "Int64"})


def read_punishments(data_dir: str | Path | None = None) -> pd.DataFrame:
    """``punishments.csv``: article, part, year, convicted and the punishment categories (nullable counts)."""
    from .sources.cdep_cells import CATEGORIES

    return _read("punishments.csv", data_dir, {"article": str, "part": str, "year": "int64", "convicted": "Int64",
                                                **{c: "Int64" for c in CATEGORIES}})


def read_punishment_columns(data_dir: str | Path | None = None) -> pd.DataFrame:
    """``punishment_columns.csv``: for each form year, the punishment categories and the header text each was read from."""
    return _read("punishment_columns.csv", data_dir, {"year": "int64", "category": str, "header": str})


def read_chapter_totals(data_dir: str | Path | None = None) -> pd.DataFrame:
    """``chapter_totals.csv``: each chapter's printed total beside the sum of its rows, per form year."""
    return _read("chapter_totals.csv", data_dir, {"year": "int64", "chapter": "Int64", "code": str,
                                                  "printed": "Int64", "parts_sum": "Int64", "difference": "Int64"})


def read_article_titles(data_dir: str | Path | None = None) -> pd.DataFrame:
    """``article_titles.csv``: article, part, titles, chapter."""
    return _read("article_titles.csv", data_dir, {"article": str, "part": str, "article_title": str,
                                                   "part_title": str, "chapter": "Int64", "chapter_title": str,
                                                   "last_year": "int64"})


def read_screen_table(data_dir: str | Path | None = None) -> pd.DataFrame:
    """``screen_convictions.csv``: the committed screen of every article part and charge."""
    t = _read(SCREEN_FILE, data_dir, {"article": str, "part": str, "charge": str, "reason": str, "breaks": str,
                                       "event_break": str, "event_break_lower": str, "event_break_upper": str,
                                       "notes": str, "first": str, "last": str})
    t["testable"] = t["testable"].astype(str).str.lower().eq("true")
    t["n_breaks"] = t["n_breaks"].astype("Int64")
    for c in ("reason", "notes", "breaks"):
        t[c] = t[c].fillna("")
    return t
