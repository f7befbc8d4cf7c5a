"""Users from the admin: add, switch on or off, set a new password, issue an API token."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from conference.db import db
from conference.errors import Conflict, ServiceError
from conference.users.auth import create_api_token, revoke_api_tokens
from conference.users.models import ApiToken, User
from conference.users.services import change_password, create_user
from conference.users.sessions import revoke_sessions

# The form field each of create_user's refusals is about.
FIELD_OF_CODE = {
    "bad_email": "email",
    "user_exists": "email",
    "bad_role": "role",
    "short_password": "password",
}


def list_users() -> list[User]:
    return list(db.session.scalars(sa.select(User).order_by(User.role, User.email)))


def add_user(values: dict) -> User:
    """Create a user (see :func:`conference.users.services.create_user`); commits."""
    try:
        return create_user(values["email"], values["role"], values["password"], values["name"])
    except ServiceError as error:
        error.extra.setdefault("field", FIELD_OF_CODE.get(error.code))
        raise


def set_active(user: User, active: bool, acting: User) -> None:
    """Switch ``user`` on or off; off stops their tokens at once (checked against ``active`` on
    every request) and ends their browser sessions, so switching them on again does not bring
    an old session cookie back. Refuses switching yourself off. Commits."""
    if not active and user.id == acting.id:
        raise Conflict(_("You cannot deactivate yourself."), code="self_deactivation")
    user.active = active
    if active:
        db.session.commit()
    else:
        revoke_sessions(user)


def set_password(user: User, values: dict) -> User:
    """Give ``user`` a new password and end their sessions; an admin setting their own keeps
    this browser's session (:func:`conference.users.services.change_password`). Commits."""
    return change_password(user, values["password"], keep_current=True)


def issue_token(user: User) -> str:
    """A new API token for ``user``; only its hash is kept, so it can be shown only now."""
    return create_api_token(user)


def revoke_tokens(user: User) -> int:
    """Revoke all of ``user``'s API tokens (a script's token leaked, a moderator left)."""
    return revoke_api_tokens(user)


def active_token_count(user: User) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    )
