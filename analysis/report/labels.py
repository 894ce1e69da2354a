"""Words of the report in English (with the Russian legal terms beside them) and in Russian.

:func:`t` looks a key up for a language; an unknown key is a bug and raises ``KeyError``.
"""
from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    # registries and measures
    "foreign_agents": {"en": "foreign agents (иностранные агенты)", "ru": "иностранные агенты"},
    "undesirable": {"en": "undesirable organizations (нежелательные организации)",
                    "ru": "нежелательные организации"},
    "inclusions": {"en": "inclusions", "ru": "включения"},
    "exclusions": {"en": "exclusions", "ru": "исключения"},
    "net": {"en": "net flow", "ru": "чистый прирост"},
    "active": {"en": "active at month end", "ru": "в реестре на конец месяца"},
    "per_month": {"en": "per month", "ru": "в месяц"},
    "inclusions_per_month": {"en": "inclusions per month", "ru": "включений в месяц"},
    "stock": {"en": "in the registry (stock)", "ru": "в реестре (запас)"},
    "incomplete_month": {"en": "incomplete month", "ru": "неполный месяц"},
    "convicted_per_year": {"en": "persons convicted per year", "ru": "осуждено за год, человек"},
    "main": {"en": "main charge (основная статья)", "ru": "по основной статье"},
    "additional": {"en": "additional charge (дополнительная квалификация)",
                   "ru": "по дополнительной квалификации"},
    "all": {"en": "all persons (main + additional)", "ru": "все лица (основная + дополнительная)"},
    "kind": {"en": "by kind", "ru": "по виду"},
    "category": {"en": "by category", "ru": "по категории"},
    "basis": {"en": "by legal basis", "ru": "по правовому основанию"},
    "article": {"en": "art.", "ru": "ст."},
    "break_probability": {"en": "P(new regime starts)", "ru": "P(начало нового режима)"},
    # sections
    "s_summary": {"en": "Summary", "ru": "Кратко"},
    "s_series": {"en": "The series", "ru": "Ряды"},
    "s_breaks": {"en": "When did the pace change? Breaks", "ru": "Когда изменился темп? Разладки"},
    "s_models": {"en": "How much? Count models and counterfactuals",
                 "ru": "Насколько? Счётные модели и контрфактические сценарии"},
    "s_convictions": {"en": "Annual convictions by article", "ru": "Осуждённые по статьям за год"},
    "s_table": {"en": "Table of breaks and effects", "ru": "Таблица разладок и эффектов"},
    "s_headlines": {"en": "Published headlines beside our numbers",
                    "ru": "Опубликованные цифры и наши"},
    "s_sensitivity": {"en": "Sensitivity to counting choices", "ru": "Чувствительность к выбору подсчёта"},
    "s_data": {"en": "Data, choices and provenance", "ru": "Данные, решения и происхождение"},
    "s_codebook": {"en": "Codebook", "ru": "Кодовая книга"},
    "s_cite": {"en": "How to cite", "ru": "Как цитировать"},
    "s_versions": {"en": "Package and library versions", "ru": "Версии пакета и библиотек"},
    "s_config": {"en": "Configuration", "ru": "Конфигурация"},
    # generic
    "not_available": {"en": "not available in this build", "ru": "нет в этой сборке"},
    "none_found": {"en": "none", "ru": "нет"},
    "source": {"en": "Source", "ru": "Источник"},
}


def t(key: str, lang: str = "en") -> str:
    """The text of ``key`` in ``lang`` (``"en"`` or ``"ru"``)."""
    entry = LABELS[key]
    return entry.get(lang) or entry["en"]


def registry_label(registry: str, lang: str = "en") -> str:
    """Registry name with its Russian legal term."""
    return t(registry, lang) if registry in LABELS else registry


def category_label(category: str, lang: str = "en") -> str:
    """Readable label of a series category (``all``, ``kind:…``, ``category:…``, ``basis:…``)."""
    names = {
        "individual": ("individuals (физические лица)", "физические лица"),
        "organisation": ("organisations (организации)", "организации"),
        "legal_entity": ("legal entities (юридические лица)", "юридические лица"),
        "unregistered_association": ("unregistered associations (незарегистрированные объединения)",
                                     "незарегистрированные объединения"),
        "foreign_structure": ("foreign structures (иностранные структуры)", "иностранные структуры"),
        "unknown": ("unknown", "неизвестно"),
    }
    if category == "all":
        return "total" if lang == "en" else "всего"
    prefix, _, value = category.partition(":")
    if prefix in ("kind", "category") and value in names:
        en, ru = names[value]
        return en if lang == "en" else ru
    if prefix == "basis":
        return value.replace("FZ", "ФЗ")
    return category
