"""User operations: create users, change passwords, issue and revoke API tokens."""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask_babel import gettext as _

from conference.db import db
from conference.errors import Conflict, Invalid, NotFound
from conference.users.auth import create_api_token, hash_password, revoke_api_tokens
from conference.users.models import ROLES, User
from conference.users.sessions import revoke_sessions

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD_LENGTH = 8


def create_user(email: str, role: str, password: str, name: str | None = None) -> User:
    """Add a user; refuses a bad e-mail, an unknown role, a short password, an existing e-mail."""
    email = email.strip().lower()
    if not EMAIL_PATTERN.match(email):
        raise Invalid(_("%(email)s is not an e-mail address.", email=email), code="bad_email")
    if role not in ROLES:
        raise Invalid(_("Unknown role %(role)s.", role=role), code="bad_role")
    _check_password_length(password)
    if db.session.scalar(sa.select(User.id).where(User.email == email)) is not None:
        raise Conflict(
            _("A user with the e-mail %(email)s exists already.", email=email), code="user_exists"
        )
    user = User(email=email, role=role, name=name, password_hash=hash_password(password))
    db.session.add(user)
    db.session.commit()
    return user


def change_password(user: User, password: str, keep_current: bool = False) -> User:
    """Give ``user`` a new password and sign them out of every browser (whoever knew the old
    one may hold a session). ``keep_current``: this request's own session stays, when it is
    theirs. API tokens stay valid (revoke them separately). Commits."""
    _check_password_length(password)
    user.password_hash = hash_password(password)
    revoke_sessions(user, keep_current=keep_current)
    return user


def _check_password_length(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(
            _("The password must have at least %(n)s characters.", n=MIN_PASSWORD_LENGTH),
            code="short_password",
        )


def find_user(email: str) -> User:
    user = db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise NotFound(_("There is no user %(email)s.", email=email), code="unknown_user")
    return user


def create_token_for(email: str) -> str:
    """A new API token for the user ``email``; returns the token, stores its hash."""
    return create_api_token(find_user(email))


def revoke_tokens_of(email: str) -> int:
    """Revoke every valid API token of the user ``email``; returns how many there were."""
    return revoke_api_tokens(find_user(email))
