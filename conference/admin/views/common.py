"""What every admin page does the same way: run a form through a service, answer."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import flash, render_template
from flask_babel import gettext as _

from conference.admin.forms.base import add_service_error
from conference.audit.log import Actor
from conference.db import db
from conference.errors import ServiceError
from conference.users.auth import session_user

Saved = TypeVar("Saved")


def submit(form, save: Callable[[dict], Saved], done_message: str | None = None) -> Saved | None:
    """Validate ``form`` and hand its values to ``save`` (a service function).

    Returns what ``save`` returns, or ``None`` when the form or the service refused; the
    reasons are then on the form, beside the fields they are about, and nothing was written.
    """
    if not form.validate_on_submit():
        return None
    try:
        saved = save(form.values())
    except ServiceError as error:
        db.session.rollback()
        add_service_error(form, error)
        return None
    flash(done_message or _("Saved."), "success")
    return saved


def form_page(form, title: str, back: str, template: str = "admin/form.html", **context):
    """The form page; 422 when it comes back with errors, so scripts and tests can tell."""
    status = 422 if form.is_submitted() else 200
    return render_template(template, form=form, title=title, back=back, **context), status


def run_action(action: Callable[[], object], done_message: str | None = None) -> bool:
    """Call a service for a button (delete, move, deactivate); flash its refusal if any."""
    try:
        action()
    except ServiceError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return False
    if done_message:
        flash(done_message, "success")
    return True


def current_actor() -> Actor:
    """The signed-in admin, as the audit log names them."""
    return Actor.of(session_user())
