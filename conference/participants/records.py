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


def participant_cells(row: dict) -> list:
    """One ``participant_json`` row as the cells of CSV_COLUMNS (numbers as numbers)."""
    attendance = row["attendance"]
    return [
        row["id"],
        row["name"] or "",
        row["organisation"] or "",
        row["organisation_kind"],
        row["country"] or "",
        row["email"] or "",
        row["registered_at"],
        "" if attendance["minutes"] is None else attendance["minutes"],
        attendance["first_seen"] or "",
        attendance["last_seen"] or "",
    ]


def participants_csv(rows: list[dict]) -> str:
    """``participant_json`` rows as CSV with a header row; their words made formula-safe."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow(
            [safe_cell(cell) if isinstance(cell, str) else cell for cell in participant_cells(row)]
        )
    return out.getvalue()


def participants_xlsx(rows: list[dict]) -> bytes:
    """The same table as an XLSX workbook (openpyxl): a bold, frozen header row.

    Every text cell is stored as text (type ``s``), so ``=…`` from a participant is shown as
    written and never runs as a formula; no leading ``'`` needed, unlike the CSV.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "participants"
    sheet.append(list(CSV_COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for number, row in enumerate(rows, start=2):
        for column, value in enumerate(participant_cells(row), start=1):
            cell = sheet.cell(row=number, column=column, value=value)
            if isinstance(value, str):
                cell.data_type = "s"
    for letter, width in zip("ABCDEFGHIJ", (6, 28, 32, 18, 8, 28, 26, 9, 26, 26), strict=True):
        sheet.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
