"""Certificates of participation (issue 12 part 4, PROTOCOL 1.1 ``certificate.pdf``).

A one-page PDF per participant, in Latvian or English: their name and organisation, the event,
the day it was held, the minutes they attended (as measured: :mod:`.attendance`) and who
signs for the organiser (the event's ``certificate_signer_name`` and function, else the
organiser organisation). Who gets one: a registered participant, not erased, once the event
has ended, who attended at least the event's ``certificate_min_minutes`` (0: any attendance,
but some). The organisers get every certificate at once as a ZIP.

The page is HTML and CSS (``templates/participants/certificate.html``) laid out by WeasyPrint,
so the names stay text in the PDF (searchable, copyable, every Latvian letter as itself). The
PDF fetches nothing: the event's logo is embedded from the media folder as a ``data:`` URL and
every other address is refused.
"""

from __future__ import annotations

import base64
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from conference.date_formats import format_named
from conference.db import db
from conference.errors import Forbidden, NotFound
from conference.events.models import Event, pick
from conference.participants.attendance import AttendeeTime, event_attendance
from conference.participants.models import Participant
from conference.participants.registration import find_participant

LANGUAGES = ("lv", "en")


@dataclass(frozen=True)
class Standing:
    """Where a registered participant stands: their time, the minutes needed, whether ended."""

    participant: Participant
    time: AttendeeTime | None
    needed: int
    ended: bool

    @property
    def minutes(self) -> int:
        return self.time.minutes if self.time is not None else 0

    @property
    def qualifies(self) -> bool:
        return self.ended and qualifies(self.time, self.needed)


def qualifies(time: AttendeeTime | None, needed: int) -> bool:
    """Attended at least ``needed`` minutes (with 0: seen at the live event at all)."""
    return time is not None and time.minutes >= needed


def certificate_language(lang: str | None, event: Event) -> str:
    """``lang`` if a certificate is made in it, else the event's default if it is, else en."""
    for choice in (lang, event.default_language):
        if choice in LANGUAGES:
            return choice
    return "en"


def attendee_time(event: Event, attendee_id: str) -> AttendeeTime | None:
    """One attendee identity's time at the live event (reads only its own intervals)."""
    return event_attendance(event, only=attendee_id).of(attendee_id)


def standing_of(event: Event, attendee_id: str) -> Standing | None:
    """The attendee identity's standing for a certificate; None when not registered."""
    participant = find_participant(event, attendee_id)
    if participant is None:
        return None
    return Standing(
        participant=participant,
        time=attendee_time(event, attendee_id),
        needed=event.certificate_min_minutes or 0,
        ended=event.status == "ended",
    )


def refusal(standing: Standing | None) -> str | None:
    """Why this standing gets no certificate, in the request's language; None: it does."""
    if standing is None:
        return _("You have not registered for this event.")
    if not standing.ended:
        return _("Certificates can be downloaded once the event has ended.")
    if standing.time is None:
        return _(
            "You were not seen at the live event; a certificate needs %(needed)s minutes.",
            needed=standing.needed,
        )
    if not standing.qualifies:
        return _(
            "You attended %(minutes)s minutes; a certificate needs %(needed)s.",
            minutes=standing.minutes,
            needed=standing.needed,
        )
    return None


def offer_for(slug: str) -> dict | None:
    """What the live page says to this visitor about a certificate, None: nothing.

    Only after the event (its live snapshot says ``ended``: no query before then, so the live
    page's shared cache keeps its promise during the event) and only to a registered
    participant: ``{qualifies, minutes, needed, reason}``.
    """
    from flask import g

    from conference.events.services import find_event
    from conference.live.publish import live_hub

    entry = live_hub().cache.get(slug)
    if entry is None or entry.snapshot["event"]["status"] != "ended":
        return None
    if getattr(g, "new_attendee", True):
        return None  # a browser seen for the first time has registered nowhere
    event = find_event(slug)
    standing = standing_of(event, g.attendee_id) if event is not None else None
    if standing is None:
        return None
    return {
        "qualifies": standing.qualifies,
        "minutes": standing.minutes,
        "needed": standing.needed,
        "reason": refusal(standing),
    }


def own_certificate(event: Event, attendee_id: str, lang: str | None) -> tuple[str, bytes]:
    """The caller's certificate: ``(file name, PDF)``.

    Refuses: 404 ``not_registered`` (no registration, or erased); 403 ``event_not_ended``
    before the event's end; 403 ``not_enough_attendance`` under the minutes needed.
    """
    standing = standing_of(event, attendee_id)
    reason = refusal(standing)
    if standing is None:
        raise NotFound(reason, code="not_registered")
    if not standing.ended:
        raise Forbidden(reason, code="event_not_ended")
    if reason is not None:
        raise Forbidden(reason, code="not_enough_attendance")
    lang = certificate_language(lang, event)
    html = certificate_html(event, [(standing.participant, standing.time)], lang)
    return file_name(standing.participant, event), write_pdf(html)


def qualifying_participants(event: Event) -> list[tuple[Participant, AttendeeTime]]:
    """Every participant (not erased) who earned a certificate, in order of registration;
    nobody before the event has ended."""
    if event.status != "ended":
        return []
    attendance = event_attendance(event)
    needed = event.certificate_min_minutes or 0
    participants = db.session.scalars(
        sa.select(Participant)
        .where(Participant.event_id == event.id, Participant.erased_at.is_(None))
        .order_by(Participant.registered_at, Participant.id)
    )
    chosen = []
    for participant in participants:
        time = attendance.of(participant.attendee_id)
        if qualifies(time, needed):
            chosen.append((participant, time))
    return chosen


def certificates_zip(event: Event, lang: str | None) -> bytes:
    """Every qualifying participant's certificate as one ZIP (UTF-8 names, one PDF each).

    The pages are laid out once, together, then written one PDF per page; an empty ZIP when
    nobody qualifies (or the event has not ended).
    """
    lang = certificate_language(lang, event)
    chosen = qualifying_participants(event)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if chosen:
            html = certificate_html(event, chosen, lang)
            pdfs = write_pdfs(html, len(chosen))
            if pdfs is None:  # a page overflowed: lay each out alone
                pdfs = [write_pdf(certificate_html(event, [one], lang)) for one in chosen]
            taken: set[str] = set()
            for (participant, _time), pdf in zip(chosen, pdfs, strict=True):
                name = file_name(participant, event)
                if name in taken:
                    name = name.removesuffix(".pdf") + f"-{participant.id}.pdf"
                taken.add(name)
                archive.writestr(name, pdf)
    return buffer.getvalue()


UNSAFE = re.compile(r"[^\w.-]+")


def safe_part(text: str) -> str:
    """``text`` fit for a file name: letters (Latvian ones too) and digits kept, the rest ``-``."""
    text = unicodedata.normalize("NFC", text or "")
    return UNSAFE.sub("-", text).strip("-.")[:80].strip("-.")


def file_name(participant: Participant, event: Event) -> str:
    """``<event slug>-certificate-<Name-Surname>.pdf``, e.g. ``…-Jānis-Bērziņš.pdf``."""
    name = safe_part(participant.name or "") or str(participant.id)
    return f"{event.slug}-certificate-{name}.pdf"


def _signer(event: Event, lang: str) -> dict:
    organisers = [org.name for org in event.organisations if org.role == "organiser"]
    return {
        "name": event.certificate_signer_name or "",
        "role": pick(event.certificate_signer_role or {}, lang, event.default_language) or "",
        "organisation": ", ".join(organisers),
    }


def _logo(event: Event) -> str | None:
    """The event's uploaded logo as a ``data:`` URL (a rendition about 400 px wide)."""
    from conference.images.storage import CONTENT_TYPES, chosen_width, images_dir

    picture = event.logo_image
    if not picture:
        return None
    width = chosen_width(picture, 400)
    path = images_dir() / f"{picture['key']}-{width}.{picture['ext']}"
    try:
        data = path.read_bytes()
    except OSError:
        return None
    kind = CONTENT_TYPES.get(picture["ext"], "image/png")
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"


def certificate_html(
    event: Event, people: list[tuple[Participant, AttendeeTime | None]], lang: str
) -> str:
    """The certificates of ``people`` as one HTML document, a page each, in ``lang``."""
    held = event.started_at or event.starts_at
    zone = ZoneInfo(event.timezone)
    with force_locale(lang):
        return render_template(
            "participants/certificate.html",
            lang=lang,
            event_title=pick(event.title, lang, event.default_language),
            date=format_named(held, "date", lang, zone),
            signer=_signer(event, lang),
            logo=_logo(event),
            people=[
                {
                    "name": participant.name,
                    "organisation": participant.organisation or "",
                    "minutes": time.minutes if time is not None else 0,
                }
                for participant, time in people
            ],
        )


def _data_only_fetcher():
    """A WeasyPrint URL fetcher for ``data:`` URLs only: the certificate loads nothing else.

    The WeasyPrint installed here (70) takes a ``URLFetcher`` with its allowed protocols;
    older ones, without that class, a function in front of ``default_url_fetcher``.
    """
    try:
        from weasyprint.urls import URLFetcher
    except ImportError:  # an older WeasyPrint
        from weasyprint.urls import default_url_fetcher

        def fetch(url: str, *args, **kwargs):
            if not url.startswith("data:"):
                raise ValueError(f"the certificate fetches nothing ({url[:40]})")
            return default_url_fetcher(url, *args, **kwargs)

        return fetch
    return URLFetcher(allowed_protocols=("data",))


def _weasyprint():
    """WeasyPrint, imported on the first PDF (the server runs without Pango until then).

    Imported by the caller, never in :func:`run_blocking`'s native thread: loading its
    libraries looks for them with a subprocess, which gevent's patched ``subprocess`` cannot
    start outside the main thread ("child watchers are only available on the default loop").
    """
    import weasyprint
    from PIL import ImageFile

    # WeasyPrint's import turns on Pillow's process-wide LOAD_TRUNCATED_IMAGES; our PDFs embed
    # only our own renditions, and the picture uploads must keep refusing cut-off files.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    return weasyprint


def _document(html: str):
    weasyprint = _weasyprint()
    return weasyprint.HTML(string=html, base_url=".", url_fetcher=_data_only_fetcher()).render()


def _write(html: str) -> bytes:
    return _document(html).write_pdf()


def _write_pages(html: str, count: int) -> list[bytes] | None:
    document = _document(html)
    if len(document.pages) != count:
        return None
    return [document.copy([page]).write_pdf() for page in document.pages]


def write_pdf(html: str) -> bytes:
    """The PDF of ``html``; under gevent laid out in a native thread (the server keeps going)."""
    from conference.greetings.processing import run_blocking

    _weasyprint()
    return run_blocking(_write, html)


def write_pdfs(html: str, count: int) -> list[bytes] | None:
    """One PDF per page of ``html``; None unless it has exactly ``count`` pages."""
    from conference.greetings.processing import run_blocking

    _weasyprint()
    return run_blocking(_write_pages, html, count)
