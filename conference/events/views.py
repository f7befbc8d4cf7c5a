"""Public pages of an event: programme, speakers, partners, projects, contest, results.

The event's home (``/events/<slug>``, the attendee's live page) and the screen view belong to
``conference.live.views``. These pages are read-only and render from the ORM objects; the
results page reads only the live log, so an award appears there only once it is revealed.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, redirect, render_template, url_for
from flask_babel import get_locale

from conference.db import db
from conference.events import formatting
from conference.events.models import Event
from conference.events.services import get_event_or_404
from conference.http_rules import absolute_url
from conference.live.models import LiveUpdate

bp = Blueprint("events", __name__)
bp.record_once(formatting.register)


@bp.get("/")
def index():
    """The only event's home, or the list of events."""
    # Rehearsals (conference.events.rehearsal) are unlisted.
    listed = sa.select(Event).where(Event.rehearsal_of.is_(None))
    events = db.session.scalars(listed.order_by(Event.starts_at)).all()
    if len(events) == 1:
        return redirect(formatting.event_path(events[0]))
    return render_template("index.html", events=events)


@bp.get("/events/<slug>/agenda")
def agenda(slug: str):
    """The programme: times, kinds, titles, speakers with their roles and organisations."""
    event = get_event_or_404(slug)
    return render_template("events/agenda.html", event=event, feed=calendar_feed(event))


def calendar_feed(event: Event) -> dict[str, str]:
    """The agenda's iCalendar addresses in the page's language: ``webcal:`` to subscribe (the
    calendar app polls it and sees every move), ``download`` for a one-time copy. Calendar
    apps send no cookie, so the language rides in ``?lang=``."""
    path = url_for("events_api.schedule_ics", slug=event.slug, lang=str(get_locale()))
    download = absolute_url(path)
    return {"webcal": "webcal:" + download.split(":", 1)[1], "download": download}


@bp.get("/events/<slug>/speakers")
def speakers(slug: str):
    event = get_event_or_404(slug)
    return render_template("events/speakers.html", event=event)


@bp.get("/events/<slug>/partners")
def partners(slug: str):
    """Organisations grouped by role: the organiser, the partners, the associated partners."""
    event = get_event_or_404(slug)
    groups = {role: [] for role in ("organiser", "partner", "associated_partner")}
    for organisation in event.organisations:
        groups.setdefault(organisation.role, []).append(organisation)
    return render_template("events/partners.html", event=event, groups=groups)


@bp.get("/events/<slug>/projects")
def projects(slug: str):
    event = get_event_or_404(slug)
    return render_template("events/projects.html", event=event)


@bp.get("/events/<slug>/contest")
def contest(slug: str):
    """The contests' entries and authors; never who won."""
    event = get_event_or_404(slug)
    return render_template("events/contest.html", event=event)


@bp.get("/events/<slug>/results")
def results(slug: str):
    """The awards revealed so far, in the order they were revealed, grouped by contest."""
    event = get_event_or_404(slug)
    revealed = db.session.scalars(
        sa.select(LiveUpdate)
        .where(LiveUpdate.event_id == event.id, LiveUpdate.type == "award.revealed")
        .order_by(LiveUpdate.seq)
    ).all()
    by_contest: dict[int, list[dict]] = {}
    for update in revealed:
        by_contest.setdefault(update.data.get("contest_id"), []).append(update.data)
    contests = [(c, by_contest.pop(c.id)) for c in event.contests if c.id in by_contest]
    contests += [(None, awards) for awards in by_contest.values()]
    return render_template("events/results.html", event=event, contests=contests)
