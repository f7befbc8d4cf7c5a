"""Who may act on which event: the one answer every page, API route and handler asks.

PROTOCOL 1.1, "Roles": ``admin`` is global (every event, the users, the settings). Every other
role is held per event (:class:`~conference.users.models.EventRole`, changed only through
:mod:`conference.users.team`):

============  =====================================================================
role held     may act in that event as
============  =====================================================================
organiser     organiser, moderator (edits the event, its team, audit log, export)
moderator     moderator (console, commands, greetings review, ceremony, tallies)
jury          jury (scores the entries)
============  =====================================================================

An admin may act as organiser and moderator in every event; scoring stays personal, so an
admin (or organiser) scores only if they also hold ``jury`` there. A user without a role in
the event is refused with 403, as if the event were someone else's; nobody signed in: 401 on
the API (``WWW-Authenticate: Bearer``), the sign-in page for pages.

:func:`may_in` is the rule; :func:`event_role_required` (pages) and
:func:`require_api_event_role` (API) apply it to a request.
"""

from __future__ import annotations

import functools

import sqlalchemy as sa
from flask import redirect, request, url_for
from flask_babel import gettext as _

from conference.db import db
from conference.errors import Forbidden, Unauthorized
from conference.events.models import Event
from conference.events.services import get_event_or_404
from conference.users.auth import api_user, session_user
from conference.users.models import EventRole, User

# What holding a role in an event lets a user act as, in that event.
REACHES = {
    "organiser": ("organiser", "moderator"),
    "moderator": ("moderator",),
    "jury": ("jury",),
}
# What an admin acts as in every event without holding a role there.
ADMIN_REACHES = ("organiser", "moderator")


def held_role(user: User | None, event: Event) -> str | None:
    """The role ``user`` holds in ``event`` (organiser, moderator, jury), if any."""
    if user is None:
        return None
    return db.session.scalar(
        sa.select(EventRole.role).where(
            EventRole.user_id == user.id, EventRole.event_id == event.id
        )
    )


def may_in(user: User | None, event: Event, role: str) -> bool:
    """Whether ``user`` may act with ``role`` (organiser, moderator, jury) on ``event``."""
    if user is None or not user.active:
        return False
    if user.is_admin and role in ADMIN_REACHES:
        return True
    return role in REACHES.get(held_role(user, event) or "", ())


def events_where(user: User | None, role: str) -> list[Event]:
    """The events in which ``user`` may act with ``role``, latest first (one query)."""
    if user is None or not user.active:
        return []
    query = sa.select(Event).order_by(Event.starts_at.desc(), Event.id)
    if not (user.is_admin and role in ADMIN_REACHES):
        holding = [held for held, reaches in REACHES.items() if role in reaches]
        query = query.join(EventRole, EventRole.event_id == Event.id).where(
            EventRole.user_id == user.id, EventRole.role.in_(holding)
        )
    return list(db.session.scalars(query))


def refuse() -> Forbidden:
    return Forbidden(_("You are not allowed to do that."))


def event_role_required(role: str):
    """Page decorator for ``…/<slug>…`` views: the sign-in page when signed out, 404 for an
    unknown event, 403 when the user may not act with ``role`` on it."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            user = session_user()
            if user is None:
                return redirect(url_for("users.login", next=request.full_path.rstrip("?")))
            if not may_in(user, get_event_or_404(kwargs["slug"]), role):
                raise refuse()
            return view(*args, **kwargs)

        return wrapped

    return decorator


def require_api_user() -> User:
    """The API request's user (bearer token, or session with CSRF); 401 without credentials."""
    user = api_user()
    if user is None:
        raise Unauthorized(_("Please sign in first."))
    return user


def require_api_event_role(slug: str, role: str) -> tuple[User, Event]:
    """The API user and the event ``slug``, if they may act with ``role`` on it: 401 without
    credentials, 404 for an unknown event, 403 otherwise."""
    user = require_api_user()
    event = get_event_or_404(slug)
    require_role(user, event, role)
    return user, event


def require_role(user: User | None, event: Event, role: str) -> None:
    """403 unless ``user`` may act with ``role`` on ``event``."""
    if not may_in(user, event, role):
        raise refuse()
