"""Agenda items, people, organisations and projects of an event: create, change, delete."""

from __future__ import annotations

import sqlalchemy as sa
from babel import Locale
from flask_babel import gettext as _

from conference.admin.forms.fields import NOT_COUNTRIES
from conference.admin.services.ordering import next_position
from conference.db import db
from conference.errors import Conflict, Invalid
from conference.events.models import ITEM_KINDS, AgendaItem, Project
from conference.people.models import ORGANISATION_ROLES, Organisation, Person


def save_item(event, values: dict, item: AgendaItem | None = None) -> AgendaItem:
    """Add an agenda item at the end of the programme, or change ``item``; commits.

    Refuses: an unknown kind, no title in the event's default language, an end not after the
    start, speakers or organisations of another event.
    """
    if values["kind"] not in ITEM_KINDS:
        raise Invalid(_("Unknown kind of item."), code="bad_kind", field="kind")
    require_title(event, values["title"])
    if values["planned_end"] <= values["planned_start"]:
        raise Invalid(_("The end must be after the start."), code="bad_times", field="planned_end")
    speakers = of_event(event, Person, values["speaker_ids"], "speakers")
    organisations = of_event(event, Organisation, values["organisation_ids"], "organisations")
    if item is None:
        item = AgendaItem(position=next_position(event.items))
        event.items.append(item)
    for name in ("kind", "title", "description", "planned_start", "planned_end"):
        setattr(item, name, values[name])
    item.speakers = speakers
    item.organisations = organisations
    db.session.commit()
    return item


def delete_item(item: AgendaItem) -> None:
    """Remove an agenda item; refuses the item that is on now (end it first). Commits."""
    if item.status == "live" or item.event.current_item_id == item.id:
        raise Conflict(_("This item is on now; it cannot be deleted."), code="item_live")
    db.session.delete(item)
    db.session.commit()


def save_person(event, values: dict, person: Person | None = None) -> Person:
    """Add a speaker or presenter, or change ``person``; commits."""
    organisation_id = values["organisation_id"]
    if organisation_id is not None:
        of_event(event, Organisation, [organisation_id], "organisation")
    if person is None:
        person = Person(position=next_position(event.people))
        event.people.append(person)
    person.name = values["name"]
    person.role = values["role"]
    person.organisation_id = organisation_id
    db.session.commit()
    return person


def save_organisation(event, values: dict, organisation: Organisation | None = None):
    """Add an organisation, or change ``organisation``; refuses a country code that is not
    ISO 3166-1 alpha-2 and an unknown role. Commits."""
    country = (values["country"] or "").upper()
    if not is_country(country):
        raise Invalid(
            _("%(code)s is not a country code (ISO 3166-1, like LV or DE).", code=country),
            code="bad_country",
            field="country",
        )
    if values["role"] not in ORGANISATION_ROLES:
        raise Invalid(_("Unknown role."), code="bad_role", field="role")
    if organisation is None:
        organisation = Organisation(position=next_position(event.organisations))
        event.organisations.append(organisation)
    organisation.name = values["name"]
    organisation.country = country
    organisation.role = values["role"]
    organisation.website = values["website"]
    organisation.description = values["description"]
    db.session.commit()
    return organisation


def save_project(event, values: dict, project: Project | None = None) -> Project:
    """Add a project, or change ``project``; refuses an end date before the start date."""
    require_title(event, values["title"])
    if values["starts_on"] and values["ends_on"] and values["ends_on"] < values["starts_on"]:
        raise Invalid(
            _("The end date must not be before the start date."), code="bad_dates", field="ends_on"
        )
    organisations = of_event(event, Organisation, values["organisation_ids"], "organisations")
    if project is None:
        project = Project(position=next_position(event.projects))
        event.projects.append(project)
    for name in (
        "title",
        "action",
        "number",
        "sector",
        "starts_on",
        "ends_on",
        "description",
        "funding_note",
    ):
        setattr(project, name, values[name])
    project.organisations = organisations
    db.session.commit()
    return project


def delete_part(thing) -> None:
    """Remove a person, organisation or project (links to it go with it). Commits."""
    db.session.delete(thing)
    db.session.commit()


def require_title(event, title: dict) -> None:
    if not title.get(event.default_language):
        raise Invalid(
            _("Give the title at least in the default language."),
            code="missing_title",
            field="title",
        )


def of_event(event, model, ids: list[int], field: str) -> list:
    """The rows of ``model`` with ``ids``, all of them belonging to ``event``."""
    if not ids:
        return []
    rows = list(
        db.session.scalars(sa.select(model).where(model.id.in_(ids), model.event_id == event.id))
    )
    if len(rows) != len(set(ids)):
        raise Invalid(_("Choose from this event's list."), code="not_of_event", field=field)
    order = {row_id: index for index, row_id in enumerate(ids)}
    return sorted(rows, key=lambda row: order[row.id])


def is_country(code: str) -> bool:
    """Whether ``code`` is an ISO 3166-1 alpha-2 country code (as Babel's CLDR data knows them)."""
    return (
        len(code) == 2
        and code.isalpha()
        and code not in NOT_COUNTRIES
        and code in Locale("en").territories
    )
