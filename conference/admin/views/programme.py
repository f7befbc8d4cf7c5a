"""The programme's parts: agenda items, people, organisations, projects."""

from __future__ import annotations

from flask_babel import gettext as _

from conference.admin.forms.programme import item_form, organisation_form, person_form, project_form
from conference.admin.services import programme as services
from conference.admin.views.parts import Part, register, title_in
from conference.events.models import AgendaItem, Project
from conference.people.models import Organisation, Person

PARTS = [
    Part(
        name="items",
        model=AgendaItem,
        siblings=lambda event: event.items,
        form=item_form,
        save=services.save_item,
        delete=services.delete_item,
        list_title=lambda: _("Agenda"),
        new_title=lambda: _("New agenda item"),
        edit_title=lambda: _("Agenda item"),
        label=lambda event, item: title_in(event, item.title),
    ),
    Part(
        name="people",
        model=Person,
        siblings=lambda event: event.people,
        form=person_form,
        save=services.save_person,
        delete=services.delete_part,
        list_title=lambda: _("People"),
        new_title=lambda: _("New person"),
        edit_title=lambda: _("Person"),
        label=lambda event, person: person.name,
    ),
    Part(
        name="organisations",
        model=Organisation,
        siblings=lambda event: event.organisations,
        form=organisation_form,
        save=services.save_organisation,
        delete=services.delete_part,
        list_title=lambda: _("Organisations"),
        new_title=lambda: _("New organisation"),
        edit_title=lambda: _("Organisation"),
        label=lambda event, organisation: organisation.name,
    ),
    Part(
        name="projects",
        model=Project,
        siblings=lambda event: event.projects,
        form=project_form,
        save=services.save_project,
        delete=services.delete_part,
        list_title=lambda: _("Projects"),
        new_title=lambda: _("New project"),
        edit_title=lambda: _("Project"),
        label=lambda event, project: title_in(event, project.title),
    ),
]

for part in PARTS:
    register(part)

PEOPLE, ORGANISATIONS = PARTS[1], PARTS[2]
