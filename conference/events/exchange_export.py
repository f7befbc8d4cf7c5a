"""Writing an event as an event file (the format: ``docs/event-toml.md``).

tomli_w has no comments and no inline tables, and a file that people edit wants both: each
section opens with a comment, translations stay on one line (``title = { lv = "…", en = "…" }``)
and times read as the event's local time. So this module lays the document out itself and
uses tomli_w for what must be exact: quoting and escaping each value. The output is
deterministic (no timestamps), so export, import and export again give the same text.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
import tomli_w

from conference.audience.exchange import event_questions_field, poll_blocks, question_blocks
from conference.audit.log import entries_of
from conference.awards.models import AwardWinner
from conference.db import db
from conference.events.exchange_keys import keyed_rows
from conference.events.exchange_read import FORMAT_VERSION
from conference.events.models import Event
from conference.participants.exchange import participant_rows

MAX_INLINE = 100
SECRET_BANNER = """\
# ======================================================================
# SECRET: who won which award. Keep this part away from attendees until
# the ceremony is over; `conference export --without-winners` leaves it
# out. Jury scores and audience votes are never exported.
# ======================================================================"""


def literal(value, multiline: bool = False) -> str:
    """One TOML value: strings quoted by tomli_w, times as offset date-times."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(literal(item) for item in value) + "]"
    if isinstance(value, dict):
        pairs = ", ".join(f"{name} = {literal(text)}" for name, text in value.items())
        return "{ " + pairs + " }"
    rendered = tomli_w.dumps({"v": value}, multiline_strings=multiline)
    return rendered.removeprefix("v = ").removesuffix("\n")


def field_lines(name: str, value) -> list[str]:
    """``name = value``; nothing for an absent value; long translations one language a line."""
    if value is None or value == {} or value == []:
        return []
    if isinstance(value, dict):
        line = f"{name} = {literal(value)}"
        if len(line) <= MAX_INLINE and "\n" not in line:
            return [line]
        return [f"{name}.{lang} = {literal(text, multiline=True)}" for lang, text in value.items()]
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return [f"{name} = ["] + [f"    {literal(row)}," for row in value] + ["]"]
    return [f"{name} = {literal(value)}"]


def block(header: str, fields: list[tuple[str, object]], comment: str | None = None) -> str:
    lines = [f"# {comment}"] if comment else []
    lines.append(header)
    for name, value in fields:
        lines.extend(field_lines(name, value))
    return "\n".join(lines)


def event_file(
    event: Event, include_winners: bool = True, include_personal_data: bool = False
) -> str:
    """The whole event as TOML text; with ``include_winners`` the secret section too, with
    ``include_personal_data`` the participants (personal data: left out unless asked)."""
    zone = ZoneInfo(event.timezone)
    language = event.default_language

    def local(moment: datetime) -> datetime:
        return moment.astimezone(zone)

    title = event.title.get(language) or next(iter(event.title.values()), event.slug)
    blocks = [
        f"# {title}\n"
        "# An event file of conference (the format: docs/event-toml.md).\n"
        f"# Import: conference import FILE    Update: conference import FILE --replace\n"
        f"# Times are local times of {event.timezone}.\n"
        f"# Personal data (participants): {'included' if include_personal_data else 'none'}.\n\n"
        f"format = {FORMAT_VERSION}",
        block(
            "[event]",
            [
                ("slug", event.slug),
                ("title", event.title),
                ("description", event.description),
                ("venue", event.venue),
                ("organiser_note", event.organiser_note),
                ("funding_note", event.funding_note),
                ("timezone", event.timezone),
                ("starts_at", local(event.starts_at)),
                ("ends_at", local(event.ends_at)),
                ("languages", list(event.languages)),
                ("default_language", event.default_language),
                ("online_url", event.online_url),
                ("logo_url", event.logo_url),
                ("accent_color", event.accent_color),
                ("questions", event_questions_field(db.session, event)),
                ("registration", event.registration),
                ("certificate_min_minutes", event.certificate_min_minutes),
                ("certificate_signer_name", event.certificate_signer_name),
                ("certificate_signer_role", event.certificate_signer_role or {}),
                ("participants_retention_days", event.participants_retention_days),
            ],
        ),
    ]
    organisation_keys = {}
    for number, (key, org) in enumerate(keyed_rows(event.organisations, language)):
        organisation_keys[org.id] = key
        fields = [("key", key), ("name", org.name), ("country", org.country), ("role", org.role)]
        fields += [("website", org.website), ("description", org.description)]
        comment = (
            "Organisations: organiser, partners, associated partners." if number == 0 else None
        )
        blocks.append(block("[[organisations]]", fields, comment))
    person_keys = {}
    for number, (key, person) in enumerate(keyed_rows(event.people, language)):
        person_keys[person.id] = key
        fields = [("key", key), ("name", person.name), ("role", person.role)]
        fields.append(("organisation", organisation_keys.get(person.organisation_id)))
        comment = "People: speakers and presenters." if number == 0 else None
        blocks.append(block("[[people]]", fields, comment))
    for number, (key, project) in enumerate(keyed_rows(event.projects, language)):
        fields = [("key", key), ("title", project.title), ("description", project.description)]
        fields += [("sector", project.sector), ("action", project.action)]
        fields += [("number", project.number), ("starts_on", project.starts_on)]
        fields += [("ends_on", project.ends_on), ("funding_note", project.funding_note)]
        fields.append(("organisations", [organisation_keys[o.id] for o in project.organisations]))
        comment = "Projects presented at the event." if number == 0 else None
        blocks.append(block("[[projects]]", fields, comment))
    for number, (key, item) in enumerate(keyed_rows(event.items, language)):
        fields = [("key", key), ("kind", item.kind), ("title", item.title)]
        fields += [("description", item.description)]
        fields += [("planned_start", local(item.planned_start))]
        fields += [("planned_end", local(item.planned_end))]
        fields.append(("speakers", [person_keys[p.id] for p in item.speakers]))
        fields.append(("organisations", [organisation_keys[o.id] for o in item.organisations]))
        comment = "The programme, in order." if number == 0 else None
        blocks.append(block("[[items]]", fields, comment))
    entry_keys, award_keys = contest_blocks(event, blocks, language)
    blocks.extend(poll_blocks(db.session, event))
    if include_personal_data:
        for number, fields in enumerate(participant_rows(db.session, event)):
            comment = "Participants: personal data (exported on request)." if number == 0 else None
            blocks.append(block("[[participants]]", fields, comment))

    blocks.extend(question_blocks(db.session, event, include_personal_data))
    if include_winners:
        blocks.append(winners_block(award_keys, entry_keys))
    blocks.extend(audit_blocks(event, include_winners))
    return "\n\n".join(blocks) + "\n"


AUDIT_BANNER = """\
# ======================================================================
# CHANGE LOG: who changed what, oldest first (before and after as JSON).
# A copy for reading: import ignores it, and the event's own log goes on.
# ======================================================================"""


def audit_blocks(event: Event, include_winners: bool) -> list[str]:
    """The event's audit log as ``[[audit]]`` tables (without winners unless they are in)."""
    entries = entries_of(db.session, event.id, include_winners=include_winners)
    blocks = []
    for number, entry in enumerate(entries):
        fields = [
            ("at", entry.at),
            ("actor", entry.actor_label),
            ("action", entry.action),
            ("target", entry.target_type),
            ("target_id", entry.target_id),
            ("target_label", entry.target_label),
            ("before", None if entry.before is None else as_json(entry.before)),
            ("after", None if entry.after is None else as_json(entry.after)),
            ("seq", entry.seq),
        ]
        blocks.append(block("[[audit]]", fields, AUDIT_BANNER[2:] if number == 0 else None))
    return blocks


def as_json(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def contest_blocks(event: Event, blocks: list[str], language: str) -> tuple[dict, dict]:
    """Contests with their entries and awards; returns the entry and award keys by id."""
    entries = [entry for contest in event.contests for entry in contest.entries]
    awards = [award for contest in event.contests for award in contest.awards]
    entry_keys = {entry.id: key for key, entry in keyed_rows(entries, language)}
    award_keys = {award.id: key for key, award in keyed_rows(awards, language)}
    for number, (key, contest) in enumerate(keyed_rows(event.contests, language)):
        fields = [("key", key), ("title", contest.title), ("description", contest.description)]
        fields.append(("vote_mode", contest.vote_mode))
        comment = "Contests: entries, then awards in ceremony order." if number == 0 else None
        blocks.append(block("[[contests]]", fields, comment))
        for entry in contest.entries:
            authors = [
                {"name": a.name, **({"group": a.group} if a.group else {})} for a in entry.authors
            ]
            fields = [("key", entry_keys[entry.id]), ("title", entry.title)]
            fields += [("description", entry.description), ("media_kind", entry.media_kind)]
            fields += [("media_url", entry.media_url), ("authors", authors)]
            blocks.append(block("[[contests.entries]]", fields))
        for award in contest.awards:
            fields = [("key", award_keys[award.id]), ("kind", award.kind)]
            fields += [("rank", award.rank if award.kind == "place" else None)]
            fields += [("title", award.title)]
            blocks.append(block("[[contests.awards]]", fields))
    return entry_keys, award_keys


def winners_block(award_keys: dict, entry_keys: dict) -> str:
    """The secret section: one ``[[secret.winners]]`` per award that has winners."""
    rows = db.session.execute(
        sa.select(AwardWinner.award_id, AwardWinner.entry_id, AwardWinner.decided_by).where(
            AwardWinner.award_id.in_(list(award_keys) or [0])
        )
    ).all()
    order = {award_id: index for index, award_id in enumerate(award_keys)}
    entry_order = {entry_id: index for index, entry_id in enumerate(entry_keys)}
    by_award: dict[int, list] = {}
    for award_id, entry_id, decided_by in rows:
        by_award.setdefault(award_id, []).append((entry_id, decided_by))
    parts = [SECRET_BANNER + "\n[secret]"]
    for award_id in sorted(by_award, key=order.__getitem__):
        winners = sorted(by_award[award_id], key=lambda row: entry_order[row[0]])
        fields = [
            ("award", award_keys[award_id]),
            ("entries", [entry_keys[entry_id] for entry_id, _ in winners]),
            ("decided_by", winners[0][1]),
        ]
        parts.append(block("[[secret.winners]]", fields))
    return "\n\n".join(parts)
