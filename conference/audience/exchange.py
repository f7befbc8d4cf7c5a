"""The audience's part of the event file (docs/event-toml.md): ``questions`` in ``[event]`` and
the ``[[polls]]``. Read, written and exported by conference.events.exchange_*::

    [event]
    questions = "moderated"           # off (default), open or moderated

    [[polls]]
    key = "mobility"
    question = { lv = "…", en = "…" }
    multiple = false                  # default: one answer
    options = [
        { lv = "Itālija", en = "Italy" },
        { lv = "Spānija", en = "Spain" },
    ]

    [[questions]]                     # exported after the event; upvotes as a count
    text = "Kā pieteikties?"
    name = "Ģirts"                    # optional
    language = "lv"                   # optional: the asker's language
    status = "answered"               # pending, visible (default), answered or hidden
    asked_at = 2026-05-14T10:02:11+00:00
    upvotes = 12
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask_babel import gettext as _

from conference.audience.models import (
    NAME_MAX_CHARS,
    POLL_MAX_OPTIONS,
    POLL_MIN_OPTIONS,
    QUESTION_MAX_CHARS,
    QUESTION_MODES,
    QUESTION_STATUSES,
    AudienceSettings,
    Question,
    QuestionUpvote,
)
from conference.events import exchange_convert as c
from conference.events.exchange_checks import unique_keys

QUESTIONS_FIELD = (c.choice(QUESTION_MODES), None)


def _boolean(reader, value) -> bool:
    if not isinstance(value, bool):
        raise c.Bad(_("must be true or false"))
    return value


def _options(reader, value) -> list[dict]:
    if not isinstance(value, list):
        raise c.Bad(_('must be a list of texts per language, e.g. [{ lv = "…", en = "…" }]'))
    if not POLL_MIN_OPTIONS <= len(value) <= POLL_MAX_OPTIONS:
        raise c.Bad(_("A poll has 2 to 10 options."))
    return [c.required_translated(reader, option) for option in value]


POLL_FIELDS = {
    "key": (c.key, c.REQUIRED),
    "question": (c.required_translated, c.REQUIRED),
    "multiple": (_boolean, False),
    "options": (_options, c.REQUIRED),
}


UPVOTES_MAX = 100_000


def _count(reader, value) -> int:
    value = c.whole_number(reader, value)
    if not 0 <= value <= UPVOTES_MAX:
        raise c.Bad(_("must be between %(low)s and %(high)s", low=0, high=UPVOTES_MAX))
    return value


QUESTION_FIELDS = {
    "text": (c.text(QUESTION_MAX_CHARS), c.REQUIRED),
    "name": (c.optional_text(NAME_MAX_CHARS), None),
    "language": (c.optional_text(16), None),
    "status": (c.choice(QUESTION_STATUSES), "visible"),
    "asked_at": (c.moment, c.REQUIRED),
    "upvotes": (_count, 0),
}
IMPORTED_ATTENDEE = "imported"


def read_questions(reader, data) -> list[dict]:
    """The ``[[questions]]`` tables, checked field by field (problems go to ``reader``)."""
    return [
        reader.table(row, ("questions", number), QUESTION_FIELDS) or {}
        for number, row in enumerate(reader.tables(data, ("questions",)), start=1)
    ]


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def write_questions(session, event, questions: list[dict]) -> None:
    """Add the file's questions the event does not have yet (same text and time asked: the
    same question, whose status follows the file); upvotes of a new question are rows of
    stand-in attendees ``imported:N``, so the count survives."""
    existing = {
        (question.text, _utc(question.asked_at)): question
        for question in session.query(Question).filter_by(event_id=event.id)
    }
    for data in questions:
        asked_at = _utc(data["asked_at"])
        question = existing.get((data["text"], asked_at))
        if question is not None:
            question.status = data["status"]
            continue
        question = Question(
            event_id=event.id,
            text=data["text"],
            name=data.get("name"),
            language=data.get("language"),
            attendee_id=IMPORTED_ATTENDEE,
            status=data["status"],
            asked_at=asked_at,
        )
        session.add(question)
        session.flush()
        session.add_all(
            QuestionUpvote(question_id=question.id, attendee_id=f"imported:{number}")
            for number in range(data["upvotes"])
        )
        existing[(data["text"], asked_at)] = question
    session.flush()


def question_blocks(session, event, include_personal_data: bool = False) -> list[str]:
    """Every question of the event (each status), oldest first, with its upvote count; the
    name an asker gave only in an export with personal data (``--with-personal-data``)."""
    import sqlalchemy as sa

    from conference.events.exchange_export import block

    rows = session.execute(
        sa.select(Question, sa.func.count(QuestionUpvote.attendee_id))
        .outerjoin(QuestionUpvote, QuestionUpvote.question_id == Question.id)
        .where(Question.event_id == event.id)
        .group_by(Question.id)
        .order_by(Question.asked_at, Question.id)
    ).all()
    blocks = []
    for number, (question, upvotes) in enumerate(rows):
        fields = [("text", question.text)]
        if include_personal_data:
            fields.append(("name", question.name))
        fields += [("language", question.language), ("status", question.status)]
        fields += [("asked_at", _utc(question.asked_at)), ("upvotes", upvotes)]
        comment = "Questions from the audience, with their upvotes." if number == 0 else None
        blocks.append(block("[[questions]]", fields, comment))
    return blocks


def audience_view(session, event) -> tuple:
    """What of the audience part an import can change and the cached snapshot shows: the
    question mode, the polls (ids, texts, options) and the questions; compared before and
    after an import to know whether every process must reload the event's snapshot."""
    from conference.audience.polls import event_polls, poll_json

    settings = session.get(AudienceSettings, event.id)
    mode = (settings.questions, settings.moderated) if settings is not None else None
    polls = [poll_json(session, poll) for poll in event_polls(session, event)]
    return mode, polls, question_blocks(session, event)


def read_polls(reader, data) -> list[dict]:
    """The ``[[polls]]`` tables, checked field by field (problems go to ``reader``)."""
    polls = [
        reader.table(row, ("polls", number), POLL_FIELDS) or {}
        for number, row in enumerate(reader.tables(data, ("polls",)), start=1)
    ]
    unique_keys(reader, polls, ("polls",))
    return polls


def write_audience(session, event, spec: dict) -> None:
    """Set the event's question mode and its polls (matched by key) from the file."""
    from conference.audience.polls import event_polls, set_poll
    from conference.audience.questions import set_questions_mode

    mode = spec["event"].get("questions")
    if mode is not None:
        set_questions_mode(session, event, mode)
    if spec.get("questions"):
        write_questions(session, event, spec["questions"])
    if "polls" not in spec:
        return
    existing = {poll.key: poll for poll in event_polls(session, event) if poll.key}
    wanted = set()
    for position, data in enumerate(spec["polls"]):
        poll = set_poll(session, event, existing.get(data["key"]), data)
        poll.position = position
        wanted.add(data["key"])
    for key, poll in existing.items():
        if key not in wanted and poll.status != "open":
            session.delete(poll)
    session.flush()


def event_questions_field(session, event) -> str | None:
    """``questions`` for the exported ``[event]``: the mode asking opens in (None: off)."""
    settings = session.get(AudienceSettings, event.id)
    if settings is None:
        return None
    if settings.questions != "off":
        return settings.questions
    return "moderated" if settings.moderated else None


def poll_blocks(session, event) -> list[str]:
    from conference.audience.polls import event_polls, poll_options
    from conference.events.exchange_export import block

    blocks = []
    for number, poll in enumerate(event_polls(session, event)):
        fields = [("key", poll.key or f"poll-{poll.id}"), ("question", poll.question)]
        fields.append(("multiple", True if poll.multiple else None))
        fields.append(("options", [dict(option.text) for option in poll_options(session, poll)]))
        comment = "Polls the moderator can open during the event." if number == 0 else None
        blocks.append(block("[[polls]]", fields, comment))
    return blocks
