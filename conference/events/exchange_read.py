"""Reading an event file into plain, checked data (the format: ``docs/event-toml.md``).

:func:`read_event_file` parses the TOML, checks every field, every key and every reference,
and either returns the event as dictionaries ready to be written or raises
:class:`EventFileError` naming each problem's field and line. It never touches the database.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import gettext as _
from flask_babel import ngettext

from conference.audience.exchange import QUESTIONS_FIELD, read_polls, read_questions
from conference.awards.models import AWARD_KINDS, VOTE_MODES
from conference.edge.text import problem_sentence
from conference.errors import Invalid
from conference.events import exchange_convert as c
from conference.events.exchange_checks import check_references
from conference.events.exchange_keys import SLUG_PATTERN
from conference.events.exchange_locate import line_of
from conference.events.models import ITEM_KINDS
from conference.images.colours import parse_colour
from conference.participants.exchange import (
    CERTIFICATE_FIELD,
    REGISTRATION_FIELD,
    RETENTION_FIELD,
    SIGNER_NAME_FIELD,
    SIGNER_ROLE_FIELD,
    read_participants,
)
from conference.people.models import ORGANISATION_ROLES

FORMAT_VERSION = 1
MEDIA_KINDS = ("image", "video", "pdf", "link")
DECIDERS = ("admin", "organiser", "moderator", "jury", "vote")
R = c.REQUIRED


def slug(reader, value) -> str:
    if not isinstance(value, str) or len(value) > 80 or not SLUG_PATTERN.match(value):
        raise c.Bad(_("must be a slug: lower-case letters, digits and single hyphens"))
    return value


def timezone_name(reader, value) -> str:
    if not isinstance(value, str):
        raise c.Bad(_("must be text in quotes"))
    try:
        reader.timezone = ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise c.Bad(
            _("%(name)s is not a time zone (use a name such as Europe/Riga)", name=value)
        ) from None
    return value


def language_list(reader, value) -> list[str]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise c.Bad(_('must be a list of language codes, e.g. ["lv", "en"]'))
    for language in value:
        if language not in reader.languages:
            raise c.Bad(
                _(
                    "%(code)s is not a language of this site (%(languages)s)",
                    code=language,
                    languages=", ".join(reader.languages),
                )
            )
        if value.count(language) > 1:
            raise c.Bad(_("lists %(key)s twice", key=language))
    return list(value)


def accent_colour(reader, value) -> str:
    """``#rrggbb`` (``#rgb`` is widened); the pages keep text readable on any colour."""
    try:
        return parse_colour(value if isinstance(value, str) else "?")
    except Invalid:
        raise c.Bad(_("is not a colour like #0b4aa2")) from None


EVENT_FIELDS = {
    "slug": (slug, R),
    "title": (c.required_translated, R),
    "description": (c.translated, {}),
    "venue": (c.translated, {}),
    "organiser_note": (c.translated, {}),
    "funding_note": (c.translated, {}),
    "timezone": (timezone_name, R),
    "starts_at": (c.moment, R),
    "ends_at": (c.moment, R),
    "languages": (language_list, R),
    "default_language": (c.text(8), R),
    "online_url": (c.url, None),
    "logo_url": (c.url_or_path, None),
    "accent_color": (accent_colour, None),
    "questions": QUESTIONS_FIELD,  # 1.1: conference.audience
    "registration": REGISTRATION_FIELD,  # 1.1: conference.participants
    "certificate_min_minutes": CERTIFICATE_FIELD,
    "certificate_signer_name": SIGNER_NAME_FIELD,
    "certificate_signer_role": SIGNER_ROLE_FIELD,
    "participants_retention_days": RETENTION_FIELD,
}
ORGANISATION_FIELDS = {
    "key": (c.key, R),
    "name": (c.text(200), R),
    "country": (c.country, R),
    "role": (c.choice(ORGANISATION_ROLES), R),
    "website": (c.url, None),
    "description": (c.translated, {}),
}
PERSON_FIELDS = {
    "key": (c.key, R),
    "name": (c.text(200), R),
    "role": (c.translated, {}),
    "organisation": (c.key, None),
}
PROJECT_FIELDS = {
    "key": (c.key, R),
    "title": (c.required_translated, R),
    "description": (c.translated, {}),
    "sector": (c.translated, {}),
    "action": (c.text(40), R),
    "number": (c.text(60), R),
    "starts_on": (c.day, None),
    "ends_on": (c.day, None),
    "funding_note": (c.translated, {}),
    "organisations": (c.key_list, []),
}
ITEM_FIELDS = {
    "key": (c.key, R),
    "kind": (c.choice(ITEM_KINDS), R),
    "title": (c.required_translated, R),
    "description": (c.translated, {}),
    "planned_start": (c.moment_or_time, R),
    "planned_end": (c.moment_or_time, R),
    "speakers": (c.key_list, []),
    "organisations": (c.key_list, []),
}
CONTEST_FIELDS = {
    "key": (c.key, R),
    "title": (c.required_translated, R),
    "description": (c.translated, {}),
    "vote_mode": (c.choice(VOTE_MODES), "open"),
}
ENTRY_FIELDS = {
    "key": (c.key, R),
    "title": (c.required_translated, R),
    "description": (c.translated, {}),
    "media_kind": (c.choice(MEDIA_KINDS), None),
    "media_url": (c.url_or_path, None),
}
AUTHOR_FIELDS = {"name": (c.text(200), R), "group": (c.optional_text(40), None)}
AWARD_FIELDS = {
    "key": (c.key, R),
    "kind": (c.choice(AWARD_KINDS), R),
    "rank": (c.whole_number, None),
    "title": (c.required_translated, R),
}
WINNER_FIELDS = {
    "award": (c.key, R),
    "entries": (c.key_list, R),
    "decided_by": (c.choice(DECIDERS), "admin"),
}
TOP_LEVEL = (
    "format",
    "event",
    "organisations",
    "people",
    "projects",
    "items",
    "contests",
    "polls",
    "participants",
    "questions",
)
SECTIONS = (
    ("organisations", ORGANISATION_FIELDS),
    ("people", PERSON_FIELDS),
    ("projects", PROJECT_FIELDS),
    ("items", ITEM_FIELDS),
)
SYNTAX_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")


class EventFileError(Invalid):
    """An event file that cannot be imported; nothing was written.

    ``problems`` lists ``{"path", "line", "message"}`` in the order of the file.
    """

    code = "bad_event_file"

    def __init__(self, message: str, problems: list[dict]):
        super().__init__(message, problems=problems)
        self.problems = problems


def parse(text: str) -> dict:
    """tomllib's parse, its syntax error turned into an :class:`EventFileError` with the line."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        reason = str(exc)
        position = SYNTAX_POSITION.search(reason)
        line = int(position.group(1)) if position else None
        column = int(position.group(2)) if position else None
        reason = SYNTAX_POSITION.sub("", reason)
        message = _(
            "The file is not valid TOML, line %(line)s, column %(column)s: %(reason)s",
            line=line if line is not None else "?",
            column=column if column is not None else "?",
            reason=reason,
        )
        raise EventFileError(message, [{"path": "", "line": line, "message": reason}]) from None


def read_event_file(text: str) -> dict:
    """The event in ``text``, checked; raises :class:`EventFileError` listing every problem."""
    data = parse(text)
    reader = c.Reader()
    data = checked_texts(reader, data, ())
    spec = read_sections(reader, data)
    check_references(reader, spec)
    if reader.problems:
        raise file_error(text, reader.problems)
    return spec


def checked_texts(reader: c.Reader, value, path: tuple):
    """The text rule for every string of the file, keys too: each in NFC, each one that breaks
    the rule a problem at its path (TOML's ``\\u0000`` escapes reach control characters)."""
    if isinstance(value, dict):
        checked = {}
        for key, item in value.items():
            if problem_sentence(key):
                reader.problem((*path, key), problem_sentence(key))
            checked[key] = checked_texts(reader, item, (*path, key))
        return checked
    if isinstance(value, list):
        return [
            checked_texts(reader, item, (*path, number))
            for number, item in enumerate(value, start=1)
        ]
    if isinstance(value, str):
        if problem_sentence(value):
            reader.problem(path, problem_sentence(value))
            return value
        return unicodedata.normalize("NFC", value)
    return value


def read_sections(reader: c.Reader, data: dict) -> dict:
    """Every section, field by field (references are checked afterwards)."""
    # [[audit]] is the exported change log: read by people, never written back (a file must
    # not be able to make up history), so it is accepted and ignored.
    for name in data:
        if name not in (*TOP_LEVEL, "secret", "audit"):
            expected = ", ".join((*TOP_LEVEL, "secret", "audit"))
            reader.problem((name,), _("unknown field (expected: %(fields)s)", fields=expected))
    if data.get("format", FORMAT_VERSION) != FORMAT_VERSION:
        reader.problem(("format",), _("must be 1 (the only format this version reads)"))
    if "event" not in data:
        reader.problem(("event",), _("is missing"))
        event = None
    else:
        event = reader.table(data["event"], ("event",), EVENT_FIELDS)
    if event is None:
        event = {}
    elif event.get("languages") and event.get("default_language"):
        if event["default_language"] not in event["languages"]:
            reader.problem(("event", "default_language"), _("must be one of the event's languages"))
    if event.get("starts_at"):
        reader.day = event["starts_at"].astimezone(reader.timezone).date()
    spec = {"event": event}
    for name, fields in SECTIONS:
        rows = reader.tables(data.get(name), (name,))
        spec[name] = [
            reader.table(row, (name, number), fields) or {}
            for number, row in enumerate(rows, start=1)
        ]
    spec["contests"] = [
        read_contest(reader, row, ("contests", number))
        for number, row in enumerate(reader.tables(data.get("contests"), ("contests",)), start=1)
    ]
    spec["winners"] = read_winners(reader, data)
    spec["polls"] = read_polls(reader, data.get("polls"))
    spec["participants"] = read_participants(reader, data.get("participants"))

    spec["questions"] = read_questions(reader, data.get("questions"))
    return spec


def read_contest(reader: c.Reader, data: dict, path: tuple) -> dict:
    contest = reader.table(data, path, CONTEST_FIELDS, nested=("entries", "awards")) or {}
    contest["entries"] = []
    for number, row in enumerate(reader.tables(data.get("entries"), (*path, "entries")), start=1):
        entry = reader.table(row, (*path, "entries", number), ENTRY_FIELDS, nested=("authors",))
        entry = entry or {}
        entry["authors"] = read_authors(reader, row.get("authors"), (*path, "entries", number))
        contest["entries"].append(entry)
    contest["awards"] = [
        reader.table(row, (*path, "awards", number), AWARD_FIELDS) or {}
        for number, row in enumerate(reader.tables(data.get("awards"), (*path, "awards")), start=1)
    ]
    return contest


def read_authors(reader: c.Reader, value, path: tuple) -> list[dict]:
    if value is None:
        reader.problem((*path, "authors"), _("is missing"))
        return []
    if not isinstance(value, list) or not value or not all(isinstance(a, dict) for a in value):
        reader.problem(
            (*path, "authors"),
            _('must be a list of authors, e.g. [{ name = "Valerija Greibo", group = "LD-21" }]'),
        )
        return []
    return [
        reader.table(author, (*path, "authors", number), AUTHOR_FIELDS) or {}
        for number, author in enumerate(value, start=1)
    ]


def read_winners(reader: c.Reader, data: dict) -> list[dict] | None:
    """The secret section; None when the file has none (``--replace`` then keeps the winners)."""
    if "secret" not in data:
        return None
    secret = reader.table(data["secret"], ("secret",), {}, nested=("winners",))
    if secret is None:
        return []
    rows = reader.tables(data["secret"].get("winners"), ("secret", "winners"))
    return [
        reader.table(row, ("secret", "winners", number), WINNER_FIELDS) or {}
        for number, row in enumerate(rows, start=1)
    ]


def file_error(text: str, problems: list[c.Problem]) -> EventFileError:
    """One error for all problems, the first (by line) in its message."""
    located = [
        {"path": c.path_text(p.path), "line": line_of(text, p.path), "message": p.message}
        for p in problems
    ]
    located.sort(key=lambda p: p["line"] if p["line"] is not None else 10**9)
    first = located[0]
    if first["line"] is not None:
        message = _(
            "%(path)s, line %(line)s: %(problem)s",
            path=first["path"],
            line=first["line"],
            problem=first["message"],
        )
    else:
        message = _("%(path)s: %(problem)s", path=first["path"], problem=first["message"])
    if len(located) > 1:
        message += " " + ngettext(
            "(and %(num)d more problem)", "(and %(num)d more problems)", len(located) - 1
        )
    return EventFileError(message, located)
