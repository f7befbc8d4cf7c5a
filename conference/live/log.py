"""The live log: append updates with the next ``seq``, read them back.

The counter is ``Event.last_seq`` in the database, never process memory. Appending is only
correct inside a command transaction, which holds the event's row lock (``SELECT … FOR UPDATE``
on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite), so two writers, in one process or in several,
can never take the same number; the unique ``(event_id, seq)`` constraint is the last guard.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from conference.live.models import LiveUpdate


def append_update(
    session: Session,
    event,
    update_type: str,
    data: dict,
    *,
    at: datetime,
    command_type: str | None = None,
    actor_id: int | None = None,
) -> LiveUpdate:
    """Add the update ``{seq: last_seq + 1, type, at, data}`` and advance ``event.last_seq``."""
    event.last_seq = (event.last_seq or 0) + 1
    row = LiveUpdate(
        event_id=event.id,
        seq=event.last_seq,
        type=update_type,
        at=at,
        data=data,
        command_type=command_type,
        actor_id=actor_id,
    )
    session.add(row)
    return row


def updates_after(session: Session, event_id: int, seq: int) -> list[LiveUpdate]:
    """The updates of the event with ``seq`` greater than ``seq``, oldest first."""
    return list(
        session.scalars(
            sa.select(LiveUpdate)
            .where(LiveUpdate.event_id == event_id, LiveUpdate.seq > seq)
            .order_by(LiveUpdate.seq)
        )
    )


def latest_updates(session: Session, event_id: int, count: int) -> list[LiveUpdate]:
    """The last ``count`` updates of the event, oldest first."""
    rows = session.scalars(
        sa.select(LiveUpdate)
        .where(LiveUpdate.event_id == event_id)
        .order_by(LiveUpdate.seq.desc())
        .limit(count)
    )
    return list(reversed(list(rows)))


def updates_of_type(session: Session, event_id: int, update_type: str) -> list[LiveUpdate]:
    """Every update of one type, oldest first (e.g. the revealed awards)."""
    return list(
        session.scalars(
            sa.select(LiveUpdate)
            .where(LiveUpdate.event_id == event_id, LiveUpdate.type == update_type)
            .order_by(LiveUpdate.seq)
        )
    )
