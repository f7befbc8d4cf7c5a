"""Creating and changing events; importing and exporting them as TOML."""

from __future__ import annotations

import zoneinfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from conference.audit.log import SYSTEM, Actor, audit_values
from conference.db import db
from conference.errors import Conflict, Invalid, NotFound
from conference.events.models import DEFAULT_RETENTION_DAYS, Event
from conference.live.change import live_change, new_event_change

EVENT_TEXTS = ("title", "description", "venue", "organiser_note", "funding_note")


def event_by_slug(slug: str) -> Event:
    """The event with ``slug``; 404 otherwise (the admin pages do not set ``g.event``)."""
    event = db.session.scalar(sa.select(Event).where(Event.slug == slug))
    if event is None:
        raise NotFound(_("There is no event %(slug)s.", slug=slug), code="unknown_event")
    return event


def list_events() -> list[Event]:
    """Every event, the latest first."""
    return list(db.session.scalars(sa.select(Event).order_by(Event.starts_at.desc())))


def save_event(values: dict, event: Event | None = None, actor: Actor = SYSTEM) -> Event:
    """Create an event from ``values``, or change ``event`` (one change: audited, and what
    attendees see of it published as ``event.changed``).

    Refuses (nothing written): a slug another event has, an unknown time zone or language, a
    default language that is not one of the event's, no title in the default language, an end
    that is not after the start. Texts in languages the event does not have are dropped.
    """
    if event is None:
        _check_event(values, None)
        event = Event()
        db.session.add(event)
        _fill_event(event, values)
        db.session.flush()
        change = new_event_change(db.session, event, actor)
        change.audit("event.created", "event", event.id, event.slug, None, _event_record(event))
        db.session.commit()
        return event
    with live_change(event.slug, actor) as change:
        _check_event(values, event)
        before = _event_record(event)
        _fill_event(event, values)
        change.audit_edit("event", event.id, event.slug, before, _event_record(event))
    return event


def _fill_event(event: Event, values: dict) -> None:
    languages = values["languages"]
    for name in EVENT_TEXTS:
        chosen = {lang: text for lang, text in values[name].items() if lang in languages}
        setattr(event, name, chosen)
    for name in ("slug", "languages", "default_language", "timezone", "starts_at", "ends_at"):
        setattr(event, name, values[name])
    event.online_url = values.get("online_url")
    event.logo_url = values.get("logo_url")
    event.registration = values.get("registration", event.registration or "off")
    event.certificate_min_minutes = values.get(
        "certificate_min_minutes", event.certificate_min_minutes or 0
    )
    if "certificate_signer_name" in values:
        event.certificate_signer_name = values["certificate_signer_name"] or None
        role = values.get("certificate_signer_role") or {}
        event.certificate_signer_role = {
            lang: text for lang, text in role.items() if lang in languages and text
        } or None
    event.participants_retention_days = values.get(
        "participants_retention_days",
        event.participants_retention_days or DEFAULT_RETENTION_DAYS,
    )


def _event_record(event: Event) -> dict:
    fields = (*EVENT_TEXTS, "slug", "languages", "default_language", "timezone")
    return audit_values(
        event,
        (
            *fields,
            *("starts_at", "ends_at", "online_url", "logo_url"),
            *("registration", "certificate_min_minutes"),
            *("certificate_signer_name", "certificate_signer_role", "participants_retention_days"),
        ),
    )


def _check_event(values: dict, event: Event | None) -> None:
    taken = db.session.scalar(
        sa.select(Event.id).where(
            Event.slug == values["slug"], Event.id != (event.id if event else -1)
        )
    )
    if taken is not None:
        raise Conflict(
            _("Another event already has the short name %(slug)s.", slug=values["slug"]),
            code="slug_taken",
            field="slug",
        )
    if values["timezone"] not in zoneinfo.available_timezones():
        raise Invalid(_("Unknown time zone."), code="bad_timezone", field="timezone")
    languages = values["languages"]
    if not languages or not set(languages) <= set(current_app.config["LANGUAGES"]):
        raise Invalid(_("Choose the event's languages."), code="bad_languages", field="languages")
    if values["default_language"] not in languages:
        raise Invalid(
            _("The default language must be one of the event's languages."),
            code="bad_default_language",
            field="default_language",
        )
    if not values["title"].get(values["default_language"]):
        raise Invalid(
            _("Give the title at least in the default language."),
            code="missing_title",
            field="title",
        )
    if values["ends_at"] <= values["starts_at"]:
        raise Invalid(_("The end must be after the start."), code="bad_times", field="ends_at")


def delete_event(event: Event, values: dict, actor: Actor = SYSTEM) -> str:
    """Delete ``event`` with everything in it (programme, people, contests, votes, the live
    log, its audit log, greetings and their video files, pictures and their files); returns its
    slug. Commits.

    The event's audit log goes with it, so the deletion itself is written to the server's log
    (who, which event, how much went with it).

    Refuses (nothing deleted): a confirmation that is not the event's slug, a live event, a
    greeting upload receiving bytes at this moment.
    """
    from conference.images.storage import remove_files
    from conference.live.publish import refresh_event

    slug = event.slug
    if values["slug"] != slug:
        raise Invalid(
            _("Type %(slug)s to delete this event.", slug=slug), code="not_confirmed", field="slug"
        )
    if event.status == "live":
        raise Conflict(
            _("The event is live; end it before deleting it."), code="event_live", field="slug"
        )
    event_id, updates = event.id, event.last_seq or 0
    rehearsal = db.session.scalar(sa.select(Event).where(Event.rehearsal_of == event.id))
    pictures, greetings = discard_event(event)
    if rehearsal is not None:  # no foreign key deletes it (migration 0013)
        more, _count = discard_event(rehearsal)
        pictures += more
    db.session.commit()
    for picture in pictures:
        remove_files(picture)
    current_app.logger.warning(
        "event deleted: slug=%s id=%s by=%s live_updates=%s greetings=%s",
        slug,
        event_id,
        actor.user_id if actor.user_id is not None else actor.label,
        updates,
        greetings,
    )
    # Every process drops its cached snapshot (the event is gone from the database).
    refresh_event(slug)
    if rehearsal is not None:
        refresh_event(rehearsal.slug)
    return slug


def discard_event(event: Event) -> tuple[list[dict], int]:
    """Delete ``event`` and everything in it from the session (the caller commits, then
    removes the returned pictures' files); returns the pictures and how many greetings went.

    Refuses (``upload_busy``, nothing deleted) while a greeting upload is receiving bytes.
    """
    from conference.greetings import storage
    from conference.greetings.models import Greeting
    from conference.greetings.removal import remove_greeting
    from conference.images.services import pictures_of

    greetings = db.session.scalars(sa.select(Greeting).where(Greeting.event_id == event.id)).all()
    try:
        for greeting in greetings:
            remove_greeting(greeting)
    except storage.UploadBusy:
        raise Conflict(
            _("A partner is uploading a greeting right now; try again in a minute."),
            code="upload_busy",
            field="slug",
        ) from None
    pictures = pictures_of(event)
    db.session.delete(event)
    return pictures, len(greetings)


def import_event_file(raw: bytes, replace: bool, actor: Actor = SYSTEM) -> Event:
    """Import an uploaded event file (UTF-8 TOML); a refused file writes nothing.

    Refusals come from :func:`conference.events.exchange.import_event` (``bad_event_file`` with
    ``extra["problems"]``, each naming the field and line; ``event_exists``; ``event_live``).
    """
    from conference.events.exchange import import_event

    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid(_("The file is not UTF-8 text."), code="bad_encoding", field="file") from None
    return import_event(text, replace=replace, actor=actor)


def export_event_file(event: Event) -> str:
    """The whole event as TOML, the secret winners included (the event's organisers and admins)."""
    from conference.events.exchange import export_event

    return export_event(event.slug)
