"""JSON API of greetings: the playlist, the moderators' review, the partner's view."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, jsonify, request
from flask_babel import gettext as _
from flask_babel import ngettext

from conference.db import db, iso
from conference.errors import Invalid
from conference.events.services import get_event_or_404
from conference.extensions import csrf
from conference.greetings import review
from conference.greetings.invites import find_invite, invite_usage
from conference.greetings.language import in_partner_language
from conference.greetings.models import Greeting, Invite
from conference.greetings.schemas import greeting_json
from conference.greetings.settings import setting
from conference.users.access import may_in, require_api_user, require_role
from conference.users.auth import api_user

bp = Blueprint("greetings_api", __name__, url_prefix="/api/v1")


@bp.get("/events/<slug>/greetings")
def event_greetings(slug: str):
    """Attendees: the playlist (approved, ready). The event's moderators: every greeting, with
    its state."""
    event = get_event_or_404(slug)
    if may_in(api_user(), event, "moderator"):
        return jsonify([greeting_json(g, private=True) for g in review.all_greetings(event)])
    return jsonify([greeting_json(g) for g in review.playlist(event)])


@bp.post("/greetings/<int:greeting_id>/review")
@csrf.exempt  # api_user() checks X-CSRFToken for session users; Bearer tokens need none
def review_greeting(greeting_id: int):
    """``{"decision": "approve" | "reject", "reason": "…"}`` -> the greeting with its state."""
    user = require_api_user()
    greeting = review.get_greeting(greeting_id)
    require_role(user, greeting.event, "moderator")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise Invalid(_("Send a JSON object with a decision."), code="invalid_body")
    reason = body.get("reason")
    if reason is not None and not isinstance(reason, str):
        raise Invalid(_("The reason must be text."), code="invalid_reason")
    review.review_greeting(greeting, body.get("decision"), reason, user)
    return jsonify(greeting_json(greeting, private=True))


@bp.get("/invites/<token>")
@in_partner_language
def invite_view(token: str):
    """The partner's view: their event, organisation, deadline, quota and greetings."""
    invite = find_invite(token)
    return jsonify(partner_view(invite))


def partner_view(invite: Invite) -> dict:
    """What the partner's page shows and follows (also rendered into the page itself)."""
    event, organisation = invite.event, invite.organisation
    used_uploads, used_bytes = invite_usage(invite)
    greetings = db.session.scalars(
        sa.select(Greeting)
        .where(Greeting.invite_id == invite.id)
        .order_by(Greeting.created_at, Greeting.id)
    )
    return {
        "event": {"slug": event.slug, "title": event.title, "starts_at": iso(event.starts_at)},
        "organisation": {"id": organisation.id, "name": organisation.name},
        "expires_at": iso(invite.expires_at),
        "language": invite.language,
        "limits": {
            "max_uploads": invite.max_uploads,
            "max_bytes": invite.max_bytes,
            "max_file_bytes": setting("max_upload_bytes"),
            "used_uploads": used_uploads,
            "used_bytes": used_bytes,
        },
        "quota_text": quota_text(invite.max_uploads - used_uploads),
        "greetings": [greeting_json(g, private=True) for g in greetings],
    }


def quota_text(left: int) -> str:
    """How many more videos the link takes, in the request's language."""
    left = max(0, left)
    # TRANSLATORS: [partner] how many videos the upload link still takes
    return ngettext("You can send %(num)s more video.", "You can send %(num)s more videos.", left)
