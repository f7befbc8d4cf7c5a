"""JSON API of the audience's questions (PROTOCOL.md 1.1): views parse, call, answer."""

from __future__ import annotations

from flask import Blueprint, g, jsonify, request
from flask_babel import gettext as _

from conference.audience import polls, questions
from conference.edge.spreadsheet import safe_cell as _csv_cell
from conference.errors import Invalid
from conference.events.services import get_event_or_404
from conference.extensions import csrf, limiter
from conference.ratelimit import attendee_key, client_address
from conference.users.access import may_in, require_api_event_role
from conference.users.auth import api_user

bp = Blueprint("audience_api", __name__, url_prefix="/api/v1")
# Attendees have no session; moderators' writes go through /commands.
csrf.exempt(bp)

# A room of 40 behind one address asks and upvotes freely; one attendee cannot flood.
ASK_LIMIT_ATTENDEE = "5 per minute"
ASK_LIMIT_ADDRESS = "400 per minute"
UPVOTE_LIMIT_ATTENDEE = "120 per minute"
UPVOTE_LIMIT_ADDRESS = "6000 per minute"


def _is_moderator(event) -> bool:
    """A moderator (or organiser, or admin) of this event: they see every question."""
    return may_in(api_user(), event, "moderator")


def _body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise Invalid(_("The request body must be a JSON object."), code="bad_body")
    return body


@bp.get("/events/<slug>/questions")
def list_questions(slug: str):
    """``[question]`` visible to attendees; moderators get every question."""
    event = get_event_or_404(slug)
    from conference.db import db

    statuses = None if _is_moderator(event) else questions.ATTENDEE_VISIBLE
    return jsonify(questions.event_questions(db.session, event, statuses))


@bp.post("/events/<slug>/questions")
@limiter.limit(ASK_LIMIT_ATTENDEE, key_func=attendee_key)
@limiter.limit(ASK_LIMIT_ADDRESS, key_func=client_address)
def ask(slug: str):
    """``{text, name?}`` -> 201 question (``pending`` when moderated)."""
    body = _body()
    get_event_or_404(slug)
    question = questions.ask_question(slug, g.attendee_id, body.get("text"), body.get("name"))
    return jsonify(question), 201


@bp.route("/events/<slug>/questions/<int:question_id>/upvote", methods=["POST", "DELETE"])
@limiter.limit(UPVOTE_LIMIT_ATTENDEE, key_func=attendee_key)
@limiter.limit(UPVOTE_LIMIT_ADDRESS, key_func=client_address)
def upvote(slug: str, question_id: int):
    """One upvote per attendee identity; DELETE withdraws it. ``{id, upvotes}``."""
    event = get_event_or_404(slug)
    answer = questions.set_upvote(event, question_id, g.attendee_id, request.method == "POST")
    return jsonify(answer)


ANSWER_LIMIT_ATTENDEE = "30 per minute"
ANSWER_LIMIT_ADDRESS = "6000 per minute"


@bp.post("/events/<slug>/polls/<int:poll_id>/answers")
@limiter.limit(ANSWER_LIMIT_ATTENDEE, key_func=attendee_key)
@limiter.limit(ANSWER_LIMIT_ADDRESS, key_func=client_address)
def answer(slug: str, poll_id: int):
    """``{"option_ids": [ID, …]}``; a new answer replaces the earlier one. 422 ``poll_closed``."""
    event = get_event_or_404(slug)
    body = _body()
    return jsonify(polls.answer_poll(event, poll_id, g.attendee_id, body.get("option_ids")))


@bp.get("/events/<slug>/polls/<int:poll_id>/results")
def poll_results(slug: str, poll_id: int):
    """Moderators: the counts now, shown or not (attendees get them from ``poll.results``)."""
    from conference.audience.models import Poll
    from conference.db import db
    from conference.errors import NotFound

    _user, event = require_api_event_role(slug, "moderator")
    poll = db.session.get(Poll, poll_id)
    if poll is None or poll.event_id != event.id:
        raise NotFound(_("There is no such poll."), code="unknown_poll")
    return jsonify({**polls.results(db.session, poll), "status": poll.status})


@bp.get("/events/<slug>/questions.csv")
def questions_csv(slug: str):
    """Moderators: every question with its status and upvotes, as UTF-8 CSV with a header row
    (for the organisers' report after the event)."""
    import csv
    import io

    from conference.db import db

    _user, event = require_api_event_role(slug, "moderator")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "asked_at", "name", "text", "status", "upvotes", "highlighted"])
    for row in questions.event_questions(db.session, event, None):
        writer.writerow(
            [
                row["id"],
                row["asked_at"],
                _csv_cell(row["name"] or ""),
                _csv_cell(row["text"]),
                row["status"],
                row["upvotes"],
                "yes" if row["highlighted"] else "",
            ]
        )
    from flask import Response

    return Response(
        out.getvalue(),
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{slug}-questions.csv"'},
    )


@bp.get("/events/<slug>/polls.csv")
def polls_csv(slug: str):
    """Moderators: each poll's results (shown or not) as UTF-8 CSV, one row per option."""
    import csv
    import io

    from flask import Response

    from conference.db import db
    from conference.events.models import pick

    _user, event = require_api_event_role(slug, "moderator")
    language = event.default_language
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["poll_id", "question", "status", "option_id", "option", "count", "total"])
    for poll in polls.event_polls(db.session, event):
        counts = polls.results(db.session, poll)
        question = _csv_cell(pick(poll.question, language, language) or "")
        for option in polls.poll_options(db.session, poll):
            writer.writerow(
                [
                    poll.id,
                    question,
                    poll.status,
                    option.id,
                    _csv_cell(pick(option.text, language, language) or ""),
                    counts["counts"][str(option.id)],
                    counts["total"],
                ]
            )
    return Response(
        out.getvalue(),
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{slug}-polls.csv"'},
    )
