"""Agenda items, people, organisations and projects of an event: create, change, delete.

Every function is one change of the event (:func:`conference.live.change.live_change`): the
event row locked, the write, its audit entry and the updates attendees must see, committed
together and then published. Agenda items belong to :mod:`conference.events.agenda`, which the
JSON API uses too; the functions here adapt the admin's form values to it.
"""

from __future__ import annotations

from babel import Locale
from flask_babel import gettext as _

from conference.admin.forms.fields import NOT_COUNTRIES
from conference.audit.log import SYSTEM, Actor, audit_values
from conference.errors import Invalid
from conference.events import agenda
from conference.events.agenda import next_position, of_event, require_title
from conference.events.models import AgendaItem, Project
from conference.images.storage import remove_files
from conference.live.change import live_change
from conference.people.models import ORGANISATION_ROLES, Organisation, Person

__all__ = ["require_title"]

PERSON_FIELDS = ("name", "role", "organisation_id")
ORGANISATION_FIELDS = ("name", "country", "role", "website", "description")
PROJECT_FIELDS = (
    "title",
    "action",
    "number",
    "sector",
    "starts_on",
    "ends_on",
    "description",
    "funding_note",
)


def save_item(event, values: dict, item: AgendaItem | None = None, actor: Actor = SYSTEM):
    """Add an agenda item at the end of the programme, or change ``item`` (see
    :mod:`conference.events.agenda` for what is refused)."""
    if item is None:
        return agenda.add_item(event.slug, values, actor)
    return agenda.edit_item(event.slug, item.id, values, actor)


def delete_item(item: AgendaItem, actor: Actor = SYSTEM) -> None:
    """Remove an agenda item; refuses the item that is on now (end it first)."""
    agenda.delete_item(item.event.slug, item.id, actor)


def save_person(event, values: dict, person: Person | None = None, actor: Actor = SYSTEM):
    """Add a speaker or presenter, or change ``person``."""
    with live_change(event.slug, actor) as change:
        organisation_id = values["organisation_id"]
        if organisation_id is not None:
            of_event(change.session, event, Organisation, [organisation_id], "organisation")
        before = None if person is None else audit_values(person, PERSON_FIELDS)
        if person is None:
            person = Person(position=next_position(event.people))
            event.people.append(person)
        person.name = values["name"]
        person.role = values["role"]
        person.organisation_id = organisation_id
        change.session.flush()
        after = audit_values(person, PERSON_FIELDS)
        change.audit_edit("person", person.id, person.name, before, after)
    return person


def save_organisation(
    event, values: dict, organisation: Organisation | None = None, actor: Actor = SYSTEM
):
    """Add an organisation, or change ``organisation``; refuses a country code that is not
    ISO 3166-1 alpha-2 and an unknown role."""
    with live_change(event.slug, actor) as change:
        country = (values["country"] or "").upper()
        if not is_country(country):
            raise Invalid(
                _("%(code)s is not a country code (ISO 3166-1, like LV or DE).", code=country),
                code="bad_country",
                field="country",
            )
        if values["role"] not in ORGANISATION_ROLES:
            raise Invalid(_("Unknown role."), code="bad_role", field="role")
        before = None
        if organisation is None:
            organisation = Organisation(position=next_position(event.organisations))
            event.organisations.append(organisation)
        else:
            before = audit_values(organisation, ORGANISATION_FIELDS)
        organisation.name = values["name"]
        organisation.country = country
        organisation.role = values["role"]
        organisation.website = values["website"]
        organisation.description = values["description"]
        change.session.flush()
        after = audit_values(organisation, ORGANISATION_FIELDS)
        change.audit_edit("organisation", organisation.id, organisation.name, before, after)
    return organisation


def save_project(event, values: dict, project: Project | None = None, actor: Actor = SYSTEM):
    """Add a project, or change ``project``; refuses an end date before the start date."""
    with live_change(event.slug, actor) as change:
        require_title(event, values["title"])
        if values["starts_on"] and values["ends_on"] and values["ends_on"] < values["starts_on"]:
            raise Invalid(
                _("The end date must not be before the start date."),
                code="bad_dates",
                field="ends_on",
            )
        organisations = of_event(
            change.session, event, Organisation, values["organisation_ids"], "organisations"
        )
        before = None
        if project is None:
            project = Project(position=next_position(event.projects))
            event.projects.append(project)
        else:
            before = {**audit_values(project, PROJECT_FIELDS), "organisation_ids": _ids(project)}
        for name in PROJECT_FIELDS:
            setattr(project, name, values[name])
        project.organisations = organisations
        change.session.flush()
        after = {**audit_values(project, PROJECT_FIELDS), "organisation_ids": _ids(project)}
        label = project.title.get(event.default_language) or project.number
        change.audit_edit("project", project.id, label, before, after)
    return project


def _ids(project: Project) -> list[int]:
    return [organisation.id for organisation in project.organisations]


def delete_part(thing, actor: Actor = SYSTEM) -> None:
    """Remove a person, organisation or project (links to it go with it, and the files of its
    picture once the change has committed)."""
    kind = {Person: "person", Organisation: "organisation", Project: "project"}[type(thing)]
    picture = getattr(thing, "photo", None) or getattr(thing, "logo_image", None)
    with live_change(thing.event.slug, actor) as change:
        label = getattr(thing, "name", None) or (thing.title or {}).get(
            change.event.default_language
        )
        change.audit(f"{kind}.deleted", kind, thing.id, label)
        change.session.delete(thing)
    remove_files(picture)  # after the commit: a refused deletion keeps its picture


def is_country(code: str) -> bool:
    """Whether ``code`` is an ISO 3166-1 alpha-2 country code (as Babel's CLDR data knows them)."""
    return (
        len(code) == 2
        and code.isalpha()
        and code not in NOT_COUNTRIES
        and code in Locale("en").territories
    )
