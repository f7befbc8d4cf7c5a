"""Server-side sessions: a signed-in browser is a row, and deleting the row signs it out.

Flask's session is a signed cookie that the server cannot take back: a copy of it kept working
after sign-out, a new password or the loss of a role. So signing in also makes a
:class:`~conference.users.models.UserSession` row and puts its random id in the cookie; a
request is signed in only while that row exists (and is younger than
:data:`MAX_SESSION_AGE`, however often the cookie's twelve idle hours were renewed).

- signing out deletes this browser's row (the user's other browsers stay signed in);
- :func:`revoke_sessions` deletes every row of a user: a new password, a deactivation, and
  a role taken away (``conference team remove``) call it.

API tokens are separate and revoked on their own (:func:`conference.users.auth.revoke_api_tokens`).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import has_request_context, session

from conference.db import db, utcnow
from conference.users.models import User, UserSession

SESSION_KEY = "sid"
# However active a session is, it ends this long after signing in.
MAX_SESSION_AGE = timedelta(days=7)


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def start_session(user: User) -> None:
    """Sign ``user`` in on this browser: a new row and a new cookie (never a reused one, so a
    session id planted before sign-in is worthless). Commits."""
    session.clear()
    session[SESSION_KEY] = open_session(user)
    session.permanent = True


def open_session(user: User) -> str:
    """A new session of ``user``: stores its row (forgetting expired ones), returns the id that
    goes into the session cookie as ``session[SESSION_KEY]``. Commits."""
    session_id = secrets.token_urlsafe(32)
    db.session.execute(
        sa.delete(UserSession).where(UserSession.created_at < utcnow() - MAX_SESSION_AGE)
    )
    db.session.add(UserSession(id_hash=_hash(session_id), user_id=user.id))
    db.session.commit()
    return session_id


def end_session() -> None:
    """Sign this browser out: its row goes, so every copy of its cookie is dead. Commits."""
    session_id = session.get(SESSION_KEY)
    session.clear()
    if isinstance(session_id, str):
        db.session.execute(sa.delete(UserSession).where(UserSession.id_hash == _hash(session_id)))
        db.session.commit()


def session_owner() -> User | None:
    """The user whose live session this browser's cookie names, if any (active or not)."""
    session_id = session.get(SESSION_KEY)
    if not isinstance(session_id, str):
        return None
    return db.session.scalar(
        sa.select(User)
        .join(UserSession, UserSession.user_id == User.id)
        .where(
            UserSession.id_hash == _hash(session_id),
            UserSession.created_at >= utcnow() - MAX_SESSION_AGE,
        )
    )


def revoke_sessions(user: User, keep_current: bool = False) -> int:
    """Sign ``user`` out everywhere: every browser session of theirs ends at its next request.

    ``keep_current``: spare this request's own session when it is the user's (someone who sets
    their own new password stays signed in here, and only here). Commits, together with
    whatever the caller changed before (call it last: removing a role and ending the sessions
    are then one transaction). Returns how many sessions ended. API tokens are not touched.
    """
    ended = end_sessions_of(db.session, user, keep_current=keep_current)
    db.session.commit()
    return ended


def end_sessions_of(db_session, user: User, keep_current: bool = False) -> int:
    """:func:`revoke_sessions` inside the caller's transaction (not committed): a team change
    (:mod:`conference.users.team`) takes the role and the sessions away in one commit."""
    query = sa.delete(UserSession).where(UserSession.user_id == user.id)
    current = session.get(SESSION_KEY) if keep_current and has_request_context() else None
    if isinstance(current, str):
        query = query.where(UserSession.id_hash != _hash(current))
    return db_session.execute(query).rowcount
