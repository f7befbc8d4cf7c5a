"""``GET /api/v1/events/<slug>/audit``: the event's audit log, oldest first (admins)."""

from __future__ import annotations

from flask import Blueprint, jsonify

from conference.audit.log import entries_of, entry_json
from conference.db import db
from conference.events.services import get_event_or_404
from conference.users.auth import require_api_role

bp = Blueprint("audit_api", __name__, url_prefix="/api/v1")


@bp.get("/events/<slug>/audit")
def audit(slug: str):
    """``[{id, at, actor, action, target, before, after, seq}]``; 401/403 for non-admins."""
    require_api_role("admin")
    event = get_event_or_404(slug)
    response = jsonify([entry_json(entry) for entry in entries_of(db.session, event.id)])
    # It names award winners before their reveal: never kept by a shared cache.
    response.headers["Cache-Control"] = "no-store"
    return response
