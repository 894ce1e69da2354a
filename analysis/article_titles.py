"""Plain-language titles of Criminal Code articles and parts, from the forms' own label column.

Form 10-а prints, next to each article-part code, the name of the crime
(«Виды преступлений»), and in «Раздел 1» one «ВСЕГО ПО ГЛАВЕ …» row per chapter of
the Code with the chapter's title and the range of its articles. :func:`article_titles`
turns those into one table:

* the title of a part is its label in the **latest** form that lists it (the
  current wording; labels change with amendments);
* the title of an article is the label of its row without a part, else of its
  lowest part (later parts often read «Деяния, предусмотренные частью первой …»);
* the chapter of an article is the chapter whose printed article range contains
  it, in the latest form whose chapter rows carry numbers (2013 on); chapters are
  matched across years by their printed order.
"""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from .convictions_all import part_key
from .sources.base import LoadResult
from .sources.cdep_cells import chapter_totals, row_labels

__all__ = ["TITLE_COLUMNS", "article_titles", "chapter_of", "chapter_table"]

TITLE_COLUMNS = ["article", "part", "article_title", "part_title", "chapter", "chapter_title", "last_year"]


def _akey(article: str) -> tuple[int, int]:
    head, _, tail = str(article).partition(".")
    return int(head), int(tail or 0)


def chapter_table(loads: Iterable[LoadResult]) -> pd.DataFrame:
    """Chapter rows of every form (:func:`~analysis.sources.cdep_cells.chapter_totals`), with numbers filled.

    Years whose labels print no chapter number get the number of the chapter with the
    same printed order in the latest year that prints numbers.
    """
    frames = [chapter_totals(r) for r in loads]
    ch = pd.concat(frames, ignore_index=True)
    numbered = ch[ch["chapter"].notna()]
    if len(numbered):
        latest = numbered[numbered["year"] == numbered["year"].max()].set_index("order")["chapter"]
        fill = ch["order"].map(latest)
        ch["chapter"] = ch["chapter"].fillna(fill).astype("Int64")
    return ch.sort_values(["year", "order"], kind="stable").reset_index(drop=True)


def chapter_of(article: str, chapters: pd.DataFrame) -> tuple[int | None, str | None]:
    """Chapter number and title of ``article``: the printed range ``first_article``–``last_article`` holding it.

    A range holds every article from its first one up to any sub-article of its last
    article number (``169 - 200.7`` holds 200.8, added later), so that articles added
    after the range was printed keep their chapter.
    """
    k = _akey(article)
    for num, title, lo, hi in zip(chapters["chapter"], chapters["chapter_title"], chapters["first_article"],
                                  chapters["last_article"]):
        if not isinstance(lo, str) or not isinstance(hi, str):
            continue
        if _akey(lo) <= k and k[0] <= _akey(hi)[0]:
            return (None if pd.isna(num) else int(num)), title
    return None, None


def article_titles(loads: Iterable[LoadResult]) -> pd.DataFrame:
    """One row per article part (and one per article, ``part`` missing) with its title and chapter.

    Parameters
    ----------
    loads : iterable of LoadResult
        Loaded forms 10-а (:func:`~analysis.sources.cdep.load_cdep_form10a`).

    Returns
    -------
    DataFrame
        :data:`TITLE_COLUMNS`: ``article_title`` (the article), ``part_title`` (the
        part's own label; missing on article rows), ``chapter`` and ``chapter_title``
        (missing when no printed range holds the article), ``last_year`` (the latest
        form the label was read from). Sorted by article and part.
    """
    loads = list(loads)
    labels = pd.concat([row_labels(r) for r in loads], ignore_index=True)
    labels = labels[labels["label"] != ""]
    labels["part"] = labels["part"].astype(object).where(labels["part"].notna(), None)
    labels = labels.sort_values(["year", "source_row"], kind="stable")
    latest = labels.drop_duplicates(["article", "part"], keep="last")
    chapters = chapter_table(loads)
    numbered = chapters[chapters["year"] == chapters["year"].max()]
    rows = []
    for art, grp in latest.groupby("article", sort=False):
        grp = grp.assign(_k=[part_key(a, p) for a, p in zip(grp["article"], grp["part"])]).sort_values("_k")
        bare = grp[grp["part"].isna()]
        head = bare.iloc[-1] if len(bare) else grp.iloc[0]
        num, ctitle = chapter_of(str(art), numbered)
        rows.append({"article": str(art), "part": None, "article_title": head["label"], "part_title": None,
                     "chapter": num, "chapter_title": ctitle, "last_year": int(grp["year"].max())})
        for _, r in grp[grp["part"].notna()].iterrows():
            rows.append({"article": str(art), "part": r["part"], "article_title": head["label"],
                         "part_title": r["label"], "chapter": num, "chapter_title": ctitle,
                         "last_year": int(r["year"])})
    out = pd.DataFrame(rows, columns=TITLE_COLUMNS)
    out["_k"] = [part_key(a, p) for a, p in zip(out["article"], out["part"])]
    out = out.sort_values("_k", kind="stable").drop(columns="_k").reset_index(drop=True)
    out["part"] = pd.Series(out["part"].tolist(), dtype="str")
    out["chapter"] = out["chapter"].astype("Int64")
    return out
