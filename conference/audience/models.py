"""The audience's questions and their upvotes, and each event's question settings.

Kept out of the events table on purpose: a question is written by attendees, thousands of times
an event, and must never hold up an agenda edit. An upvote is one row per (question, attendee
identity), so counting is exact however many arrive at once, and a withdrawal is a delete.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from conference.db import Base, utcnow

QUESTION_MODES = ("off", "open", "moderated")
QUESTION_STATUSES = ("pending", "visible", "answered", "hidden")
QUESTION_MAX_CHARS = 500
NAME_MAX_CHARS = 80


class AudienceSettings(Base):
    """Per event: whether attendees may ask now (``questions``) and what is highlighted.

    ``questions`` is the protocol's ``"off" | "open" | "moderated"``; ``moderated`` remembers
    the moderation choice while asking is closed, so ``open_questions`` opens it as it was.
    """

    __tablename__ = "audience_settings"

    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    questions: Mapped[str] = mapped_column(sa.String(16), default="off")
    moderated: Mapped[bool] = mapped_column(default=False)
    # No foreign key: a deleted question simply stops being found (and is never shown).
    highlighted_question_id: Mapped[int | None] = mapped_column()


class Question(Base):
    """A question from the audience, in the asker's words (plain text, not translated)."""

    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(sa.String(QUESTION_MAX_CHARS))
    name: Mapped[str | None] = mapped_column(sa.String(NAME_MAX_CHARS))
    language: Mapped[str | None] = mapped_column(sa.String(16))
    attendee_id: Mapped[str] = mapped_column(sa.String(64))
    status: Mapped[str] = mapped_column(sa.String(16), default="visible")
    asked_at: Mapped[datetime] = mapped_column(default=utcnow)


class QuestionUpvote(Base):
    """One attendee identity's upvote of one question."""

    __tablename__ = "question_upvotes"

    question_id: Mapped[int] = mapped_column(
        sa.ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True
    )
    attendee_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    upvoted_at: Mapped[datetime] = mapped_column(default=utcnow)


POLL_STATUSES = ("not_opened", "open", "closed")
POLL_MIN_OPTIONS = 2
POLL_MAX_OPTIONS = 10


class Poll(Base):
    """A quick poll of the event: a question, 2-10 options, one answer or several."""

    __tablename__ = "polls"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    key: Mapped[str | None] = mapped_column(sa.String(80))
    question: Mapped[dict[str, str]]
    multiple: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(sa.String(16), default="not_opened")
    results_shown: Mapped[bool] = mapped_column(default=False)


class PollOption(Base):
    __tablename__ = "poll_options"

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(sa.ForeignKey("polls.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[dict[str, str]]


class PollAnswer(Base):
    """One chosen option of one attendee identity (several rows in a ``multiple`` poll)."""

    __tablename__ = "poll_answers"

    poll_id: Mapped[int] = mapped_column(
        sa.ForeignKey("polls.id", ondelete="CASCADE"), primary_key=True
    )
    attendee_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    option_id: Mapped[int] = mapped_column(
        sa.ForeignKey("poll_options.id", ondelete="CASCADE"), primary_key=True
    )
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)


class BlockedAsker(Base):
    """An attendee identity a moderator stopped from asking in one event (``block_asker``)."""

    __tablename__ = "question_blocks"

    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    attendee_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    blocked_at: Mapped[datetime] = mapped_column(default=utcnow)
