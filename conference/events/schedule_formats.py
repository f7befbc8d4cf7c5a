"""The agenda in the formats that calendar and conference apps read.

- iCalendar (RFC 5545), for calendar apps: one VEVENT per agenda item, times in UTC.
- frab / c3voc ``schedule.json`` and ``schedule.xml``, for Giggity, EventFahrplan, ConfClerk
  and the c3voc tools; both validate against the schemas in ``tests/events/formats/``.

Texts are in the request's language (falling back to the event's default language); times
are the planned ones, so a ``shift_schedule`` shows up at the next refresh.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections import defaultdict
from datetime import UTC, datetime, time, timedelta
from importlib.metadata import PackageNotFoundError, version
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from icalendar import Calendar
from icalendar import Event as CalendarEvent
from lxml import etree

from conference.events.exchange_keys import ascii_slug
from conference.events.models import AgendaItem, Event
from conference.i18n import translate

GUID_NAMESPACE = uuid.UUID("6f0c3c3e-2b1a-5d0e-9a51-6c6f6e666572")


def generator_version() -> str:
    try:
        return version("conference")
    except PackageNotFoundError:
        return "0"


def acronym(event: Event) -> str:
    """The slug in the form the c3voc schema accepts (``daugavpils-2021`` -> ``daugavpils_2021``)."""
    return event.slug.replace("-", "_").ljust(4, "_")


def guid(event: Event, kind: str, row_id: int) -> str:
    """A stable UUID per item or person, the same on every export."""
    return str(uuid.uuid5(GUID_NAMESPACE, f"{event.slug}/{kind}/{row_id}"))


def item_url(base_url: str, event: Event, item: AgendaItem) -> str:
    return f"{base_url.rstrip('/')}/events/{event.slug}/agenda#item-{item.id}"


def hours_minutes(span: timedelta) -> str:
    minutes = max(int(span.total_seconds() // 60), 0)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def room_name(event: Event, lang: str) -> str:
    return translate(event.venue, lang, event.default_language) or _("Main room")


def schedule_days(event: Event, lang: str, base_url: str) -> list[dict]:
    """The agenda grouped by local day, each item in the c3voc event shape."""
    zone = ZoneInfo(event.timezone)
    room = room_name(event, lang)
    code = acronym(event)
    by_day: dict = defaultdict(list)
    first, last = event.starts_at.astimezone(zone).date(), event.ends_at.astimezone(zone).date()
    day = first
    while day <= last:
        by_day[day]
        day += timedelta(days=1)
    for item in event.items:
        start = item.planned_start.astimezone(zone)
        title = translate(item.title, lang, event.default_language)
        by_day[start.date()].append(
            {
                "guid": guid(event, "item", item.id),
                "id": item.id,
                "date": start.isoformat(),
                "start": start.strftime("%H:%M"),
                "end": item.planned_end.astimezone(zone).isoformat(),
                "duration": hours_minutes(item.planned_end - item.planned_start),
                "room": room,
                "slug": f"{code}-{item.id}-{ascii_slug(title) or 'item'}",
                "url": item_url(base_url, event, item),
                "title": title,
                "subtitle": "",
                "track": None,
                "type": item.kind,
                "language": event.default_language,
                "abstract": translate(item.description, lang, event.default_language),
                "description": None,
                "persons": [
                    {
                        "name": person.name,
                        "public_name": person.name,
                        "guid": guid(event, "person", person.id),
                        "biography": translate(person.role, lang, event.default_language) or None,
                    }
                    for person in item.speakers
                ],
                "links": [],
            }
        )
    days = []
    for index, day in enumerate(sorted(by_day), start=1):
        starts = [datetime.fromisoformat(talk["date"]) for talk in by_day[day]]
        ends = [datetime.fromisoformat(talk["end"]) for talk in by_day[day]]
        day_start = event.starts_at.astimezone(zone) if day == first else None
        day_end = event.ends_at.astimezone(zone) if day == last else None
        midnight = datetime.combine(day, time(0), tzinfo=zone)
        day_start = min([day_start or midnight, *starts])
        day_end = max([day_end or midnight + timedelta(days=1), *ends])
        days.append(
            {
                "index": index,
                "date": day.isoformat(),
                "day_start": day_start.isoformat(),
                "day_end": day_end.isoformat(),
                "rooms": {room: by_day[day]},
            }
        )
    return days


def schedule_json(event: Event, lang: str, base_url: str) -> dict:
    """The c3voc ``schedule.json`` document."""
    zone = ZoneInfo(event.timezone)
    days = schedule_days(event, lang, base_url)
    room = room_name(event, lang)
    digest = hashlib.sha256(json.dumps(days, sort_keys=True).encode()).hexdigest()[:12]
    return {
        "$schema": "https://c3voc.de/schedule/schema.json",
        "generator": {"name": "conference", "version": generator_version()},
        "schedule": {
            "version": digest,
            "base_url": base_url.rstrip("/") + "/",
            "conference": {
                "acronym": acronym(event),
                "title": translate(event.title, lang, event.default_language),
                "description": translate(event.description, lang, event.default_language),
                "start": event.starts_at.astimezone(zone).date().isoformat(),
                "end": event.ends_at.astimezone(zone).date().isoformat(),
                "daysCount": len(days),
                "timeslot_duration": "00:05",
                "time_zone_name": event.timezone,
                "url": f"{base_url.rstrip('/')}/events/{event.slug}",
                "rooms": [{"name": room, "guid": guid(event, "room", 1)}],
                "days": days,
            },
        },
    }


def schedule_xml(event: Event, lang: str, base_url: str) -> bytes:
    """frab's ``schedule.xml``, from the same data as :func:`schedule_json`."""
    document = schedule_json(event, lang, base_url)
    conference = document["schedule"]["conference"]
    root = etree.Element("schedule")
    etree.SubElement(root, "generator", name="conference", version=generator_version())
    etree.SubElement(root, "version").text = document["schedule"]["version"]
    head = etree.SubElement(root, "conference")
    for name in ("title", "acronym", "start", "end"):
        etree.SubElement(head, name).text = conference[name]
    etree.SubElement(head, "days").text = str(conference["daysCount"])
    for name in ("timeslot_duration", "url", "time_zone_name"):
        etree.SubElement(head, name).text = conference[name]
    for day in conference["days"]:
        day_element = etree.SubElement(
            root,
            "day",
            index=str(day["index"]),
            date=day["date"],
            start=day["day_start"],
            end=day["day_end"],
        )
        for room, talks in day["rooms"].items():
            room_element = etree.SubElement(
                day_element, "room", name=room, guid=conference["rooms"][0]["guid"]
            )
            for talk in talks:
                room_element.append(talk_element(talk))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def talk_element(talk: dict):
    element = etree.Element("event", id=str(talk["id"]), guid=talk["guid"])
    for name in ("room", "title", "subtitle", "type", "date", "start", "duration", "abstract"):
        etree.SubElement(element, name).text = talk[name] or ""
    etree.SubElement(element, "slug").text = talk["slug"]
    etree.SubElement(element, "track").text = talk["track"] or ""
    persons = etree.SubElement(element, "persons")
    for number, person in enumerate(talk["persons"], start=1):
        etree.SubElement(persons, "person", id=str(number), guid=person["guid"]).text = person[
            "name"
        ]
    etree.SubElement(element, "language").text = talk["language"]
    etree.SubElement(element, "links")
    etree.SubElement(element, "url").text = talk["url"]
    return element


def schedule_ics(event: Event, lang: str, base_url: str) -> bytes:
    """An iCalendar (RFC 5545) with one VEVENT per agenda item, times in UTC.

    Nothing in it follows the clock, so the same agenda gives the same bytes (and ETag): each
    item's ``SEQUENCE`` and ``LAST-MODIFIED`` count and date the changes of its planned times,
    so calendar apps replace their copy of a moved item; ``DTSTAMP`` is the latest of those.
    """
    calendar = Calendar()
    calendar.add("prodid", "-//conference//event schedule//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", translate(event.title, lang, event.default_language))
    calendar.add("x-wr-timezone", event.timezone)
    revised = {item.id: _revised_at(event, item) for item in event.items}
    stamp = max(revised.values(), default=_revised_at(event, None))
    location = translate(event.venue, lang, event.default_language) or event.online_url
    for item in event.items:
        entry = CalendarEvent()
        entry.add("uid", guid(event, "item", item.id))
        entry.add("dtstamp", stamp)
        entry.add("last-modified", revised[item.id])
        entry.add("sequence", item.times_revision or 0)
        entry.add("dtstart", item.planned_start.astimezone(UTC))
        entry.add("dtend", item.planned_end.astimezone(UTC))
        entry.add("summary", translate(item.title, lang, event.default_language))
        entry.add("description", item_description(event, item, lang))
        if location:
            entry.add("location", location)
        entry.add("url", item_url(base_url, event, item))
        entry.add("categories", [item.kind])
        calendar.add_component(entry)
    return calendar.to_ical()


def _revised_at(event: Event, item: AgendaItem | None):
    """When the item's times last changed (UTC, whole seconds); the event's start if unknown."""
    moment = (item.times_revised_at if item is not None else None) or event.starts_at
    return moment.astimezone(UTC).replace(microsecond=0)


def item_description(event: Event, item: AgendaItem, lang: str) -> str:
    """The item's description, its speakers (name, role) and the online link."""
    parts = [translate(item.description, lang, event.default_language)]
    for person in item.speakers:
        role = translate(person.role, lang, event.default_language)
        parts.append(f"{person.name}, {role}" if role else person.name)
    if event.online_url:
        parts.append(event.online_url)
    return "\n".join(part for part in parts if part)
