"""Finding events."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from flask import g
from flask_babel import gettext as _

from conference.db import db
from conference.errors import NotFound
from conference.events.models import Event


def find_event(slug: str, options: Sequence = ()) -> Event | None:
    """The event with ``slug``; ``options`` are loader options (e.g. ``detail_loading()``)."""
    return db.session.scalar(sa.select(Event).where(Event.slug == slug).options(*options))


def get_event_or_404(slug: str, options: Sequence = ()) -> Event:
    """The event with ``slug``, also kept in ``g.event`` (its default language then applies)."""
    event = find_event(slug, options)
    if event is None:
        raise NotFound(_("There is no event %(slug)s.", slug=slug), code="unknown_event")
    g.event = event
    return event
