"""The ``admin`` blueprint under ``/admin``: admins everywhere, an event's organisers in it.

Who may open what (:mod:`conference.users.access`):

- a page of one event (``/admin/events/<slug>/…``): the event's organisers and admins, except
  :data:`ADMIN_ONLY` (deleting the whole event);
- the list of events (``/admin/``): admins, and users who organise some event (they see theirs);
- every other page (a new event, the import, the users): admins only.
"""

from __future__ import annotations

from flask import Blueprint, redirect, request, url_for

from conference.events.services import get_event_or_404
from conference.users.access import events_where, may_in, refuse
from conference.users.auth import session_user

bp = Blueprint("admin", __name__, url_prefix="/admin")

# Pages of one event that only an admin may open.
ADMIN_ONLY = frozenset({"admin.delete_event_page"})


@bp.before_request
def admins_and_organisers():
    """Signed out: to the sign-in page (and back here after it). Not allowed: 403."""
    user = session_user()
    if user is None:
        return redirect(url_for("users.login", next=request.full_path.rstrip("?")))
    slug = (request.view_args or {}).get("slug")
    if slug is not None and request.endpoint not in ADMIN_ONLY:
        allowed = may_in(user, get_event_or_404(slug), "organiser")
    elif request.endpoint == "admin.index":
        allowed = user.is_admin or bool(events_where(user, "organiser"))
    else:
        allowed = user.is_admin
    if not allowed:
        raise refuse()
    return None


@bp.after_request
def never_cache(response):
    """Admin pages show secrets (award winners, new tokens): no shared or back-button caching."""
    response.headers["Cache-Control"] = "no-store"
    return response
