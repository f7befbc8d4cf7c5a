"""The event and its programme: agenda items and projects.

Texts that people type (titles, descriptions) are stored per language in :class:`Translated`
columns; the interface's own strings live in the gettext catalogues.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from conference.db import Base, utcnow
from conference.i18n import choose_text

EVENT_STATUSES = ("scheduled", "live", "ended")
ITEM_KINDS = ("talk", "presentation", "discussion", "greetings", "ceremony", "break", "other")
ITEM_STATUSES = ("upcoming", "live", "done")
# A year: enough for the event's evidence and questions afterwards (organisers may change it).
DEFAULT_RETENTION_DAYS = 365
MAX_RETENTION_DAYS = 3650

item_speakers = sa.Table(
    "item_speakers",
    Base.metadata,
    sa.Column("item_id", sa.ForeignKey("agenda_items.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("person_id", sa.ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
)
item_organisations = sa.Table(
    "item_organisations",
    Base.metadata,
    sa.Column("item_id", sa.ForeignKey("agenda_items.id", ondelete="CASCADE"), primary_key=True),
    sa.Column(
        "organisation_id", sa.ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
    ),
)
project_organisations = sa.Table(
    "project_organisations",
    Base.metadata,
    sa.Column("project_id", sa.ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True),
    sa.Column(
        "organisation_id", sa.ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
    ),
)


class Event(Base):
    """A conference. ``last_seq`` is the live log's counter; its row lock orders commands."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    title: Mapped[dict[str, str]]
    description: Mapped[dict[str, str]] = mapped_column(default=dict)
    venue: Mapped[dict[str, str]] = mapped_column(default=dict)
    organiser_note: Mapped[dict[str, str]] = mapped_column(default=dict)
    funding_note: Mapped[dict[str, str]] = mapped_column(default=dict)
    timezone: Mapped[str] = mapped_column(sa.String(64))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    languages: Mapped[list[str]] = mapped_column(sa.JSON)
    default_language: Mapped[str] = mapped_column(sa.String(8))
    online_url: Mapped[str | None] = mapped_column(sa.String(500))
    logo_url: Mapped[str | None] = mapped_column(sa.String(500))
    # Uploaded pictures (conference.images: {key, ext, widths, width, height}) and the accent
    # colour (#rrggbb) that /events/<slug>/theme.css applies.
    logo_image: Mapped[dict | None] = mapped_column(sa.JSON)
    banner_image: Mapped[dict | None] = mapped_column(sa.JSON)
    accent_color: Mapped[str | None] = mapped_column(sa.String(7))
    # 1.1 (conference.participants): "off", "optional" or "required"; the minutes a participant
    # must attend for a certificate.
    registration: Mapped[str] = mapped_column(sa.String(16), default="off", server_default="off")
    certificate_min_minutes: Mapped[int] = mapped_column(default=0, server_default="0")
    # Who signs the certificates of participation (conference.participants.certificates): a
    # name and their function per language; none set: the organiser organisation signs.
    certificate_signer_name: Mapped[str | None] = mapped_column(sa.String(200))
    certificate_signer_role: Mapped[dict[str, str] | None]
    # Days after the event's end when the participants' personal fields are erased by the
    # daily purge (conference.participants.retention).
    participants_retention_days: Mapped[int] = mapped_column(
        default=DEFAULT_RETENTION_DAYS, server_default=str(DEFAULT_RETENTION_DAYS)
    )

    # A rehearsal (conference.events.rehearsal) is an unlisted copy of the event it names here;
    # it goes when that event goes (no foreign key: SQLite could not add one by migration).
    rehearsal_of: Mapped[int | None] = mapped_column(unique=True, index=True)

    # Live state (also recorded, change by change, in the live log).
    status: Mapped[str] = mapped_column(sa.String(16), default="scheduled")
    started_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    current_item_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("agenda_items.id", use_alter=True, ondelete="SET NULL")
    )
    announcement: Mapped[dict | None] = mapped_column(sa.JSON)
    greeting_playing: Mapped[dict | None] = mapped_column(sa.JSON)
    last_seq: Mapped[int] = mapped_column(default=0)

    items: Mapped[list[AgendaItem]] = relationship(
        back_populates="event",
        order_by="AgendaItem.position",
        cascade="all, delete-orphan",
        foreign_keys="AgendaItem.event_id",
    )
    organisations: Mapped[list[Organisation]] = relationship(  # noqa: F821
        back_populates="event", order_by="Organisation.position", cascade="all, delete-orphan"
    )
    people: Mapped[list[Person]] = relationship(  # noqa: F821
        back_populates="event", order_by="Person.position", cascade="all, delete-orphan"
    )
    projects: Mapped[list[Project]] = relationship(
        back_populates="event", order_by="Project.position", cascade="all, delete-orphan"
    )
    contests: Mapped[list[Contest]] = relationship(  # noqa: F821
        back_populates="event", order_by="Contest.position", cascade="all, delete-orphan"
    )

    def text(self, field: str, lang: str) -> str:
        """A translated field in ``lang``, falling back to the event's default language."""
        return pick(getattr(self, field), lang, self.default_language)


class AgendaItem(Base):
    """One item of the programme, in ``position`` order."""

    __tablename__ = "agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    # The stable name used by event files (conference import/export), unique per event.
    key: Mapped[str | None] = mapped_column(sa.String(80))
    kind: Mapped[str] = mapped_column(sa.String(16))
    title: Mapped[dict[str, str]]
    description: Mapped[dict[str, str]] = mapped_column(default=dict)
    planned_start: Mapped[datetime]
    planned_end: Mapped[datetime]
    status: Mapped[str] = mapped_column(sa.String(16), default="upcoming")
    actual_start: Mapped[datetime | None]
    actual_end: Mapped[datetime | None]
    # How often, and when last, the planned times changed: the calendar feed's SEQUENCE and
    # LAST-MODIFIED, so calendar apps replace their copy (kept by :func:`_count_time_changes`).
    times_revision: Mapped[int] = mapped_column(default=0, server_default="0")
    times_revised_at: Mapped[datetime | None] = mapped_column(default=utcnow)

    event: Mapped[Event] = relationship(back_populates="items", foreign_keys=[event_id])
    speakers: Mapped[list[Person]] = relationship(  # noqa: F821
        secondary=item_speakers, order_by="Person.position"
    )
    organisations: Mapped[list[Organisation]] = relationship(  # noqa: F821
        secondary=item_organisations, order_by="Organisation.position"
    )


class Project(Base):
    """A funded project presented at the event (e.g. an Erasmus+ KA1 mobility project)."""

    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    # The stable name used by event files (conference import/export), unique per event.
    key: Mapped[str | None] = mapped_column(sa.String(80))
    title: Mapped[dict[str, str]]
    description: Mapped[dict[str, str]] = mapped_column(default=dict)
    sector: Mapped[dict[str, str]] = mapped_column(default=dict)
    action: Mapped[str] = mapped_column(sa.String(40))
    number: Mapped[str] = mapped_column(sa.String(60))
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    funding_note: Mapped[dict[str, str]] = mapped_column(default=dict)

    event: Mapped[Event] = relationship(back_populates="projects")
    organisations: Mapped[list[Organisation]] = relationship(  # noqa: F821
        secondary=project_organisations, order_by="Organisation.position"
    )


def pick(texts: dict[str, str] | None, lang: str, fallback: str) -> str:
    """The text in ``lang``, else English, else ``fallback`` (the event's default), else any."""
    return choose_text(texts, lang, fallback)[0]


from conference.awards.models import Contest  # noqa: E402
from conference.people.models import Organisation, Person  # noqa: E402

__all__ = ["AgendaItem", "Contest", "Event", "Organisation", "Person", "Project", "pick"]


@sa.event.listens_for(Session, "before_flush")
def _count_time_changes(session, _flush_context, _instances) -> None:
    """Whoever moves an item (a command, the API, the admin, an import), the flush that writes
    the new planned times also counts the revision: one rule, no writer can forget it."""
    for item in session.dirty:
        if not isinstance(item, AgendaItem):
            continue
        state = sa.inspect(item)
        if any(
            state.attrs[name].history.has_changes() for name in ("planned_start", "planned_end")
        ):
            item.times_revision = (item.times_revision or 0) + 1
            item.times_revised_at = utcnow()
