"""The audience's questions: asking, upvoting, and the moderator's commands.

Rules (PROTOCOL.md 1.1, docs/audience.md):
- Per event ``questions`` is ``off`` (nobody may ask: 422 ``questions_closed``), ``open`` (a
  question is visible at once, a ``question.added`` update) or ``moderated`` (it waits as
  ``pending`` until ``approve_question``; no attendee sees it before).
- Asking is a change of the event and goes through :func:`conference.live.change.live_change`
  (the question gets a ``seq`` when it becomes visible). Attendees see ``visible`` and
  ``answered`` questions only: the snapshot, a resync, the pages and the API read them through
  :func:`attendee_questions`, and a pending or hidden question is in no update's data.
- An upvote is one row per (question, attendee identity): a repeat changes nothing, a
  withdrawal deletes it. Upvotes are not in the ``seq`` order: :func:`set_upvote` writes the
  row and marks the event, and the ticker (:mod:`conference.audience.ticker`) sends the counts
  read from the database as ``question.votes`` at most once a second. Upvotes do not take the
  event's lock: a room upvoting at once must not queue behind the moderator's commands.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from conference.audience.models import (
    NAME_MAX_CHARS,
    QUESTION_MAX_CHARS,
    QUESTION_MODES,
    AudienceSettings,
    BlockedAsker,
    Question,
    QuestionUpvote,
)
from conference.audience.text import attendee_text
from conference.audit.log import SYSTEM, Actor
from conference.db import db, iso
from conference.errors import Forbidden, Invalid, NotFound
from conference.events.models import Event
from conference.live.change import live_change
from conference.live.commands import CommandContext, command
from conference.live.schemas import id_argument
from conference.live.snapshot import applies, snapshot_part

ATTENDEE_VISIBLE = ("visible", "answered")


def settings_of(session: Session, event: Event) -> AudienceSettings:
    """The event's question settings (made, not yet flushed, on first use)."""
    settings = session.get(AudienceSettings, event.id)
    if settings is None:
        settings = AudienceSettings(event_id=event.id, questions="off", moderated=False)
        session.add(settings)
    return settings


def questions_mode(session: Session, event: Event) -> str:
    settings = session.get(AudienceSettings, event.id)
    return settings.questions if settings is not None else "off"


def set_questions_mode(session: Session, event: Event, mode: str) -> AudienceSettings:
    """Set ``off``/``open``/``moderated`` (the admin, the API's PATCH, an event file)."""
    if mode not in QUESTION_MODES:
        raise Invalid(
            _("questions must be one of off, open or moderated."),
            code="bad_questions_mode",
            field="questions",
        )
    settings = settings_of(session, event)
    settings.questions = mode
    if mode != "off":
        settings.moderated = mode == "moderated"
    return settings


def change_questions_mode(change, mode) -> None:
    """The organiser sets ``questions`` (the API's PATCH): attendees learn it as
    ``questions.opened`` / ``questions.closed`` ``{status}`` when what they may do changes."""
    settings = settings_of(change.session, change.event)
    before = settings.questions
    set_questions_mode(change.session, change.event, mode if isinstance(mode, str) else "")
    if settings.questions == before:
        return
    if settings.questions == "off":
        change.append("questions.closed", {"status": "off"})
    else:
        change.append("questions.opened", {"status": settings.questions})
    change.audit(
        "questions.changed",
        "event",
        change.event.id,
        None,
        {"questions": before},
        {"questions": settings.questions},
    )


def upvote_counts(session: Session, question_ids: list[int]) -> dict[int, int]:
    """Upvotes per question id (zero included)."""
    counts = dict.fromkeys(question_ids, 0)
    if question_ids:
        rows = session.execute(
            sa.select(QuestionUpvote.question_id, sa.func.count())
            .where(QuestionUpvote.question_id.in_(question_ids))
            .group_by(QuestionUpvote.question_id)
        )
        counts.update(dict(rows.all()))
    return counts


def question_json(question: Question, upvotes: int, highlighted_id: int | None) -> dict:
    """The protocol's ``question``."""
    return {
        "id": question.id,
        "text": question.text,
        "name": question.name,
        "asked_at": iso(question.asked_at),
        "upvotes": upvotes,
        "status": question.status,
        "highlighted": question.id == highlighted_id,
    }


def sort_questions(rows: list[dict]) -> list[dict]:
    """Most upvotes first; among equals, the earlier question first."""
    return sorted(rows, key=lambda row: (-row["upvotes"], row["asked_at"] or "", row["id"]))


def event_questions(session: Session, event: Event, statuses=ATTENDEE_VISIBLE) -> list[dict]:
    """The event's questions with these statuses, sorted, as ``question`` objects."""
    query = sa.select(Question).where(Question.event_id == event.id)
    if statuses is not None:
        query = query.where(Question.status.in_(statuses))
    questions = session.scalars(query).all()
    counts = upvote_counts(session, [question.id for question in questions])
    settings = session.get(AudienceSettings, event.id)
    highlighted = settings.highlighted_question_id if settings else None
    return sort_questions(
        [question_json(question, counts[question.id], highlighted) for question in questions]
    )


def attendee_questions(session: Session, event: Event) -> list[dict]:
    """What any attendee may read: visible and answered questions only."""
    return event_questions(session, event, ATTENDEE_VISIBLE)


def _highlighted(session: Session, event: Event) -> dict | None:
    settings = session.get(AudienceSettings, event.id)
    if settings is None or settings.highlighted_question_id is None:
        return None
    question = session.get(Question, settings.highlighted_question_id)
    if question is None or question.event_id != event.id or question.status not in ATTENDEE_VISIBLE:
        return None
    counts = upvote_counts(session, [question.id])
    return question_json(question, counts[question.id], question.id)


@snapshot_part
def _snapshot_questions(session: Session, event: Event) -> dict:
    return {
        "questions": questions_mode(session, event),
        "question_list": attendee_questions(session, event),
        "highlighted_question": _highlighted(session, event),
    }


# --- asking and upvoting ------------------------------------------------------------------


def ask_question(slug: str, attendee_id: str, text, name=None, actor: Actor = SYSTEM) -> dict:
    """An attendee asks: 201's ``question``. 422 ``questions_closed`` while asking is off."""
    text = attendee_text(text, "text", QUESTION_MAX_CHARS)
    name = attendee_text(name, "name", NAME_MAX_CHARS, required=False)
    language = str(get_locale() or "") or None
    with live_change(slug, actor, diff=False, command_type="ask_question") as change:
        mode = questions_mode(change.session, change.event)
        if mode == "off":
            change.refuse(_("Questions are closed at the moment."), code="questions_closed")
        if change.session.get(BlockedAsker, (change.event.id, attendee_id)) is not None:
            raise Forbidden(
                _("A moderator has stopped questions from this browser."), code="asker_blocked"
            )
        question = Question(
            event_id=change.event.id,
            text=text,
            name=name,
            language=language,
            attendee_id=attendee_id,
            status="pending" if mode == "moderated" else "visible",
            asked_at=change.now,
        )
        change.session.add(question)
        change.session.flush()
        answer = question_json(question, 0, None)
        if question.status == "visible":
            change.append("question.added", answer)
        change.audit("question.asked", "question", question.id, text[:80])
    return answer


def _attendee_question(session: Session, event: Event, question_id) -> Question:
    question = session.get(Question, question_id) if isinstance(question_id, int) else None
    if question is None or question.event_id != event.id or question.status not in ATTENDEE_VISIBLE:
        raise NotFound(_("There is no such question."), code="unknown_question")
    return question


def set_upvote(event: Event, question_id: int, attendee_id: str, upvoted: bool) -> dict:
    """The attendee's upvote on (``upvoted``) or withdrawn; ``{id, upvotes}``. A repeat changes
    nothing. Only visible and answered questions take upvotes (404 otherwise)."""
    from conference.audience.ticker import audience_ticker

    session = db.session
    question = _attendee_question(session, event, question_id)
    table = QuestionUpvote.__table__
    if upvoted:
        dialect = session.get_bind().dialect.name
        insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
        session.execute(
            insert.values(question_id=question.id, attendee_id=attendee_id).on_conflict_do_nothing()
        )
    else:
        session.execute(
            sa.delete(table).where(
                table.c.question_id == question.id, table.c.attendee_id == attendee_id
            )
        )
    session.commit()
    audience_ticker().upvoted(event.slug)
    return {"id": question.id, "upvotes": upvote_counts(session, [question.id])[question.id]}


# --- the moderator's commands -------------------------------------------------------------


def _question_argument(ctx: CommandContext) -> Question:
    question_id = id_argument(ctx.args, "question_id")
    question = ctx.session.get(Question, question_id)
    if question is None or question.event_id != ctx.event.id:
        ctx.refuse(_("This event has no question %(id)s.", id=question_id), code="unknown_question")
    return question


def _json(ctx: CommandContext, question: Question) -> dict:
    settings = settings_of(ctx.session, ctx.event)
    counts = upvote_counts(ctx.session, [question.id])
    return question_json(question, counts[question.id], settings.highlighted_question_id)


@command("open_questions", after_end=True)
def open_questions(ctx: CommandContext) -> None:
    """Asking opens, moderated or not as the event was set up: ``questions.opened``."""
    settings = settings_of(ctx.session, ctx.event)
    if settings.questions != "off":
        ctx.refuse(_("Questions are open already."), code="questions_open")
    settings.questions = "moderated" if settings.moderated else "open"
    ctx.append("questions.opened", {"status": settings.questions})


@command("close_questions", after_end=True)
def close_questions(ctx: CommandContext) -> None:
    """Nobody may ask any more (upvotes go on): ``questions.closed``."""
    settings = settings_of(ctx.session, ctx.event)
    if settings.questions == "off":
        ctx.refuse(_("Questions are closed already."), code="questions_closed")
    settings.moderated = settings.questions == "moderated"
    settings.questions = "off"
    ctx.append("questions.closed", {"status": "off"})


@command("approve_question", after_end=True)
def approve_question(ctx: CommandContext) -> None:
    """A pending (or hidden) question becomes visible: ``question.added``."""
    question = _question_argument(ctx)
    if question.status in ATTENDEE_VISIBLE:
        ctx.refuse(_("This question is visible already."), code="question_visible")
    question.status = "visible"
    ctx.append("question.added", _json(ctx, question))


@command("hide_question", after_end=True)
def hide_question(ctx: CommandContext) -> None:
    """The question disappears from every attendee view: ``question.hidden`` (after
    ``question.unhighlighted`` when it was on the screen)."""
    question = _question_argument(ctx)
    if question.status == "hidden":
        ctx.refuse(_("This question is hidden already."), code="question_hidden")
    settings = settings_of(ctx.session, ctx.event)
    if settings.highlighted_question_id == question.id:
        settings.highlighted_question_id = None
        ctx.append("question.unhighlighted", {})
    question.status = "hidden"
    ctx.append("question.hidden", {"id": question.id})


@command("block_asker", after_end=True)
def block_asker(ctx: CommandContext) -> None:
    """Our addition: the asker of ``question_id`` may ask no more in this event, and the
    question is hidden (``question.hidden``, after ``question.unhighlighted`` if on screen)."""
    question = _question_argument(ctx)
    key = (ctx.event.id, question.attendee_id)
    if ctx.session.get(BlockedAsker, key) is None:
        ctx.session.add(BlockedAsker(event_id=ctx.event.id, attendee_id=question.attendee_id))
    if question.status != "hidden":
        hide_question(ctx)


@command("answer_question", after_end=True)
def answer_question(ctx: CommandContext) -> None:
    """The question is marked answered (it stays readable): ``question.answered``."""
    question = _question_argument(ctx)
    if question.status != "visible":
        ctx.refuse(_("Only a visible question can be marked answered."), code="not_visible")
    question.status = "answered"
    ctx.append("question.answered", {"id": question.id})


@command("highlight_question", after_end=True)
def highlight_question(ctx: CommandContext) -> None:
    """The question goes onto the screen (replacing the one there): ``question.highlighted``."""
    question = _question_argument(ctx)
    if question.status not in ATTENDEE_VISIBLE:
        ctx.refuse(_("Approve the question before showing it."), code="not_visible")
    settings = settings_of(ctx.session, ctx.event)
    if settings.highlighted_question_id == question.id:
        ctx.refuse(_("This question is on the screen already."), code="question_highlighted")
    settings.highlighted_question_id = question.id
    ctx.append("question.highlighted", _json(ctx, question))


@command("clear_highlight", after_end=True)
def clear_highlight(ctx: CommandContext) -> None:
    """Nothing highlighted any more: ``question.unhighlighted``."""
    settings = settings_of(ctx.session, ctx.event)
    if settings.highlighted_question_id is None:
        ctx.refuse(_("No question is on the screen."), code="nothing_highlighted")
    settings.highlighted_question_id = None
    ctx.append("question.unhighlighted", {})


# --- how the updates change a snapshot ----------------------------------------------------


@applies("questions.opened", "questions.closed")
def _questions_status(snapshot, data):
    return {"questions": data["status"]}


def _flagged(rows: list[dict], highlighted_id) -> list[dict]:
    return [{**row, "highlighted": row["id"] == highlighted_id} for row in rows]


@applies("question.added")
def _question_added(snapshot, data):
    rows = [row for row in snapshot.get("question_list", []) if row["id"] != data["id"]]
    return {"question_list": sort_questions([*rows, data])}


@applies("question.hidden")
def _question_hidden(snapshot, data):
    rows = [row for row in snapshot.get("question_list", []) if row["id"] != data["id"]]
    return {"question_list": rows}


@applies("question.answered")
def _question_answered(snapshot, data):
    rows = [
        {**row, "status": "answered"} if row["id"] == data["id"] else row
        for row in snapshot.get("question_list", [])
    ]
    highlighted = snapshot.get("highlighted_question")
    if highlighted and highlighted["id"] == data["id"]:
        highlighted = {**highlighted, "status": "answered"}
    return {"question_list": rows, "highlighted_question": highlighted}


@applies("question.highlighted")
def _question_highlighted(snapshot, data):
    return {
        "question_list": _flagged(snapshot.get("question_list", []), data["id"]),
        "highlighted_question": data,
    }


@applies("question.unhighlighted")
def _question_unhighlighted(snapshot, data):
    return {
        "question_list": _flagged(snapshot.get("question_list", []), None),
        "highlighted_question": None,
    }
