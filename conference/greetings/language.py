"""The partner's language: every page and API answer a partner reads is in one of seven.

Public pages offer only the event's languages (see :mod:`conference.i18n`); the partner's
page, its tus endpoint and its invite API choose among lv en et it es pt de themselves:
``?lang=``, then the language cookie, then the invite's language (from the organisation's
country), then the browser's ``Accept-Language``, then English.
"""

from __future__ import annotations

import functools

from flask import request
from flask_babel import force_locale

from conference import i18n
from conference.greetings.invites import PARTNER_LANGUAGES, invite_by_token
from conference.greetings.models import Invite


def partner_language(invite: Invite | None) -> str:
    for candidate in (request.args.get("lang"), request.cookies.get(i18n.LANG_COOKIE)):
        if candidate in PARTNER_LANGUAGES:
            return candidate
    if invite is not None and invite.language in PARTNER_LANGUAGES:
        return invite.language
    return request.accept_languages.best_match(PARTNER_LANGUAGES) or "en"


def language_of_request(token: str | None) -> str:
    """The partner language for a request about the invite ``token`` (which may be wrong)."""
    explicit = request.args.get("lang")
    if explicit in PARTNER_LANGUAGES:
        return explicit  # no database look-up on the upload's hot path
    return partner_language(invite_by_token(token) if token else None)


def in_partner_language(view):
    """Run the view (and so make its messages) in the partner's language."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        with force_locale(language_of_request(kwargs.get("token"))):
            return view(*args, **kwargs)

    return wrapped
