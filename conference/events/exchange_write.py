"""Writing checked event data (from ``exchange_read``) into the database.

A new slug makes a new event. With ``replace`` an existing event is updated in place, matched
part by part through the keys: a part whose key stays keeps its database id, so partner
invites, uploaded greetings, jury scores and votes that hang on it survive the import; parts
no longer in the file are deleted. The caller commits (or rolls back) the whole transaction.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from conference.awards.models import Award, AwardWinner, Contest, Entry, EntryAuthor
from conference.db import db
from conference.errors import Conflict
from conference.events.exchange_keys import keyed_rows
from conference.events.models import AgendaItem, Event, Project
from conference.people.models import Organisation, Person

EVENT_COLUMNS = (
    "title",
    "description",
    "venue",
    "organiser_note",
    "funding_note",
    "timezone",
    "starts_at",
    "ends_at",
    "languages",
    "default_language",
    "online_url",
    "logo_url",
)


def write_event(spec: dict, replace: bool) -> Event:
    """Create the event of ``spec``, or update the existing one when ``replace``; flushes.

    Refuses an existing slug without ``replace`` (409 ``event_exists``) and any replacement
    while the event is live (409 ``event_live``).
    """
    slug = spec["event"]["slug"]
    event = db.session.scalar(sa.select(Event).where(Event.slug == slug).with_for_update())
    if event is not None and not replace:
        raise Conflict(
            _(
                "An event with the slug %(slug)s exists already (replace it with --replace).",
                slug=slug,
            ),
            code="event_exists",
        )
    if event is not None and event.status == "live":
        raise Conflict(
            _("The event %(slug)s is live; replace it after it has ended.", slug=slug),
            code="event_live",
        )
    # Keys derived for rows without one were made in the language the event had until now.
    language = event.default_language if event is not None else spec["event"]["default_language"]
    # Rows are half-built while their collections are swapped: no flush until all is in place.
    with db.session.no_autoflush:
        event = write_parts(event, spec, language)
        entries, awards = write_contests(event, spec["contests"], language)
    db.session.flush()
    if event.current_item_id not in {item.id for item in event.items}:
        event.current_item_id = None
    if spec["winners"] is not None:
        write_winners(awards, entries, spec["winners"])
    return event


def write_parts(event: Event | None, spec: dict, language: str) -> Event:
    """The event's own fields, organisations, people, projects and agenda items."""
    if event is None:
        event = Event(slug=spec["event"]["slug"])
        db.session.add(event)
    for column in EVENT_COLUMNS:
        setattr(event, column, spec["event"][column])

    organisations = sync(event.organisations, spec["organisations"], Organisation, language)
    for organisation, data in zip(organisations.values(), spec["organisations"], strict=True):
        fill(organisation, data, "name", "country", "role", "website", "description")
    event.organisations = list(organisations.values())

    people = sync(event.people, spec["people"], Person, language)
    for person, data in zip(people.values(), spec["people"], strict=True):
        fill(person, data, "name", "role")
        person.organisation = organisations.get(data["organisation"])
    event.people = list(people.values())

    projects = sync(event.projects, spec["projects"], Project, language)
    for project, data in zip(projects.values(), spec["projects"], strict=True):
        fill(project, data, "title", "description", "sector", "action", "number")
        fill(project, data, "starts_on", "ends_on", "funding_note")
        project.organisations = [organisations[key] for key in data["organisations"]]
    event.projects = list(projects.values())

    items = sync(event.items, spec["items"], AgendaItem, language)
    for item, data in zip(items.values(), spec["items"], strict=True):
        fill(item, data, "kind", "title", "description", "planned_start", "planned_end")
        item.speakers = [people[key] for key in data["speakers"]]
        item.organisations = [organisations[key] for key in data["organisations"]]
    event.items = list(items.values())

    return event


def sync(rows, specs: list[dict], model, language: str) -> dict:
    """``{key: row}`` in file order: the existing row with that key, or a new one."""
    existing = dict(keyed_rows(rows, language))
    result = {}
    for position, data in enumerate(specs):
        row = existing.pop(data["key"], None) or model()
        row.key, row.position = data["key"], position
        result[data["key"]] = row
    return result


def fill(row, data: dict, *fields: str) -> None:
    for field in fields:
        setattr(row, field, data[field])


def write_contests(event: Event, specs: list[dict], language: str) -> tuple[dict, dict]:
    """Contests, entries (with authors) and awards; returns ``{key: entry}``, ``{key: award}``.

    Entry and award keys are unique across the event, so rows are matched event-wide.
    """
    all_entries = [entry for contest in event.contests for entry in contest.entries]
    all_awards = [award for contest in event.contests for award in contest.awards]
    old_entries = dict(keyed_rows(all_entries, language))
    old_awards = dict(keyed_rows(all_awards, language))
    contests = sync(event.contests, specs, Contest, language)
    entries, awards = {}, {}
    for contest, data in zip(contests.values(), specs, strict=True):
        fill(contest, data, "title", "description", "vote_mode")
        contest_entries = []
        for position, entry_data in enumerate(data["entries"]):
            entry = old_entries.pop(entry_data["key"], None) or Entry()
            entry.key, entry.position = entry_data["key"], position
            fill(entry, entry_data, "title", "description", "media_kind", "media_url")
            entry.authors = [
                EntryAuthor(position=number, name=author["name"], group=author["group"])
                for number, author in enumerate(entry_data["authors"])
            ]
            contest_entries.append(entry)
            entries[entry.key] = entry
        contest.entries = contest_entries
        contest_awards = []
        for order, award_data in enumerate(data["awards"]):
            award = old_awards.pop(award_data["key"], None) or Award()
            award.key, award.ceremony_order = award_data["key"], order
            fill(award, award_data, "kind", "rank", "title")
            contest_awards.append(award)
            awards[award.key] = award
        contest.awards = contest_awards
    event.contests = list(contests.values())
    return entries, awards


def write_winners(awards: dict, entries: dict, winners: list[dict]) -> None:
    """The secret section replaces every winner of the event's awards."""
    award_ids = [award.id for award in awards.values()]
    if award_ids:
        db.session.execute(sa.delete(AwardWinner).where(AwardWinner.award_id.in_(award_ids)))
    for winner in winners:
        award = awards[winner["award"]]
        for key in winner["entries"]:
            db.session.add(
                AwardWinner(
                    award_id=award.id, entry_id=entries[key].id, decided_by=winner["decided_by"]
                )
            )
    db.session.flush()
