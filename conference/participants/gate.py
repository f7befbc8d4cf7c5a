"""Registration first: where an event requires it, the live page sends the unregistered to
/events/<slug>/register (PROTOCOL 1.1).

Asked on every open of the live page, before its shared cache, so it costs one small query
(the event's mode) and, only for events that require registration, one more (the attendee's
row, by the unique (event, attendee) index).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import g, redirect, url_for

from conference.db import db
from conference.events.models import Event
from conference.participants.models import Participant


def registration_first(slug: str):
    """A redirect to the register page, or None when the attendee may go on."""
    row = db.session.execute(
        sa.select(Event.id, Event.registration).where(Event.slug == slug)
    ).first()
    if row is None or row.registration != "required":
        return None
    registered = db.session.scalar(
        sa.select(Participant.id).where(
            Participant.event_id == row.id,
            Participant.attendee_id == g.attendee_id,
            Participant.erased_at.is_(None),
        )
    )
    if registered is not None:
        return None
    return redirect(url_for("participants.register_page", slug=slug), 303)
