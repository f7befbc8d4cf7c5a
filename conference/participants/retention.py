"""Retention: the participants' personal fields are erased a while after the event (issue 12
part 5).

Each event keeps its participants' personal data for ``participants_retention_days`` after
its end (default 365; the organiser sets it in the event's form or file; 0: erased at the
first purge after the end). The end is when the event actually ended (``ended_at``), or its
planned end for an event never run. Then :func:`purge_participants` erases each of them the
way a participant erases their own record (:func:`~conference.participants.registration.
blank_personal_fields`): name, organisation, country and e-mail blanked, the row kept, so the
event's counts (registered, attended) stay right.

It runs every day in the task queue (the in-process worker of ``conference serve`` or
``conference worker``: :func:`register_daily_purge`) and on demand as ``conference
participants purge [--dry-run]``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from conference.db import db, utcnow
from conference.events.models import Event
from conference.participants.models import Participant
from conference.participants.registration import blank_personal_fields

log = logging.getLogger(__name__)

# Once a day, at a quiet hour (UTC): nothing depends on the exact minute.
DAILY_AT = {"hour": "3", "minute": "17"}


@dataclass(frozen=True)
class Purged:
    """One event whose participants' personal data was (or, in a dry run, would be) erased."""

    slug: str
    ended: datetime
    keep_days: int
    participants: int


def event_end(event: Event) -> datetime:
    """When the event ended: as held, else as planned."""
    return event.ended_at or event.ends_at


def is_due(event: Event, now: datetime) -> bool:
    """The event's retention is over: ended (or past its planned end) ``keep_days`` ago."""
    if event.status == "live":
        return False
    return now >= event_end(event) + timedelta(days=event.participants_retention_days)


def purge_participants(now: datetime | None = None, dry_run: bool = False) -> list[Purged]:
    """Erase the personal fields of every participant whose event's retention is over.

    Changes: each such participant blanked (as :func:`blank_personal_fields`), one commit per
    event. ``dry_run``: changes nothing, says what it would erase. Broadcasts nothing (no
    attendee sees participants). Returns one :class:`Purged` per event touched, oldest first.
    """
    now = now or utcnow()
    holding = (
        sa.select(Participant.event_id)
        .where(Participant.erased_at.is_(None))
        .distinct()
        .scalar_subquery()
    )
    events = db.session.scalars(
        sa.select(Event).where(Event.id.in_(holding)).order_by(Event.ends_at, Event.id)
    ).all()
    done = []
    for event in events:
        if not is_due(event, now):
            continue
        participants = db.session.scalars(
            sa.select(Participant).where(
                Participant.event_id == event.id, Participant.erased_at.is_(None)
            )
        ).all()
        done.append(
            Purged(
                event.slug, event_end(event), event.participants_retention_days, len(participants)
            )
        )
        if dry_run:
            continue
        for participant in participants:
            blank_personal_fields(participant, now)
        db.session.commit()
        log.info(
            "erased the personal data of %s participants of %s (kept %s days after its end)",
            len(participants),
            event.slug,
            event.participants_retention_days,
        )
    return done


def register_daily_purge(app) -> None:
    """Add the daily purge to the app's task queue (one process runs it: the worker)."""
    tasks = app.extensions.get("greetings_tasks")
    if tasks is None:
        return
    from huey import crontab

    @tasks.huey.periodic_task(crontab(**DAILY_AT), name="purge_participants")
    def purge_participants_daily() -> None:
        with app.app_context():
            try:
                purge_participants()
            except Exception:
                log.exception("the participants' retention purge failed")
                db.session.rollback()

    tasks.purge_participants = purge_participants_daily
