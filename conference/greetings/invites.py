"""Partner invites: the upload links. The token is shown once; only its SHA-256 is stored."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, has_request_context, request
from flask_babel import gettext as _

from conference.db import db, utcnow
from conference.errors import Invalid, NotFound, ServiceError
from conference.events.models import Event
from conference.greetings.models import Greeting, Invite
from conference.greetings.settings import setting
from conference.people.models import Organisation
from conference.users.auth import hash_token, new_token

# The languages of the partner's pages (issue 4): Latvian, English and the partners' own.
PARTNER_LANGUAGES = ("lv", "en", "et", "it", "es", "pt", "de")
COUNTRY_LANGUAGES = {
    "LV": "lv",
    "EE": "et",
    "IT": "it",
    "ES": "es",
    "PT": "pt",
    "DE": "de",
    "AT": "de",
}


def default_language(organisation: Organisation) -> str:
    """The partner's page opens in their country's language when we have it, else English."""
    return COUNTRY_LANGUAGES.get((organisation.country or "").upper(), "en")


def create_invite(
    event: Event,
    organisation: Organisation,
    *,
    language: str | None = None,
    days: int | None = None,
) -> tuple[Invite, str]:
    """Create an upload link for ``organisation``; returns the invite and its token.

    The token (256 random bits) is not stored and cannot be shown again. Quotas come from
    ``[greetings] invite_max_uploads`` / ``invite_max_bytes``, the lifetime from
    ``invite_days`` unless ``days`` is given. Commits.
    """
    if organisation.event_id != event.id:
        raise Invalid(_("That organisation does not take part in this event."))
    if language is not None and language not in PARTNER_LANGUAGES:
        raise Invalid(_("Unknown language %(code)s.", code=language))
    days = setting("invite_days") if days is None else days
    if not 1 <= days <= 366:
        raise Invalid(_("An invite lasts from 1 to 366 days."))
    token = new_token()
    invite = Invite(
        event_id=event.id,
        organisation_id=organisation.id,
        token_hash=hash_token(token),
        language=language or default_language(organisation),
        expires_at=utcnow() + timedelta(days=days),
        max_uploads=setting("invite_max_uploads"),
        max_bytes=setting("invite_max_bytes"),
    )
    db.session.add(invite)
    db.session.commit()
    return invite, token


def revoke_invite(invite: Invite) -> None:
    """Make the link stop working at once (uploads in progress through it fail). Commits."""
    if invite.revoked_at is None:
        invite.revoked_at = utcnow()
        db.session.commit()


def invite_by_token(token: str) -> Invite | None:
    """The invite for ``token`` whatever its state (revoked, expired), or None."""
    return db.session.scalar(sa.select(Invite).where(Invite.token_hash == hash_token(token)))


def find_invite(token: str) -> Invite:
    """The valid invite for ``token``.

    Raises 404 ``invite_not_found`` for an unknown token, 410 ``invite_revoked`` or
    ``invite_expired`` for one that no longer works.
    """
    invite = invite_by_token(token)
    if invite is None:
        raise NotFound(
            # TRANSLATORS: [partner]
            _("This upload link is not valid. Please check that you copied all of it."),
            code="invite_not_found",
        )
    if invite.revoked_at is not None:
        raise ServiceError(
            # TRANSLATORS: [partner]
            _("This upload link has been withdrawn. Please ask the organisers for a new one."),
            code="invite_revoked",
            status=410,
        )
    if invite.expires_at <= utcnow():
        raise ServiceError(
            # TRANSLATORS: [partner]
            _("This upload link has expired. Please ask the organisers for a new one."),
            code="invite_expired",
            status=410,
        )
    return invite


def invite_url(token: str) -> str:
    """The partner's page: ``<public_url>/partner/<token>``.

    ``[server] public_url`` when set; else the address of the current request; else
    ``http://HOST:PORT`` from the configuration (the CLI has no request).
    """
    base = current_app.config.get("PUBLIC_URL") or ""
    if not base and has_request_context():
        base = request.host_url
    if not base:
        server = current_app.config["SETTINGS"]["server"]
        base = f"http://{server['host']}:{server['port']}"
    return f"{base.rstrip('/')}/partner/{token}"


def find_organisation(event: Event, reference: str) -> Organisation:
    """An organisation of ``event`` by its id or its exact name (the CLI's ORGANISATION)."""
    query = sa.select(Organisation).where(Organisation.event_id == event.id)
    found = None
    if reference.isdigit():
        found = db.session.scalar(query.where(Organisation.id == int(reference)))
    if found is None:
        found = db.session.scalar(query.where(Organisation.name == reference))
    if found is None:
        raise NotFound(
            _("There is no organisation %(name)s in this event.", name=reference),
            code="unknown_organisation",
        )
    return found


def invite_usage(invite: Invite) -> tuple[int, int]:
    """How many greetings and how many bytes count against the invite's quota.

    Failed greetings hold no files and do not count; a replacement counts once.
    """
    count, total = db.session.execute(
        sa.select(
            sa.func.count(Greeting.id), sa.func.coalesce(sa.func.sum(Greeting.upload_length), 0)
        ).where(Greeting.invite_id == invite.id, Greeting.status != "failed")
    ).one()
    return int(count), int(total)


def invites_of(event: Event) -> list[Invite]:
    """Every invite of the event, newest first (the admin's list)."""
    return list(
        db.session.scalars(
            sa.select(Invite).where(Invite.event_id == event.id).order_by(Invite.created_at.desc())
        )
    )
