"""Category and kind of a registry entry (:data:`analysis.schemas.CATEGORIES`).

From the registry's own type wording when it has one (:func:`category_from_type`),
else from which fields a row fills (:func:`infer_category`).
"""
from __future__ import annotations

from typing import Any

from ...schemas import CATEGORIES
from .normalise import name_key

__all__ = ["category_from_type", "kind_from_category", "infer_category"]


def category_from_type(text: Any) -> str | None:
    """Category code for the registry's own type wording (``Тип иностранного агента``).

    ================================================================  ==========================
    wording (plural or singular, any case)                            category
    ================================================================  ==========================
    ``Физические лица``                                               ``individual``
    ``Юридические лица``                                              ``legal_entity``
    ``Иные объединения лиц``                                          ``unregistered_association``
    ``Общественные объединения, действующие без образования ЮЛ``      ``unregistered_association``
    ``Иностранные структуры без образования юридического лица``       ``foreign_structure``
    empty                                                             ``unknown``
    ================================================================  ==========================

    Returns None for non-empty wording that is none of these, so the caller can
    count it rather than guess.
    """
    t = name_key(text)
    if not t:
        return "unknown"
    if "иностранн" in t and "структур" in t:
        return "foreign_structure"
    if "объединени" in t:
        return "unregistered_association"
    if t.startswith("физическ"):
        return "individual"
    if t.startswith("юридическ"):
        return "legal_entity"
    return None


def kind_from_category(category: str) -> str | None:
    """Coarse kind for a category: ``individual`` or ``organisation`` (None for ``unknown``)."""
    if category not in CATEGORIES:
        raise ValueError(f"unknown category {category!r}")
    if category == "unknown":
        return None
    return "individual" if category == "individual" else "organisation"


def infer_category(*, has_birth_date: bool, has_snils: bool, has_ogrn: bool,
                   legal_basis: str) -> str:
    """Category of a registry row from the fields a PDF-derived table has, when unambiguous.

    The PDF registry has no type column. These rules were checked row by row
    against the type column of the official export of 15.08.2025 (same registry
    numbers) and never contradict it:

    * a date of birth or a SNILS is only ever filled for ``Физические лица``
      → ``individual``;
    * an OGRN is only ever filled for ``Юридические лица`` → ``legal_entity``;
    * basis 82-FZ art. 29.1 is only ever used for unregistered public associations
      → ``unregistered_association``.

    Everything else is ``unknown``: a member list occurs for unregistered
    associations but also for a legal entity and a foreign structure, and a
    registration number occurs for legal entities and foreign structures alike.
    The values of the identifier fields are only tested for presence here and are
    never kept.
    """
    if has_birth_date or has_snils:
        return "individual"
    if has_ogrn:
        return "legal_entity"
    if legal_basis == "82-FZ art. 29.1":
        return "unregistered_association"
    return "unknown"
