"""Who is asking: passwords (Argon2id), API tokens (SHA-256) and sessions.

API requests authenticate with ``Authorization: Bearer TOKEN``, or with the signed-in session
cookie plus the CSRF token in ``X-CSRFToken``. Pages use the session only. What the user may
then do in an event is :mod:`conference.users.access`'s to say.
"""

from __future__ import annotations

import hashlib
import secrets

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError, validate_csrf

from conference.db import db, utcnow
from conference.errors import Forbidden, Unauthorized
from conference.users.models import ApiToken, User
from conference.users.sessions import end_session, session_owner, start_session

password_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return password_hasher.hash(password)


def check_password(user: User | None, password: str) -> bool:
    """Whether ``password`` is the user's; spends the same time when there is no such user."""
    if user is None:
        password_hasher.hash(password)
        return False
    try:
        return password_hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    """A random secret of 256 bits, URL-safe."""
    return secrets.token_urlsafe(32)


def create_api_token(user: User) -> str:
    """Make a token for ``user``, store its hash, return the token itself (shown once)."""
    token = new_token()
    db.session.add(ApiToken(user=user, token_hash=hash_token(token)))
    db.session.commit()
    return token


def revoke_api_tokens(user: User) -> int:
    """Revoke every token of ``user`` that is still valid; returns how many. Commits."""
    tokens = db.session.scalars(
        sa.select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    ).all()
    now = utcnow()
    for row in tokens:
        row.revoked_at = now
    db.session.commit()
    return len(tokens)


def user_for_token(token: str) -> User | None:
    row = db.session.scalar(
        sa.select(ApiToken).where(
            ApiToken.token_hash == hash_token(token), ApiToken.revoked_at.is_(None)
        )
    )
    if row is None or not row.user.active:
        return None
    row.last_used_at = utcnow()
    db.session.commit()
    return row.user


def sign_in(user: User) -> None:
    """Sign ``user`` in on this browser (a server-side session: :mod:`conference.users.sessions`)."""
    start_session(user)
    request.environ.pop(SESSION_USER_CACHE, None)


def sign_out() -> None:
    """Sign this browser out; copies of its session cookie stop working too."""
    end_session()
    request.environ.pop(SESSION_USER_CACHE, None)


# Cached per request (not in g: an app context may outlive several requests in tests).
SESSION_USER_CACHE = "conference.session_user"
API_USER_CACHE = "conference.api_user"


def session_user() -> User | None:
    """The signed-in user of this browser session, if any, still active and not revoked."""
    if SESSION_USER_CACHE not in request.environ:
        user = session_owner()
        request.environ[SESSION_USER_CACHE] = user if user is not None and user.active else None
    return request.environ[SESSION_USER_CACHE]


def api_user() -> User | None:
    """The user behind an API request: bearer token, or session cookie with a valid CSRF token."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        user = user_for_token(header.removeprefix("Bearer ").strip())
        if user is None:
            raise Unauthorized(_("The API token is not valid."))
        request.environ[API_USER_CACHE] = user  # the request log names its id
        return user
    user = session_user()
    if user is not None and request.method not in ("GET", "HEAD", "OPTIONS"):
        try:
            validate_csrf(request.headers.get("X-CSRFToken", ""))
        except (CSRFError, Exception) as exc:  # flask_wtf raises ValidationError
            raise Forbidden(
                _("The security token is missing or expired. Reload the page."), code="csrf_failed"
            ) from exc
    return user
