"""The ``participant`` shape of PROTOCOL 1.1 and the participants' CSV.

``attendance`` is not measured yet (issue 12 part 2): its fields are ``null`` until it is,
as docs/protocol.md says.
"""

from __future__ import annotations

import csv
import io

from conference.db import iso
from conference.edge.spreadsheet import safe_cell
from conference.events.models import Event
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


def participant_json(participant: Participant, kinds: dict[str, str]) -> dict:
    """The participant as the API shows it; ``kinds`` from :func:`organisation_kinds`."""
    organisation = participant.organisation
    return {
        "id": participant.id,
        "name": participant.name,
        "organisation": organisation,
        "organisation_kind": kinds.get(_fold(organisation), "other") if organisation else "other",
        "country": participant.country,
        "email": participant.email,
        "registered_at": iso(participant.registered_at),
        "attendance": {"minutes": None, "first_seen": None, "last_seen": None},
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
