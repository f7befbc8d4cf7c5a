"""The protocol's JSON shapes of an event and its parts (PROTOCOL.md, "HTTP JSON API").

Pages, the live snapshot and the schedule exports reuse these functions, so every answer that
shows an item, a speaker or a contest shows it the same way. Nothing here reads
:class:`~conference.awards.models.AwardWinner`, ``JuryScore`` or ``Vote``: who won stays secret
until a reveal copies it into the live log.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import selectinload

from conference.awards.models import Award, Contest, Entry, EntryAuthor
from conference.db import iso
from conference.events.models import AgendaItem, Event, Project
from conference.images.storage import url as picture_url
from conference.people.models import Organisation, Person


def detail_loading() -> list:
    """Loader options that fetch everything :func:`event_detail` reads in a few queries."""
    return [
        selectinload(Event.items).selectinload(AgendaItem.speakers),
        selectinload(Event.items).selectinload(AgendaItem.organisations),
        selectinload(Event.people),
        selectinload(Event.organisations),
        selectinload(Event.projects).selectinload(Project.organisations),
        selectinload(Event.contests).selectinload(Contest.entries).selectinload(Entry.authors),
        selectinload(Event.contests).selectinload(Contest.awards),
    ]


def translated(texts: dict[str, str] | None) -> dict[str, str]:
    """A translatable text as the protocol wants it: missing languages absent, never ``""``."""
    return {lang: text for lang, text in (texts or {}).items() if text}


def iso_date(day: date | None) -> str | None:
    """``YYYY-MM-DD``, or None."""
    return None if day is None else day.isoformat()


def item_json(item: AgendaItem) -> dict:
    """``{id, kind, title, planned_start, planned_end, speaker_ids, organisation_ids}``."""
    return {
        "id": item.id,
        "kind": item.kind,
        "title": translated(item.title),
        "planned_start": iso(item.planned_start),
        "planned_end": iso(item.planned_end),
        "speaker_ids": [person.id for person in item.speakers],
        "organisation_ids": [organisation.id for organisation in item.organisations],
    }


def speaker_json(person: Person) -> dict:
    """``{id, name, role, organisation_id}`` with ``role`` translatable."""
    return {
        "id": person.id,
        "name": person.name,
        "role": translated(person.role),
        "organisation_id": person.organisation_id,
        "photo": picture_url(person.photo),
    }


def organisation_json(organisation: Organisation) -> dict:
    """``{id, name, country, role, website}``; ``country`` is ISO 3166-1 alpha-2."""
    return {
        "id": organisation.id,
        "name": organisation.name,
        "country": organisation.country,
        "role": organisation.role,
        "website": organisation.website,
        "logo": picture_url(organisation.logo_image),
    }


def project_json(project: Project) -> dict:
    """``{id, title, action, number, starts_on, ends_on, organisation_ids}``."""
    return {
        "id": project.id,
        "title": translated(project.title),
        "action": project.action,
        "number": project.number,
        "starts_on": iso_date(project.starts_on),
        "ends_on": iso_date(project.ends_on),
        "organisation_ids": [organisation.id for organisation in project.organisations],
    }


def author_json(author: EntryAuthor) -> dict:
    """``{name, group}``; ``group`` is a class code such as ``LMT-21``, or null."""
    return {"name": author.name, "group": author.group}


def entry_json(entry: Entry) -> dict:
    """``{id, title, authors: [{name, group}]}``."""
    return {
        "id": entry.id,
        "title": translated(entry.title),
        "authors": [author_json(author) for author in entry.authors],
    }


def award_json(award: Award) -> dict:
    """``{id, title, kind, rank}``: what the award is, never who won it."""
    return {
        "id": award.id,
        "title": translated(award.title),
        "kind": award.kind,
        "rank": award.rank if award.kind == "place" else None,
    }


def contest_json(contest: Contest) -> dict:
    """``{id, title, entries, awards}``, awards in ceremony order, without any winner."""
    return {
        "id": contest.id,
        "title": translated(contest.title),
        "entries": [entry_json(entry) for entry in contest.entries],
        "awards": [award_json(award) for award in contest.awards],
    }


def event_summary(event: Event) -> dict:
    """``{slug, title, starts_at, ends_at, timezone, status}`` for the list of events."""
    return {
        "slug": event.slug,
        "title": translated(event.title),
        "starts_at": iso(event.starts_at),
        "ends_at": iso(event.ends_at),
        "timezone": event.timezone,
        "status": event.status,
    }


def event_fields(event: Event) -> dict:
    """The event's own fields as the API shows them (also the data of ``event.changed``)."""
    return {
        "slug": event.slug,
        "title": translated(event.title),
        "description": translated(event.description),
        "timezone": event.timezone,
        "starts_at": iso(event.starts_at),
        "ends_at": iso(event.ends_at),
        "languages": list(event.languages),
        "default_language": event.default_language,
        "online_url": event.online_url,
        "logo": picture_url(event.logo_image) or event.logo_url,
        "banner": picture_url(event.banner_image),
        "accent_color": event.accent_color,
        # 1.1 (conference.participants): attendees see whether the live page offers or asks
        # for registration, so a change of it is an event.changed like the title's.
        "registration": event.registration,
        "certificate_min_minutes": event.certificate_min_minutes,
    }


def event_detail(event: Event) -> dict:
    """The whole published event: programme, people, organisations, projects, contests."""
    return {
        **event_fields(event),
        "agenda": [item_json(item) for item in event.items],
        "speakers": [speaker_json(person) for person in event.people],
        "organisations": [organisation_json(org) for org in event.organisations],
        "projects": [project_json(project) for project in event.projects],
        "contests": [contest_json(contest) for contest in event.contests],
        **audience_fields(event),
    }


def audience_fields(event: Event) -> dict:
    """(1.1) ``questions`` (off, open, moderated) and the ``polls`` (conference.audience)."""
    from conference.audience.polls import event_polls, poll_json
    from conference.audience.questions import questions_mode
    from conference.db import db

    session = db.session
    return {
        "questions": questions_mode(session, event),
        "polls": [poll_json(session, poll) for poll in event_polls(session, event)],
    }
