"""Socket.IO: ``react`` from an attendee (PROTOCOL.md 1.1). Not part of the ``seq`` order."""

from __future__ import annotations

from flask import request

from conference.attendees import ATTENDEE_COOKIE, read_attendee_id
from conference.audience.ticker import REACTION_KINDS, audience_ticker
from conference.live.publish import live_hub


def on_react(data=None):
    """``{"kind": K}``: counted (at most 3 a second per attendee identity), summed, and sent
    to the event's followers as ``reactions`` by the ticker. Anything else is ignored."""
    kind = data.get("kind") if isinstance(data, dict) else None
    if kind not in REACTION_KINDS:
        return {"ok": False}
    slug = live_hub().presence.event_of(request.sid)
    if slug is None:
        return {"ok": False}
    attendee_id = read_attendee_id(request.cookies.get(ATTENDEE_COOKIE))
    key = f"attendee:{attendee_id}" if attendee_id else f"connection:{request.sid}"
    return {"ok": audience_ticker().react(slug, key, kind)}
