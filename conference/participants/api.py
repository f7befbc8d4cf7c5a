"""JSON API of the participants (PROTOCOL.md 1.1): views parse, call, answer.

An attendee registers, reads and erases their own record (by the attendee cookie), with their
attendance as measured; the list, its CSV and XLSX and the event's attendance are for the
event's organisers (and admins) only.
"""

from __future__ import annotations

from flask import Blueprint, Response, g, jsonify, request

from conference.events.services import get_event_or_404
from conference.extensions import csrf, limiter
from conference.participants import registration
from conference.participants.attendance import attendance_json, event_attendance
from conference.participants.records import (
    organisation_kinds,
    participant_json,
    participants_csv,
    participants_xlsx,
)
from conference.ratelimit import attendee_key, client_address
from conference.users.access import require_api_event_role

bp = Blueprint("participants_api", __name__, url_prefix="/api/v1")
# Attendees have no session: their identity is the signed attendee cookie.
csrf.exempt(bp)

# A room of 40 behind one address registers at once; one browser cannot flood.
REGISTER_LIMIT_ATTENDEE = "10 per minute"
REGISTER_LIMIT_ADDRESS = "600 per minute"


@bp.post("/events/<slug>/participants")
@limiter.limit(REGISTER_LIMIT_ATTENDEE, key_func=attendee_key)
@limiter.limit(REGISTER_LIMIT_ADDRESS, key_func=client_address)
def register(slug: str):
    """``{name, organisation, country, email?, consent_list}`` -> 201 participant (again:
    updates it, still 201 as PROTOCOL 1.1 says)."""
    event = get_event_or_404(slug)
    participant, _created = registration.register_participant(
        event, g.attendee_id, request.get_json(silent=True)
    )
    return jsonify(participant_json(participant, organisation_kinds(event))), 201


@bp.get("/events/<slug>/participants/me")
def own_record(slug: str):
    """The caller's own record; 404 ``not_registered`` when they have none (or erased it)."""
    event = get_event_or_404(slug)
    participant = registration.own_participant_or_404(event, g.attendee_id)
    attendance = event_attendance(event, only=participant.attendee_id)
    return jsonify(participant_json(participant, organisation_kinds(event), attendance))


@bp.delete("/events/<slug>/participants/me")
@limiter.limit(REGISTER_LIMIT_ATTENDEE, key_func=attendee_key)
def erase_own_record(slug: str):
    """Erase every personal field of the caller's record -> 204 (also when there was none)."""
    event = get_event_or_404(slug)
    registration.erase_participant(event, g.attendee_id)
    return Response(status=204)


def _listed(slug: str) -> tuple[str, list[dict]]:
    _user, event = require_api_event_role(slug, "organiser")
    kinds, attendance = organisation_kinds(event), event_attendance(event)
    listed = registration.listed_participants(event)
    return event.slug, [participant_json(p, kinds, attendance) for p in listed]


@bp.get("/events/<slug>/participants")
def list_participants(slug: str):
    """Organisers: ``[participant]`` who consented to the list, in order of registration."""
    return jsonify(_listed(slug)[1])


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _listed_file(slug: str, extension: str, make, mimetype: str) -> Response:
    event_slug, rows = _listed(slug)
    return Response(
        make(rows),
        mimetype=mimetype,
        headers={
            "Content-Disposition": f'attachment; filename="{event_slug}-participants.{extension}"'
        },
    )


@bp.get("/events/<slug>/participants.csv")
def participants_csv_file(slug: str):
    """Organisers: the same list as UTF-8 CSV with a header row, formula-safe cells."""
    return _listed_file(slug, "csv", participants_csv, "text/csv; charset=utf-8")


@bp.get("/events/<slug>/participants.xlsx")
def participants_xlsx_file(slug: str):
    """Organisers: the same list as an XLSX workbook (text cells stored as text)."""
    return _listed_file(slug, "xlsx", participants_xlsx, XLSX_TYPE)


@bp.get("/events/<slug>/attendance")
def attendance(slug: str):
    """Organisers: ``{peak_online, unique_attendees, registered, registered_attended,
    samples: [{at, online}]}``, one sample a minute while the event was live."""
    _user, event = require_api_event_role(slug, "organiser")
    registered = registration.registered_attendee_ids(event)
    return jsonify(attendance_json(event_attendance(event), registered))
