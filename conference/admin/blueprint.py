"""The ``admin`` blueprint under ``/admin``, closed to everyone but admins."""

from __future__ import annotations

from flask import Blueprint, redirect, request, url_for
from flask_babel import gettext as _

from conference.errors import Forbidden
from conference.users.auth import session_user

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def admins_only():
    """Signed out: to the sign-in page (and back here after it). Another role: 403."""
    user = session_user()
    if user is None:
        return redirect(url_for("users.login", next=request.full_path.rstrip("?")))
    if not user.may("admin"):
        raise Forbidden(_("You are not allowed to do that."))
    return None


@bp.after_request
def never_cache(response):
    """Admin pages show secrets (award winners, new tokens): no shared or back-button caching."""
    response.headers["Cache-Control"] = "no-store"
    return response
