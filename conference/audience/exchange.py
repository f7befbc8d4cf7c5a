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
"""

from __future__ import annotations

from flask_babel import gettext as _

from conference.audience.models import (
    POLL_MAX_OPTIONS,
    POLL_MIN_OPTIONS,
    QUESTION_MODES,
    AudienceSettings,
)
from conference.events import exchange_convert as c

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


def read_polls(reader, data) -> list[dict]:
    """The ``[[polls]]`` tables, checked field by field (problems go to ``reader``)."""
    polls = [
        reader.table(row, ("polls", number), POLL_FIELDS) or {}
        for number, row in enumerate(reader.tables(data, ("polls",)), start=1)
    ]
    seen = set()
    for number, poll in enumerate(polls, start=1):
        if poll.get("key") in seen:
            reader.problem(("polls", number, "key"), _("is used twice"))
        seen.add(poll.get("key"))
    return polls


def write_audience(session, event, spec: dict) -> None:
    """Set the event's question mode and its polls (matched by key) from the file."""
    from conference.audience.polls import event_polls, set_poll
    from conference.audience.questions import set_questions_mode

    mode = spec["event"].get("questions")
    if mode is not None:
        set_questions_mode(session, event, mode)
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
