"""The one writer of pictures: an event's logo and banner, a speaker's photo, a partner's logo.

:func:`set_picture` is one change of the event (:func:`conference.live.change.live_change`):
the picture is checked and its renditions written first (outside the lock: resizing a big
photo takes a moment), then the owner's row is changed and audited in the locked transaction;
what attendees read of the event (its logo and banner are in the API's event object) is
published as ``event.changed``. After the commit the files of the picture it replaced are
deleted; if the change is refused, the new files are. :func:`store_picture` is the first
half alone, for a writer that already holds its own transaction (the demo's import).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO

from conference.audit.log import SYSTEM, Actor
from conference.errors import Invalid, NotFound
from conference.images import storage
from conference.images.colours import parse_colour
from conference.images.errors import rejection
from conference.images.processing import ImageRejected, Shape, make_renditions
from conference.live.change import Change, live_change
from conference.people.models import Organisation, Person

SMALL = (160, 320, 640)
WIDE = (640, 1280, 1920)


@dataclass(frozen=True)
class Slot:
    """Where a picture goes: the owner's kind, its column, and the shape of its renditions."""

    owner: str  # event, person, organisation
    column: str
    shape: Shape


SLOTS = {
    "event-logo": Slot("event", "logo_image", Shape(SMALL)),
    "event-banner": Slot("event", "banner_image", Shape(WIDE)),
    "person-photo": Slot("person", "photo", Shape(SMALL, square=True)),
    "organisation-logo": Slot("organisation", "logo_image", Shape(SMALL)),
}


def store_picture(slot: str, upload: BinaryIO) -> dict:
    """Check ``upload`` and write its renditions for ``slot``; returns the picture's
    description. Raises :class:`~conference.errors.Invalid` (422, ``image_<reason>``) with a
    sentence in the request's language; nothing is stored then."""
    try:
        return make_renditions(upload, SLOTS[slot].shape, storage.images_dir(), storage.new_key())
    except ImageRejected as refused:
        raise rejection(refused.code, refused.params) from None


def owner_of(change: Change, slot: str, owner_id: int | None):
    """The row that holds the slot's picture, of this event only (else 404)."""
    kind = SLOTS[slot].owner
    if kind == "event":
        return change.event
    model = {"person": Person, "organisation": Organisation}[kind]
    row = change.session.get(model, owner_id) if owner_id is not None else None
    if row is None or row.event_id != change.event.id:
        raise NotFound(f"no such {kind}", code=f"unknown_{kind}")
    return row


def set_picture(
    slug: str,
    slot: str,
    owner_id: int | None,
    upload: BinaryIO | None,
    actor: Actor = SYSTEM,
) -> dict | None:
    """Give the owner (the event itself, or its person or organisation ``owner_id``) the
    picture ``upload`` in ``slot``, or none when ``upload`` is None. Audited as
    ``<owner>.picture`` (the slot, the old and the new key); the replaced files are deleted
    after the commit. Returns the new picture's description."""
    picture = store_picture(slot, upload) if upload is not None else None
    column = SLOTS[slot].column
    try:
        with live_change(slug, actor) as change:
            owner = owner_of(change, slot, owner_id)
            previous = getattr(owner, column)
            setattr(owner, column, picture)
            label = getattr(owner, "name", None) or slug
            change.audit(
                f"{SLOTS[slot].owner}.picture",
                SLOTS[slot].owner,
                owner.id,
                label,
                {"slot": slot, "key": previous and previous["key"]},
                {"slot": slot, "key": picture and picture["key"]},
            )
    except BaseException:
        storage.remove_files(picture)
        raise
    if previous and previous != picture:
        storage.remove_files(previous)
    return picture


def pictures_of(event) -> list[dict]:
    """Every picture the event and its people and organisations hold (to delete with it)."""
    found = [event.logo_image, event.banner_image]
    found += [person.photo for person in event.people]
    found += [organisation.logo_image for organisation in event.organisations]
    return [picture for picture in found if picture]


def save_look(
    slug: str,
    accent_colour: str | None,
    uploads: dict[str, BinaryIO | None],
    remove: tuple[str, ...] = (),
    actor: Actor = SYSTEM,
) -> None:
    """The event's look in one change: its accent colour (``#rrggbb``, or empty for none), and
    for each slot of ``uploads`` (``event-logo``, ``event-banner``) a new picture, or for each
    slot in ``remove`` none. Everything is checked before anything is written: a refused colour
    or picture changes nothing and leaves no file."""
    colour = parse_colour(accent_colour)
    stored: dict[str, dict] = {}
    replaced: list[dict] = []
    try:
        for slot, upload in uploads.items():
            if upload is not None:
                try:
                    stored[slot] = store_picture(slot, upload)
                except Invalid as refused:
                    refused.extra["field"] = SLOTS[slot].column
                    raise
        with live_change(slug, actor) as change:
            event = change.event
            before = _look(event)
            event.accent_color = colour
            for slot in SLOTS:
                if SLOTS[slot].owner != "event" or (slot not in stored and slot not in remove):
                    continue
                previous = getattr(event, SLOTS[slot].column)
                setattr(event, SLOTS[slot].column, stored.get(slot))
                if previous:
                    replaced.append(previous)
            change.audit_edit("event", event.id, slug, before, _look(event))
    except BaseException:
        for picture in stored.values():
            storage.remove_files(picture)
        raise
    for picture in replaced:
        storage.remove_files(picture)


def _look(event) -> dict:
    return {
        "accent_color": event.accent_color,
        "logo_image": event.logo_image and event.logo_image["key"],
        "banner_image": event.banner_image and event.banner_image["key"],
    }
