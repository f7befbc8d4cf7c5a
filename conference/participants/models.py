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


ATTENDEE_KEY_MAX_CHARS = 80


class AttendanceInterval(Base):
    """A stretch of time one attendee identity was connected to an event's live channel.

    Written by the server processes in batches (issue 12 part 2), never once per connect.
    ``attendee_key`` is the attendee identity of :mod:`conference.attendees` for a browser with
    the cookie, or ``connection:<sid>`` for a connection without one (counted in the event's
    peak and unique attendees, never in a participant's minutes). Rows may overlap (tabs,
    devices, server processes): :mod:`conference.participants.attendance` merges them when
    it reads, and joins gaps of at most a minute, so writers need not agree with each other.
    Not personal data by itself: it names no one, and an erased participant's rows keep the
    event's anonymous counts right.
    """

    __tablename__ = "attendance_intervals"
    __table_args__ = (sa.Index("ix_attendance_intervals_event_key", "event_id", "attendee_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    attendee_key: Mapped[str] = mapped_column(sa.String(ATTENDEE_KEY_MAX_CHARS))
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime]
