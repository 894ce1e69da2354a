"""Every visible string of the figures, in each language, with named placeholders.

One table per language (:data:`TEXTS`); :func:`text` fills a template. A translator edits
this file alone. Vocabulary rules kept across axes, legends and captions:

* the stock of a registry is "in the registry (stock)" / «в реестре (всего)» (never «запас»);
* a change point is a "break" / «смена режима» everywhere;
* a one-period outlier is a "pulse" / «всплеск».
"""
from __future__ import annotations

LANGS = ("en", "ru")

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "source": "Source: {text}",
        "count": "count",
        "count_per_month": "count per month",
        "count_per_year": "count per year",
        "inclusions_per_month": "inclusions per month",
        "stock": "in the registry (stock)",
        "stock_axis": "in the registry (stock)",
        "incomplete": "incomplete month",
        "break": "break",
        "break_band": "{level}% interval of the break date",
        "estimated_break": "estimated break",
        "law_line": "law in force (dotted)",
        "observed": "observed",
        "pulse": "pulse (one period)",
        "segment_level": "level of the regime ({cost} model)",
        "segment_band": "{level}% interval of the level",
        "position": "position",
        "fitted_mean": "fitted mean",
        "fit_trend": "fitted trend and effects",
        "cf_mean": "counterfactual mean",
        "cf_trend": "counterfactual without the interventions",
        "cf_band": "{level}% interval without interventions",
        "cum_band": "{level}% interval",
        "cum_excess": "cumulative excess",
        "cum_excess_axis": "cumulative excess count",
        "excess_title": "Excess without {names}",
        "break_prob_axis": "posterior probability\nof a break in this month",
        "break_prob_axis_period": "posterior probability\nof a break in this period",
        "break_prob": "probability that a new regime starts",
        "break_prob_short": "break probability",
        "even_odds": "0.5: as likely as not",
        "posterior_mean": "posterior mean rate",
        "credible_band": "{level}% credible band",
        "main": "main charge",
        "additional": "additional charge",
        "convicted_per_year": "persons convicted per year",
        "unknown": "unknown",
        "unknown_note": "Hatched: {label}. {explanation}",
        "events_note": "Dotted lines: {items}.",
        "event_item": "{label}: {explanation}",
        "n_breaks": "number of breaks",
        "crops_cost": "cost (-2 log L + const)",
        "crops_title": "Optimal segmentations, penalty {lo} to {hi}",
        "rate_ratio_axis": "rate ratio of {effect} (coefficient), {level}% interval",
        "sensitivity_title": "{effect}: estimate across specifications (red: reported)",
        "placebo": "placebo |z|",
        "effect_z": "{effect} |z|",
        "placebo_title": "In-time placebo for {effect}: p = {p}",
        "aicc_axis": "AICc (hatched: residual autocorrelation, Ljung-Box p < 0.05)",
        "candidates_title": "Candidate specifications (red: chosen)",
        "confidence_band": "{level}% confidence band",
        "estimate_family": "estimate ({family})",
        "multiscale_title": "Multiscale confidence set: at least {n} break(s) ({level}% confidence)",
        "relative_axis": "count / pre-event mean",
        "panel_title": "{label}\nRR {rr} [{lo}, {hi}], q {q}; pre-mean {base}",
        "rr_axis": "rate ratio after / before the event (95% interval, log scale)",
        "share_convicted": "share of persons convicted",
        "punishments_title": "art. {article}: punishments",
        "group_imprisonment": "imprisonment",
        "group_suspended": "suspended",
        "group_fine": "fine",
        "group_compulsory_correctional": "compulsory correctional",
        "group_other": "other",
        "month_of_decision": "month of the decision",
        "release": "release",
        "seen_in_release": "{measure} seen in the release",
        "changes_axis": "changes between consecutive releases",
        "kind_event": "event",
        "kind_correction": "correction",
        "kind_artefact": "artefact",
        "lag_axis": "days from decision to first release showing it (≥{max_days} pooled)",
        "entries": "entries",
        "lag_year": "{year} (n={n})",
        "nowcast_point": "nowcast and interval",
        "backtest_axis": "final count − nowcast (interval in grey)",
        "cutoff_month": "cutoff × month",
        "as_published": "as published",
        "nowcast_band": "nowcast interval",
    },
    "ru": {
        "source": "Источник: {text}",
        "count": "число",
        "count_per_month": "число в месяц",
        "count_per_year": "число в год",
        "inclusions_per_month": "включений в месяц",
        "stock": "в реестре (всего)",
        "stock_axis": "в реестре (всего)",
        "incomplete": "неполный месяц",
        "break": "смена режима",
        "break_band": "{level}% интервал даты смены режима",
        "estimated_break": "оценённая смена режима",
        "law_line": "вступление закона в силу (пунктир)",
        "observed": "наблюдения",
        "pulse": "всплеск (один период)",
        "segment_level": "уровень режима (распределение: {cost})",
        "segment_band": "{level}% интервал уровня",
        "position": "номер периода",
        "fitted_mean": "среднее по модели",
        "fit_trend": "тренд и эффекты по модели",
        "cf_mean": "контрфактическое среднее",
        "cf_trend": "контрфактический сценарий без вмешательств",
        "cf_band": "{level}% интервал без вмешательств",
        "cum_band": "{level}% интервал",
        "cum_excess": "накопленное превышение",
        "cum_excess_axis": "накопленное превышение, число",
        "excess_title": "Превышение без {names}",
        "break_prob_axis": "апостериорная вероятность\nсмены режима в этом месяце",
        "break_prob_axis_period": "апостериорная вероятность\nсмены режима в этом периоде",
        "break_prob": "вероятность начала нового режима",
        "break_prob_short": "вероятность смены режима",
        "even_odds": "0,5: равновероятно",
        "posterior_mean": "апостериорное среднее",
        "credible_band": "{level}% байесовский интервал",
        "main": "основная статья",
        "additional": "дополнительная квалификация",
        "convicted_per_year": "осуждённых в год",
        "unknown": "неизвестно",
        "unknown_note": "Штриховка: {label}. {explanation}",
        "events_note": "Пунктирные линии: {items}.",
        "event_item": "{label} — {explanation}",
        "n_breaks": "число смен режима",
        "crops_cost": "стоимость (−2 log L + const)",
        "crops_title": "Оптимальные разбиения, штраф от {lo} до {hi}",
        "rate_ratio_axis": "отношение интенсивностей для {effect} (коэффициент), {level}% интервал",
        "sensitivity_title": "{effect}: оценка при разных спецификациях (красным: в отчёте)",
        "placebo": "плацебо |z|",
        "effect_z": "{effect} |z|",
        "placebo_title": "Плацебо-тест во времени для {effect}: p = {p}",
        "aicc_axis": "AICc (штриховка: автокорреляция остатков, тест Льюнга–Бокса p < 0,05)",
        "candidates_title": "Спецификации-кандидаты (красным: выбранная)",
        "confidence_band": "{level}% доверительная полоса",
        "estimate_family": "оценка ({family})",
        "multiscale_title": "Многомасштабное доверительное множество: не менее {n} смен режима ({level}%)",
        "relative_axis": "число / среднее до события",
        "panel_title": "{label}\nОИ {rr} [{lo}, {hi}], q {q}; среднее до {base}",
        "rr_axis": "отношение интенсивностей после / до события (95% интервал, лог. шкала)",
        "share_convicted": "доля осуждённых",
        "punishments_title": "ст. {article}: наказания",
        "group_imprisonment": "лишение свободы",
        "group_suspended": "условно",
        "group_fine": "штраф",
        "group_compulsory_correctional": "обязательные и исправительные работы",
        "group_other": "другое",
        "month_of_decision": "месяц решения",
        "release": "выпуск",
        "seen_in_release": "{measure} в выпуске",
        "changes_axis": "изменения между соседними выпусками",
        "kind_event": "событие",
        "kind_correction": "исправление",
        "kind_artefact": "артефакт",
        "lag_axis": "дней от решения до первого выпуска с ним (≥{max_days} вместе)",
        "entries": "записей",
        "lag_year": "{year} (n={n})",
        "nowcast_point": "оценка текущих месяцев и интервал",
        "backtest_axis": "итоговое число − оценка (интервал серым)",
        "cutoff_month": "дата среза × месяц",
        "as_published": "как опубликовано",
        "nowcast_band": "интервал оценки текущих месяцев",
    },
}


def check_lang(lang: str) -> str:
    """Return ``lang`` if the figures have a table for it, else raise ``ValueError``."""
    if lang not in TEXTS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, not {lang!r}")
    return lang


#: Names of the change-point costs in the figures' languages (an unknown cost keeps its id).
COSTS: dict[str, dict[str, str]] = {
    "en": {"negbin": "negative binomial", "poisson": "Poisson", "normal_mean": "Gaussian mean",
           "normal_meanvar": "Gaussian mean and variance", "seasonal": "{base}, seasonal"},
    "ru": {"negbin": "отрицательное биномиальное", "poisson": "пуассоновское", "normal_mean": "гауссовское, среднее",
           "normal_meanvar": "гауссовское, среднее и дисперсия", "seasonal": "{base}, с сезонностью"},
}


def cost_label(cost: str, lang: str = "en") -> str:
    """The change-point cost ``cost`` (its id, e.g. ``"negbin_seasonal"``) in words."""
    names = COSTS[check_lang(lang)]
    if cost.endswith("_seasonal"):
        return names["seasonal"].format(base=cost_label(cost[: -len("_seasonal")], lang))
    return names.get(cost, cost)


def text(key: str, lang: str = "en", **values: object) -> str:
    """The string ``key`` in ``lang``, with its named placeholders filled from ``values``."""
    return TEXTS[check_lang(lang)][key].format(**values)
