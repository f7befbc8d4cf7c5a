"""The ``participant`` shape of PROTOCOL 1.1 and the participants' CSV.

``attendance`` is measured (issue 12 part 2, :mod:`conference.participants.attendance`):
``minutes`` connected while the event was live, ``first_seen`` and ``last_seen``. Before the
event has started all three are ``null`` (nothing measured yet); once it has, a participant
never seen has ``minutes`` 0 and no first or last seen.
"""

from __future__ import annotations

import csv
import io

from conference.db import iso
from conference.edge.spreadsheet import safe_cell
from conference.events.models import Event
from conference.participants.attendance import EventAttendance
from conference.participants.models import Participant

CSV_COLUMNS = (
    "id",
    "name",
    "organisation",
    "organisation_kind",
    "country",
    "email",
    "registered_at",
    "minutes",
    "first_seen",
    "last_seen",
)


def organisation_kinds(event: Event) -> dict[str, str]:
    """The event's organisations by their name folded for matching -> role."""
    return {_fold(org.name): org.role for org in event.organisations}


def _fold(name: str) -> str:
    return " ".join(name.split()).casefold()


def attendance_of(participant: Participant, attendance: EventAttendance | None) -> dict:
    """The participant's ``attendance`` object from the event's (None: not measured yet)."""
    if attendance is None or attendance.live_from is None:
        return {"minutes": None, "first_seen": None, "last_seen": None}
    time = attendance.of(participant.attendee_id)
    if time is None:
        return {"minutes": 0, "first_seen": None, "last_seen": None}
    return {
        "minutes": time.minutes,
        "first_seen": iso(time.first_seen),
        "last_seen": iso(time.last_seen),
    }


def participant_json(
    participant: Participant, kinds: dict[str, str], attendance: EventAttendance | None = None
) -> dict:
    """The participant as the API shows it; ``kinds`` from :func:`organisation_kinds`,
    ``attendance`` from :func:`conference.participants.attendance.event_attendance`."""
    organisation = participant.organisation
    return {
        "id": participant.id,
        "name": participant.name,
        "organisation": organisation,
        "organisation_kind": kinds.get(_fold(organisation), "other") if organisation else "other",
        "country": participant.country,
        "email": participant.email,
        "registered_at": iso(participant.registered_at),
        "attendance": attendance_of(participant, attendance),
    }


def participants_csv(rows: list[dict]) -> str:
    """``participant_json`` rows as CSV with a header row; their words made formula-safe."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        attendance = row["attendance"]
        writer.writerow(
            [
                row["id"],
                safe_cell(row["name"] or ""),
                safe_cell(row["organisation"] or ""),
                row["organisation_kind"],
                row["country"] or "",
                safe_cell(row["email"] or ""),
                row["registered_at"],
                "" if attendance["minutes"] is None else attendance["minutes"],
                attendance["first_seen"] or "",
                attendance["last_seen"] or "",
            ]
        )
    return out.getvalue()
