"""The command service: every live change of an event is a command, applied in one transaction.

:func:`run_command` takes a command body (PROTOCOL.md, "Moderator commands"), and in ONE
database transaction: locks the event row (``SELECT … FOR UPDATE``; ``BEGIN IMMEDIATE`` on
SQLite), answers a known ``command_id`` with its first answer, refuses a stale ``expected_seq``
(409), runs the command's handler (which validates, changes state and appends updates with the
next ``seq``), stores the answer under the ``command_id``, commits. Only after the commit are the
updates published (:func:`conference.live.publish.publish_updates`), in ``seq`` order. A refusal
(422, 409) rolls everything back: nothing is ever half-applied.

Adding commands from another package (greetings, awards) — register a handler::

    from conference.live.commands import command
    from conference.live.schemas import integer_argument

    @command("reveal_award")
    def reveal_award(ctx):
        award_id = integer_argument(ctx.args, "award_id")
        award = ctx.session.get(Award, award_id)
        if award is None or award.revealed_at is not None:
            ctx.refuse(_("…"), code="award_revealed")     # 422, nothing applied
        award.revealed_at = ctx.now                           # state change, same transaction
        ctx.emit("award.revealed", revealed_award(award))     # appended with the next seq

- The handler receives a :class:`CommandContext`: ``ctx.event`` (locked), ``ctx.args`` (the
  body without ``type``/``expected_seq``/``command_id``), ``ctx.session``, ``ctx.now`` (one
  server time for the whole command), ``ctx.actor_id``. It must not commit.
- ``ctx.emit(type, data)`` appends an update; ``data`` must be in the snapshot's shapes, and the
  state the handler writes must make :func:`conference.live.snapshot.build_snapshot` give what
  applying the update gives (e.g. ``event.greeting_playing`` for ``greeting.started``,
  ``contest.vote_status`` for ``vote.opened``). A new update type also needs an applier
  (``@conference.live.snapshot.applies("type")``).
- Raise :class:`conference.errors.Invalid` (or call ``ctx.refuse``) with a translated message to
  refuse. After ``end_event`` commands are refused unless registered with ``after_end=True``.
- Import the module with the handlers from the package's ``init_app`` so they are registered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import NoReturn

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from conference.db import db, utcnow
from conference.errors import Conflict, Invalid, ServiceError, error_body
from conference.events.models import Event
from conference.live import publish
from conference.live.log import append_update
from conference.live.models import CommandRecord
from conference.live.schemas import CommandRequest, parse_command, unknown_event


@dataclass(frozen=True)
class Command:
    type: str
    handler: Callable[[CommandContext], None]
    after_end: bool = False


COMMANDS: dict[str, Command] = {}


def command(command_type: str, *, after_end: bool = False):
    """Register the decorated function as the handler of ``command_type``."""

    def register(handler):
        COMMANDS[command_type] = Command(command_type, handler, after_end)
        return handler

    return register


@dataclass
class CommandContext:
    """What a handler works with. ``emit`` appends updates; nothing is published before commit."""

    session: Session
    event: Event
    args: dict
    now: datetime
    command_type: str
    actor_id: int | None = None
    updates: list = field(default_factory=list)

    def emit(self, update_type: str, data: dict) -> None:
        """Append the update ``{type, data}`` with the next seq, in this transaction."""
        row = append_update(
            self.session,
            self.event,
            update_type,
            data,
            at=self.now,
            command_type=self.command_type,
            actor_id=self.actor_id,
        )
        self.updates.append(row)

    def refuse(self, message, code: str = "not_allowed_now") -> NoReturn:
        """Refuse the command (422) with a translated message; nothing is applied."""
        raise Invalid(message, code=code)


class ReplayedAnswer(ServiceError):
    """The stored refusal of a ``command_id`` seen before, answered again as it was."""


def run_command(slug: str, body, actor_id: int | None = None) -> dict:
    """Apply the command ``body`` to the event ``slug``; returns ``{"seq": N}``.

    Raises NotFound (no event), Conflict (409, stale ``expected_seq``), Invalid (422) or the
    stored refusal of a repeated ``command_id``. Publishes the updates after the commit.
    Needs an app context. The command runs in a transaction of its own on ``db.session``:
    whatever the caller left uncommitted there is discarded first.
    """
    request = parse_command(body)
    session = db.session
    session.rollback()  # the command's transaction starts here, with nothing stale in memory
    hub = publish.live_hub()
    with hub.event_order(slug):
        try:
            answer, messages = _apply(session, slug, request, actor_id)
        except ReplayedAnswer:
            session.rollback()
            raise
        except ServiceError as refusal:
            session.rollback()
            if request.command_id and refusal.status in (409, 422):
                first = _remember_refusal(session, slug, request, refusal, actor_id)
                if first is not None:
                    return first
            raise
        except BaseException:
            session.rollback()
            raise
        if messages:
            publish.publish_updates(slug, messages, hub)
    return answer


def _begin_locked(session: Session, slug: str) -> Event:
    """Begin the serialised transaction and return the event with its row locked."""
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


def _stored_answer(session: Session, event: Event, command_id: str | None):
    if command_id is None:
        return None
    record = session.scalar(
        sa.select(CommandRecord).where(
            CommandRecord.event_id == event.id, CommandRecord.command_id == command_id
        )
    )
    if record is None:
        return None
    if record.status_code == 200:
        return record.response
    error = record.response["error"]
    raise ReplayedAnswer(error["message"], code=error["code"], status=record.status_code)


def _apply(session: Session, slug: str, request: CommandRequest, actor_id: int | None):
    event = _begin_locked(session, slug)
    stored = _stored_answer(session, event, request.command_id)
    if stored is not None:
        session.rollback()
        return stored, []
    if request.expected_seq is not None and request.expected_seq != event.last_seq:
        raise Conflict(
            _(
                "The live state has changed in the meantime: it is at %(seq)s, the command "
                "expected %(expected)s. Look at the current state and try again.",
                seq=event.last_seq,
                expected=request.expected_seq,
            ),
            code="stale_seq",
        )
    found = COMMANDS.get(request.type)
    if found is None:
        raise Invalid(_("There is no command %(type)s.", type=request.type), code="unknown_command")
    if event.status == "ended" and not found.after_end:
        raise Invalid(_("The event has ended; it takes no more commands."), code="event_ended")
    now = utcnow()
    now = now.replace(microsecond=now.microsecond // 1000 * 1000)  # as precise as the JSON
    context = CommandContext(session, event, request.args, now, request.type, actor_id)
    found.handler(context)
    answer = {"seq": event.last_seq}
    if request.command_id:
        session.add(
            CommandRecord(
                event_id=event.id,
                command_id=request.command_id,
                type=request.type,
                status_code=200,
                response=answer,
                actor_id=actor_id,
            )
        )
    session.commit()
    return answer, [row.as_message() for row in context.updates]


def _remember_refusal(session, slug, request, refusal: ServiceError, actor_id) -> dict | None:
    """Store a refusal under its ``command_id`` so that a retry gets the same answer.

    Returns the answer of a twin with the same ``command_id`` that was applied in between.
    """
    event = _begin_locked(session, slug)
    try:
        first = _stored_answer(session, event, request.command_id)
    except ReplayedAnswer:
        session.rollback()
        return None  # a twin's refusal is stored already
    if first is not None:
        session.rollback()
        return first
    session.add(
        CommandRecord(
            event_id=event.id,
            command_id=request.command_id,
            type=request.type[:40],
            status_code=refusal.status,
            response=error_body(refusal.code, refusal.message),
            actor_id=actor_id,
        )
    )
    session.commit()


from conference.live import handlers  # noqa: E402,F401  (registers the agenda commands)
