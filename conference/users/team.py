"""The team of an event: who holds which role in it (PROTOCOL 1.1, "Roles").

The one writer of :class:`~conference.users.models.EventRole`. The CLI (``conference team
add|remove``) and the admin's Team page call these functions; each runs in the event's one
pass (:func:`conference.live.change.live_change`: lock, change, audit, commit), so every change
of the team is in the event's audit log. Side effects:

- :func:`add_to_team`: gives the user the role, or changes the role they hold (``team.added`` /
  ``team.changed``); giving the role they already hold changes nothing and records nothing;
- :func:`remove_from_team`: takes the role away (``team.removed``) and ends every browser session
  of that user in the same commit (:func:`conference.users.sessions.end_sessions_of`), so no
  page left open keeps acting in their name; a change to a role that reaches less does too.

Refusals (nothing written): an unknown event (404 ``unknown_event``), an unknown user (404
``unknown_user``), a role that is not ``organiser``, ``moderator`` or ``jury`` (422
``bad_role``), removing someone who holds no role in the event (404 ``not_in_team``).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from conference.audit.log import SYSTEM, Actor
from conference.db import db
from conference.errors import Invalid, NotFound
from conference.events.models import Event
from conference.live.change import live_change
from conference.users.access import REACHES
from conference.users.models import EVENT_ROLES, EventRole, User
from conference.users.services import find_user
from conference.users.sessions import end_sessions_of


def team_of(event: Event) -> list[EventRole]:
    """The event's team: organisers first, then moderators, then the jury; by e-mail."""
    rows = db.session.scalars(
        sa.select(EventRole)
        .join(User, User.id == EventRole.user_id)
        .where(EventRole.event_id == event.id)
        .order_by(User.email)
    )
    return sorted(rows, key=lambda row: EVENT_ROLES.index(row.role))


def add_to_team(slug: str, email: str, role: str, actor: Actor = SYSTEM) -> EventRole:
    """Give the user ``email`` the ``role`` in the event ``slug`` (see the module docstring)."""
    if role not in EVENT_ROLES:
        raise Invalid(
            _(
                "Unknown role %(role)s: choose organiser, moderator or jury.",
                role=role,
            ),
            code="bad_role",
            field="role",
        )
    with live_change(slug, actor, diff=False) as change:
        user = _user(email)
        row = _row(change.event, user)
        if row is None:
            row = EventRole(user_id=user.id, event_id=change.event.id, role=role)
            change.session.add(row)
            change.session.flush()
            change.audit("team.added", "user", user.id, user.email, None, {"role": role})
        elif row.role != role:
            before = row.role
            row.role = role
            change.audit(
                "team.changed", "user", user.id, user.email, {"role": before}, {"role": role}
            )
            if not set(REACHES[before]) <= set(REACHES[role]):
                end_sessions_of(change.session, user)
    return row


def remove_from_team(slug: str, email: str, actor: Actor = SYSTEM) -> None:
    """Take away the role the user ``email`` holds in the event ``slug``, and sign them out."""
    with live_change(slug, actor, diff=False) as change:
        user = _user(email)
        row = _row(change.event, user)
        if row is None:
            raise NotFound(
                _("%(email)s has no role in this event.", email=user.email), code="not_in_team"
            )
        change.audit("team.removed", "user", user.id, user.email, {"role": row.role}, None)
        change.session.delete(row)
        end_sessions_of(change.session, user)


def copy_team(source: Event, change) -> int:
    """Give every member of ``source``'s team the same role in ``change.event`` (a new event,
    such as a rehearsal: nobody holds a role there yet), each audited ``team.added`` in that
    event's log, in ``change``'s transaction. Returns how many roles were given."""
    rows = team_of(source)
    for row in rows:
        change.session.add(EventRole(user_id=row.user_id, event_id=change.event.id, role=row.role))
        user = change.session.get(User, row.user_id)
        change.audit("team.added", "user", user.id, user.email, None, {"role": row.role})
    change.session.flush()
    return len(rows)


def _user(email: str) -> User:
    try:
        return find_user(email)
    except NotFound as missing:
        missing.extra["field"] = "email"
        raise


def _row(event: Event, user: User) -> EventRole | None:
    return db.session.scalar(
        sa.select(EventRole).where(EventRole.event_id == event.id, EventRole.user_id == user.id)
    )
