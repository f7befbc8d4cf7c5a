"""Text from attendees: valid Unicode text within its limit, or a 422 that stores nothing."""

from __future__ import annotations

import unicodedata

from flask_babel import gettext as _

from conference.errors import Invalid

ALLOWED_CONTROLS = {"\t", "\n", "\r"}


def attendee_text(value, field: str, limit: int, *, required: bool = True) -> str | None:
    """``value`` stripped, or 422: not a string, empty (when required), longer than ``limit``
    characters, or holding a lone surrogate, NUL or another control character (tab and line
    breaks are fine). ``None``/blank for an optional field gives ``None``."""
    if value is None or (isinstance(value, str) and not value.strip() and not required):
        if required:
            raise Invalid(_("Write something first."), code="text_required", field=field)
        return None
    if not isinstance(value, str):
        raise Invalid(_("%(field)s must be text.", field=field), code="bad_text", field=field)
    for char in value:
        if (unicodedata.category(char) in ("Cc", "Cs") and char not in ALLOWED_CONTROLS) or (
            0xD800 <= ord(char) <= 0xDFFF
        ):
            raise Invalid(
                _("%(field)s holds characters that are not text.", field=field),
                code="bad_text",
                field=field,
            )
    text = value.strip()
    if required and not text:
        raise Invalid(_("Write something first."), code="text_required", field=field)
    if len(text) > limit:
        raise Invalid(
            _("%(field)s is longer than %(limit)s characters.", field=field, limit=limit),
            code="too_long",
            field=field,
        )
    return text
