"""Templates and locale rules: both languages have the same sentences and placeholders; Babel formats."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from analysis.report.texts import Texts, flat_templates, placeholders

ROOT = Path(__file__).resolve().parents[2] / "analysis" / "report"


def _ph(v):
    return placeholders(v) if isinstance(v, str) else set().union(*(placeholders(x) for x in v.values()))


def test_languages_have_the_same_keys_and_placeholders():
    en, ru = flat_templates("en"), flat_templates("ru")
    assert set(en) == set(ru)
    assert {k: _ph(en[k]) for k in en} == {k: _ph(ru[k]) for k in ru}


def test_russian_plurals_have_every_cldr_form():
    # CLDR plural categories of Russian integers: one (1, 21), few (2–4, 22), many (5–20, 11)
    for key, v in flat_templates("ru").items():
        if isinstance(v, dict) and len(v) > 2:
            assert {"one", "few", "many"} <= set(v), key


def test_every_key_the_code_uses_exists():
    code = "\n".join(p.read_text(encoding="utf-8") for p in ROOT.rglob("*.py"))
    used = set(re.findall(r"tx\.(?:t|n)\(\"([a-z_.]+)\"", code))
    missing = sorted(k for k in used if k not in flat_templates("en"))
    assert missing == []


def test_no_sentence_in_the_code():
    """Prose lives in the templates: no string literal of the section renderers reads as a sentence."""
    offenders = []
    for p in (ROOT / "sections").glob("*.py"):
        for m in re.finditer(r"\"([A-Za-z][a-z]+ [a-z]+ [a-z]+ [a-z][^\"]*)\"", p.read_text(encoding="utf-8")):
            line = p.read_text(encoding="utf-8")[:m.start()].count("\n") + 1
            src = p.read_text(encoding="utf-8").splitlines()[line - 1].strip()
            if not src.startswith(("#", '"""')) and '"""' not in src and "re.search" not in src and "in (reason" not in src:
                offenders.append(f"{p.name}:{line}: {m.group(1)}")
    assert offenders == []


@pytest.mark.parametrize("lang, n, expected", [
    ("ru", 1, "1 включение"), ("ru", 2, "2 включения"), ("ru", 5, "5 включений"), ("ru", 21, "21 включение"),
    ("ru", 1231, "1\u00a0231 включение"), ("ru", 11, "11 включений"), ("en", 1, "1 inclusion"),
    ("en", 1231, "1,231 inclusions"),
])
def test_plural_forms_follow_the_locale(lang, n, expected):
    assert Texts(lang).n("counts.inclusions", n) == expected


def test_numbers_and_dates_follow_the_locale():
    ru, en = Texts("ru"), Texts("en")
    assert ru.num(2.5612) == "2,56" and en.num(2.5612) == "2.56"
    assert ru.num(-4.5, 1) == "−4,5" and en.int(-1234) == "−1,234"
    assert ru.p(0.0004) == "<0,001" and en.p(0.0456) == "0.046"
    assert ru.ratio(2, 1.5, 2.5) == "2,00 (1,50–2,50)"
    assert ru.date("2022-02-24") == "24 февраля 2022\u202fг." and en.date("2022-02-24") == "February 24, 2022"
    assert ru.month("2022-02") == "февраль 2022"
    assert ru.pct(0.42) == "42%" and en.pct(0.4249, 1) == "42.5%"
    assert ru.interval(None) == "не вычислен"


def test_missing_key_is_a_bug():
    with pytest.raises(KeyError):
        Texts("en").t("no.such.key")
