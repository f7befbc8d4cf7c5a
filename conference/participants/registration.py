"""Registering as a participant, and erasing one's own data (PROTOCOL 1.1, issue 12 parts 1, 5).

The domain functions here own the participants' rules; the API and the register page parse,
call, answer. What they write is personal data, so none of it goes to the audit log (which is
kept for good and would outlive an erasure) and none to the live log (attendees see nothing of
it). Each function commits its own change.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask_babel import gettext as _

from conference.db import db, utcnow
from conference.edge.text import check_text
from conference.errors import Invalid, NotFound
from conference.events.exchange_convert import country_codes
from conference.events.models import Event
from conference.participants.models import (
    EMAIL_MAX_CHARS,
    NAME_MAX_CHARS,
    ORGANISATION_MAX_CHARS,
    REGISTRATION_MODES,
    Participant,
)

FIELDS = ("name", "organisation", "country", "email", "consent_list")
PERSONAL_FIELDS = ("name", "organisation", "country", "email")
# Enough to catch a typing mistake; whether the address exists is the sender's problem.
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")


def _required_text(body: dict, field: str, max_chars: int, missing: str) -> str:
    value = body.get(field)
    if value is not None and not isinstance(value, str):
        raise Invalid(_("%(field)s must be text.", field=field), code="bad_argument", field=field)
    value = check_text((value or "").strip(), field, max_chars)
    if not value:
        raise Invalid(missing, code="missing_field", field=field)
    return value


def participant_values(body) -> dict:
    """``{name, organisation, country, email?, consent_list}`` checked: the values to store.

    Refuses with 422 naming the field: a missing name or organisation, a country that is not
    an ISO 3166 alpha-2 code, an e-mail address that is not one, text that is not text.
    """
    if not isinstance(body, dict):
        raise Invalid(_("The request body must be a JSON object."), code="bad_body")
    unknown = sorted(key for key in body if key not in FIELDS)
    if unknown:
        raise Invalid(
            _(
                "Unknown field %(fields)s; a registration gives %(accepted)s.",
                fields=", ".join(unknown),
                accepted=", ".join(FIELDS),
            ),
            code="unknown_field",
        )
    name = _required_text(body, "name", NAME_MAX_CHARS, _("Please give your name."))
    organisation = _required_text(
        body, "organisation", ORGANISATION_MAX_CHARS, _("Please give your organisation.")
    )
    country = body.get("country")
    country = country.strip().upper() if isinstance(country, str) else None
    if not country:
        raise Invalid(_("Please choose your country."), code="missing_field", field="country")
    if country not in country_codes():
        raise Invalid(
            _("The country must be a two-letter ISO 3166 code, e.g. LV."),
            code="bad_country",
            field="country",
        )
    email = body.get("email")
    if email is not None and not isinstance(email, str):
        raise Invalid(_("email must be text."), code="bad_argument", field="email")
    email = check_text((email or "").strip(), "email", EMAIL_MAX_CHARS) or None
    if email is not None and not EMAIL_PATTERN.match(email):
        raise Invalid(
            _("That is not an e-mail address; leave it empty if you prefer."),
            code="bad_email",
            field="email",
        )
    consent = body.get("consent_list", False)
    if not isinstance(consent, bool):
        raise Invalid(
            _("consent_list must be true or false."), code="bad_argument", field="consent_list"
        )
    return {
        "name": name,
        "organisation": organisation,
        "country": country,
        "email": email,
        "consent_list": consent,
    }


def find_participant(event: Event, attendee_id: str) -> Participant | None:
    """The attendee identity's registration for ``event`` (erased ones count as none)."""
    return db.session.scalar(
        sa.select(Participant).where(
            Participant.event_id == event.id,
            Participant.attendee_id == attendee_id,
            Participant.erased_at.is_(None),
        )
    )


def is_registered(event: Event, attendee_id: str) -> bool:
    return find_participant(event, attendee_id) is not None


def register_participant(event: Event, attendee_id: str, body) -> tuple[Participant, bool]:
    """Register the attendee identity for ``event``, or update its registration.

    Changes: one ``participants`` row (created, updated, or brought back after an erasure with
    a new ``registered_at``); commits. Broadcasts nothing. Refuses 422 ``registration_off``
    where the event takes no registrations, and whatever :func:`participant_values` refuses.
    Returns the participant and whether it is new.
    """
    if event.registration not in ("optional", "required"):
        raise Invalid(_("This event does not take registrations."), code="registration_off")
    values = participant_values(body)
    for attempt in range(2):
        participant = db.session.scalar(
            sa.select(Participant).where(
                Participant.event_id == event.id, Participant.attendee_id == attendee_id
            )
        )
        created = participant is None or participant.erased_at is not None
        if participant is None:
            participant = Participant(event_id=event.id, attendee_id=attendee_id)
            db.session.add(participant)
        if participant.erased_at is not None:
            participant.erased_at = None
            participant.registered_at = utcnow()
        for name, value in values.items():
            setattr(participant, name, value)
        try:
            db.session.commit()
        except sa.exc.IntegrityError:
            # The same browser registered twice at once (two tabs): the other one won the
            # insert, so this one updates it.
            db.session.rollback()
            if attempt:
                raise
            continue
        return participant, created
    raise AssertionError("unreachable")


def erase_participant(event: Event, attendee_id: str) -> bool:
    """Erase every personal field of the attendee identity's registration for ``event``.

    Changes: blanks name, organisation, country and e-mail, withdraws the list consent, sets
    ``erased_at``; the row stays so the number who registered is still right. Commits.
    Broadcasts nothing. Returns whether there was anything to erase (erasing twice is fine).
    """
    participant = find_participant(event, attendee_id)
    if participant is None:
        return False
    blank_personal_fields(participant)
    db.session.commit()
    return True


def blank_personal_fields(participant: Participant, now=None) -> None:
    """The erasure itself (no commit): every personal field blanked, the list consent
    withdrawn, ``erased_at`` set; the row stays. Shared with the retention purge."""
    for name in PERSONAL_FIELDS:
        setattr(participant, name, None)
    participant.consent_list = False
    participant.erased_at = now or utcnow()


def listed_participants(event: Event) -> list[Participant]:
    """Who appears on the event's participants list: registered, not erased, consenting."""
    return list(
        db.session.scalars(
            sa.select(Participant)
            .where(
                Participant.event_id == event.id,
                Participant.erased_at.is_(None),
                Participant.consent_list.is_(True),
            )
            .order_by(Participant.registered_at, Participant.id)
        )
    )


def registered_attendee_ids(event: Event) -> list[str]:
    """The attendee identity of everyone who registered for ``event``, erased ones included
    (the number who registered stays right; an identity names no one)."""
    return list(
        db.session.scalars(
            sa.select(Participant.attendee_id).where(Participant.event_id == event.id)
        )
    )


def own_participant_or_404(event: Event, attendee_id: str) -> Participant:
    participant = find_participant(event, attendee_id)
    if participant is None:
        raise NotFound(_("You have not registered for this event."), code="not_registered")
    return participant


def registration_mode(value) -> str:
    """``registration`` from a PATCH body, an event form or file: one of the modes, or 422."""
    if value not in REGISTRATION_MODES:
        raise Invalid(
            _("registration must be one of off, optional or required."),
            code="bad_argument",
            field="registration",
        )
    return value
