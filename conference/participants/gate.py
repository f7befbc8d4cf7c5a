"""Registration first: where an event requires it, the live page sends the unregistered to
/events/<slug>/register (PROTOCOL 1.1).

Asked on every open of the live page, before its shared cache (conference/live/page_cache.py),
whose promise is no database query for a visitor served from it. So the event's mode is kept
per process, keyed by the event's live ``seq`` like the cached pages: every writer of
``registration`` (PATCH, the admin form, an import) is a live change that moves ``seq``. Only
for an event that requires registration does a visitor cost one query (their row, by the
unique (event, attendee) index).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, g, redirect, url_for

from conference.db import db
from conference.events.models import Event
from conference.live.publish import live_hub
from conference.participants.models import Participant

MAX_REMEMBERED = 1024


def known_mode(app, slug: str, seq: int) -> tuple[int, str] | None:
    """``(event id, registration)`` if this process has looked it up at ``seq`` already (what
    the fast route, conference/live/fast_pages.py, asks: no query there)."""
    return app.extensions.get("registration_modes", {}).get((slug, seq))


def _event_mode(slug: str) -> tuple[int, str] | None:
    """``(event id, registration)`` of the event ``slug``, None for an unknown event."""
    entry = live_hub().cache.get(slug)  # loads a cold event once; None for an unknown slug
    if entry is None:
        return None
    modes = current_app.extensions.setdefault("registration_modes", {})
    key = (slug, entry.seq)
    found = modes.get(key)
    if found is None:
        row = db.session.execute(
            sa.select(Event.id, Event.registration).where(Event.slug == slug)
        ).first()
        if row is None:
            return None
        found = (row.id, row.registration)
        if len(modes) >= MAX_REMEMBERED:
            modes.clear()
        modes[key] = found
    return found


def registration_first(slug: str):
    """A redirect to the register page, or None when the attendee may go on."""
    found = _event_mode(slug)
    if found is None or found[1] != "required":
        return None
    registered = db.session.scalar(
        sa.select(Participant.id).where(
            Participant.event_id == found[0],
            Participant.attendee_id == g.attendee_id,
            Participant.erased_at.is_(None),
        )
    )
    if registered is not None:
        return None
    return redirect(url_for("participants.register_page", slug=slug), 303)
