"""Partner invites (upload links) and the video greetings uploaded through them."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from conference.db import Base, utcnow

GREETING_STATUSES = ("uploading", "processing", "ready", "failed")
REVIEW_STATES = ("pending", "approved", "rejected")


class Invite(Base):
    """A partner organisation's upload link; only the SHA-256 of its token is stored."""

    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE")
    )
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    language: Mapped[str | None] = mapped_column(sa.String(8))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    max_uploads: Mapped[int] = mapped_column(default=5)
    max_bytes: Mapped[int] = mapped_column(sa.BigInteger, default=5 * 1024**3)

    event: Mapped[Event] = relationship()  # noqa: F821
    organisation: Mapped[Organisation] = relationship()  # noqa: F821
    greetings: Mapped[list[Greeting]] = relationship(back_populates="invite")


class Greeting(Base):
    """A video greeting: its upload (tus), processing state, review and playlist position."""

    __tablename__ = "greetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE")
    )
    invite_id: Mapped[int | None] = mapped_column(sa.ForeignKey("invites.id", ondelete="SET NULL"))
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str | None] = mapped_column(sa.String(200))
    message: Mapped[str | None] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(16), default="uploading")
    review: Mapped[str] = mapped_column(sa.String(16), default="pending")
    review_reason: Mapped[str | None] = mapped_column(sa.Text)
    failure_code: Mapped[str | None] = mapped_column(sa.String(40))
    failure_params: Mapped[dict | None] = mapped_column(sa.JSON)
    # The tus upload: its key (a random name), declared length and bytes received so far.
    upload_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    upload_length: Mapped[int | None] = mapped_column(sa.BigInteger)
    upload_offset: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    upload_filename: Mapped[str | None] = mapped_column(sa.String(255))
    upload_expires_at: Mapped[datetime | None]
    # The processed files, relative to the media folder.
    video_file: Mapped[str | None] = mapped_column(sa.String(255))
    poster_file: Mapped[str | None] = mapped_column(sa.String(255))
    duration_s: Mapped[float | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    invite: Mapped[Invite | None] = relationship(back_populates="greetings")
    organisation: Mapped[Organisation] = relationship()  # noqa: F821
    event: Mapped[Event] = relationship()  # noqa: F821

    @property
    def is_public(self) -> bool:
        """Approved and ready: what attendees may see and the screens may play."""
        return self.status == "ready" and self.review == "approved"
