"""Users: the list, a new user, on/off, a new password, API tokens (a new one shown once; revoke)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from conference.admin.blueprint import bp
from conference.admin.forms.users import PasswordForm, UserForm
from conference.admin.services import users as services
from conference.admin.views.common import form_page, run_action, submit
from conference.db import db
from conference.users.auth import session_user
from conference.users.models import User


def user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.get("/users/")
def users():
    people = services.list_users()
    tokens = {user.id: services.active_token_count(user) for user in people}
    return render_template("admin/users.html", users=people, tokens=tokens, me=session_user())


@bp.route("/users/new", methods=["GET", "POST"])
def user_new():
    form = UserForm()
    if submit(form, services.add_user) is not None:
        return redirect(url_for("admin.users"))
    return form_page(form, _("New user"), url_for("admin.users"))


@bp.post("/users/<int:user_id>/active")
def user_active(user_id: int):
    """Deactivate an active user, activate an inactive one."""
    user = user_or_404(user_id)
    turn_on = not user.active
    message = (
        _("%(email)s is active.", email=user.email)
        if turn_on
        else _("%(email)s is deactivated.", email=user.email)
    )
    run_action(lambda: services.set_active(user, turn_on, session_user()), message)
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/password", methods=["GET", "POST"])
def user_password(user_id: int):
    user = user_or_404(user_id)
    form = PasswordForm()
    if submit(form, lambda values: services.set_password(user, values)) is not None:
        return redirect(url_for("admin.users"))
    return form_page(
        form, _("New password for %(email)s", email=user.email), url_for("admin.users")
    )


@bp.post("/users/<int:user_id>/tokens")
def user_token(user_id: int):
    """Answer with the new token itself: it is never stored, so this page is the only time."""
    user = user_or_404(user_id)
    if not user.active:
        abort(409)
    token = services.issue_token(user)
    return render_template("admin/token.html", user=user, token=token, title=_("New API token"))


@bp.post("/users/<int:user_id>/tokens/revoke")
def user_tokens_revoke(user_id: int):
    """Revoke every API token of the user; scripts using them get 401 from now on."""
    user = user_or_404(user_id)
    count = services.revoke_tokens(user)
    flash(
        ngettext(
            "%(num)d API token of %(email)s revoked.",
            "%(num)d API tokens of %(email)s revoked.",
            count,
            email=user.email,
        ),
        "success",
    )
    return redirect(url_for("admin.users"))
