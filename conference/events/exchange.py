"""A whole event as one TOML file: import and export (the format: ``docs/event-toml.md``).

``import_event`` reads and checks the entire file before it writes anything, then writes it in
one transaction: a refused file changes nothing. ``export_event`` writes the file back, so
export then import gives the same event (the same API answer and the same winners).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from conference.audience.exchange import audience_view
from conference.audit.log import CLI, IMPORT, Actor
from conference.db import db
from conference.errors import Conflict
from conference.events.exchange_export import event_file
from conference.events.exchange_read import FORMAT_VERSION, EventFileError, read_event_file
from conference.events.exchange_write import write_event
from conference.events.models import Event
from conference.events.services import get_event_or_404
from conference.images.services import pictures_of
from conference.images.storage import remove_files
from conference.live.change import live_change, new_event_change
from conference.live.publish import refresh_event

__all__ = [
    "FORMAT_VERSION",
    "EventFileError",
    "create_event",
    "export_event",
    "import_event",
    "read_event_file",
    "stage_event",
]


def stage_event(text: str, actor: Actor = IMPORT) -> Event:
    """Check ``text`` and write it as a new event into the session, without committing.

    For callers that add more to the same transaction (the demo adds its admin). Raises
    :class:`EventFileError` (422 ``bad_event_file``) for a bad file, ``Conflict`` (409
    ``event_exists``) for a slug that exists.
    """
    return create_event(read_event_file(text), actor)


def create_event(spec: dict, actor: Actor) -> Event:
    """Write the checked ``spec`` (:func:`read_event_file`) as a new event, audited
    ``event.imported`` in its own log; flushed, not committed. 409 ``event_exists``."""
    slug = spec["event"]["slug"]
    if db.session.scalar(sa.select(Event.id).where(Event.slug == slug)) is not None:
        raise Conflict(
            _(
                "An event with the slug %(slug)s exists already (replace it with --replace).",
                slug=slug,
            ),
            code="event_exists",
        )

    def change_for(event: Event):
        change = new_event_change(db.session, event, actor)
        change.audit("event.imported", "event", event.id, slug)
        return change

    return write_event(spec, None, change_for)


def import_event(text: str, replace: bool = False, actor: Actor = CLI) -> Event:
    """Import the event file ``text`` and return the event.

    A new slug: a new event with its organisations, people, projects, agenda, contests,
    entries, awards and (from the secret section) award winners, in one transaction. An
    existing slug needs ``replace``: then the event is updated in place as one change
    (:func:`conference.live.change.live_change`: the event row locked, the rules of every
    writer checked, the audit entry, and the updates attendees must see, published after the
    commit), also while the event is live.
    """
    spec = read_event_file(text)
    slug = spec["event"]["slug"]
    db.session.rollback()
    exists = db.session.scalar(sa.select(Event.id).where(Event.slug == slug)) is not None
    if exists and replace:
        with live_change(slug, actor) as change:
            before = pictures_of(change.event)
            audience_before = audience_view(change.session, change.event)
            write_event(spec, change.event, lambda event: change)
            change.audit("event.replaced", "event", change.event.id, slug)
            kept = {picture["key"] for picture in pictures_of(change.event)}
            audience_changed = audience_view(change.session, change.event) != audience_before
        if audience_changed:
            # Polls and questions are not in the live log's diff (public_view): like the
            # admin's poll form, every process reloads the event's snapshot and sends it again.
            refresh_event(slug)
        # Pictures are not in the file: rows it keeps keep theirs; rows it drops take theirs.
        for picture in before:
            if picture["key"] not in kept:
                remove_files(picture)
        return change.event
    try:
        event = create_event(spec, actor)
        db.session.commit()
    except sa.exc.IntegrityError:
        # Another import of the same slug committed between our check and our insert.
        db.session.rollback()
        raise Conflict(
            _("An event with this slug was created at the same time; import again."),
            code="event_exists",
        ) from None
    except BaseException:
        db.session.rollback()
        raise
    return event


def export_event(
    slug: str, include_winners: bool = True, include_personal_data: bool = False
) -> str:
    """The event ``slug`` as an event file; 404 ``unknown_event`` when there is none.

    With ``include_winners`` (the default) the file has the secret section with the award
    winners; jury scores and audience votes are never exported.
    """
    return event_file(
        get_event_or_404(slug),
        include_winners=include_winners,
        include_personal_data=include_personal_data,
    )
