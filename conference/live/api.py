"""JSON API of the live state: the snapshot and moderator commands.

- ``GET /api/v1/events/<slug>/state``: the snapshot, from this process's cache, with an ETag;
  ``If-None-Match`` with the current ETag (compared weakly, so ``W/"…"`` too) answers 304.
- ``POST /api/v1/events/<slug>/commands``: a moderator command; ``200 {"seq": N}``.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from conference.audit.log import Actor
from conference.extensions import csrf
from conference.http_rules import none_match
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
    status, body, headers = state_answer(entry, request.environ.get("HTTP_IF_NONE_MATCH"))
    return current_app.response_class(body, status=status, headers=headers)


def state_answer(entry, if_none_match: str | None) -> tuple[int, bytes, list[tuple[str, str]]]:
    """Status, body and headers of the state for a request that sent ``if_none_match``: what
    this view answers, and what the fast route (conference/live/fast_pages.py) sends as is."""
    body, etag = entry.state_body()
    if none_match(if_none_match, etag):
        return 304, b"", [("ETag", f'"{etag}"'), ("Cache-Control", "no-cache")]
    return (
        200,
        body,
        [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(body))),
            ("ETag", f'"{etag}"'),
            ("Cache-Control", "no-cache"),
        ],
    )


@bp.post("/events/<slug>/commands")
def commands(slug: str):
    """Run a moderator command (the event's moderators and organisers, admins); the answer is
    ``{"seq": N}``."""
    user, _event = require_api_event_role(slug, "moderator")
    return jsonify(run_command(slug, request.get_json(silent=True), actor=Actor.of(user)))
