"""Request bodies and query strings at the edge: size, JSON shape, numbers and text.

- Size: ``MAX_CONTENT_LENGTH`` (``[server] max_body_bytes``, 1 MiB) makes Werkzeug answer
  413 from ``Content-Length`` before a byte of the body is read, and stops a chunked body at
  the limit. The tus endpoint streams files to disk and sets its own limits (``Upload-Length``).
- JSON (:func:`load_json`, Flask's ``request.get_json`` through :class:`EdgeRequest`): nesting
  is measured on the raw bytes before parsing (deeper than :data:`MAX_JSON_DEPTH`: 422
  ``json_too_deep``, never a RecursionError); ``NaN``/``Infinity`` and integers beyond 64 bits
  are refused (``number_out_of_range``); every string, keys too, follows the text rule
  (:mod:`conference.edge.text`) and arrives in NFC. A body that is not JSON at all still reads
  as None under ``silent=True``, so each view says what it expected.
- Form fields and query strings: the text rule for every key and value (form values arrive
  in NFC). Lengths per field are the forms' and schemas' own.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata

from flask import Request, request
from flask import json as flask_json
from flask_babel import gettext as _
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import IntegerConverter

from conference.edge.text import check_text, clean_strings
from conference.errors import Invalid

MAX_JSON_DEPTH = 32
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
# The largest id a row can have: ids are INTEGER columns (32 bits on PostgreSQL).
ID_MAX = 2**31 - 1


def is_integer(value) -> bool:
    """A JSON whole number (``true`` is not one, although Python thinks so); its range is the
    caller's to check (ids: 1 … :data:`ID_MAX`)."""
    return isinstance(value, int) and not isinstance(value, bool)


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")


class JSONRefused(Invalid):
    """A JSON body that parses but may not come in (422)."""


def too_deep() -> JSONRefused:
    return JSONRefused(
        _(
            "The JSON is nested too deeply: at most %(depth)s levels of objects and lists.",
            depth=MAX_JSON_DEPTH,
        ),
        code="json_too_deep",
    )


def out_of_range(value: str) -> JSONRefused:
    return JSONRefused(
        _("The number %(number)s is out of range.", number=value[:40]),
        code="number_out_of_range",
        number=value[:40],
    )


def nesting_depth_over(raw: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when the JSON text ``raw`` opens more than ``limit`` objects/lists at once.

    Strings are cut out first (a ``[`` inside a string is text), then only brackets are
    counted; the scan stops at the first level past the limit, so ``[[[[…`` costs nothing.
    """
    depth = 0
    for byte in _STRING.sub(b"", raw).translate(None, _NOT_BRACKET):
        if byte in (0x5B, 0x7B):
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


def _refuse_constant(name: str):
    raise out_of_range(name)


def _checked_int(text: str) -> int:
    value = int(text)
    if not INT64_MIN <= value <= INT64_MAX:
        raise out_of_range(text)
    return value


def _checked_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise out_of_range(text)
    return value


def load_json(raw: bytes | str, text_rule: bool = True):
    """Parse ``raw`` as the edge allows it (see the module docstring); ``text_rule=False``
    leaves the strings to the caller.

    Raises ``ValueError`` for text that is not JSON, :class:`JSONRefused` or
    :class:`~conference.edge.text.TextRefused` for JSON that may not come in.
    """
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    if nesting_depth_over(data):
        raise too_deep()
    text = data.decode("utf-8") if isinstance(raw, bytes) else raw
    value = json.loads(
        text,
        parse_int=_checked_int,
        parse_float=_checked_float,
        parse_constant=_refuse_constant,
    )
    return clean_strings(value) if text_rule else value


class EdgeJSON:
    """``Request.json_module``: Flask's JSON, with :func:`load_json` for reading bodies."""

    @staticmethod
    def loads(data, **kwargs):
        return load_json(data)

    @staticmethod
    def dumps(obj, **kwargs):
        return flask_json.dumps(obj, **kwargs)


class EdgeRequest(Request):
    """Flask's request with the edge's JSON and form fields in NFC."""

    @property
    def json_module(self):
        return EdgeJSON

    @json_module.setter
    def json_module(self, value) -> None:
        """Flask sets the app's JSON provider on each request; the edge's reader stays."""

    def _load_form_data(self) -> None:
        super()._load_form_data()
        form = self.__dict__.get("form")
        if form:
            self.__dict__["form"] = ImmutableMultiDict(
                [
                    (key, unicodedata.normalize("NFC", value))
                    for key, value in form.items(multi=True)
                ]
            )


def check_fields() -> None:
    """``before_request``: the text rule for every query-string and form key and value."""
    sources = [request.args] if request.environ.get("QUERY_STRING") else []
    if request.environ.get("CONTENT_TYPE") and request.mimetype in FORM_TYPES:
        sources.append(request.form)
    for values in sources:
        for key, value in values.items(multi=True):
            check_text(key, _("a field name"))
            check_text(value, key)
    for name, value in (request.view_args or {}).items():
        # Printable ASCII (a slug, a token) passes the rule as it is: no need to look closer.
        if isinstance(value, str) and not (value.isascii() and value.isprintable()):
            check_text(value, name)


def form_id(raw: str | None) -> int | None:
    """A form field as an id (or a small whole number): ASCII digits, 0 … :data:`ID_MAX`;
    None for anything else, so a 5,000-digit "number" never reaches ``int()`` or the database."""
    raw = (raw or "").strip()
    if not (raw.isascii() and raw.isdigit()) or len(raw) > len(str(ID_MAX)):
        return None
    value = int(raw)
    return value if value <= ID_MAX else None


class IdConverter(IntegerConverter):
    """``<int:…>`` in URLs: a number larger than any id matches no route (404), never a 500."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", ID_MAX)
        super().__init__(map, *args, **kwargs)
