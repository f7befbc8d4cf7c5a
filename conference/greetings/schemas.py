"""The ``greeting`` object of the protocol, and the reasons shown for failures.

Everyone gets ``{id, organisation_id, title, message, duration_s, video_url, poster_url}``
(the URLs absolute);
moderators and the owning partner also ``status``, ``review``, ``failure_reason`` and
``review_reason`` (plus ``filename`` and ``created_at``). The files of a greeting that is not
approved are reachable only through signed URLs valid for a few hours (see :mod:`.serving`).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from conference.db import iso
from conference.greetings.media import REJECTION_MESSAGES
from conference.greetings.models import Greeting
from conference.greetings.serving import media_url

FAILURE_MESSAGES = {
    **REJECTION_MESSAGES,
    # TRANSLATORS: [partner]
    "server_error": _l(
        "Something went wrong on our side while processing the video. Please upload it "
        "again; if it fails again, please tell the organisers."
    ),
}


def failure_reason(greeting: Greeting) -> str | None:
    """Why processing failed, in the current language (None unless failed)."""
    if greeting.status != "failed":
        return None
    template = FAILURE_MESSAGES.get(greeting.failure_code or "", FAILURE_MESSAGES["server_error"])
    try:
        return str(template) % (greeting.failure_params or {})
    except (KeyError, TypeError, ValueError):
        return str(FAILURE_MESSAGES["server_error"])


def greeting_json(greeting: Greeting, *, private: bool = False, absolute: bool = True) -> dict:
    """The protocol's ``greeting``; ``private`` adds the state for moderators and the partner.
    ``absolute=False`` keeps the file URLs as paths (for the server's own pages)."""
    public = greeting.is_public
    data = {
        "id": greeting.id,
        "organisation_id": greeting.organisation_id,
        "title": greeting.title,
        "message": greeting.message,
        "duration_s": greeting.duration_s,
        "video_url": media_url(greeting.video_file, signed=not public, absolute=absolute),
        "poster_url": media_url(greeting.poster_file, signed=not public, absolute=absolute),
    }
    if private:
        data.update(
            status=greeting.status,
            review=greeting.review,
            failure_reason=failure_reason(greeting),
            review_reason=greeting.review_reason,
            filename=greeting.upload_filename,
            created_at=iso(greeting.created_at),
        )
    return data


def playing_json(greeting: Greeting, started_at) -> dict:
    """The snapshot's ``greeting``: ``{id, started_at, video_url, poster_url, duration_s}``."""
    return {
        "id": greeting.id,
        "started_at": iso(started_at),
        "video_url": media_url(greeting.video_file),
        "poster_url": media_url(greeting.poster_file),
        "duration_s": greeting.duration_s,
    }
