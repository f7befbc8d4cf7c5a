"""JSON API of events: list, detail, and the schedule exports (iCalendar, frab/c3voc JSON, XML).

Caching: the JSON answers change live (``shift_schedule`` moves planned times, ``status``
turns to live), so they are ``no-cache`` with an ETag: clients revalidate every time and get a
cheap 304 when nothing changed. Schedule files are polled by calendar and conference apps,
which refresh rarely anyway; five minutes of staleness is fine for them.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, Response, current_app, g, jsonify, request
from flask_babel import get_locale
from sqlalchemy.orm import selectinload

from conference.db import db
from conference.events import schedule_formats
from conference.events.models import AgendaItem, Event
from conference.events.schemas import detail_loading, event_detail, event_summary
from conference.events.services import get_event_or_404

bp = Blueprint("events_api", __name__, url_prefix="/api/v1")

SCHEDULE_MAX_AGE = 300
SCHEDULE_LOADING = [selectinload(Event.items).selectinload(AgendaItem.speakers)]


def fresh_json(payload) -> Response:
    """JSON that clients must revalidate; answers 304 when their ETag still matches."""
    response = jsonify(payload)
    response.headers["Cache-Control"] = "no-cache"
    response.add_etag()
    return response.make_conditional(request)


def schedule_file(body: bytes | str, content_type: str, filename: str) -> Response:
    """A schedule export with an ETag of its bytes (304 when unchanged, compared weakly).

    Its titles follow the request's language (``?lang=``, else the language cookie, else
    ``Accept-Language``), so shared caches must keep one copy per cookie and language.
    """
    response = Response(body, content_type=content_type)
    response.headers["Cache-Control"] = f"public, max-age={SCHEDULE_MAX_AGE}"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.vary.update(("Accept-Language", "Cookie"))
    response.add_etag()
    return response.make_conditional(request)


def base_url() -> str:
    """The public address for links in exports: ``server.public_url``, else this request's."""
    return current_app.config.get("PUBLIC_URL") or request.url_root


def language() -> str:
    return str(get_locale())


def loaded_event(slug: str, options: list) -> Event:
    """The event with the parts ``options`` name fetched in a few queries; or 404."""
    query = sa.select(Event).where(Event.slug == slug).options(*options)
    event = db.session.scalar(query)
    if event is None:
        return get_event_or_404(slug)  # raises the protocol's 404 unknown_event
    g.event = event  # its default language then applies to this request
    return event


@bp.get("/events")
def list_events():
    """``[{slug, title, starts_at, ends_at, timezone, status}]``, earliest first."""
    listed = sa.select(Event).where(Event.rehearsal_of.is_(None))  # rehearsals are unlisted
    events = db.session.scalars(listed.order_by(Event.starts_at, Event.id))
    return fresh_json([event_summary(event) for event in events])


@bp.get("/events/<slug>")
def show_event(slug: str):
    """The published event (PROTOCOL.md); 404 ``unknown_event``. Never any award winner."""
    return fresh_json(event_detail(loaded_event(slug, detail_loading())))


@bp.get("/events/<slug>/schedule.ics")
def schedule_ics(slug: str):
    """The agenda as iCalendar, titles in the request's language."""
    event = loaded_event(slug, SCHEDULE_LOADING)
    body = schedule_formats.schedule_ics(event, language(), base_url())
    return schedule_file(body, "text/calendar; charset=utf-8", f"{slug}.ics")


@bp.get("/events/<slug>/schedule.json")
def schedule_json(slug: str):
    """The agenda in the frab / c3voc ``schedule.json`` format."""
    event = loaded_event(slug, SCHEDULE_LOADING)
    document = schedule_formats.schedule_json(event, language(), base_url())
    body = current_app.json.dumps(document)
    return schedule_file(body, "application/json; charset=utf-8", f"{slug}-schedule.json")


@bp.get("/events/<slug>/schedule.xml")
def schedule_xml(slug: str):
    """The agenda in frab's ``schedule.xml`` format."""
    event = loaded_event(slug, SCHEDULE_LOADING)
    body = schedule_formats.schedule_xml(event, language(), base_url())
    return schedule_file(body, "application/xml; charset=utf-8", f"{slug}-schedule.xml")
