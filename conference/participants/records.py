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
