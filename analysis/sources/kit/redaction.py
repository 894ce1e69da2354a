"""What a rejects table may show of a raw cell: personal data never, long cells clipped.

Redaction is by column (:func:`personal_class`) and by value (identifiers, e-mail and
street addresses, dates before a registry existed), so no personal identifier reaches
a rejects table, whatever column it was found in.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pandas as pd

from .files import SURROGATES

__all__ = ["MAX_RAW_VALUE", "PERSONAL_CLASSES", "personal_class", "redact", "clip_value"]


#: Longest raw value kept in a rejects table (longer cells are cut and marked).
MAX_RAW_VALUE = 200


#: Classes of personal data a registry file may hold. A column of one of these classes
#: is never shown in a rejects table, whatever its cell holds.
PERSONAL_CLASSES = ("inn", "snils", "ogrn", "registration_number", "birth_date", "address",
                    "members", "bank_account")

# Column names (header wording or JSON key, lower case) → personal class.
_PERSONAL_COLUMN = (
    (re.compile(r"инн|\binn\b"), "inn"),
    (re.compile(r"снилс|snils"), "snils"),
    (re.compile(r"огрн|ogrn"), "ogrn"),
    (re.compile(r"регистрационн|regnum|reg_num|registration"), "registration_number"),
    (re.compile(r"рождени|\bdob\b|birth"), "birth_date"),
    (re.compile(r"адрес|местонахожд|место нахожд|address"), "address"),
    (re.compile(r"участник|members"), "members"),
    (re.compile(r"сч[её]т|банк|bank|account|\bбик\b"), "bank_account"),
)
# Values that look like personal data, whatever their column: six or more digits in a
# row, also when grouped by spaces or dashes (INN 10/12, OGRN 13/15, SNILS 999-999-999 99,
# registration numbers of 6–11 digits, bank accounts, BIC, postcodes, telephone numbers);
# an e-mail address; a street address.
_LOOKS_LIKE_NUMBER_ID = re.compile(r"\d(?:[ \t\-]?\d){5,}")
_LOOKS_LIKE_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_LOOKS_LIKE_ADDRESS = re.compile(r"(?:^|[\s,])(?:ул|улица|просп|пр-т|пер|д|кв|корп|стр|обл|р-н|г)\.\s*\w",
                                 re.IGNORECASE)
_DATE_VALUE = re.compile(r"^\s*(\d{1,2})\.(\d{1,2})\.(\d{4})\s*$|^\s*(\d{4})-(\d{2})-(\d{2})")


def personal_class(column: str | None) -> str | None:
    """The personal-data class a column name belongs to (see :data:`PERSONAL_CLASSES`), or None.

    Examples
    --------
    >>> personal_class("ИНН"), personal_class("dob"), personal_class("fullName")
    ('inn', 'birth_date', None)
    """
    if not column:
        return None
    key = str(column).lower()
    for pattern, cls in _PERSONAL_COLUMN:
        if pattern.search(key):
            return cls
    return None


def _value_date(text: str) -> dt.date | None:
    m = _DATE_VALUE.match(text)
    if m is None:
        return None
    g = m.groups()
    try:
        if g[0] is not None:
            return dt.date(int(g[2]), int(g[1]), int(g[0]))
        return dt.date(int(g[3]), int(g[4]), int(g[5]))
    except ValueError:
        return None


def redact(value: Any, *, column: str | None = None, personal_columns: frozenset[str] = frozenset(),
           dates_before: dt.date | None = None) -> str | None:
    """A raw cell as a rejects table may show it, with personal data replaced.

    Parameters
    ----------
    value : any
        The raw cell.
    column : str, optional
        Its column (header wording or JSON key).
    personal_columns : frozenset of str
        Further column names the loader classifies as personal (e.g. ``field_9_s``).
    dates_before : date, optional
        A date-like value before this day is redacted (in a registry, a date before the
        registry existed is most likely a date of birth in the wrong column).

    Returns
    -------
    str or None
        The clipped text (:func:`clip_value`), or a marker such as
        ``<redacted: personal column (inn)>``.

    Notes
    -----
    Redaction is by column (:func:`personal_class`, ``personal_columns``) and by value:
    six or more digits in a row (also grouped by spaces or dashes), an e-mail address, a
    street address, or an early date. It errs on the side of hiding: a rejected cell that
    merely resembles an identifier is hidden too; the reason and the row still say what
    was wrong.
    """
    text = clip_value(value)
    if text is None:
        return None
    full = str(value)[: 4 * MAX_RAW_VALUE]  # the patterns look at the cell, not at the clipping note
    cls = personal_class(column) or ("personal" if column in personal_columns else None)
    if cls is not None:
        return f"<redacted: personal column ({cls})>"
    if _LOOKS_LIKE_NUMBER_ID.search(full):
        return "<redacted: looks like an identifier>"
    if _LOOKS_LIKE_EMAIL.search(full):
        return "<redacted: looks like an e-mail address>"
    if _LOOKS_LIKE_ADDRESS.search(full):
        return "<redacted: looks like an address>"
    if dates_before is not None:
        day = _value_date(full)
        if day is not None and day < dates_before:
            return f"<redacted: a date before {dates_before:%d.%m.%Y}>"
    return text


def clip_value(value: Any) -> str | None:
    """Text form of a raw cell for the rejects table, cut to :data:`MAX_RAW_VALUE` characters."""
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    text = SURROGATES.sub("\ufffd", str(value))  # undecodable bytes kept by surrogateescape
    if len(text) > MAX_RAW_VALUE:
        text = text[:MAX_RAW_VALUE] + f"… [{len(text)} characters]"
    return text
