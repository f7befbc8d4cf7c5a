"""Signing in and out.

Failed sign-ins are rate-limited (Flask-Limiter, ``security.login_limit``) by three counters:
address and e-mail together (one machine guessing one account), the e-mail alone at three times
the limit (one account guessed from many addresses; its owner elsewhere can still sign in for a
while), and the address alone at ten times the limit (one machine trying many accounts, while
a school room behind one router is not locked out by one person in it). Only failed attempts
count, so a room full of colleagues signing in correctly never reaches a limit.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import limits
import sqlalchemy as sa
from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField
from wtforms.validators import InputRequired, Length

from conference.admin.forms.base import AdminForm
from conference.db import db
from conference.events.models import Event
from conference.extensions import limiter
from conference.ratelimit import client_address
from conference.users.access import events_where
from conference.users.auth import check_password, sign_in, sign_out
from conference.users.models import User

bp = Blueprint("users", __name__)


class LoginForm(AdminForm):
    email = EmailField(
        _l("E-mail"),
        validators=[InputRequired(), Length(max=254)],
        render_kw={"autocomplete": "username", "autofocus": True},
    )
    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(), Length(max=1000)],
        render_kw={"autocomplete": "current-password"},
    )


def login_limit(factor: int = 1):
    """``security.login_limit`` times ``factor`` (a callable, so the setting is read per app)."""

    def limit() -> str:
        item = limits.parse(current_app.config["SETTINGS"]["security"]["login_limit"])
        return f"{item.amount * factor} per {item.multiples} {item.GRANULARITY.name}"

    return limit


def tried_email() -> str:
    return "login-email:" + request.form.get("email", "").strip().lower()[:254]


def address_and_email() -> str:
    return f"login-pair:{client_address()}:{tried_email()}"


def address_only() -> str:
    return "login-address:" + client_address()


def attempt_failed(_response) -> bool:
    return bool(g.get("login_failed"))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    login_limit(), key_func=address_and_email, methods=["POST"], deduct_when=attempt_failed
)
@limiter.limit(login_limit(3), key_func=tried_email, methods=["POST"], deduct_when=attempt_failed)
@limiter.limit(login_limit(10), key_func=address_only, methods=["POST"], deduct_when=attempt_failed)
def login():
    """The sign-in form; on success to ``next`` (a local path) or the role's start page."""
    form = LoginForm()
    if form.validate_on_submit():
        user = db.session.scalar(
            sa.select(User).where(User.email == form.email.data.strip().lower())
        )
        if check_password(user, form.password.data) and user.active:
            sign_in(user)
            return redirect(safe_next(request.args.get("next")) or start_page(user))
        g.login_failed = True
        form.form_errors.append(_("Wrong e-mail or password."))
    status = 422 if form.is_submitted() else 200
    return render_template("users/login.html", form=form), status


@bp.post("/logout")
def logout():
    """Sign out (POST with the CSRF token, so no other site can sign anybody out)."""
    sign_out()
    flash(_("You have signed out."), "success")
    return redirect(url_for("users.login"))


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a path on this site (never another host, not even ``//host``)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def start_page(user: User) -> str:
    """Admins: the admin. Others: the page of their role in the first of their events (the
    console for moderators and organisers, the scoring page for jurors); without one: home."""
    if user.is_admin:
        return url_for("admin.index")
    event = first_event(events_where(user, "moderator"))
    if event is not None:
        return url_for("live.console", slug=event.slug)
    event = first_event(events_where(user, "jury"))
    if event is not None:
        return url_for("jury.scoring", slug=event.slug)
    return "/"


def first_event(events: list[Event]) -> Event | None:
    """The event that is live, else the next one to start, else the latest that ended."""
    coming = sorted((e for e in events if e.status != "ended"), key=lambda e: e.starts_at)
    return coming[0] if coming else max(events, key=lambda e: e.starts_at, default=None)
