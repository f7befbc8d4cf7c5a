"""``GET /api/v1/events/<slug>/audit``: the event's audit log, oldest first (the event's
organisers and admins)."""

from __future__ import annotations

from flask import Blueprint, jsonify

from conference.audit.log import entries_of, entry_json
from conference.db import db
from conference.users.access import require_api_event_role

bp = Blueprint("audit_api", __name__, url_prefix="/api/v1")


@bp.get("/events/<slug>/audit")
def audit(slug: str):
    """``[{id, at, actor, action, target, before, after, seq}]``; 401/403 for anybody else."""
    _user, event = require_api_event_role(slug, "organiser")
    response = jsonify([entry_json(entry) for entry in entries_of(db.session, event.id)])
    # It names award winners before their reveal: never kept by a shared cache.
    response.headers["Cache-Control"] = "no-store"
    return response
