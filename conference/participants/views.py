"""The register page, /events/<slug>/register (PROTOCOL 1.1): a form for the attendee's own
record, its privacy notice, and erasing it. Parses, calls conference.participants.registration,
answers."""

from __future__ import annotations

import io

from flask import Blueprint, g, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from conference.errors import Invalid, NotFound, Unauthorized, wants_json
from conference.events.exchange_convert import country_codes
from conference.events.services import get_event_or_404
from conference.extensions import limiter
from conference.participants import certificates, registration
from conference.participants.api import REGISTER_LIMIT_ADDRESS, REGISTER_LIMIT_ATTENDEE
from conference.ratelimit import attendee_key, client_address
from conference.users.access import require_role
from conference.users.auth import api_user

bp = Blueprint("participants", __name__)


def countries() -> list[tuple[str, str]]:
    """``(code, name)`` of every ISO 3166 country, named and sorted in the page's language."""
    from babel import Locale

    locale = Locale.parse(str(get_locale() or "en"))
    names = locale.territories
    return sorted(
        ((code, names.get(code, code)) for code in country_codes()),
        key=lambda pair: pair[1].casefold(),
    )


def _form_body(form) -> dict:
    return {
        "name": form.get("name", ""),
        "organisation": form.get("organisation", ""),
        "country": form.get("country", ""),
        "email": form.get("email", ""),
        "consent_list": form.get("consent_list") == "yes",
    }


@bp.route("/events/<slug>/register", methods=["GET", "POST"])
@limiter.limit(REGISTER_LIMIT_ATTENDEE, key_func=attendee_key, methods=["POST"])
@limiter.limit(REGISTER_LIMIT_ADDRESS, key_func=client_address, methods=["POST"])
def register_page(slug: str):
    """GET: the form (filled in when registered). POST: register or update (``action=save``),
    or erase one's data (``action=erase``); errors shown next to their fields (422)."""
    event = get_event_or_404(slug)
    participant = registration.find_participant(event, g.attendee_id)
    # Registration switched off later: those who registered still see and erase their data.
    if event.registration == "off" and participant is None:
        raise NotFound(_("This event does not take registrations."), code="registration_off")
    values = (
        {name: getattr(participant, name) for name in registration.FIELDS}
        if participant
        else {"consent_list": False}
    )
    errors: dict[str, str] = {}
    message = None
    status = 200
    if request.method == "POST":
        if request.form.get("action") == "erase":
            registration.erase_participant(event, g.attendee_id)
            return redirect(url_for("participants.register_page", slug=slug, done="erased"), 303)
        values = _form_body(request.form)
        try:
            registration.register_participant(event, g.attendee_id, values)
        except Invalid as refusal:
            errors[refusal.extra.get("field") or "form"] = str(refusal.message)
            status = 422
        else:
            return redirect(url_for("participants.register_page", slug=slug, done="saved"), 303)
    done = request.args.get("done")
    if done == "saved":
        message = _("Thank you! You are registered.")
    elif done == "erased":
        message = _("Your data for this event has been erased.")
    html = render_template(
        "participants/register.html",
        event=event,
        participant=participant,
        values=values,
        errors=errors,
        message=message,
        countries=countries(),
        organisations=[org.name for org in event.organisations],
    )
    return html, status


# Laying out a PDF costs a good part of a second: a browser cannot make the server do it
# over and over; the organisers' ZIP (a page per participant) still less.
CERTIFICATE_LIMIT = "10 per minute"
CERTIFICATES_ZIP_LIMIT = "20 per minute"


def _pdf_language() -> str:
    return request.args.get("lang") or str(get_locale() or "")


def _download(data: bytes, name: str, mimetype: str):
    response = send_file(
        io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/events/<slug>/certificate.pdf")
@limiter.limit(CERTIFICATE_LIMIT, key_func=attendee_key)
def certificate_pdf(slug: str):
    """The caller's certificate of participation (PROTOCOL 1.1): 404 when not registered,
    403 with the reason before the end or under the minutes needed."""
    event = get_event_or_404(slug)
    name, pdf = certificates.own_certificate(event, g.attendee_id, _pdf_language())
    return _download(pdf, name, "application/pdf")


@bp.get("/events/<slug>/certificates.zip")
@limiter.limit(CERTIFICATES_ZIP_LIMIT, key_func=client_address)
def certificates_zip(slug: str):
    """Organisers (signed in, or ``Authorization: Bearer TOKEN``): every certificate earned,
    one PDF each, in one ZIP."""
    user = api_user()
    if user is None and "Authorization" not in request.headers and not wants_json():
        return redirect(url_for("users.login", next=request.full_path.rstrip("?")))
    if user is None:
        raise Unauthorized(_("Please sign in first."))
    event = get_event_or_404(slug)
    require_role(user, event, "organiser")
    data = certificates.certificates_zip(event, _pdf_language())
    return _download(data, f"{event.slug}-certificates.zip", "application/zip")
