"""The command service: every live change of an event is a command, applied in one transaction.

:func:`run_command` takes a command body (PROTOCOL.md, "Moderator commands"), and in the one
pass of every change (:func:`conference.live.change.live_change`: ONE transaction with the
event row locked, ``SELECT … FOR UPDATE``; ``BEGIN IMMEDIATE`` on SQLite): answers a known
``command_id`` with its first answer, refuses a stale ``expected_seq`` (409), runs the
command's handler (which validates, changes state and appends updates with the next ``seq``),
records the command in the event's audit log, stores the answer under the ``command_id``,
commits. Only after the commit are the updates published
(:func:`conference.live.publish.publish_updates`), in ``seq`` order. A refusal (422, 409)
rolls everything back: nothing is ever half-applied.

Adding commands from another package (greetings, awards) — register a handler::

    from conference.live.commands import command
    from conference.live.schemas import id_argument

    @command("reveal_award")
    def reveal_award(ctx):
        award_id = id_argument(ctx.args, "award_id")
        award = ctx.session.get(Award, award_id)
        if award is None or award.revealed_at is not None:
            ctx.refuse(_("…"), code="award_revealed")     # 422, nothing applied
        award.revealed_at = ctx.now                           # state change, same transaction
        ctx.append("award.revealed", revealed_award(award))   # appended with the next seq

- The handler receives a :class:`CommandContext`: ``ctx.event`` (locked), ``ctx.args`` (the
  body without ``type``/``expected_seq``/``command_id``), ``ctx.session``, ``ctx.now`` (one
  server time for the whole command), ``ctx.actor``. It must not commit.
- ``ctx.append(type, data)`` appends an update (``ctx.emit`` is its older name); ``data`` must
  be in the snapshot's shapes, and the state the handler writes must make :func:`conference.live.snapshot.build_snapshot` give what
  applying the update gives (e.g. ``event.greeting_playing`` for ``greeting.started``,
  ``contest.vote_status`` for ``vote.opened``). A new update type also needs an applier
  (``@conference.live.snapshot.applies("type")``).
- Raise :class:`conference.errors.Invalid` (or call ``ctx.refuse``) with a translated message to
  refuse. After ``end_event`` commands are refused unless registered with ``after_end=True``.
- Import the module with the handlers from the package's ``init_app`` so they are registered.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _

from conference.audit.log import SYSTEM, Actor
from conference.errors import Conflict, Invalid, ServiceError, error_body
from conference.live.change import Change, live_change, lock_event
from conference.live.models import CommandRecord
from conference.live.schemas import CommandRequest, parse_command
from conference.ops import metrics
from conference.ops.logs import log_line

command_log = logging.getLogger("conference.commands")


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
class CommandContext(Change):
    """What a handler works with: the :class:`Change` of the event plus the command's ``args``.
    ``append`` adds updates; nothing is published before the commit."""

    args: dict = field(default_factory=dict)

    # The older name of ``append``, kept for handlers written before the one pass.
    emit = Change.append


class ReplayedAnswer(ServiceError):
    """The stored refusal of a ``command_id`` seen before, answered again as it was."""


def run_command(
    slug: str, body, actor_id: int | None = None, *, actor: Actor | None = None
) -> dict:
    """Apply the command ``body`` to the event ``slug``; returns ``{"seq": N}``.

    Counted in ``conference_commands_total`` and logged in one line (event, type, outcome,
    ``seq``, the actor's user id, milliseconds); the work is :func:`_run_command`'s.
    """
    actor = actor or (Actor(actor_id) if actor_id is not None else SYSTEM)
    started = time.perf_counter()
    command_type = body.get("type") if isinstance(body, dict) else None
    known = isinstance(command_type, str) and command_type in COMMANDS  # a list is no type
    known_type = command_type if known else metrics.UNKNOWN
    outcome, answer, event_known = "error", None, True
    try:
        answer = _run_command(slug, body, actor)
        outcome = "repeated" if answer.pop(REPEATED, False) else "applied"
        return answer
    except ReplayedAnswer:
        outcome = "repeated"
        raise
    except ServiceError as refusal:
        event_known = refusal.status != 404
        outcome = {409: "conflict", 422: "refused"}.get(refusal.status, "refused")
        raise
    finally:
        if event_known:
            metrics.COMMANDS.labels(slug, known_type, outcome).inc()
            log_line(
                command_log,
                "command",
                event=slug,
                type=known_type,
                status=outcome,
                seq=answer.get("seq") if answer else None,
                actor=actor.user_id,
                ms=round((time.perf_counter() - started) * 1000, 1),
            )


# Marks (for run_command only) an answer given again for a known ``command_id``.
REPEATED = "_repeated"


def _run_command(slug: str, body, actor: Actor) -> dict:
    """Apply the command ``body`` to the event ``slug``; returns ``{"seq": N}``.

    Raises NotFound (no event), Conflict (409, stale ``expected_seq``), Invalid (422) or the
    stored refusal of a repeated ``command_id``. Publishes the updates after the commit.
    ``actor`` is who sent it, for the audit log. Needs an app
    context. The command runs in a transaction of its own on ``db.session``: whatever the
    caller left uncommitted there is discarded first.
    """
    request = parse_command(body)
    try:
        with live_change(
            slug, actor, diff=False, command_type=request.type, kind=CommandContext
        ) as context:
            context.args = request.args
            return _apply(context, request)
    except ReplayedAnswer:
        raise
    except ServiceError as refusal:
        if request.command_id and refusal.status in (409, 422):
            first = _remember_refusal(slug, request, refusal, actor)
            if first is not None:
                return {**first, REPEATED: True}
        raise


def _stored_answer(session, event, command_id: str | None):
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


def _apply(change: CommandContext, request: CommandRequest) -> dict:
    session, event = change.session, change.event
    stored = _stored_answer(session, event, request.command_id)
    if stored is not None:
        return {**stored, REPEATED: True}  # nothing appended: the transaction commits nothing
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
    seq_before = event.last_seq
    found.handler(change)
    answer = {"seq": event.last_seq}
    change.audit(
        "command",
        "event",
        event.id,
        request.type,
        before={"seq": seq_before},
        after={
            "seq": event.last_seq,
            "args": request.args,
            "updates": [row.type for row in change.updates],
        },
    )
    if request.command_id:
        session.add(
            CommandRecord(
                event_id=event.id,
                command_id=request.command_id,
                type=request.type,
                status_code=200,
                response=answer,
                actor_id=change.actor.user_id,
            )
        )
    return answer


def _remember_refusal(slug, request, refusal: ServiceError, actor: Actor) -> dict | None:
    """Store a refusal under its ``command_id`` so that a retry gets the same answer.

    Returns the answer of a twin with the same ``command_id`` that was applied in between.
    """
    from conference.db import db

    session = db.session
    session.rollback()
    try:
        event = lock_event(session, slug)
        try:
            first = _stored_answer(session, event, request.command_id)
        except ReplayedAnswer:
            return None  # a twin's refusal is stored already
        if first is not None:
            return first
        session.add(
            CommandRecord(
                event_id=event.id,
                command_id=request.command_id,
                type=request.type[:40],
                status_code=refusal.status,
                response=error_body(refusal.code, refusal.message),
                actor_id=actor.user_id,
            )
        )
        session.commit()
    finally:
        session.rollback()
    return None


from conference.live import handlers  # noqa: E402,F401  (registers the agenda commands)
