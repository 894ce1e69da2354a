"""Reading JSON registry files: the file, its array of objects, and values of the wrong type.

:func:`read_json` turns every way a file can be unusable into
:class:`~analysis.errors.InputError`; :func:`json_records` hands the objects of the
array to an :class:`~analysis.sources.kit.events.EventBuilder`, rejecting the rest.
A value of the wrong type is carried as :class:`WrongType`, which shows its type and
never its content.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from ...errors import InputError
from .files import looks_like_html, read_bytes

if TYPE_CHECKING:
    from .events import EventBuilder

__all__ = ["json_type", "read_json", "json_records", "text_cell", "WrongType"]


_JSON_TYPES = {dict: "an object", list: "an array", str: "a string", int: "a number",
               float: "a number", bool: "a boolean", type(None): "null"}


def json_type(value: Any) -> str:
    """JSON name of a Python value's type (``an object``, ``a string``, ...)."""
    return _JSON_TYPES.get(type(value), f"a {type(value).__name__}")


def read_json(path: str | Path) -> Any:
    """Parse a JSON file, turning every way it can be unusable into :class:`InputError`.

    Empty files, HTML pages saved under a ``.json`` name, text that is not UTF-8
    and truncated or corrupt JSON are refused with a one-line reason (the
    position of a syntax error is given as line and column of the text).
    """
    data = read_bytes(path)
    if looks_like_html(data):
        raise InputError(str(path), "is an HTML page, not JSON")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(str(path), f"is not UTF-8 text (invalid byte at offset {exc.start})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            str(path),
            f"is not valid JSON (truncated or corrupt): {exc.msg} at line {exc.lineno}, column {exc.colno}",
        ) from None
    except RecursionError:
        raise InputError(str(path), "is not usable JSON (nested too deeply)") from None


def json_records(items: Any, file: str, builder: EventBuilder, *,
                 required: Sequence[str], what: str = "a JSON array of objects"
                 ) -> list[tuple[int, dict[str, Any]]]:
    """The objects of a JSON array as ``(source_row, object)`` pairs.

    ``source_row`` is the position in the array plus one. An element that is not
    an object, or lacks one of the ``required`` keys, is rejected in ``builder``.
    A key that no element has at all means the layout changed (a renamed or
    missing column), which makes the whole file unusable.

    Raises
    ------
    InputError
        When ``items`` is not a non-empty list, no element is an object, or a
        required key is missing from every object.
    """
    if not isinstance(items, list):
        raise InputError(file, f"expected {what}, found {json_type(items)}")
    if not items:
        raise InputError(file, "contains no entries (empty JSON array)")
    records: list[tuple[int, dict[str, Any]]] = []
    for i, item in enumerate(items, start=1):
        if isinstance(item, dict):
            records.append((i, item))
        else:
            builder.reject(i, None, None, f"array element is {json_type(item)}, not an object")
    if not records:
        raise InputError(file, f"expected {what}, but no element is an object")
    for key in required:
        if not any(key in rec for _, rec in records):
            raise InputError(file, "required key missing from every entry (renamed or removed?)",
                             column=key)
    kept = []
    for i, rec in records:
        missing = [k for k in required if k not in rec]
        if missing:
            builder.reject(i, missing[0], None, f"key {missing[0]!r} missing")
        else:
            kept.append((i, rec))
    return kept


def text_cell(rec: dict[str, Any], key: str) -> Any:
    """Value of ``key`` for a text field: strings as they are, anything else flagged.

    Returns the string, ``None`` for a missing key or JSON null, or a
    :class:`WrongType` marker that :class:`EventBuilder` rejects without showing
    the value.
    """
    value = rec.get(key)
    if value is None or isinstance(value, str):
        return value
    return WrongType(value)


class WrongType:
    """Marker for a JSON value of the wrong type; shows only its type, never its content."""

    def __init__(self, value: Any) -> None:
        self.type = json_type(value)

    def __str__(self) -> str:
        return f"<{self.type}>"

    __repr__ = __str__
