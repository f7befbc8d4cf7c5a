"""The participants' part of the event file (docs/event-toml.md). Personal data, so an export
carries it only when asked (``conference export SLUG --with-personal-data``)::

    [event]
    registration = "optional"          # off (default), optional or required
    certificate_min_minutes = 30       # default 0
    certificate_signer_name = "Ingrīda Brokāne"   # optional: who signs the certificates
    certificate_signer_role = { lv = "direktore", en = "Director" }
    participants_retention_days = 365  # default 365: personal fields erased this long after

    # Only with --with-personal-data:
    [[participants]]
    attendee = "…"                     # the attendee identity: the same browser stays theirs
    name = "Jānis Bērziņš"
    organisation = "Daugavpils tehnikums"
    country = "LV"
    email = "janis@example.lv"         # optional
    consent_list = true
    registered_at = 2021-06-15T10:55:00+03:00

A file with ``[[participants]]`` replaces the event's participants on import; a file without
them (every export made without the flag) leaves the participants as they are. Erased
records are never exported.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from conference.events import exchange_convert as c
from conference.events.models import DEFAULT_RETENTION_DAYS, MAX_RETENTION_DAYS
from conference.participants.models import (
    EMAIL_MAX_CHARS,
    NAME_MAX_CHARS,
    ORGANISATION_MAX_CHARS,
    REGISTRATION_MODES,
    Participant,
)
from conference.participants.registration import EMAIL_PATTERN

REGISTRATION_FIELD = (c.choice(REGISTRATION_MODES), "off")


def _minutes(reader, value) -> int:
    value = c.whole_number(reader, value)
    if not 0 <= value <= 1440:
        raise c.Bad(_("must be between %(low)s and %(high)s", low=0, high=1440))
    return value


def _email(reader, value) -> str | None:
    value = c.optional_text(EMAIL_MAX_CHARS)(reader, value)
    if value and not EMAIL_PATTERN.match(value):
        raise c.Bad(_("must be an e-mail address"))
    return value or None


def _boolean(reader, value) -> bool:
    if not isinstance(value, bool):
        raise c.Bad(_("must be true or false"))
    return value


def _days(reader, value) -> int:
    value = c.whole_number(reader, value)
    if not 0 <= value <= MAX_RETENTION_DAYS:
        raise c.Bad(_("must be between %(low)s and %(high)s", low=0, high=MAX_RETENTION_DAYS))
    return value


CERTIFICATE_FIELD = (_minutes, 0)
SIGNER_NAME_FIELD = (c.optional_text(200), None)
SIGNER_ROLE_FIELD = (c.translated, {})
RETENTION_FIELD = (_days, DEFAULT_RETENTION_DAYS)
PARTICIPANT_FIELDS = {
    "attendee": (c.text(64), c.REQUIRED),
    "name": (c.text(NAME_MAX_CHARS), c.REQUIRED),
    "organisation": (c.text(ORGANISATION_MAX_CHARS), c.REQUIRED),
    "country": (c.country, c.REQUIRED),
    "email": (_email, None),
    "consent_list": (_boolean, False),
    "registered_at": (c.moment, c.REQUIRED),
}


def read_participants(reader, data) -> list[dict] | None:
    """The ``[[participants]]`` tables (None when the file has none: keep the event's)."""
    if data is None:
        return None
    rows = [
        reader.table(row, ("participants", number), PARTICIPANT_FIELDS) or {}
        for number, row in enumerate(reader.tables(data, ("participants",)), start=1)
    ]
    seen = set()
    for number, row in enumerate(rows, start=1):
        if row.get("attendee") in seen:
            reader.problem(("participants", number, "attendee"), _("is listed twice"))
        seen.add(row.get("attendee"))
    return rows


def write_participants(session, event, rows: list[dict] | None) -> None:
    """Replace the event's participants with ``rows`` (None: leave them as they are)."""
    if rows is None:
        return
    session.execute(sa.delete(Participant).where(Participant.event_id == event.id))
    for row in rows:
        session.add(
            Participant(
                event_id=event.id,
                attendee_id=row["attendee"],
                name=row["name"],
                organisation=row["organisation"],
                country=row["country"],
                email=row["email"],
                consent_list=row["consent_list"],
                registered_at=row["registered_at"],
            )
        )
    session.flush()


def participant_rows(session, event) -> list[list[tuple[str, object]]]:
    """The fields of each ``[[participants]]`` block to export (erased records left out)."""
    participants = session.scalars(
        sa.select(Participant)
        .where(Participant.event_id == event.id, Participant.erased_at.is_(None))
        .order_by(Participant.registered_at, Participant.id)
    )
    return [
        [
            ("attendee", p.attendee_id),
            ("name", p.name),
            ("organisation", p.organisation),
            ("country", p.country),
            ("email", p.email),
            ("consent_list", p.consent_list),
            ("registered_at", p.registered_at),
        ]
        for p in participants
    ]
