"""Refusals specific to greetings, and the checks of what a partner types."""

from __future__ import annotations

from flask_babel import format_decimal
from flask_babel import gettext as _

from conference.errors import Invalid, ServiceError
from conference.greetings.media import REJECTION_MESSAGES

MAX_TITLE_CHARS = 200
MAX_MESSAGE_CHARS = 1000


class TooLarge(ServiceError):
    """A file, a body or a quota that is too large (413)."""

    status = 413
    code = "too_large"


def empty_file_error() -> ServiceError:
    """The same words the processing uses for an empty file, refused before any byte."""
    return ServiceError(str(REJECTION_MESSAGES["empty_file"]), code="empty_file", status=400)


def format_size(size: int) -> str:
    """A byte count for people, in the page's language: ``1,5 GB`` (binary multiples)."""
    for unit, factor in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= factor:
            return f"{format_decimal(size / factor, format='#,##0.#')} {unit}"
    return f"{size} B"


def _clean(text: str) -> str | None:
    # Keep line breaks in messages, drop other control characters (they break layouts).
    text = "".join(ch for ch in text if ch in "\n\t" or ch.isprintable()).strip()
    return text or None


def check_title(value) -> str | None:
    """A greeting's optional title: trimmed, at most ``MAX_TITLE_CHARS`` characters."""
    title = _clean(str(value or ""))
    if title is not None:
        title = " ".join(title.split())  # a title is one line
    if title is not None and len(title) > MAX_TITLE_CHARS:
        raise Invalid(
            # TRANSLATORS: [partner]
            _("The title is too long: at most %(count)s characters.", count=MAX_TITLE_CHARS),
            code="title_too_long",
        )
    return title


def check_message(value) -> str | None:
    """A greeting's optional short message: trimmed, at most ``MAX_MESSAGE_CHARS`` characters."""
    message = _clean(str(value or ""))
    if message is not None and len(message) > MAX_MESSAGE_CHARS:
        raise Invalid(
            # TRANSLATORS: [partner]
            _("The message is too long: at most %(count)s characters.", count=MAX_MESSAGE_CHARS),
            code="message_too_long",
        )
    return message
