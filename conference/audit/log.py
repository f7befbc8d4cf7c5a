"""Recording and reading audit entries; who acted (:class:`Actor`); before -> after of a change.

An entry is added to the session of the change it records (never committed here): the change
and its entry are one transaction, so neither exists without the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from conference.audit.models import AuditEntry
from conference.db import iso


@dataclass(frozen=True)
class Actor:
    """Who makes a change: a user (``user_id``, label = their e-mail) or a program (``cli``,
    ``import``, ``system``). A user's label may be left out; it is looked up when recorded."""

    user_id: int | None = None
    label: str | None = None

    @classmethod
    def of(cls, user) -> Actor:
        """The signed-in or token user ``user`` (None: the system)."""
        return SYSTEM if user is None else cls(user.id, user.email)


CLI = Actor(None, "cli")
IMPORT = Actor(None, "import")
SYSTEM = Actor(None, "system")


def actor_label(session: Session, actor: Actor) -> str:
    if actor.label:
        return actor.label
    if actor.user_id is not None:
        from conference.users.models import User

        user = session.get(User, actor.user_id)
        if user is not None:
            return user.email
    return SYSTEM.label


def differences(before: dict, after: dict) -> tuple[dict, dict]:
    """Only what changed: ``({key: old}, {key: new})`` for the keys whose values differ."""
    keys = [key for key in after if before.get(key) != after.get(key)]
    keys += [key for key in before if key not in after]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


def record(
    session: Session,
    event,
    actor: Actor,
    at: datetime,
    action: str,
    target_type: str,
    target_id: int | None = None,
    target_label: str | None = None,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEntry:
    """Add one entry to ``session`` (the change's own transaction); ``seq`` is set at commit."""
    entry = AuditEntry(
        event_id=event.id,
        at=at,
        actor_id=actor.user_id,
        actor_label=actor_label(session, actor)[:254],
        action=action[:40],
        target_type=target_type[:40],
        target_id=target_id,
        target_label=(target_label or None) and target_label[:200],
        before=before,
        after=after,
        seq=event.last_seq or 0,
    )
    session.add(entry)
    return entry


def entries_of(session: Session, event_id: int, include_winners: bool = True) -> list[AuditEntry]:
    """The event's audit log, oldest first. Without ``include_winners``, no entry that names
    award winners (for an export made without the secret section)."""
    query = sa.select(AuditEntry).where(AuditEntry.event_id == event_id)
    if not include_winners:
        query = query.where(AuditEntry.action != WINNERS_ACTION)
    return list(session.scalars(query.order_by(AuditEntry.id)))


# The action of an entry that records award winners (secret until the award is revealed).
WINNERS_ACTION = "award.winners"


def entry_json(entry: AuditEntry) -> dict:
    """``{id, at, actor: {id, label}, action, target: {type, id, label}, before, after, seq}``."""
    return {
        "id": entry.id,
        "at": iso(entry.at),
        "actor": {"id": entry.actor_id, "label": entry.actor_label},
        "action": entry.action,
        "target": {"type": entry.target_type, "id": entry.target_id, "label": entry.target_label},
        "before": entry.before,
        "after": entry.after,
        "seq": entry.seq,
    }


def audit_values(row, fields) -> dict:
    """``{field: value}`` of a row in JSON terms (dates and times as ISO text, texts as dicts)."""
    values = {}
    for name in fields:
        value = getattr(row, name)
        if hasattr(value, "isoformat"):
            value = iso(value) if isinstance(value, datetime) else value.isoformat()
        elif isinstance(value, dict):
            value = dict(value)
        values[name] = value
    return values
