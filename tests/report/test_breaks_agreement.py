"""The report's sentence on whether the posterior's most probable breaks are the search's."""
from types import SimpleNamespace

import pandas as pd
import pytest

from analysis.report import analyses as A
from analysis.report.sections.common import describe_breaks
from analysis.report.texts import texts

IDX = pd.period_range("2020-01", periods=36, freq="M")


def _fits(search, posterior, prob_at):
    prob = pd.Series(0.0, index=IDX)
    for p, v in prob_at.items():
        prob[pd.Period(p, "M")] = v
    bf = A.BreakFit("s", tuple(pd.Period(p, "M") for p in search), tuple(None for _ in search), result=None)
    res = SimpleNamespace(map_breaks=tuple(pd.Period(p, "M") for p in posterior), cap_note="")
    return bf, A.BayesFit("s", prob, len(posterior), res)


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_breaks_within_a_month_agree(lang):
    bf, bayes = _fits(["2021-03", "2022-07"], ["2021-04", "2022-07"], {"2021-04": 0.8, "2022-07": 0.9})
    text = " ".join(describe_breaks(bf, bayes, texts(lang)))
    assert texts(lang).t("breaks.bayes_agree") in text


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_breaks_further_apart_are_listed_with_the_posterior_mass_near_them(lang):
    tx = texts(lang)
    bf, bayes = _fits(["2021-03", "2022-07"], ["2021-03", "2022-03"],
                      {"2021-03": 0.9, "2022-06": 0.1, "2022-07": 0.15, "2022-08": 0.05, "2022-03": 0.4, "2022-02": 0.1})
    text = " ".join(describe_breaks(bf, bayes, tx))
    assert tx.t("breaks.bayes_agree") not in text
    lost = tx.t("breaks.bayes_lost", period=tx.period(pd.Period("2022-07", "M")), p=tx.num(0.3))
    extra = tx.t("breaks.bayes_extra", period=tx.period(pd.Period("2022-03", "M")), p=tx.num(0.5))
    assert lost in text and extra in text
