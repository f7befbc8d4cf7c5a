"""JSON API that changes an event (PROTOCOL 1.1): ``PATCH /api/v1/events/{slug}`` and
``PATCH /api/v1/events/{slug}/items/{id}``. Each parses nothing but the credentials, calls one
domain function (which validates, writes, audits and publishes), and answers the API shape.

Authorisation: the event's organisers and admins (:mod:`conference.users.access`).
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from conference.audit.log import Actor
from conference.events import agenda, editing
from conference.events.schemas import event_detail, item_json
from conference.extensions import csrf
from conference.users.access import require_api_event_role

bp = Blueprint("events_edit_api", __name__, url_prefix="/api/v1")
# Scripts use a bearer token; browsers with the session send X-CSRFToken (checked by api_user).
csrf.exempt(bp)


@bp.patch("/events/<slug>")
def patch_event(slug: str):
    """``{title?, description?, online_url?, registration?, certificate_min_minutes?,
    questions?}`` -> ``200`` the event."""
    user, _event = require_api_event_role(slug, "organiser")
    actor = Actor.of(user)
    return jsonify(event_detail(editing.patch_event(slug, request.get_json(silent=True), actor)))


@bp.patch("/events/<slug>/items/<int:item_id>")
def patch_item(slug: str, item_id: int):
    """``{title?, kind?, planned_start?, planned_end?}`` -> ``200`` the item."""
    user, _event = require_api_event_role(slug, "organiser")
    actor = Actor.of(user)
    item = agenda.patch_item(slug, item_id, request.get_json(silent=True), actor)
    return jsonify(item_json(item))
