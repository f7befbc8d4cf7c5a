"""The one pass every change of an event goes through: lock, change, log, audit, commit, publish.

:func:`live_change` is used by every writer: the live commands (``conference.live.commands``),
the admin's forms, the JSON API, the event import (admin upload and ``conference import
--replace``), the jury's decision and the ceremony page. In order:

1. **lock**: begin one transaction and lock the event's row (PostgreSQL ``SELECT … FOR UPDATE``;
   SQLite ``BEGIN IMMEDIATE``), so writers in any process take their turn, and ``seq`` numbers
   are never taken twice;
2. **change**: the caller (the domain function that owns the rule) validates and changes state,
   appending the updates attendees must see (:meth:`Change.append`) and what it did to the
   audit log (:meth:`Change.audit`); a refusal raises and nothing is written;
3. **diff** (writers that are not live commands): what attendees can read of the event outside
   the live state (its title, items, contests) is compared before and after, and each
   difference becomes an update (``item.changed``, ``item.removed``, ``agenda.reordered``,
   ``event.changed``, ``contest.changed``, ``contest.removed``, ``contests.reordered``;
   :mod:`conference.live.public_view`);
4. **commit**: state, updates and audit entries together;
5. **publish**: the updates, in ``seq`` order, to this process's cache and followers and to the
   other processes (:func:`conference.live.publish.publish_updates`).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import NoReturn

import sqlalchemy as sa
from sqlalchemy.orm import Session

from conference.audit.log import SYSTEM, Actor, differences, record
from conference.db import db, utcnow
from conference.errors import Invalid
from conference.events.models import Event
from conference.live import publish
from conference.live.log import append_update
from conference.live.public_view import public_changes, public_view
from conference.live.schemas import unknown_event


def now_ms() -> datetime:
    """The server's time to the millisecond (as precise as the JSON that carries it)."""
    now = utcnow()
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def lock_event(session: Session, slug: str) -> Event:
    """Begin the serialised transaction and return the event with its row locked (or 404)."""
    if db.engine.dialect.name == "sqlite":
        session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
    event = session.scalar(
        sa.select(Event)
        .where(Event.slug == slug)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if event is None:
        raise unknown_event(slug)
    return event


@dataclass
class Change:
    """One change of one event, inside its transaction: ``append`` updates, ``audit`` entries.

    ``now`` is one server time for the whole change (every update's ``at``, every entry's).
    """

    session: Session
    event: Event
    now: datetime
    actor: Actor = SYSTEM
    command_type: str | None = None
    updates: list = field(default_factory=list)
    entries: list = field(default_factory=list)

    @property
    def actor_id(self) -> int | None:
        return self.actor.user_id

    def append(self, update_type: str, data: dict) -> None:
        """Append the update ``{type, data}`` with the next ``seq``, in this transaction."""
        row = append_update(
            self.session,
            self.event,
            update_type,
            data,
            at=self.now,
            command_type=self.command_type,
            actor_id=self.actor.user_id,
        )
        self.updates.append(row)

    def audit(
        self,
        action: str,
        target_type: str,
        target_id: int | None = None,
        label: str | None = None,
        before: dict | None = None,
        after: dict | None = None,
    ) -> None:
        """Record ``action`` on the target in the event's audit log (this transaction)."""
        self.entries.append(
            record(
                self.session,
                self.event,
                self.actor,
                self.now,
                action,
                target_type,
                target_id,
                label,
                before,
                after,
            )
        )

    def audit_edit(self, target_type: str, target_id, label, before, after) -> bool:
        """Record ``<type>.created`` (no ``before``) or ``<type>.changed`` with only what changed;
        an edit that changed nothing is not recorded. Returns whether an entry was written."""
        if before is None:
            self.audit(f"{target_type}.created", target_type, target_id, label, None, after)
            return True
        old, new = differences(before, after)
        if not new and not old:
            return False
        self.audit(f"{target_type}.changed", target_type, target_id, label, old, new)
        return True

    def refuse(self, message, code: str = "not_allowed_now") -> NoReturn:
        """Refuse the change (422) with a translated message; nothing is applied."""
        raise Invalid(message, code=code)

    def messages(self) -> list[dict]:
        return [row.as_message() for row in self.updates]

    def finish(self) -> None:
        """Place every audit entry at the ``seq`` the change ends at."""
        for entry in self.entries:
            entry.seq = self.event.last_seq or 0


@contextlib.contextmanager
def live_change(
    slug: str,
    actor: Actor = SYSTEM,
    *,
    diff: bool = True,
    command_type: str | None = None,
    kind: type[Change] = Change,
) -> Iterator[Change]:
    """The one pass (module docstring): yields the :class:`Change` of the locked event ``slug``.

    Whatever the caller left uncommitted in ``db.session`` is discarded first. An exception in
    the block rolls everything back and propagates. With ``diff`` (the default) the updates for
    what attendees can read of the event are appended from a before/after comparison; live
    commands append their own and pass ``diff=False`` (and their context class as ``kind``).
    Needs an app context.
    """
    session = db.session
    session.rollback()  # the change's transaction starts here, with nothing stale in memory
    hub = publish.live_hub()
    with hub.event_order(slug):
        try:
            event = lock_event(session, slug)
            change = kind(session, event, now_ms(), actor, command_type)
            before = public_view(session, event) if diff else None
            yield change
            if diff:
                session.flush()
                for update_type, data in public_changes(before, public_view(session, event)):
                    change.append(update_type, data)
            change.finish()
            messages = change.messages()
            new_slug = event.slug
            session.commit()
            committed = time.time()
        except BaseException:
            session.rollback()
            raise
        if messages:
            publish.publish_updates(slug, messages, hub, committed=committed)
    if new_slug != slug:
        # The followers of the old name got event.changed with the new slug; every process
        # drops the snapshot it keeps under the old name (the next visit loads the new one).
        publish.refresh_event(slug, hub)


def new_event_change(session: Session, event: Event, actor: Actor) -> Change:
    """The change that creates ``event`` (flushed, not yet committed): nobody can follow an
    event that does not exist yet, so there is nothing to lock or publish; only to audit."""
    return Change(session, event, now_ms(), actor)
