"""Event marks read their explanations from the law calendar, in each language."""
from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from analysis.events import get_event
from analysis.plots.drawn import figure_notes
from analysis.plots.marks import explained_marks
from analysis.plots.style import add_events, plot_counts


def test_explanations_come_from_the_calendar():
    row = get_event("fz327_2017")
    (en,) = explained_marks([("2017-11-25", "327-ФЗ media", "fz327_2017")], lang="en")
    (ru,) = explained_marks([("2017-11-25", "327-ФЗ media", "fz327_2017")], lang="ru")
    assert en[0] == pd.Timestamp("2017-11-25") and en[1] == "327-ФЗ media"
    assert row["act"] in en[2]
    assert row["title_ru"] in ru[2]
    (plain,) = explained_marks([("2022-02-24", "24 Feb 2022", "")])
    assert plain[2] == ""


def test_each_shorthand_is_explained_once_in_the_notes():
    idx = pd.period_range("2016-01", periods=48, freq="M")
    ax = plot_counts(pd.Series(range(48), index=idx, dtype=float))
    marks = explained_marks([("2017-11-25", "327-ФЗ media", "fz327_2017"),
                             ("2019-12-02", "426-ФЗ persons", "fz426_2019")], lang="ru")
    add_events(ax, marks, lang="ru")
    add_events(ax, marks[:1], lang="ru")
    notes = figure_notes(ax.figure)
    assert len(notes) == 1 and notes[0].startswith("Пунктирные линии:")
    assert notes[0].count("327-ФЗ media —") == 1 and "426-ФЗ persons —" in notes[0]
    plt.close(ax.figure)
