"""Changing an event's own fields from the JSON API (``PATCH /api/v1/events/{slug}``).

One change of the event (:func:`conference.live.change.live_change`): checked, written,
audited, and what attendees see of it published as ``event.changed`` after the commit.
The admin's settings form writes through ``conference.admin.services.events.save_event``, the
same pass. Refuses (422, nothing written): unknown fields, no title in the default language, a
registration mode or certificate minutes out of range.
"""

from __future__ import annotations

from conference.audit.log import SYSTEM, Actor, audit_values
from conference.events.agenda import require_title
from conference.events.models import Event
from conference.events.patches import EVENT_PATCH_FIELDS, event_patch
from conference.live.change import live_change


def patch_event(slug: str, body, actor: Actor = SYSTEM) -> Event:
    """Apply the API body (``{title?, description?, online_url?, registration?,
    certificate_min_minutes?, questions?}``) to the event ``slug``."""
    questions = None
    if isinstance(body, dict) and "questions" in body:  # 1.1: conference.audience owns it
        body = dict(body)
        questions = body.pop("questions")
    with live_change(slug, actor) as change:
        event = change.event
        values = event_patch(body, event)
        if questions is not None:
            from conference.audience.questions import change_questions_mode

            change_questions_mode(change, questions)
        if "title" in values:
            require_title(event, values["title"])
        before = audit_values(event, EVENT_PATCH_FIELDS)
        for name, value in values.items():
            setattr(event, name, value)
        change.audit_edit(
            "event", event.id, event.slug, before, audit_values(event, EVENT_PATCH_FIELDS)
        )
    return change.event
