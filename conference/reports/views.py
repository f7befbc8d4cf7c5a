"""The report's routes (PROTOCOL 1.1): ``/events/<slug>/report`` and ``…/report.pdf?lang=CODE``.

Both for the event's organisers and admins (:mod:`conference.users.access`). The page is a page
(the session; signed out: the sign-in page). The PDF is also for scripts: it takes
``Authorization: Bearer TOKEN`` like the API; without any credentials a browser is sent to
sign in and anything else gets ``401``. Both answer in lv or en, whatever languages the event
itself is in: ``?lang=``, then the language cookie and the browser's, as every page.

The declaration is signed by the signed-in user (their name, their role in the event) unless
``?signer=`` and ``?signer_role=`` name someone else (the page has a form for them).
"""

from __future__ import annotations

from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from conference.edge.text import check_text
from conference.errors import NotFound, Unauthorized
from conference.events.models import Event
from conference.events.services import find_event
from conference.reports.chart import attendance_chart
from conference.reports.facts import gather_report
from conference.reports.pdf import render_pdf
from conference.users.access import held_role, require_role
from conference.users.auth import api_user, session_user
from conference.users.models import User

bp = Blueprint("reports", __name__)

SIGNER_MAX_CHARS = 200


def _event(slug: str) -> Event:
    # Not get_event_or_404: that makes the event the page's (g.event), whose own languages
    # would then limit the report's; the report is always offered in lv and en.
    event = find_event(slug)
    if event is None:
        raise NotFound(_("There is no event %(slug)s.", slug=slug), code="unknown_event")
    return event


def _signer(user: User, event: Event) -> dict:
    """``{name, role}`` of the declaration: the query's, else the signed-in user's."""
    role = held_role(user, event)
    default_role = _("Organiser") if role == "organiser" or not user.is_admin else _("Admin")
    name = check_text(request.args.get("signer", "").strip(), "signer", SIGNER_MAX_CHARS)
    role_text = check_text(
        request.args.get("signer_role", "").strip(), "signer_role", SIGNER_MAX_CHARS
    )
    return {"name": name or user.name or user.email, "role": role_text or default_role}


def _render(event: Event, user: User, frame: str) -> str:
    report = gather_report(event)
    signer = _signer(user, event)
    return render_template(
        "reports/report.html",
        frame=frame,
        report=report,
        event=event,
        chart=attendance_chart(report.attendance.samples, event),
        signer=signer,
        signer_args={
            key: request.args[key] for key in ("signer", "signer_role") if request.args.get(key)
        },
        organisers=[org.name for org in event.organisations if org.role == "organiser"],
    )


@bp.get("/events/<slug>/report")
def report_page(slug: str):
    """Organisers: the report as a page, with its downloads (PDF lv/en, CSV, XLSX)."""
    user = session_user()
    if user is None:
        return redirect(url_for("users.login", next=request.full_path.rstrip("?")))
    event = _event(slug)
    require_role(user, event, "organiser")
    response = Response(_render(event, user, "reports/_page.html"), mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"  # names of people
    return response


@bp.get("/events/<slug>/report.pdf")
def report_pdf(slug: str):
    """Organisers (session or bearer token): the report as an A4 PDF in ``?lang``."""
    user = api_user() if request.headers.get("Authorization") else session_user()
    if user is None:
        if any(kind == "text/html" for kind, _quality in request.accept_mimetypes):
            return redirect(url_for("users.login", next=request.full_path.rstrip("?")))
        raise Unauthorized(_("Please sign in first."))
    event = _event(slug)
    require_role(user, event, "organiser")
    pdf = render_pdf(_render(event, user, "reports/_print.html"), request.url_root)
    lang = str(get_locale())
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{event.slug}-report-{lang}.pdf"',
            "Cache-Control": "no-store",
        },
    )
