"""JSON API of the live state: the snapshot and moderator commands.

- ``GET /api/v1/events/<slug>/state``: the snapshot, from this process's cache, with an ETag;
  ``If-None-Match`` with the current ETag (compared weakly, so ``W/"…"`` too) answers 304.
- ``POST /api/v1/events/<slug>/commands``: a moderator command; ``200 {"seq": N}``.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from conference.audit.log import Actor
from conference.extensions import csrf
from conference.live.commands import run_command
from conference.live.publish import live_hub
from conference.live.schemas import unknown_event
from conference.users.access import require_api_event_role

bp = Blueprint("live_api", __name__, url_prefix="/api/v1")
# Scripts authenticate with a bearer token; browsers with the session send X-CSRFToken, which
# conference.users.auth.api_user checks itself.
csrf.exempt(bp)


@bp.get("/events/<slug>/state")
def state(slug: str):
    """The event's snapshot (as the Socket.IO ``snapshot`` message carries it)."""
    entry = live_hub().cache.get(slug)
    if entry is None:
        raise unknown_event(slug)
    body, etag = entry.state_body()
    if request.if_none_match.contains_weak(etag):
        response = current_app.response_class(status=304)
    else:
        response = current_app.response_class(body, mimetype="application/json")
    response.set_etag(etag)
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.post("/events/<slug>/commands")
def commands(slug: str):
    """Run a moderator command (the event's moderators and organisers, admins); the answer is
    ``{"seq": N}``."""
    user, _event = require_api_event_role(slug, "moderator")
    return jsonify(run_command(slug, request.get_json(silent=True), actor=Actor.of(user)))
