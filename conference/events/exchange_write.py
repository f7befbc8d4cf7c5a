"""Writing checked event data (from ``exchange_read``) into the database.

A new slug makes a new event. With ``--replace`` the existing event is updated in place (its
row, live state, live log and ``seq`` stay), matched part by part through the keys: a part
whose key stays keeps its database id, so partner invites, uploaded greetings, jury scores,
votes and the live state of items that hang on it survive the import; parts no longer in the
file are deleted. A replacement honours the rules every other writer does
(:func:`check_replacement`), also while the event is live. The caller's change
(``conference.live.change``) commits, audits and publishes what attendees see of it.
"""

from __future__ import annotations

from flask_babel import gettext as _

from conference.audience.exchange import write_audience
from conference.awards import winners
from conference.awards.models import Award, Contest, Entry, EntryAuthor
from conference.db import db
from conference.errors import Conflict
from conference.events.exchange_keys import keyed_rows
from conference.events.models import AgendaItem, Event, Project
from conference.participants.exchange import write_participants
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
    "accent_color",
    "registration",
    "certificate_min_minutes",
    "certificate_signer_name",
    "certificate_signer_role",
    "participants_retention_days",
)


def write_event(spec: dict, event: Event | None, change_for) -> Event:
    """Create the event of ``spec`` (``event`` None), or update ``event`` in place; flushes.

    ``change_for(event)`` gives the :class:`~conference.live.change.Change` to write winners
    and audit entries in (the replacement's own, or a new event's).
    """
    # Keys derived for rows without one were made in the language the event had until now.
    language = event.default_language if event is not None else spec["event"]["default_language"]
    if event is not None:
        check_replacement(event, spec, language)
    # Rows are half-built while their collections are swapped: no flush until all is in place.
    with db.session.no_autoflush:
        event = write_parts(event, spec, language)
        entries, awards = write_contests(event, spec["contests"], language)
    db.session.flush()
    write_audience(db.session, event, spec)
    write_participants(db.session, event, spec.get("participants"))
    change = change_for(event)
    if spec["winners"] is not None:
        write_winners(change, awards, entries, spec["winners"])
    return event


def check_replacement(event: Event, spec: dict, language: str) -> None:
    """Refuse (nothing written) what no writer may do to the event as it stands: remove the
    item that is on now, remove or rename a revealed award, remove a contest with a revealed
    award or an open vote, remove an entry that won a revealed award or whose vote is open,
    change who may vote while the vote is open."""
    item_keys = {item["key"] for item in spec["items"]}
    for key, item in keyed_rows(event.items, language):
        if key not in item_keys and (item.status == "live" or event.current_item_id == item.id):
            raise Conflict(
                _("The item “%(key)s” is on now; it cannot be removed.", key=key),
                code="item_live",
            )
    contests = {data["key"]: data for data in spec["contests"]}
    for key, contest in keyed_rows(event.contests, language):
        if key not in contests:
            winners.check_contest_removal(contest)
        elif contest.vote_status == "open" and contests[key]["vote_mode"] != contest.vote_mode:
            raise Conflict(
                _("The vote is open; close it before changing who may vote."), code="vote_open"
            )
    entry_keys = {entry["key"] for data in spec["contests"] for entry in data["entries"]}
    awards = {award["key"]: award for data in spec["contests"] for award in data["awards"]}
    all_entries = [entry for contest in event.contests for entry in contest.entries]
    for key, entry in keyed_rows(all_entries, language):
        if key not in entry_keys:
            winners.check_entry_removal(db.session, entry)
    all_awards = [award for contest in event.contests for award in contest.awards]
    for key, award in keyed_rows(all_awards, language):
        if key not in awards:
            winners.check_award_removal(award)
        else:
            data = awards[key]
            winners.check_award_edit(award, data["kind"], data["rank"], data["title"])


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


def write_winners(change, awards: dict, entries: dict, specs: list[dict]) -> None:
    """The secret section gives every winner of the event's awards: each award gets exactly
    the entries it lists (none when it is not listed), through the one writer of winners."""
    listed = {spec["award"]: spec for spec in specs}
    for key, award in awards.items():
        spec = listed.get(key)
        entry_ids = [entries[entry].id for entry in spec["entries"]] if spec else []
        decided_by = spec["decided_by"] if spec else "admin"
        winners.set_winners(change, award, entry_ids, decided_by)
