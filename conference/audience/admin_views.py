"""The admin's polls page (``/admin/events/<slug>/polls``): define, change and remove polls.

Plain forms (one per poll, one for a new poll): the question per event language, the options one
a line per language (line N of each language is option N), and "several answers". Each save is
one change of the event (:func:`conference.live.change.live_change`: locked, audited), and the
followers' snapshots are reloaded after it, so a new poll is known at once.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from conference.admin.blueprint import bp
from conference.audience.models import Poll
from conference.audience.polls import event_polls, poll_json, set_poll
from conference.audit.log import Actor
from conference.errors import Invalid, NotFound, ServiceError
from conference.events.services import get_event_or_404
from conference.live import publish
from conference.live.change import live_change
from conference.users.auth import session_user


def _definition(form, languages: list[str]) -> dict:
    question = {code: form.get(f"question_{code}", "").strip() for code in languages}
    lines = {code: form.get(f"options_{code}", "").splitlines() for code in languages}
    count = max((len(rows) for rows in lines.values()), default=0)
    options = []
    for number in range(count):
        texts = {
            code: rows[number].strip()
            for code, rows in lines.items()
            if number < len(rows) and rows[number].strip()
        }
        if texts:
            options.append(texts)
    for text in [*question.values(), *(t for o in options for t in o.values())]:
        if len(text) > 300 or any(ord(char) < 32 for char in text):
            raise Invalid(_("A poll's texts are single lines of up to 300 characters."))
    return {
        "question": {code: text for code, text in question.items() if text},
        "options": options,
        "multiple": form.get("multiple") == "on",
    }


@bp.route("/events/<slug>/polls", methods=["GET", "POST"])
@bp.route("/events/<slug>/polls/<int:poll_id>", methods=["POST"])
def polls(slug: str, poll_id: int | None = None):
    event = get_event_or_404(slug)
    if request.method == "POST":
        try:
            with live_change(slug, Actor.of(session_user()), diff=False) as change:
                poll = None
                if poll_id is not None:
                    poll = change.session.get(Poll, poll_id)
                    if poll is None or poll.event_id != change.event.id:
                        raise NotFound(_("There is no such poll."), code="unknown_poll")
                before = poll_json(change.session, poll) if poll is not None else None
                if request.form.get("action") == "delete":
                    if poll.status == "open":
                        raise Invalid(_("Close the poll before changing it."), code="poll_open")
                    change.audit("poll.deleted", "poll", poll.id, None, before, None)
                    change.session.delete(poll)
                else:
                    data = _definition(request.form, list(change.event.languages))
                    poll = set_poll(change.session, change.event, poll, data)
                    change.audit_edit(
                        "poll", poll.id, None, before, poll_json(change.session, poll)
                    )
        except ServiceError as error:
            flash(str(error.message), "error")
        else:
            publish.refresh_event(slug)
            flash(_("Saved."), "success")
        return redirect(url_for("admin.polls", slug=slug))
    from conference.db import db

    rows = [poll_json(db.session, poll) for poll in event_polls(db.session, event)]
    statuses = {poll.id: poll.status for poll in event_polls(db.session, event)}
    return render_template(
        "audience/admin_polls.html", event=event, polls=rows, statuses=statuses, title=_("Polls")
    )


def poll_count(event) -> int:
    from conference.db import db

    return len(event_polls(db.session, event))
