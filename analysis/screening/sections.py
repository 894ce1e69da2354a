"""Frames for the report section "What else changed" (pure functions; no file access, no prose).

* :func:`what_else_changed` — the top changes after the event by adjusted p-value,
  with plain-language labels (chapter and article title from the forms' own label
  column, :func:`analysis.article_titles.article_titles`).
* :func:`severity_panel` — punishment shares per year (Wilson intervals) and the test
  of a change in the share of real imprisonment, for the wartime articles.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["TOP_COLUMNS", "part_structure_changes", "severity_panel", "what_else_changed"]

#: Columns of :func:`what_else_changed`, in order.
TOP_COLUMNS = ["rank", "article", "part", "charge", "chapter", "chapter_title", "article_title", "label",
               "mean_before", "mean_after", "rate_ratio", "lower", "upper", "p_value", "p_bh", "p_holm",
               "event_break", "event_break_lower", "event_break_upper", "parts_changed"]


def part_structure_changes(convictions: pd.DataFrame, *, before: int, after: int) -> set[str]:
    """Articles whose set of parts in the forms differs between year ``before`` and year ``after``.

    A part counts as listed in a year when its main-charge value is not missing
    (``convictions_all``). An amendment that adds, removes or renumbers parts moves
    persons between parts, which a screen by part reads as a change; such articles are
    flagged in :func:`what_else_changed`.
    """
    main = convictions[(convictions["charge"] == "main") & convictions["value"].notna()]
    part = main["part"].astype(object).where(main["part"].notna(), "")
    sets = {}
    for year in (before, after):
        sel = main["year"] == year
        sets[year] = {}
        for a, p in zip(main.loc[sel, "article"], part[sel]):
            sets[year].setdefault(str(a), set()).add(p)
    arts = set(sets[before]) | set(sets[after])
    return {a for a in arts if sets[before].get(a, set()) != sets[after].get(a, set())}


def _table(screen: Any) -> pd.DataFrame:
    return screen.to_frame() if hasattr(screen, "to_frame") else screen.copy()


def _part_text(part: Any) -> str:
    return "" if part is None or (isinstance(part, float) and np.isnan(part)) or part == "" else f" part {part}"


def what_else_changed(screen: Any, titles: pd.DataFrame | None = None, *, k: int = 15, q: float | None = None,
                      method: str = "bh", charges: Sequence[str] | None = None,
                      exclude: Sequence[str] = (), convictions: pd.DataFrame | None = None,
                      event_year: int = 2022) -> pd.DataFrame:
    """The ``k`` tested series with the smallest adjusted p-values, with their labels.

    Parameters
    ----------
    screen : ScreenResult or DataFrame
        A screen by ``article, part, charge`` (the committed screen table or the result).
    titles : DataFrame, optional
        Article-title table (``article, part, article_title, chapter, chapter_title``);
        parts without their own row fall back to the article's row (``part`` empty).
    k : int, default 15
    q : float, optional
        Keep only discoveries at this level.
    method : {"bh", "holm"}, default "bh"
    charges : sequence of str, optional
        Keep only these charges (``main``, ``additional``, ``all``).
    exclude : sequence of str
        Articles to leave out (e.g. the ones the report already follows).
    convictions : DataFrame, optional
        ``convictions_all``; when given, ``parts_changed`` says whether the article's
        parts in the forms differ between the year before ``event_year`` and the year
        after it (:func:`part_structure_changes`): a change there may be an amendment
        that renumbered parts rather than a change in enforcement.
    event_year : int, default 2022
        The year that contains the event.

    Returns
    -------
    DataFrame
        :data:`TOP_COLUMNS`; ``label`` reads «art. 280.3 part 1 (main charge): <title>
        — Chapter 29, <chapter title>». Ordered by adjusted p-value, then raw p-value,
        then the size of the log rate ratio.
    """
    col = {"bh": "p_bh", "holm": "p_holm"}[method]
    t = _table(screen)
    t = t[t["testable"].astype(bool)]
    if charges is not None:
        t = t[t["charge"].isin(list(charges))]
    if exclude:
        t = t[~t["article"].astype(str).isin([str(a) for a in exclude])]
    if q is not None:
        t = t[t[col] <= q]
    t = t.assign(_size=-np.abs(np.log(t["rate_ratio"].astype(float))), _pos=np.arange(len(t)))
    t = t.sort_values([col, "p_value", "_size", "_pos"], kind="stable").head(int(k)).drop(columns=["_size", "_pos"])
    t = t.reset_index(drop=True)
    t["part"] = t["part"].astype(object).where(t["part"].notna(), None)
    if titles is not None:
        ti = titles.copy()
        ti["part"] = ti["part"].astype(object).where(ti["part"].notna(), None)
        exact = {(str(a), p): r for a, p, r in zip(ti["article"], ti["part"], ti.to_dict("records"))}
        by_article = {}
        for r in ti.to_dict("records"):
            by_article.setdefault(str(r["article"]), r)
        found = [exact.get((str(a), p)) or by_article.get(str(a)) or {} for a, p in zip(t["article"], t["part"])]
    else:
        found = [{} for _ in range(len(t))]
    t["chapter"] = pd.array([f.get("chapter") for f in found], dtype="Int64")
    t["chapter_title"] = [f.get("chapter_title") for f in found]
    t["article_title"] = [f.get("article_title") for f in found]
    labels = []
    for row, f in zip(t.itertuples(index=False), found):
        text = f"art. {row.article}{_part_text(row.part)} ({row.charge} charge)"
        if f.get("article_title"):
            text += f": {f['article_title']}"
        if f.get("chapter") is not None and not pd.isna(f.get("chapter")):
            text += f" — Chapter {int(f['chapter'])}"
            if f.get("chapter_title"):
                text += f", {f['chapter_title']}"
        labels.append(text)
    t["label"] = labels
    if convictions is not None:
        changed = part_structure_changes(convictions, before=event_year - 1, after=event_year + 1)
        t["parts_changed"] = [str(a) in changed for a in t["article"]]
    else:
        t["parts_changed"] = None
    t.insert(0, "rank", np.arange(1, len(t) + 1))
    for c in TOP_COLUMNS:
        if c not in t.columns:
            t[c] = None
    return t[TOP_COLUMNS]


def severity_panel(groups: pd.DataFrame, *, articles: Sequence[str] | None = None,
                   event: Any = "invasion_2022", alpha: float = 0.05,
                   titles: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """Punishment shares and the imprisonment-share tests of the wartime articles.

    Parameters
    ----------
    groups : DataFrame
        Long punishment-group frame (``article, part, year, group, value``), e.g.
        :func:`analysis.punishments.punishment_groups` of the committed table.
    articles : sequence of str, optional
        Default: the wartime and political articles (``severity.WARTIME_ARTICLES``).
    event : str or date, default "invasion_2022"
    alpha : float, default 0.05
    titles : DataFrame, optional
        Article-title table; adds ``article_title`` to the tests frame.

    Returns
    -------
    dict
        ``"shares"``: :func:`~analysis.screening.severity.punishment_shares`;
        ``"tests"``: :func:`~analysis.screening.severity.severity_tests` (one row per
        article, in the order of ``articles``, with the beta-binomial odds ratio, its
        profile interval, the likelihood-ratio p-value and its BH/Holm adjustments
        across the articles, and the reason where an article cannot be tested).
    """
    # the tests need scipy.stats: loaded only when a panel is asked for
    from .severity import WARTIME_ARTICLES, punishment_shares, severity_tests

    articles = WARTIME_ARTICLES if articles is None else articles
    shares = punishment_shares(groups, articles=articles, alpha=alpha)
    tests = severity_tests(groups, articles=articles, event=event, alpha=alpha)
    if titles is not None:
        ti = titles[titles["part"].isna() | (titles["part"] == "")].drop_duplicates("article")
        names = dict(zip(ti["article"].astype(str), ti["article_title"]))
        tests.insert(1, "article_title", [names.get(a) for a in tests["article"]])
    return {"shares": shares, "tests": tests}
