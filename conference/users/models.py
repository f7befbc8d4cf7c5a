"""Users with roles, their API tokens and their browser sessions (both stored only as SHA-256
hashes)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from conference.db import Base, utcnow

# Global roles a user is created with; only ``admin`` reaches events by itself.
ROLES = ("admin", "moderator", "jury")
# Roles held per event (:class:`EventRole`); see :mod:`conference.users.access`.
EVENT_ROLES = ("organiser", "moderator", "jury")


class User(Base):
    """A person who signs in. Passwords are Argon2id hashes.

    ``role`` is global: ``admin`` acts on every event; ``moderator`` and ``jury`` say only what
    the user was created as, and reach an event through an :class:`EventRole` (PROTOCOL 1.1).
    """

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str | None] = mapped_column(sa.String(200))
    role: Mapped[str] = mapped_column(sa.String(16))
    password_hash: Mapped[str] = mapped_column(sa.String(200))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    tokens: Mapped[list[ApiToken]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    @property
    def is_admin(self) -> bool:
        """An active admin: every event, the users, the settings."""
        return self.active and self.role == "admin"


class ApiToken(Base):
    """An API token for scripts; only the SHA-256 of the token is kept."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(back_populates="tokens")


class UserSession(Base):
    """A signed-in browser: the session cookie names it, so deleting the row signs it out.

    Only the SHA-256 of the session id is kept; the id itself is in the signed cookie. See
    :mod:`conference.users.sessions`.
    """

    __tablename__ = "user_sessions"

    id_hash: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class EventRole(Base):
    """``user`` holds ``role`` (organiser, moderator, jury) in ``event``: one role per user and
    event. Changed only through :mod:`conference.users.team`, which audits every change."""

    __tablename__ = "event_roles"
    __table_args__ = (sa.UniqueConstraint("user_id", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(sa.String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()
