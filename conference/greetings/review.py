"""Moderation: approving or rejecting greetings, and the order of the greetings playlist.

The playlist is the event's approved, ready greetings in ``position`` order; the moderator
plays them during the agenda's greetings item. A greeting joins the end when approved.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from conference.audit.log import Actor
from conference.db import db, utcnow
from conference.errors import Invalid, NotFound
from conference.events.models import Event
from conference.greetings.models import Greeting
from conference.live.change import live_change
from conference.users.models import User

DECISIONS = ("approve", "reject")
MAX_REASON_CHARS = 1000


def get_greeting(greeting_id: int, event: Event | None = None) -> Greeting:
    """The greeting with ``greeting_id`` (of ``event``, when given); 404 otherwise."""
    greeting = db.session.get(Greeting, greeting_id)
    if greeting is None or (event is not None and greeting.event_id != event.id):
        raise NotFound(_("There is no greeting %(id)s.", id=greeting_id), code="greeting_not_found")
    return greeting


def review_greeting(
    greeting: Greeting, decision: str, reason: str | None, reviewer: User | None
) -> Greeting:
    """Approve (only a ``ready`` greeting) or reject (a reason is required): one change of the
    event (:func:`conference.live.change.live_change`), audited with the reviewer.

    Approving puts the greeting at the end of the playlist; rejecting takes it out. The
    reason is shown to the partner on their page. 422 for anything else, and nothing changes.
    """
    reason = (reason or "").strip() or None
    if decision not in DECISIONS:
        raise Invalid(_('The decision must be "approve" or "reject".'), code="invalid_decision")
    if reason is not None and len(reason) > MAX_REASON_CHARS:
        raise Invalid(
            _("The reason is too long: at most %(count)s characters.", count=MAX_REASON_CHARS),
            code="reason_too_long",
        )
    if decision == "reject" and reason is None:
        raise Invalid(_("Please give a reason: the partner will read it."), code="reason_required")
    greeting_id, slug = greeting.id, db.session.get(Event, greeting.event_id).slug
    with live_change(slug, Actor.of(reviewer), diff=False) as change:
        greeting = get_greeting(greeting_id, change.event)  # read again under the event's lock
        before = _review_values(greeting)
        if decision == "reject":
            greeting.review, greeting.review_reason = "rejected", reason
        else:
            if greeting.status != "ready":
                raise Invalid(
                    _("Only a processed, ready greeting can be approved."),
                    code="greeting_not_ready",
                )
            if greeting.review != "approved":
                greeting.position = _last_position(greeting.event_id) + 1
            greeting.review, greeting.review_reason = "approved", reason
        change.audit_edit(
            "greeting", greeting.id, _greeting_label(greeting), before, _review_values(greeting)
        )
    return greeting


def _review_values(greeting: Greeting) -> dict:
    return {
        "review": greeting.review,
        "review_reason": greeting.review_reason,
        "position": greeting.position,
    }


def _greeting_label(greeting: Greeting) -> str:
    return greeting.title or greeting.organisation.name


def playlist(event: Event) -> list[Greeting]:
    """The approved, ready greetings of the event, in playing order."""
    return list(
        db.session.scalars(
            sa.select(Greeting)
            .where(
                Greeting.event_id == event.id,
                Greeting.status == "ready",
                Greeting.review == "approved",
            )
            .order_by(Greeting.position, Greeting.id)
        )
    )


def all_greetings(event: Event) -> list[Greeting]:
    """Every greeting of the event: the playlist first, then the rest, newest first."""
    listed = playlist(event)
    listed_ids = {greeting.id for greeting in listed}
    others = db.session.scalars(
        sa.select(Greeting)
        .where(Greeting.event_id == event.id)
        .order_by(Greeting.created_at.desc(), Greeting.id.desc())
    )
    return listed + [greeting for greeting in others if greeting.id not in listed_ids]


def now_and_next(event: Event, order: list[Greeting]) -> tuple[Greeting | None, Greeting | None]:
    """The greeting playing now (if its time is not over) and the next one in the playlist."""
    playing = None
    state = event.greeting_playing
    if state:
        started = datetime.fromisoformat(state["started_at"].replace("Z", "+00:00"))
        if started + timedelta(seconds=state.get("duration_s") or 0) > utcnow():
            playing = next((g for g in order if g.id == state["id"]), None)
    if playing is None:
        return None, order[0] if order else None
    position = order.index(playing)
    return playing, order[position + 1] if position + 1 < len(order) else None


def move_in_playlist(greeting: Greeting, direction: str, mover: User | None = None) -> None:
    """Move an approved greeting one place ``up`` or ``down`` the playlist: one change of the
    event, audited (``greeting.moved`` with the playlist before and after).

    Positions are renumbered 1..n on the way, so gaps and ties from earlier data vanish.
    """
    if direction not in ("up", "down"):
        raise Invalid(_('The direction must be "up" or "down".'), code="invalid_direction")
    greeting_id, slug = greeting.id, db.session.get(Event, greeting.event_id).slug
    with live_change(slug, Actor.of(mover), diff=False) as change:
        greeting = get_greeting(greeting_id, change.event)
        order = playlist(change.event)
        if greeting not in order:
            raise Invalid(_("Only approved greetings are in the playlist."), code="not_in_playlist")
        before = [item.id for item in order]
        index = order.index(greeting)
        target = index - 1 if direction == "up" else index + 1
        if 0 <= target < len(order):
            order[index], order[target] = order[target], order[index]
        for position, item in enumerate(order, start=1):
            item.position = position
        after = [item.id for item in order]
        if after != before:
            change.audit(
                "greeting.moved",
                "greeting",
                greeting.id,
                _greeting_label(greeting),
                {"playlist": before},
                {"playlist": after},
            )


def _last_position(event_id: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.max(Greeting.position), 0)).where(
            Greeting.event_id == event_id, Greeting.review == "approved"
        )
    )
