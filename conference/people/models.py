"""People (speakers, presenters) and organisations (organiser, partners, associated partners)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from conference.db import Base

ORGANISATION_ROLES = ("organiser", "partner", "associated_partner")


class Organisation(Base):
    """An organisation taking part; ``country`` is ISO 3166-1 alpha-2."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    # The stable name used by event files (conference import/export), unique per event.
    key: Mapped[str | None] = mapped_column(sa.String(80))
    name: Mapped[str] = mapped_column(sa.String(200))
    country: Mapped[str] = mapped_column(sa.String(2))
    role: Mapped[str] = mapped_column(sa.String(24))
    website: Mapped[str | None] = mapped_column(sa.String(500))
    description: Mapped[dict[str, str]] = mapped_column(default=dict)
    logo_image: Mapped[dict | None] = mapped_column(sa.JSON)  # conference.images

    event: Mapped[Event] = relationship(back_populates="organisations")  # noqa: F821


class Person(Base):
    """A speaker or presenter; ``role`` is their function, per language."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    # The stable name used by event files (conference import/export), unique per event.
    key: Mapped[str | None] = mapped_column(sa.String(80))
    name: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[dict[str, str]] = mapped_column(default=dict)
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="SET NULL")
    )
    photo: Mapped[dict | None] = mapped_column(sa.JSON)  # conference.images

    event: Mapped[Event] = relationship(back_populates="people")  # noqa: F821
    organisation: Mapped[Organisation | None] = relationship()
