"""Forms for the programme: agenda items, people, organisations, projects.

Each ``*_form(event, obj=None)`` builds the form for the event's languages and its current
people and organisations, filled from ``obj`` when editing; ``form.values()`` is what the
matching service in :mod:`conference.admin.services.programme` takes.
"""

from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DateField, DateTimeLocalField, SelectField, StringField, URLField
from wtforms.validators import URL, InputRequired, Length, Optional

from conference.admin.forms.base import AdminForm
from conference.admin.forms.fields import (
    MultiCheckboxField,
    aware_to_local,
    country_choices,
    local_to_aware,
    options,
    strip,
    texts,
    translated_field,
)
from conference.admin.templating import ITEM_KIND_NAMES, ORGANISATION_ROLE_NAMES
from conference.events.models import ITEM_KINDS
from conference.people.models import ORGANISATION_ROLES

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def optional_int(value):
    """A select's value as an id, or ``None`` for the empty choice."""
    if value in (None, "", "None"):
        return None
    return int(value)


def people_choices(event) -> list[tuple[int, str]]:
    return [(person.id, person.name) for person in event.people]


def organisation_choices(event) -> list[tuple[int, str]]:
    return [(organisation.id, organisation.name) for organisation in event.organisations]


def item_form(event, item=None) -> AdminForm:
    languages, default = event.languages, event.default_language

    class ItemForm(AdminForm):
        kind = SelectField(
            _l("Kind"), choices=options((kind, ITEM_KIND_NAMES[kind]) for kind in ITEM_KINDS)
        )
        title = translated_field(_l("Title"), languages, required_language=default)
        description = translated_field(
            _l("Description"), languages, multiline=True, max_length=5000
        )
        planned_start = DateTimeLocalField(
            _l("Planned start"),
            format=DATETIME_FORMAT,
            validators=[InputRequired()],
            description=_("The time at the event: %(zone)s.", zone=event.timezone),
        )
        planned_end = DateTimeLocalField(
            _l("Planned end"), format=DATETIME_FORMAT, validators=[InputRequired()]
        )
        speakers = MultiCheckboxField(
            _l("Speakers"), coerce=int, choices=options(people_choices(event))
        )
        organisations = MultiCheckboxField(
            _l("Organisations"), coerce=int, choices=options(organisation_choices(event))
        )

        def values(self) -> dict:
            zone = event.timezone
            return {
                "kind": self.kind.data,
                "title": texts(self.title.data),
                "description": texts(self.description.data),
                "planned_start": local_to_aware(self.planned_start.data, zone),
                "planned_end": local_to_aware(self.planned_end.data, zone),
                "speaker_ids": list(self.speakers.data),
                "organisation_ids": list(self.organisations.data),
            }

    if item is None:
        start = event.items[-1].planned_end if event.items else event.starts_at
        data = {
            "kind": "talk",
            "planned_start": aware_to_local(start, event.timezone),
            "planned_end": aware_to_local(start + timedelta(minutes=15), event.timezone),
        }
    else:
        data = {
            "kind": item.kind,
            "title": dict(item.title),
            "description": dict(item.description or {}),
            "planned_start": aware_to_local(item.planned_start, event.timezone),
            "planned_end": aware_to_local(item.planned_end, event.timezone),
            "speakers": [person.id for person in item.speakers],
            "organisations": [organisation.id for organisation in item.organisations],
        }
    return ItemForm(data=data)


def person_form(event, person=None) -> AdminForm:
    class PersonForm(AdminForm):
        name = StringField(
            _l("Name"), validators=[InputRequired(), Length(max=200)], filters=[strip]
        )
        role = translated_field(
            _l("Role or function"),
            event.languages,
            description=_l("For example: director of Daugavpils tehnikums"),
        )
        organisation = SelectField(
            _l("Organisation"),
            coerce=optional_int,
            choices=options([(None, "—"), *organisation_choices(event)]),
        )

        def values(self) -> dict:
            return {
                "name": self.name.data,
                "role": texts(self.role.data),
                "organisation_id": self.organisation.data,
            }

    data = {}
    if person is not None:
        data = {
            "name": person.name,
            "role": dict(person.role or {}),
            "organisation": person.organisation_id,
        }
    return PersonForm(data=data)


def organisation_form(event, organisation=None) -> AdminForm:
    class OrganisationForm(AdminForm):
        name = StringField(
            _l("Organisation name"), validators=[InputRequired(), Length(max=200)], filters=[strip]
        )
        country = SelectField(
            _l("Country"),
            choices=options([("", "—"), *country_choices()]),
            validators=[InputRequired()],
        )
        role = SelectField(
            _l("Role"),
            choices=options((role, ORGANISATION_ROLE_NAMES[role]) for role in ORGANISATION_ROLES),
        )
        website = URLField(
            _l("Website"), validators=[Optional(), URL(), Length(max=500)], filters=[strip]
        )
        description = translated_field(
            _l("Description"), event.languages, multiline=True, max_length=5000
        )

        def values(self) -> dict:
            return {
                "name": self.name.data,
                "country": self.country.data,
                "role": self.role.data,
                "website": self.website.data or None,
                "description": texts(self.description.data),
            }

    data = {"role": "partner"}
    if organisation is not None:
        data = {
            "name": organisation.name,
            "country": organisation.country,
            "role": organisation.role,
            "website": organisation.website,
            "description": dict(organisation.description or {}),
        }
    return OrganisationForm(data=data)


def project_form(event, project=None) -> AdminForm:
    languages, default = event.languages, event.default_language

    class ProjectForm(AdminForm):
        title = translated_field(_l("Title"), languages, required_language=default)
        action = StringField(
            _l("Action"),
            validators=[InputRequired(), Length(max=40)],
            filters=[strip],
            description=_l("For example KA101 or KA226"),
        )
        number = StringField(
            _l("Project number"),
            validators=[InputRequired(), Length(max=60)],
            filters=[strip],
            description=_l("For example 2019-1-LV01-KA101-060158"),
        )
        sector = translated_field(_l("Sector"), languages)
        starts_on = DateField(_l("Starts on"), validators=[Optional()])
        ends_on = DateField(_l("Ends on"), validators=[Optional()])
        organisations = MultiCheckboxField(
            _l("Organisations"), coerce=int, choices=options(organisation_choices(event))
        )
        description = translated_field(
            _l("Description"), languages, multiline=True, max_length=5000
        )
        funding_note = translated_field(
            _l("Funding acknowledgement"), languages, multiline=True, max_length=2000
        )

        def values(self) -> dict:
            return {
                "title": texts(self.title.data),
                "action": self.action.data,
                "number": self.number.data,
                "sector": texts(self.sector.data),
                "starts_on": self.starts_on.data,
                "ends_on": self.ends_on.data,
                "organisation_ids": list(self.organisations.data),
                "description": texts(self.description.data),
                "funding_note": texts(self.funding_note.data),
            }

    data = {}
    if project is not None:
        data = {
            "title": dict(project.title),
            "action": project.action,
            "number": project.number,
            "sector": dict(project.sector or {}),
            "starts_on": project.starts_on,
            "ends_on": project.ends_on,
            "organisations": [organisation.id for organisation in project.organisations],
            "description": dict(project.description or {}),
            "funding_note": dict(project.funding_note or {}),
        }
    return ProjectForm(data=data)
