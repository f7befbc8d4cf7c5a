"""The moderator's ceremony page and the personal join codes (the event's moderators and
organisers, and admins).

``/moderate/<slug>/ceremony`` shows the ceremony in order with what is still hidden (to the
moderator only), "Reveal next", opening and closing the vote with its live tally, the tie
decision of the audience award, and the director's pick and mentions. Every button is a plain
form (the page works without scripts); open, close and reveal go through the command service
like any other command, with the seq the page was rendered at and a command id, so a double
click or a stale page never applies anything twice.
"""

from __future__ import annotations

import uuid

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from conference.audit.log import Actor
from conference.awards import ceremony, join_codes
from conference.awards.models import Award, Contest
from conference.db import db
from conference.edge.bodies import form_id
from conference.errors import Conflict, Invalid, ServiceError
from conference.events.services import get_event_or_404
from conference.i18n import translate
from conference.live.commands import run_command
from conference.users.access import event_role_required, held_role
from conference.users.auth import session_user

bp = Blueprint("ceremony", __name__, url_prefix="/moderate")
CEREMONY_COMMANDS = ("open_vote", "close_vote", "reveal_award")


@bp.get("/<slug>/ceremony")
@event_role_required("moderator")
def page(slug: str):
    """The ceremony in order, the votes with their tallies, and what is left to decide."""
    event = get_event_or_404(slug)
    lines, votes = ceremony.ceremony_overview(event)
    return render_template(
        "awards/ceremony.html",
        event=event,
        lines=lines,
        votes=votes,
        next_line=next((line for line in lines if line.is_next), None),
        seq=event.last_seq,
        new_command_id=lambda: str(uuid.uuid4()),
        reveal_pause_s=ceremony_pause(),
    )


def ceremony_pause() -> float:
    return float(current_app.config["SETTINGS"]["ceremony"]["reveal_pause_s"])


def _back(slug: str, anchor: str = ""):
    return redirect(url_for("ceremony.page", slug=slug) + anchor)


def _form_int(name: str):
    return form_id(request.form.get(name))


@bp.post("/<slug>/ceremony/commands")
@event_role_required("moderator")
def send_command(slug: str):
    """Run ``open_vote``, ``close_vote`` or ``reveal_award`` from the page's buttons."""
    get_event_or_404(slug)
    command_type = request.form.get("type", "")
    body = {"type": command_type, "command_id": request.form.get("command_id") or None}
    for name in ("contest_id", "award_id", "expected_seq"):
        if request.form.get(name) is not None:
            body[name] = _form_int(name)
    try:
        if command_type not in CEREMONY_COMMANDS:
            raise Invalid(_("There is no command %(type)s.", type=command_type))
        run_command(slug, body, actor=Actor.of(session_user()))
        flash(_("Done."), "success")
    except Conflict:
        flash(
            _("The ceremony changed in the meantime. Here is how it stands now; try again."),
            "warning",
        )
    except ServiceError as refusal:
        flash(str(refusal.message), "error")
    anchor = "#award-{}".format(body["award_id"]) if body.get("award_id") else ""
    return _back(slug, anchor)


@bp.post("/<slug>/ceremony/awards/<int:award_id>")
@event_role_required("moderator")
def set_winners(slug: str, award_id: int):
    """Set the director's pick, the mentions, or the audience award after a tie."""
    event = get_event_or_404(slug)
    award = db.session.get(Award, award_id)
    try:
        if award is None or award.contest.event_id != event.id:
            raise ServiceError(_("Nothing was found at this address."), status=404)
        entry_ids = [form_id(v) for v in request.form.getlist("entry_id")]
        entry_ids = [entry_id for entry_id in entry_ids if entry_id is not None]
        user = session_user()
        decided_by = "admin" if user.is_admin else held_role(user, event)
        ceremony.decide_award(award, entry_ids, decided_by=decided_by, actor=Actor.of(user))
        flash(_("Saved: %(award)s.", award=translate(award.title)), "success")
    except ServiceError as refusal:
        db.session.rollback()
        flash(str(refusal.message), "error")
    return _back(slug, f"#award-{award_id}")


@bp.post("/<slug>/ceremony/contests/<int:contest_id>/vote-mode")
@event_role_required("moderator")
def set_vote_mode(slug: str, contest_id: int):
    """Everyone may vote, or only holders of a personal join code (before the vote opens)."""
    event = get_event_or_404(slug)
    contest = db.session.get(Contest, contest_id)
    try:
        if contest is None or contest.event_id != event.id:
            raise ServiceError(_("Nothing was found at this address."), status=404)
        ceremony.set_vote_mode(contest, request.form.get("vote_mode", ""), Actor.of(session_user()))
        flash(_("Saved."), "success")
    except ServiceError as refusal:
        flash(str(refusal.message), "error")
    return _back(slug, f"#vote-{contest_id}")


@bp.get("/<slug>/join-codes")
@event_role_required("moderator")
def codes(slug: str):
    """The personal join codes: issue more, and the printable list with QR codes."""
    event = get_event_or_404(slug)
    return render_template(
        "awards/join_codes.html", event=event, codes=join_codes.printable_codes(event)
    )


@bp.post("/<slug>/join-codes")
@event_role_required("moderator")
def issue(slug: str):
    """Issue codes: one per name typed (one a line), or a number of numbered ones."""
    event = get_event_or_404(slug)
    labels = request.form.get("names", "").splitlines()
    count = _form_int("count") or 0
    try:
        if count:
            already = len(join_codes.event_codes(event))
            labels += join_codes.numbered_labels(
                min(count, join_codes.MAX_CODES_PER_ISSUE + 1), already + 1
            )
        issued = join_codes.issue_codes(event, labels, Actor.of(session_user()))
        flash(ngettext("%(num)s code issued.", "%(num)s codes issued.", len(issued)), "success")
    except ServiceError as refusal:
        flash(str(refusal.message), "error")
    return redirect(url_for("ceremony.codes", slug=slug))
