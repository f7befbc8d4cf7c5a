"""JSON API of the contest: the attendee's vote, and the tally for moderators."""

from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify, request
from flask_babel import gettext as _

from conference.awards.jury import get_contest
from conference.awards.votes import cast_vote, tally
from conference.errors import Invalid, NotFound
from conference.events.services import get_event_or_404
from conference.extensions import csrf, limiter
from conference.ratelimit import attendee_key, client_address
from conference.users.access import require_api_event_role

bp = Blueprint("awards_api", __name__, url_prefix="/api/v1")


def _vote_limit_attendee() -> str:
    return current_app.config["SETTINGS"]["security"]["vote_limit_attendee"]


def _vote_limit_address() -> str:
    return current_app.config["SETTINGS"]["security"]["vote_limit_address"]


@bp.post("/events/<slug>/votes")
@csrf.exempt
@limiter.limit(_vote_limit_attendee, key_func=attendee_key)
@limiter.limit(_vote_limit_address, key_func=client_address)
def vote(slug: str):
    """An attendee votes: ``{"entry_id": ID}`` (``join_code`` in the stricter mode). 200 on success.

    The attendee is the signed attendee cookie; a browser without one gets it with this answer.
    429 when too many attendees voted too often (per attendee), or too many new voters came
    from one address (:func:`conference.awards.votes.cast_vote`).
    """
    event = get_event_or_404(slug)
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise Invalid(_("Send a JSON object with entry_id."), code="bad_body")
    stored = cast_vote(
        event, g.attendee_id, body.get("entry_id"), body.get("join_code"), client_address()
    )
    return jsonify({"contest_id": stored.contest_id, "entry_id": stored.entry_id})


@bp.get("/events/<slug>/contests/<int:contest_id>/tally")
def contest_tally(slug: str, contest_id: int):
    """The event's moderators: votes per entry, live. Never for attendees before the reveal."""
    _user, event = require_api_event_role(slug, "moderator")
    contest = get_contest(contest_id)
    if contest.event_id != event.id:
        raise NotFound(_("There is no such contest."), code="unknown_contest")
    counts = tally(contest)
    return jsonify(
        {
            "contest_id": contest.id,
            "status": contest.vote_status,
            "total": sum(counts.values()),
            "entries": [{"entry_id": k, "votes": v} for k, v in counts.items()],
        }
    )
