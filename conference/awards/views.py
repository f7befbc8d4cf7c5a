"""The jury's pages: each juror of the event scores entries; its organisers (and admins) close
the jury and decide places."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from conference.audit.log import Actor
from conference.awards import jury
from conference.edge.bodies import form_id
from conference.errors import ServiceError
from conference.events.services import get_event_or_404
from conference.users.access import event_role_required
from conference.users.auth import session_user

bp = Blueprint("jury", __name__, url_prefix="/jury")


@bp.get("/<slug>")
@event_role_required("jury")
def scoring(slug: str):
    """A juror's own scores of every entry, with a form per entry."""
    event = get_event_or_404(slug)
    juror = session_user()
    contests = [(contest, jury.own_scores(juror, contest)) for contest in event.contests]
    return render_template("awards/jury.html", event=event, contests=contests)


@bp.post("/<slug>/contests/<int:contest_id>/entries/<int:entry_id>")
@event_role_required("jury")
def score(slug: str, contest_id: int, entry_id: int):
    """Save one score (1-10) and comment; errors are shown on the page in the juror's language."""
    event = get_event_or_404(slug)
    contest = jury.get_contest(contest_id)
    try:
        if contest.event_id != event.id:
            raise ServiceError(_("There is no such contest."), status=404)
        raw = request.form.get("score", "")
        value = form_id(raw)
        value = raw if value is None else value
        jury.set_score(session_user(), contest, entry_id, value, request.form.get("comment"))
        flash(_("Score saved."), "success")
    except ServiceError as exc:
        flash(str(exc.message), "error")
    return redirect(url_for("jury.scoring", slug=slug) + f"#entry-{entry_id}")


@bp.get("/<slug>/decision")
@event_role_required("organiser")
def decision(slug: str):
    """Organisers: every juror's scores (once closed), the mean, proposed places, ties, the lock."""
    event = get_event_or_404(slug)
    overview = []
    for contest in event.contests:
        places, ties = jury.proposed_places(contest) if contest.jury_closed else ({}, [])
        overview.append(
            {
                "contest": contest,
                "standings": jury.standings(contest) if contest.jury_closed else [],
                "places": places,
                "ties": ties,
                "winners": {award.id: jury.winners_of(award) for award in contest.awards},
            }
        )
    return render_template("awards/decision.html", event=event, overview=overview)


@bp.post("/<slug>/contests/<int:contest_id>/<action>")
@event_role_required("organiser")
def decide(slug: str, contest_id: int, action: str):
    """Organisers' actions: close the jury, take its places, lock the decision."""
    event = get_event_or_404(slug)
    contest = jury.get_contest(contest_id)
    try:
        if contest.event_id != event.id or action not in ("close", "apply", "lock"):
            raise ServiceError(_("Nothing was found at this address."), status=404)
        actor = Actor.of(session_user())
        if action == "close":
            jury.close_jury(contest, actor)
            flash(_("The jury is closed."), "success")
        elif action == "apply":
            ties = jury.apply_proposed_places(contest, actor)
            if ties:
                flash(
                    _("Entries share a mean score across a place: decide the places by hand."),
                    "error",
                )
            else:
                flash(_("The places follow the jury's scores."), "success")
        else:
            jury.lock_decision(contest, actor)
            flash(_("The decision is locked."), "success")
    except ServiceError as exc:
        flash(str(exc.message), "error")
    return redirect(url_for("jury.decision", slug=slug))
