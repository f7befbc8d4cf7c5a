"""Pages: the partner's upload page, the moderators' greetings list, the organisers' invites.

Views parse the form, call one service, and answer; refusals come back as a message on the
same page (flashed), never as an error page.
"""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from conference.db import utcnow
from conference.errors import ServiceError
from conference.events.services import get_event_or_404
from conference.greetings import review
from conference.greetings.api import partner_view
from conference.greetings.errors import format_size
from conference.greetings.invites import (
    PARTNER_LANGUAGES,
    create_invite,
    find_invite,
    invite_by_token,
    invite_url,
    invite_usage,
    invites_of,
)
from conference.greetings.language import partner_language
from conference.greetings.media import format_duration
from conference.greetings.models import Invite
from conference.greetings.receiving import received_bytes
from conference.greetings.schemas import failure_reason, greeting_json
from conference.greetings.settings import setting
from conference.people.models import Organisation
from conference.users.access import event_role_required
from conference.users.auth import session_user

bp = Blueprint("greetings", __name__)

STATUS_LABELS = {
    "uploading": _l("Uploading"),
    "processing": _l("Being processed"),
    "ready": _l("Processed"),
    "failed": _l("Could not be used"),
}
REVIEW_LABELS = {
    "pending": _l("Waiting for review"),
    "approved": _l("Approved"),
    "rejected": _l("Rejected"),
}


@bp.get("/partner/<token>")
def partner_page(token: str):
    """The partner's upload and status page, in their language (lv en et it es pt de)."""
    lang = partner_language(invite_by_token(token))
    with force_locale(lang):
        try:
            invite = find_invite(token)
        except ServiceError as refusal:
            page = render_template(
                "partner/unavailable.html",
                message=refusal.message,
                offered_languages=PARTNER_LANGUAGES,
            )
            return page, refusal.status
        g.event = invite.event
        return render_template(
            "partner/upload.html",
            invite=invite,
            view=partner_view(invite),
            lang=lang,
            token=token,
            offered_languages=PARTNER_LANGUAGES,
            max_file=format_size(setting("max_upload_bytes")),
            max_minutes=round(setting("max_duration_s") / 60),
        )


@bp.get("/moderate/<slug>/greetings")
@event_role_required("moderator")
def moderate(slug: str):
    """Every greeting with poster, duration, partner, message, state; preview and decisions."""
    event = get_event_or_404(slug)
    playlist = review.playlist(event)
    playing, upcoming = review.now_and_next(event, playlist)
    return render_template(
        "greetings/moderate.html",
        event=event,
        rows=[
            (greeting, greeting_json(greeting, private=True, absolute=False))
            for greeting in review.all_greetings(event)
        ],
        playlist=playlist,
        playing=playing,
        upcoming=upcoming,
        failure_reason=failure_reason,
        duration=lambda seconds: format_duration(seconds or 0),
        status_label=STATUS_LABELS.get,
        review_label=REVIEW_LABELS.get,
        received_bytes=received_bytes,
        format_size=format_size,
    )


@bp.post("/moderate/<slug>/greetings/<int:greeting_id>/review")
@event_role_required("moderator")
def review_form(slug: str, greeting_id: int):
    event = get_event_or_404(slug)
    try:
        greeting = review.get_greeting(greeting_id, event)
        decision = request.form.get("decision", "")
        review.review_greeting(greeting, decision, request.form.get("reason"), session_user())
    except ServiceError as refusal:
        flash(str(refusal.message), "error")
    else:
        title = greeting.title or greeting.organisation.name
        if decision == "approve":
            flash(_("Approved: %(title)s.", title=title), "success")
        else:
            flash(_("Rejected: %(title)s. The partner sees your reason.", title=title), "success")
    return redirect(url_for(".moderate", slug=slug, _anchor=f"greeting-{greeting_id}"))


@bp.post("/moderate/<slug>/greetings/<int:greeting_id>/move")
@event_role_required("moderator")
def move(slug: str, greeting_id: int):
    event = get_event_or_404(slug)
    try:
        review.move_in_playlist(
            review.get_greeting(greeting_id, event),
            request.form.get("direction", ""),
            session_user(),
        )
    except ServiceError as refusal:
        flash(str(refusal.message), "error")
    return redirect(url_for(".moderate", slug=slug, _anchor="playlist"))


@bp.post("/moderate/<slug>/greetings/<int:greeting_id>/play")
@event_role_required("moderator")
def play(slug: str, greeting_id: int):
    """The same command as the API's ``play_greeting``, from a button."""
    _run_live_command(slug, {"type": "play_greeting", "greeting_id": greeting_id})
    return redirect(url_for(".moderate", slug=slug, _anchor="playlist"))


@bp.post("/moderate/<slug>/greetings/stop")
@event_role_required("moderator")
def stop(slug: str):
    _run_live_command(slug, {"type": "stop_greeting"})
    return redirect(url_for(".moderate", slug=slug, _anchor="playlist"))


def _run_live_command(slug: str, body: dict) -> None:
    from conference.audit.log import Actor
    from conference.live.commands import run_command

    try:
        run_command(slug, body, actor=Actor.of(session_user()))
    except ServiceError as refusal:
        flash(str(refusal.message), "error")


@bp.route("/moderate/<slug>/invites", methods=["GET", "POST"])
@event_role_required("organiser")
def invites(slug: str):
    """Upload links per organisation; a new link is shown once, right after it is made."""
    event = get_event_or_404(slug)
    new_link = None
    if request.method == "POST":
        try:
            organisation = _organisation(event, request.form.get("organisation_id", ""))
            language = request.form.get("language") or None
            days = _days(request.form.get("days", ""))
            _invite, token = create_invite(event, organisation, language=language, days=days)
        except ServiceError as refusal:
            flash(str(refusal.message), "error")
        else:
            new_link = (organisation, invite_url(token))
    return render_template(
        "greetings/invites.html",
        event=event,
        invites=[(invite, *invite_usage(invite)) for invite in invites_of(event)],
        organisations=[o for o in event.organisations if o.role != "organiser"]
        + [o for o in event.organisations if o.role == "organiser"],
        languages=PARTNER_LANGUAGES,
        default_days=setting("invite_days"),
        new_link=new_link,
        format_size=format_size,
        now=utcnow(),
    )


@bp.post("/moderate/<slug>/invites/<int:invite_id>/revoke")
@event_role_required("organiser")
def revoke(slug: str, invite_id: int):
    from conference.db import db
    from conference.greetings.invites import revoke_invite

    event = get_event_or_404(slug)
    invite = db.session.get(Invite, invite_id)
    if invite is None or invite.event_id != event.id:
        flash(_("There is no such invite."), "error")
    else:
        revoke_invite(invite)
        flash(_("The link of %(name)s no longer works.", name=invite.organisation.name), "success")
    return redirect(url_for(".invites", slug=slug))


def _organisation(event, raw: str) -> Organisation:
    from conference.greetings.invites import find_organisation

    if not raw.isdigit():
        raise ServiceError(_("Please choose an organisation."), code="organisation_required")
    return find_organisation(event, raw)


def _days(raw: str) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()):
        raise ServiceError(_("An invite lasts from 1 to 366 days."), code="invalid_days")
    return int(raw)
