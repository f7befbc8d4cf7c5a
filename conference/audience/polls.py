"""Quick polls: defined in the admin or the event file, run by the moderator, answered by attendees.

- A poll has a question (translatable), 2-10 options (translatable) and is single or
  ``multiple`` choice. ``open_poll`` / ``close_poll`` / ``show_poll_results`` are commands
  (:mod:`conference.live.commands`): ``poll.opened`` / ``poll.closed`` ``{poll_id, status}`` /
  ``poll.results`` ``{poll_id, counts: {option_id: n}, total}``.
- An attendee's answer (:func:`answer_poll`) replaces their earlier one: the rows of (poll,
  attendee) are deleted and the new choice inserted in one transaction; the poll's status is
  read again under a shared lock there, so an answer racing ``close_poll`` is counted before
  it or refused (``422 poll_closed``), never after it. Answers take no event lock and make no
  update: like the vote's tally, a poll's counts reach no attendee before ``show_poll_results``
  (moderators read them live from ``GET …/polls/{id}/results``).
- ``total`` is the number of attendees who answered; in a ``multiple`` poll the counts may add
  up to more.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

import conference.audience.questions  # noqa: F401  (the questions' snapshot keys come first)
from conference.audience.models import (
    POLL_MAX_OPTIONS,
    POLL_MIN_OPTIONS,
    Poll,
    PollAnswer,
    PollOption,
)
from conference.db import db, utcnow
from conference.errors import Invalid, NotFound
from conference.events.models import Event
from conference.live.commands import CommandContext, command
from conference.live.schemas import id_argument, is_integer
from conference.live.snapshot import applies, snapshot_part


def event_polls(session: Session, event: Event) -> list[Poll]:
    return list(
        session.scalars(
            sa.select(Poll).where(Poll.event_id == event.id).order_by(Poll.position, Poll.id)
        )
    )


def poll_options(session: Session, poll: Poll) -> list[PollOption]:
    return list(
        session.scalars(
            sa.select(PollOption)
            .where(PollOption.poll_id == poll.id)
            .order_by(PollOption.position, PollOption.id)
        )
    )


def poll_json(session: Session, poll: Poll) -> dict:
    """The event API's poll: ``{id, question, options: [{id, text}], multiple}``."""
    return {
        "id": poll.id,
        "question": dict(poll.question),
        "options": [
            {"id": option.id, "text": dict(option.text)} for option in poll_options(session, poll)
        ],
        "multiple": poll.multiple,
    }


def results(session: Session, poll: Poll) -> dict:
    """``{poll_id, counts: {option_id: n}, total}`` (every option present, zero included)."""
    counts = {str(option.id): 0 for option in poll_options(session, poll)}
    rows = session.execute(
        sa.select(PollAnswer.option_id, sa.func.count())
        .where(PollAnswer.poll_id == poll.id)
        .group_by(PollAnswer.option_id)
    )
    for option_id, count in rows:
        counts[str(option_id)] = count
    total = session.scalar(
        sa.select(sa.func.count(sa.distinct(PollAnswer.attendee_id))).where(
            PollAnswer.poll_id == poll.id
        )
    )
    return {"poll_id": poll.id, "counts": counts, "total": total or 0}


def poll_state(session: Session, poll: Poll) -> dict:
    """A poll in the snapshot's ``polls``: its status, and its results once shown."""
    return {
        "poll_id": poll.id,
        "status": poll.status,
        "results": results(session, poll) if poll.results_shown else None,
    }


@snapshot_part
def _snapshot_polls(session: Session, event: Event) -> dict:
    return {"polls": [poll_state(session, poll) for poll in event_polls(session, event)]}


def answer_poll(event: Event, poll_id, attendee_id: str, option_ids) -> dict:
    """The attendee's answer, replacing an earlier one: ``{poll_id, option_ids}``."""
    poll = db.session.get(Poll, poll_id) if is_integer(poll_id) else None
    if poll is None or poll.event_id != event.id:
        raise NotFound(_("There is no such poll."), code="unknown_poll")
    if poll.status != "open":
        raise Invalid(_("The poll is not open."), code="poll_closed")
    if not isinstance(option_ids, list) or not all(is_integer(value) for value in option_ids):
        raise Invalid(_("Send option_ids, a list of option ids."), code="bad_options")
    chosen = list(dict.fromkeys(option_ids))
    known = {option.id for option in poll_options(db.session, poll)}
    if not chosen or not set(chosen) <= known:
        raise Invalid(_("Choose among the poll's options."), code="bad_options")
    if not poll.multiple and len(chosen) > 1:
        raise Invalid(_("Choose one option."), code="one_option")
    still_open = db.session.scalar(
        sa.select(Poll.status).where(Poll.id == poll.id).with_for_update(read=True)
    )
    if still_open != "open":
        db.session.rollback()
        raise Invalid(_("The poll is not open."), code="poll_closed")
    db.session.execute(
        sa.delete(PollAnswer).where(
            PollAnswer.poll_id == poll.id, PollAnswer.attendee_id == attendee_id
        )
    )
    now = utcnow()
    db.session.add_all(
        PollAnswer(poll_id=poll.id, attendee_id=attendee_id, option_id=option_id, answered_at=now)
        for option_id in chosen
    )
    db.session.commit()
    return {"poll_id": poll.id, "option_ids": chosen}


# --- definitions (admin form, event file) -------------------------------------------------


def check_definition(question: dict, options: list[dict]) -> None:
    """422 unless the question has text and there are 2-10 options, each with text."""
    if not any((text or "").strip() for text in question.values()):
        raise Invalid(_("Write the poll's question."), code="poll_question_required")
    if not POLL_MIN_OPTIONS <= len(options) <= POLL_MAX_OPTIONS:
        raise Invalid(_("A poll has 2 to 10 options."), code="poll_options", field="options")
    if not all(any((text or "").strip() for text in option.values()) for option in options):
        raise Invalid(_("Every option needs a text."), code="poll_options", field="options")


def set_poll(session: Session, event: Event, poll: Poll | None, data: dict) -> Poll:
    """Create or change a poll from ``{key?, question, options: [text dict], multiple}``.

    Options are matched by position: an edited text keeps the option (and its answers); options
    beyond the new count are removed with their answers. Refused (422) while the poll is open.
    """
    check_definition(data["question"], data["options"])
    if poll is None:
        position = len(event_polls(session, event))
        poll = Poll(event_id=event.id, position=position, status="not_opened")
        session.add(poll)
        session.flush()
    elif poll.status == "open":
        same = (
            dict(poll.question) == dict(data["question"])
            and poll.multiple == bool(data.get("multiple"))
            and [dict(o.text) for o in poll_options(session, poll)] == list(data["options"])
        )
        if same:
            return poll  # an event file read again while the poll runs: nothing to change
        raise Invalid(_("Close the poll before changing it."), code="poll_open")
    poll.key = data.get("key") or poll.key
    poll.question = dict(data["question"])
    poll.multiple = bool(data.get("multiple"))
    existing = poll_options(session, poll)
    for position, text in enumerate(data["options"]):
        if position < len(existing):
            existing[position].text = dict(text)
            existing[position].position = position
        else:
            session.add(PollOption(poll_id=poll.id, position=position, text=dict(text)))
    for option in existing[len(data["options"]) :]:
        session.delete(option)
    session.flush()
    return poll


# --- the moderator's commands -------------------------------------------------------------


def _poll_argument(ctx: CommandContext) -> Poll:
    poll_id = id_argument(ctx.args, "poll_id")
    poll = ctx.session.get(Poll, poll_id)
    if poll is None or poll.event_id != ctx.event.id:
        ctx.refuse(_("This event has no poll %(id)s.", id=poll_id), code="unknown_poll")
    return poll


@command("open_poll")
def open_poll(ctx: CommandContext) -> None:
    """The poll takes answers (a closed one again, keeping its answers): ``poll.opened``."""
    poll = _poll_argument(ctx)
    if poll.status == "open":
        ctx.refuse(_("The poll is open already."), code="poll_open")
    poll.status = "open"
    poll.results_shown = False
    ctx.append("poll.opened", {"poll_id": poll.id, "status": "open"})


@command("close_poll", after_end=True)
def close_poll(ctx: CommandContext) -> None:
    """No more answers: ``poll.closed``."""
    poll = _poll_argument(ctx)
    if poll.status != "open":
        ctx.refuse(_("The poll is not open."), code="poll_closed")
    poll.status = "closed"
    ctx.append("poll.closed", {"poll_id": poll.id, "status": "closed"})


@command("show_poll_results", after_end=True)
def show_poll_results(ctx: CommandContext) -> None:
    """The results reach attendees and the screen: ``poll.results`` with the counts now."""
    poll = _poll_argument(ctx)
    if poll.status == "not_opened":
        ctx.refuse(_("The poll has not been opened yet."), code="poll_not_opened")
    poll.results_shown = True
    ctx.append("poll.results", results(ctx.session, poll))


def _replace_poll(snapshot, poll_id, **changes):
    rows = snapshot.get("polls", [])
    found = False
    replaced = []
    for row in rows:
        if row["poll_id"] == poll_id:
            row = {**row, **changes}
            found = True
        replaced.append(row)
    if not found:
        replaced.append({"poll_id": poll_id, "status": "closed", "results": None, **changes})
    return {"polls": replaced}


@applies("poll.opened")
def _poll_opened(snapshot, data):
    return _replace_poll(snapshot, data["poll_id"], status=data["status"], results=None)


@applies("poll.closed")
def _poll_closed(snapshot, data):
    return _replace_poll(snapshot, data["poll_id"], status=data["status"])


@applies("poll.results")
def _poll_results(snapshot, data):
    return _replace_poll(snapshot, data["poll_id"], results=data)
