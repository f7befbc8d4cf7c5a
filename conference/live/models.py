"""The live log of an event, and the record of commands for idempotency.

Every update is appended with the next ``seq`` in the same transaction as the state change it
describes; ``(event_id, seq)`` is unique, so two writers can never both take a number.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from conference.db import Base, iso, utcnow


class LiveUpdate(Base):
    """One update of the live log: ``{seq, type, at, data}`` as published to attendees."""

    __tablename__ = "live_updates"
    __table_args__ = (sa.UniqueConstraint("event_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    seq: Mapped[int]
    type: Mapped[str] = mapped_column(sa.String(40))
    at: Mapped[datetime]
    data: Mapped[dict] = mapped_column(sa.JSON)
    command_type: Mapped[str | None] = mapped_column(sa.String(40))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    def as_message(self) -> dict:
        """The update as the Socket.IO ``update`` message carries it."""
        return {"seq": self.seq, "type": self.type, "at": iso(self.at), "data": self.data}


class CommandRecord(Base):
    """A command applied with a ``command_id``; the same id again gets the same answer."""

    __tablename__ = "command_records"
    __table_args__ = (sa.UniqueConstraint("event_id", "command_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    command_id: Mapped[str] = mapped_column(sa.String(64))
    type: Mapped[str] = mapped_column(sa.String(40))
    status_code: Mapped[int]
    response: Mapped[dict] = mapped_column(sa.JSON)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
