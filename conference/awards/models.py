"""Contests, their entries and awards; and, in separate tables, everything secret until revealed.

:class:`AwardWinner`, :class:`JuryScore` and :class:`Vote` hold who won, how the jury scored
and how the audience voted. No attendee-facing serialiser reads them: a reveal copies the award
with its winners into the live log, and that is the only way they reach attendees.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from conference.db import Base, utcnow

AWARD_KINDS = ("place", "audience", "director", "mention")
VOTE_STATUSES = ("not_opened", "open", "closed")
VOTE_MODES = ("open", "join_code")


class Contest(Base):
    """A contest of the event, e.g. the creative-work contest "Mans Erasmus"."""

    __tablename__ = "contests"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    # The stable name used by event files (conference import/export), unique per event.
    key: Mapped[str | None] = mapped_column(sa.String(80))
    title: Mapped[dict[str, str]]
    description: Mapped[dict[str, str]] = mapped_column(default=dict)
    vote_status: Mapped[str] = mapped_column(sa.String(16), default="not_opened")
    vote_mode: Mapped[str] = mapped_column(sa.String(16), default="open")
    jury_closed: Mapped[bool] = mapped_column(default=False)
    decision_locked: Mapped[bool] = mapped_column(default=False)

    event: Mapped[Event] = relationship(back_populates="contests")  # noqa: F821
    entries: Mapped[list[Entry]] = relationship(
        back_populates="contest", order_by="Entry.position", cascade="all, delete-orphan"
    )
    awards: Mapped[list[Award]] = relationship(
        back_populates="contest", order_by="Award.ceremony_order", cascade="all, delete-orphan"
    )


class Entry(Base):
    """A contest entry with one or more authors and an optional attachment."""

    __tablename__ = "entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contests.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    # The stable name used by event files (conference import/export), unique per event.
    key: Mapped[str | None] = mapped_column(sa.String(80))
    title: Mapped[dict[str, str]]
    description: Mapped[dict[str, str]] = mapped_column(default=dict)
    media_kind: Mapped[str | None] = mapped_column(sa.String(16))  # image, video, pdf, link
    media_url: Mapped[str | None] = mapped_column(sa.String(500))

    contest: Mapped[Contest] = relationship(back_populates="entries")
    authors: Mapped[list[EntryAuthor]] = relationship(
        back_populates="entry", order_by="EntryAuthor.position", cascade="all, delete-orphan"
    )


class EntryAuthor(Base):
    """An author of an entry; ``group`` is an optional class code such as ``LMT-21``."""

    __tablename__ = "entry_authors"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        sa.ForeignKey("entries.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(sa.String(200))
    group: Mapped[str | None] = mapped_column(sa.String(40))

    entry: Mapped[Entry] = relationship(back_populates="authors")


class Award(Base):
    """An award of a contest, revealed in ``ceremony_order``; ``rank`` only for places."""

    __tablename__ = "awards"

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contests.id", ondelete="CASCADE"), index=True
    )
    ceremony_order: Mapped[int] = mapped_column(default=0)
    # The stable name used by event files (conference import/export), unique per event.
    key: Mapped[str | None] = mapped_column(sa.String(80))
    kind: Mapped[str] = mapped_column(sa.String(16))
    rank: Mapped[int | None]
    title: Mapped[dict[str, str]]
    revealed_at: Mapped[datetime | None]

    contest: Mapped[Contest] = relationship(back_populates="awards")


class AwardWinner(Base):
    """Secret: which entry won which award (jury decision, audience vote, director's pick)."""

    __tablename__ = "award_winners"

    award_id: Mapped[int] = mapped_column(
        sa.ForeignKey("awards.id", ondelete="CASCADE"), primary_key=True
    )
    entry_id: Mapped[int] = mapped_column(
        sa.ForeignKey("entries.id", ondelete="CASCADE"), primary_key=True
    )
    decided_by: Mapped[str] = mapped_column(sa.String(16), default="admin")  # admin, jury, vote
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)


class JuryScore(Base):
    """Secret: one juror's score (1-10) of one entry."""

    __tablename__ = "jury_scores"
    __table_args__ = (sa.CheckConstraint("score BETWEEN 1 AND 10", name="score_range"),)

    juror_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    entry_id: Mapped[int] = mapped_column(
        sa.ForeignKey("entries.id", ondelete="CASCADE"), primary_key=True
    )
    score: Mapped[int]
    comment: Mapped[str | None] = mapped_column(sa.Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Vote(Base):
    """Secret: an attendee's audience vote; a new vote replaces the earlier one."""

    __tablename__ = "votes"

    contest_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contests.id", ondelete="CASCADE"), primary_key=True
    )
    attendee_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("entries.id", ondelete="CASCADE"))
    cast_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class JoinCode(Base):
    """A personal join code; in the stricter vote mode only holders of one may vote."""

    __tablename__ = "join_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    label: Mapped[str | None] = mapped_column(sa.String(200))
    attendee_id: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
