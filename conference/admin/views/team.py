"""The event's team: who holds which role in it; add a user by e-mail, take a role away.

Open to the event's organisers and admins (:mod:`conference.admin.blueprint`). Every change
goes through :mod:`conference.users.team`, which audits it and signs a removed user out.
"""

from __future__ import annotations

from flask import abort, redirect, render_template, url_for
from flask_babel import gettext as _

from conference.admin.blueprint import bp
from conference.admin.forms.users import TeamMemberForm
from conference.admin.views.common import current_actor, run_action, submit
from conference.db import db
from conference.events.services import get_event_or_404
from conference.users import team
from conference.users.models import User


@bp.route("/events/<slug>/team", methods=["GET", "POST"])
def team_page(slug: str):
    """The team, and the form that adds a member (or changes the role of one)."""
    form = TeamMemberForm()
    added = submit(
        form,
        lambda values: team.add_to_team(slug, values["email"], values["role"], current_actor()),
        _("The team is saved."),
    )
    if added is not None:
        return redirect(url_for("admin.team_page", slug=slug))
    event = get_event_or_404(slug)  # after the change (a refused one rolled the session back)
    status = 422 if form.is_submitted() else 200
    return render_template(
        "admin/team.html", event=event, members=team.team_of(event), form=form
    ), status


@bp.post("/events/<slug>/team/<int:user_id>/remove")
def team_remove(slug: str, user_id: int):
    """Take the user's role in this event away (they are signed out everywhere)."""
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    email = user.email
    done = _("%(email)s is no longer in the team.", email=email)
    run_action(lambda: team.remove_from_team(slug, email, current_actor()), done)
    return redirect(url_for("admin.team_page", slug=slug))
