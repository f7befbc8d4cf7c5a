"""The one rule for text from outside, and its repair for text that got in before the rule.

Text is accepted when it is valid Unicode (no lone surrogate: JSON's ``"\\ud800"`` gives one)
and has no control character but tab and line breaks (``\\t \\n \\r``); noncharacters U+FFFE
and U+FFFF are refused too, since XML (the schedule exports) cannot carry them. Accepted text
is stored in Normalisation Form C, so ``ā`` typed as ``a`` + combining macron and ``ā`` typed
as one letter are the same text, of the same length. Limits of length are per field (see
``docs/protocol.md``) and are counted after normalisation.

Every edge uses :func:`check_text` (JSON bodies, form fields, query strings, TOML values,
upload metadata, Socket.IO payloads, CLI arguments); :func:`repair_text` is for what is read
back from the database (U+FFFD in place of what cannot be shown) and ``conference db
check-text --fix``.
"""

from __future__ import annotations

import re
import unicodedata

from flask_babel import gettext as _
from flask_babel import ngettext

from conference.errors import Invalid

# C0 controls but tab, LF and CR; DEL and the C1 controls; the surrogate range (a lone one:
# Python keeps pairs from JSON as one astral character); the two noncharacters XML refuses.
NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
REPLACEMENT = "\ufffd"
# Limits of the JSON API's texts, as the admin's forms have them (docs/protocol.md lists all).
TITLE_MAX_CHARS = 500
DESCRIPTION_MAX_CHARS = 5000


class TextRefused(Invalid):
    """Text that breaks the rule (422); ``field`` names where it was."""

    code = "invalid_text"


def problem_in(value: str) -> str | None:
    """``"surrogate"``, ``"control"`` or None: what is wrong with ``value`` (first found)."""
    found = NOT_TEXT.search(value)
    if found is None:
        return None
    return "surrogate" if "\ud800" <= found.group() <= "\udfff" else "control"


def refusal(field: str, value: str) -> TextRefused:
    """The 422 for ``value`` found in ``field`` (which must have a problem)."""
    found = NOT_TEXT.search(value)
    point = f"U+{ord(found.group()):04X}"
    if problem_in(value) == "surrogate":
        return TextRefused(
            _(
                "%(field)s is not valid Unicode text: it has a lone surrogate (%(point)s).",
                field=field,
                point=point,
            ),
            code="invalid_unicode",
            field=field,
        )
    return TextRefused(
        _(
            "%(field)s contains a control character (%(point)s); only tab and line breaks "
            "are allowed.",
            field=field,
            point=point,
        ),
        code="control_character",
        field=field,
    )


def problem_sentence(value: str) -> str | None:
    """What is wrong with ``value``, as a sentence without the field (lists that name it)."""
    found = NOT_TEXT.search(value)
    if found is None:
        return None
    point = f"U+{ord(found.group()):04X}"
    if problem_in(value) == "surrogate":
        return _("is not valid Unicode text: it has a lone surrogate (%(point)s)", point=point)
    return _(
        "contains a control character (%(point)s); only tab and line breaks are allowed",
        point=point,
    )


def check_text(value: str, field: str, max_chars: int | None = None) -> str:
    """``value`` in NFC, or :class:`TextRefused` (invalid text, or longer than ``max_chars``)."""
    if NOT_TEXT.search(value):
        raise refusal(field, value)
    value = unicodedata.normalize("NFC", value)
    if max_chars is not None and len(value) > max_chars:
        raise too_long(field, max_chars)
    return value


def too_long(field: str, max_chars: int) -> TextRefused:
    return TextRefused(
        ngettext(
            "%(field)s is too long: at most %(num)s character.",
            "%(field)s is too long: at most %(num)s characters.",
            max_chars,
            field=field,
        ),
        code="text_too_long",
        field=field,
    )


def repair_text(value: str, normalise: bool = True) -> str:
    """``value`` with every code point the rule refuses replaced by U+FFFD (and in NFC)."""
    repaired = NOT_TEXT.sub(REPLACEMENT, value)
    return unicodedata.normalize("NFC", repaired) if normalise else repaired


def needs_repair(value: str) -> bool:
    """True when ``value`` breaks the rule or is not in NFC (what ``check-text`` lists)."""
    return bool(NOT_TEXT.search(value)) or not unicodedata.is_normalized("NFC", value)


def clean_strings(value, path: str = ""):
    """A copy of a JSON-like value with every string checked (:func:`check_text`) and in NFC."""
    if isinstance(value, str):
        return check_text(value, path or "text")
    if isinstance(value, dict):
        cleaned = {}
        for key, item in value.items():
            key_path = f"{path}.{key}" if path else str(key)
            if isinstance(key, str):
                key = check_text(key, path or "key")
            cleaned[key] = clean_strings(item, key_path)
        return cleaned
    if isinstance(value, list):
        return [clean_strings(item, f"{path}[{index}]") for index, item in enumerate(value)]
    return value


def repair_strings(value, normalise: bool = False):
    """A JSON-like value with :func:`repair_text` applied to every string, keys too."""
    if isinstance(value, str):
        return repair_text(value, normalise) if normalise or NOT_TEXT.search(value) else value
    if isinstance(value, dict):
        return {
            repair_strings(key, normalise): repair_strings(item, normalise)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [repair_strings(item, normalise) for item in value]
    return value
