"""Rehearsals: an unlisted copy of an event to run, and start again, as often as one likes.

The rehearsal of the event ``<slug>`` is the event ``<slug>-rehearsal`` with ``rehearsal_of``
set to the original's id. It has the original's content, copied through the event file
(:func:`conference.events.exchange_export.event_file` then
:func:`conference.events.exchange.create_event`: organisations, people, projects, agenda,
contests, entries, awards and their decided winners, polls), the original's team with the same
roles (:func:`conference.users.team.copy_team`), and a live state and log of its own. Not
copied: greetings, partner invites, questions, votes, jury scores, pictures.

A rehearsal is unlisted (not on the events page, not in ``GET /api/v1/events``, ``noindex``)
but answers at its address, so its console, live page and screen work; each shows a
"REHEARSAL" banner.

Each function runs in the ORIGINAL event's one pass (:func:`conference.live.change.live_change`:
its row locked, so two organisers cannot make or reset at once) and is audited in the
original's audit log (``rehearsal.made``, ``rehearsal.reset``, ``rehearsal.deleted``).
Refusals (nothing written): an unknown event (404 ``unknown_event``), a rehearsal of a
rehearsal (422 ``is_rehearsal``), a second rehearsal (409 ``rehearsal_exists``), the slug
taken by another event (409 ``slug_taken``), resetting or deleting a rehearsal that does not
exist (404 ``no_rehearsal``), a greeting upload into the rehearsal at that moment (409
``upload_busy``).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from conference.audit.log import SYSTEM, Actor
from conference.db import db
from conference.errors import Conflict, Invalid, NotFound
from conference.events.exchange import create_event
from conference.events.exchange_export import event_file
from conference.events.exchange_read import read_event_file
from conference.events.models import Event
from conference.live import publish
from conference.live.change import live_change, new_event_change
from conference.users.team import copy_team

SUFFIX = "-rehearsal"


def rehearsal_slug(slug: str) -> str:
    """The slug of the rehearsal of ``slug`` (at most 80 characters, like every slug)."""
    return slug[: 80 - len(SUFFIX)].rstrip("-") + SUFFIX


def rehearsal_of(event: Event) -> Event | None:
    """The rehearsal of ``event``, if it has one."""
    return db.session.scalar(sa.select(Event).where(Event.rehearsal_of == event.id))


def rehearsed_event(event: Event) -> Event | None:
    """The event ``event`` rehearses (None when it is not a rehearsal)."""
    if event.rehearsal_of is None:
        return None
    return db.session.get(Event, event.rehearsal_of)


def make_rehearsal(slug: str, actor: Actor = SYSTEM) -> Event:
    """Make the rehearsal of the event ``slug`` (module docstring) and return it."""
    with live_change(slug, actor, diff=False) as change:
        original = change.event
        if original.rehearsal_of is not None:
            raise Invalid(
                _("This event is a rehearsal; make the rehearsal from the real event."),
                code="is_rehearsal",
            )
        if rehearsal_of(original) is not None:
            raise Conflict(
                _("This event has a rehearsal already; reset it to start again."),
                code="rehearsal_exists",
            )
        rehearsal = _copy(original, actor)
        change.audit("rehearsal.made", "event", rehearsal.id, rehearsal.slug)
    return rehearsal


def reset_rehearsal(slug: str, actor: Actor = SYSTEM) -> Event:
    """Replace the rehearsal of the event ``slug`` with a fresh copy of the event: not
    started, its log from ``seq`` 0; everyone following it gets the fresh snapshot."""
    from conference.admin.services.events import discard_event
    from conference.images.storage import remove_files

    with live_change(slug, actor, diff=False) as change:
        old = _existing(change.event)
        before = {"status": old.status, "seq": old.last_seq}
        # The new copy is written while the old one still exists (under another name), so
        # its event and items get ids the old ones never had, even on SQLite: a page that
        # follows the rehearsal tells the new run from a server that is behind by them.
        old.slug, old.rehearsal_of = f"rehearsal-reset-{old.id}", None
        db.session.flush()
        rehearsal = _copy(change.event, actor)
        pictures, _greetings = discard_event(old)
        change.audit(
            "rehearsal.reset",
            "event",
            rehearsal.id,
            rehearsal.slug,
            before,
            {"status": rehearsal.status, "seq": 0},
        )
    for picture in pictures:
        remove_files(picture)
    # The rehearsal's followers (and every process's cached snapshot) start again from seq 0.
    publish.refresh_event(rehearsal.slug, replaced=True)
    return rehearsal


def delete_rehearsal(slug: str, actor: Actor = SYSTEM) -> str:
    """Delete the rehearsal of the event ``slug`` with everything in it; returns its slug."""
    from conference.admin.services.events import discard_event
    from conference.images.storage import remove_files

    with live_change(slug, actor, diff=False) as change:
        old = _existing(change.event)
        gone = old.slug
        change.audit(
            "rehearsal.deleted", "event", old.id, gone, {"status": old.status, "seq": old.last_seq}
        )
        pictures, _greetings = discard_event(old)
    for picture in pictures:
        remove_files(picture)
    publish.refresh_event(gone)
    return gone


def _existing(original: Event) -> Event:
    """The original's rehearsal, its row locked too (a live command on it waits)."""
    rehearsal = db.session.scalar(
        sa.select(Event).where(Event.rehearsal_of == original.id).with_for_update()
    )
    if rehearsal is None:
        raise NotFound(_("This event has no rehearsal."), code="no_rehearsal")
    return rehearsal


def _copy(original: Event, actor: Actor) -> Event:
    """A new event with the original's content (through its event file) and team."""
    spec = read_event_file(event_file(original, include_winners=True))
    slug = rehearsal_slug(original.slug)
    taken = db.session.scalar(sa.select(Event.id).where(Event.slug == slug))
    if taken is not None:
        raise Conflict(
            _("Another event already has the short name %(slug)s.", slug=slug), code="slug_taken"
        )
    spec["event"]["slug"] = slug
    rehearsal = create_event(spec, actor)
    rehearsal.rehearsal_of = original.id
    db.session.flush()
    copy_team(original, new_event_change(db.session, rehearsal, actor))
    return rehearsal
