"""The audit log: who changed what in an event, when, and how it was before and after."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from conference.db import Base


class AuditEntry(Base):
    """One change of an event: ``actor`` did ``action`` to ``target``; ``before`` -> ``after``.

    Written by the same transaction as the change itself (``conference.live.change``), so an
    entry exists exactly when its change does. ``actor_label`` keeps who it was (an e-mail,
    ``cli``, ``import``, ``system``) even after the user is deleted.
    """

    __tablename__ = "audit_entries"
    __table_args__ = (sa.Index("ix_audit_entries_event_id_id", "event_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    actor_label: Mapped[str] = mapped_column(sa.String(254))
    action: Mapped[str] = mapped_column(sa.String(40))
    target_type: Mapped[str] = mapped_column(sa.String(40))
    target_id: Mapped[int | None]
    target_label: Mapped[str | None] = mapped_column(sa.String(200))
    before: Mapped[dict | None] = mapped_column(sa.JSON)
    after: Mapped[dict | None] = mapped_column(sa.JSON)
    # The event's live seq once the change was applied: places the entry in the live log.
    seq: Mapped[int] = mapped_column(default=0)
