"""Participants: the people who registered for an event (PROTOCOL 1.1, issue 12).

A participant is an attendee identity (the signed cookie of :mod:`conference.attendees`) that
gave its name, organisation and country. One row per (event, attendee identity): registering
again updates it. Erasing (``DELETE …/participants/me``) blanks every personal field and keeps
the row, so the event's anonymous counts (how many registered) stay right.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from conference.db import Base, utcnow

REGISTRATION_MODES = ("off", "optional", "required")
NAME_MAX_CHARS = 200
ORGANISATION_MAX_CHARS = 200
EMAIL_MAX_CHARS = 254


class Participant(Base):
    """One registered attendee identity of one event; personal fields are None once erased."""

    __tablename__ = "participants"
    __table_args__ = (sa.UniqueConstraint("event_id", "attendee_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    attendee_id: Mapped[str] = mapped_column(sa.String(64))
    name: Mapped[str | None] = mapped_column(sa.String(NAME_MAX_CHARS))
    organisation: Mapped[str | None] = mapped_column(sa.String(ORGANISATION_MAX_CHARS))
    country: Mapped[str | None] = mapped_column(sa.String(2))
    email: Mapped[str | None] = mapped_column(sa.String(EMAIL_MAX_CHARS))
    consent_list: Mapped[bool] = mapped_column(default=False)
    registered_at: Mapped[datetime] = mapped_column(default=utcnow)
    erased_at: Mapped[datetime | None]
