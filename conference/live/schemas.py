"""The live shapes of PROTOCOL.md (snapshot parts, update data) and the parsing of command bodies.

Serialisers here read only live, attendee-visible state: the event's status, the items' times,
the contests' vote status. Nothing secret (winners, scores, tallies) is ever read here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import ngettext

from conference.db import iso
from conference.edge.bodies import ID_MAX, is_integer
from conference.edge.text import check_text, too_long
from conference.errors import Invalid, NotFound

COMMAND_ID_MAX = 64
COMMAND_TYPE_MAX = 40
ANNOUNCEMENT_MAX_CHARS = 1000
# The largest seq a client may name: seq is an INTEGER column, like the ids.
SEQ_MAX = ID_MAX


def unknown_event(slug: str) -> NotFound:
    """The refusal for a slug that names no event (404 in the API, connect_error on sockets)."""
    return NotFound(_("There is no event %(slug)s.", slug=slug), code="unknown_event")


def event_state(event) -> dict:
    """The snapshot's ``event`` object (also the data of ``event.started``/``event.ended``)."""
    return {
        "slug": event.slug,
        "status": event.status,
        "started_at": iso(event.started_at),
        "ended_at": iso(event.ended_at),
    }


def item_state(item) -> dict:
    """An item as in the snapshot's ``items`` (also the data of ``item.started``/``item.ended``)."""
    return {
        "id": item.id,
        "status": item.status,
        "planned_start": iso(item.planned_start),
        "planned_end": iso(item.planned_end),
        "actual_start": iso(item.actual_start),
        "actual_end": iso(item.actual_end),
    }


def vote_state(contest) -> dict:
    """A contest's vote as in the snapshot's ``votes`` (also ``vote.opened``/``vote.closed``)."""
    return {"contest_id": contest.id, "status": contest.vote_status}


@dataclass
class CommandRequest:
    """A parsed command body: its type, its own arguments and the optional guards."""

    type: str
    args: dict = field(default_factory=dict)
    expected_seq: int | None = None
    command_id: str | None = None


def parse_command(body) -> CommandRequest:
    """Split a command body into type, arguments, ``expected_seq`` and ``command_id`` (or 422)."""
    if not isinstance(body, dict):
        raise Invalid(_("The request body must be a JSON object."), code="bad_body")
    command_type = body.get("type")
    if not isinstance(command_type, str) or not command_type:
        raise Invalid(_("Say which command to run in the field “type”."), code="missing_type")
    command_type = check_text(command_type, "type", COMMAND_TYPE_MAX)
    expected_seq = body.get("expected_seq")
    if expected_seq is not None and (
        not is_integer(expected_seq) or not 0 <= expected_seq <= SEQ_MAX
    ):
        raise Invalid(_("expected_seq must be a whole number."), code="bad_expected_seq")
    command_id = body.get("command_id")
    if command_id is not None and (
        not isinstance(command_id, str) or not 0 < len(command_id) <= COMMAND_ID_MAX
    ):
        raise Invalid(
            ngettext(
                "command_id must be a text of 1 to %(num)s character.",
                "command_id must be a text of 1 to %(num)s characters.",
                COMMAND_ID_MAX,
            ),
            code="bad_command_id",
        )
    args = {k: v for k, v in body.items() if k not in ("type", "expected_seq", "command_id")}
    return CommandRequest(command_type, args, expected_seq, command_id)


def id_argument(args: dict, name: str) -> int:
    """The id argument ``name``: a whole number that a row's id can be (or 422)."""
    return integer_argument(args, name, 1, ID_MAX)


def integer_argument(args: dict, name: str, low: int, high: int) -> int:
    """The whole-number argument ``name``, within ``low``..``high`` (or 422)."""
    if args.get(name) is None:
        raise Invalid(
            _("The argument %(name)s is missing.", name=name), code="missing_argument", field=name
        )
    value = args[name]
    if not is_integer(value):
        raise Invalid(
            _("The argument %(name)s must be a whole number.", name=name),
            code="bad_argument",
            field=name,
        )
    if not low <= value <= high:
        raise Invalid(
            _(
                "The argument %(name)s must be between %(low)s and %(high)s.",
                name=name,
                low=low,
                high=high,
            ),
            code="bad_argument",
            field=name,
        )
    return value


def boolean_argument(args: dict, name: str, default: bool = False) -> bool:
    """The optional true/false argument ``name`` (or 422 for anything else)."""
    value = args.get(name)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise Invalid(
            _("The argument %(name)s must be true or false.", name=name),
            code="bad_argument",
            field=name,
        )
    return value


def translated_argument(
    args: dict, name: str, languages: list[str], max_chars: int = ANNOUNCEMENT_MAX_CHARS
) -> dict[str, str]:
    """Text per language, ``{"lv": "…", "en": "…"}``, in the event's languages (or 422).

    Each text follows the text rule (:func:`conference.edge.text.check_text`) and has at most
    ``max_chars`` characters. Surrounding space is trimmed and empty translations are dropped
    (a missing translation is absent, never ``""``); at least one must remain.
    """
    value = args.get(name)
    if value is None:
        raise Invalid(
            _("The argument %(name)s is missing.", name=name), code="missing_argument", field=name
        )
    if not isinstance(value, dict) or not all(isinstance(t, str) for t in value.values()):
        raise Invalid(
            _(
                'The argument %(name)s must be text per language, e.g. {"lv": "…", "en": "…"}.',
                name=name,
            ),
            code="bad_argument",
            field=name,
        )
    unknown = sorted(lang for lang in value if lang not in languages)
    if unknown:
        raise Invalid(
            _(
                "The event has no language %(lang)s; its languages are %(languages)s.",
                lang=", ".join(unknown),
                languages=", ".join(languages),
            ),
            code="bad_language",
            field=name,
        )
    texts = {
        lang: check_text(text, f"{name}.{lang}").strip()
        for lang, text in value.items()
        if text.strip()
    }
    if not texts:
        raise Invalid(_("The text is empty."), code="empty_text", field=name)
    for lang, text in texts.items():
        if len(text) > max_chars:
            raise too_long(f"{name}.{lang}", max_chars)
    return texts
