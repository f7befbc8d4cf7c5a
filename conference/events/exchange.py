"""A whole event as one TOML file: import and export (the format: ``docs/event-toml.md``).

``import_event`` reads and checks the entire file before it writes anything, then writes it in
one transaction: a refused file changes nothing. ``export_event`` writes the file back, so
export then import gives the same event (the same API answer and the same winners).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from conference.db import db
from conference.errors import Conflict
from conference.events.exchange_export import event_file
from conference.events.exchange_read import FORMAT_VERSION, EventFileError, read_event_file
from conference.events.exchange_write import write_event
from conference.events.models import Event
from conference.events.services import get_event_or_404

__all__ = [
    "FORMAT_VERSION",
    "EventFileError",
    "export_event",
    "import_event",
    "read_event_file",
    "stage_event",
]


def stage_event(text: str, replace: bool = False) -> Event:
    """Check ``text`` and write the event into the session, without committing.

    For callers that add more to the same transaction (the demo adds its admin). Raises
    :class:`EventFileError` (422 ``bad_event_file``) for a bad file, ``Conflict`` (409
    ``event_exists`` / ``event_live``) for a slug that exists without ``replace``.
    """
    spec = read_event_file(text)
    return write_event(spec, replace)


def import_event(text: str, replace: bool = False) -> Event:
    """Import the event file ``text`` in one transaction and return the event.

    Changes: a new event with its organisations, people, projects, agenda, contests, entries,
    awards and (from the secret section) award winners; with ``replace``, the existing event of
    that slug updated in place. Broadcasts nothing: a scheduled event has no live followers
    yet, and a live one is refused.
    """
    try:
        event = stage_event(text, replace)
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


def export_event(slug: str, include_winners: bool = True) -> str:
    """The event ``slug`` as an event file; 404 ``unknown_event`` when there is none.

    With ``include_winners`` (the default) the file has the secret section with the award
    winners; jury scores and audience votes are never exported.
    """
    return event_file(get_event_or_404(slug), include_winners=include_winners)
