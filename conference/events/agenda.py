"""The agenda's writers: add, change, delete an item (the admin's form, ``PATCH …/items/{id}``).

Each is one change of the event (:func:`conference.live.change.live_change`): the event row is
locked, the item checked and written, the change recorded in the audit log, and what attendees
see of it published as ``item.changed`` / ``item.removed`` / ``agenda.reordered``
(``conference.live.public_view``) after the commit. Refusals (nothing written):

- an unknown kind (``bad_kind``), no title in the event's default language
  (``missing_title``), an end not after the start (``bad_times``), speakers or organisations
  of another event (``not_of_event``): 422;
- an item of another event: 404 ``unknown_item``;
- deleting the item that is on now: 409 ``item_live`` (end it first).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from conference.audit.log import SYSTEM, Actor
from conference.db import iso
from conference.errors import Conflict, Invalid, NotFound
from conference.events.models import ITEM_KINDS, AgendaItem
from conference.events.patches import item_patch
from conference.i18n import translate
from conference.live.change import Change, live_change
from conference.people.models import Organisation, Person

# What an item's values may hold; an edit may give any of them (the API: kind, title, times).
ITEM_FIELDS = (
    "kind",
    "title",
    "description",
    "planned_start",
    "planned_end",
    "speaker_ids",
    "organisation_ids",
)


def item_record(item: AgendaItem) -> dict:
    """The item as the audit log keeps it (before -> after)."""
    return {
        "kind": item.kind,
        "title": dict(item.title or {}),
        "description": dict(item.description or {}),
        "planned_start": iso(item.planned_start),
        "planned_end": iso(item.planned_end),
        "speaker_ids": [person.id for person in item.speakers],
        "organisation_ids": [organisation.id for organisation in item.organisations],
    }


def add_item(slug: str, values: dict, actor: Actor = SYSTEM) -> AgendaItem:
    """A new item at the end of the programme; ``values`` has every field of ITEM_FIELDS."""
    with live_change(slug, actor) as change:
        item = AgendaItem(position=next_position(change.event.items), status="upcoming")
        _write(change, item, values)
        change.event.items.append(item)
        change.session.flush()
        change.audit_edit("item", item.id, _label(change, item), None, item_record(item))
    return item


def edit_item(slug: str, item_id: int, values: dict, actor: Actor = SYSTEM) -> AgendaItem:
    """Change the fields of item ``item_id`` that ``values`` gives (the others stay)."""
    with live_change(slug, actor) as change:
        return _edit(change, item_of(change, item_id), values)


def patch_item(slug: str, item_id, body, actor: Actor = SYSTEM) -> AgendaItem:
    """The API's ``PATCH …/items/{id}``: ``{title?, kind?, planned_start?, planned_end?}``."""
    with live_change(slug, actor) as change:
        item = item_of(change, item_id)
        return _edit(change, item, item_patch(body, change.event))


def _edit(change: Change, item: AgendaItem, values: dict) -> AgendaItem:
    before = item_record(item)
    _write(change, item, {**_current(item), **values})
    change.session.flush()
    change.audit_edit("item", item.id, _label(change, item), before, item_record(item))
    return item


def delete_item(slug: str, item_id: int, actor: Actor = SYSTEM) -> None:
    """Remove an agenda item; refuses the item that is on now (end it first)."""
    with live_change(slug, actor) as change:
        item = item_of(change, item_id)
        if item.status == "live" or change.event.current_item_id == item.id:
            raise Conflict(_("This item is on now; it cannot be deleted."), code="item_live")
        change.audit("item.deleted", "item", item.id, _label(change, item), item_record(item))
        change.session.delete(item)


def item_of(change: Change, item_id) -> AgendaItem:
    """Item ``item_id`` of the locked event, or 404 ``unknown_item``."""
    item = change.session.get(AgendaItem, item_id) if isinstance(item_id, int) else None
    if item is None or item.event_id != change.event.id:
        raise NotFound(_("This event has no item %(id)s.", id=item_id), code="unknown_item")
    return item


def _current(item: AgendaItem) -> dict:
    return {
        "kind": item.kind,
        "title": item.title,
        "description": item.description,
        "planned_start": item.planned_start,
        "planned_end": item.planned_end,
        "speaker_ids": [person.id for person in item.speakers],
        "organisation_ids": [organisation.id for organisation in item.organisations],
    }


def _write(change: Change, item: AgendaItem, values: dict) -> None:
    event = change.event
    if values["kind"] not in ITEM_KINDS:
        raise Invalid(_("Unknown kind of item."), code="bad_kind", field="kind")
    require_title(event, values["title"])
    if values["planned_end"] <= values["planned_start"]:
        raise Invalid(_("The end must be after the start."), code="bad_times", field="planned_end")
    speakers = of_event(change.session, event, Person, values["speaker_ids"], "speakers")
    organisations = of_event(
        change.session, event, Organisation, values["organisation_ids"], "organisations"
    )
    for name in ("kind", "title", "description", "planned_start", "planned_end"):
        setattr(item, name, values[name])
    item.speakers = speakers
    item.organisations = organisations


def _label(change: Change, item: AgendaItem) -> str:
    return translate(item.title, fallback=change.event.default_language)


def next_position(siblings, attribute: str = "position") -> int:
    """The position after the last of ``siblings``."""
    return max((getattr(sibling, attribute) for sibling in siblings), default=-1) + 1


def require_title(event, title: dict) -> None:
    """A title needs at least the event's default language (422 ``missing_title``)."""
    if not (title or {}).get(event.default_language):
        raise Invalid(
            _("Give the title at least in the default language."),
            code="missing_title",
            field="title",
        )


def of_event(session, event, model, ids: list[int], field: str) -> list:
    """The rows of ``model`` with ``ids``, all of them belonging to ``event``."""
    if not ids:
        return []
    rows = list(
        session.scalars(sa.select(model).where(model.id.in_(ids), model.event_id == event.id))
    )
    if len(rows) != len(set(ids)):
        raise Invalid(_("Choose from this event's list."), code="not_of_event", field=field)
    order = {row_id: index for index, row_id in enumerate(ids)}
    return sorted(rows, key=lambda row: order[row.id])
