"""Helpers for the admin's templates: times in the event's zone, names of states and kinds."""

from __future__ import annotations

import zoneinfo
from datetime import datetime

from babel.dates import format_datetime
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from conference.admin.blueprint import bp
from conference.date_formats import format_named

STATUS_NAMES = {
    "scheduled": _l("scheduled"),
    "live": _l("live"),
    "ended": _l("ended"),
    "upcoming": _l("upcoming"),
    "done": _l("done"),
}
ITEM_KIND_NAMES = {
    "talk": _l("Talk"),
    "presentation": _l("Presentation"),
    "discussion": _l("Discussion"),
    "greetings": _l("Greetings"),
    "ceremony": _l("Ceremony"),
    "break": _l("Break"),
    "other": _l("Other"),
}
ORGANISATION_ROLE_NAMES = {
    "organiser": _l("Organiser"),
    "partner": _l("Partner"),
    "associated_partner": _l("Associated partner"),
}
AWARD_KIND_NAMES = {
    "place": _l("Place"),
    "audience": _l("Audience favourite"),
    "director": _l("Director's favourite"),
    "mention": _l("Mention"),
}
VOTE_MODE_NAMES = {
    "open": _l("Anyone following the event may vote"),
    "join_code": _l("Only holders of a join code may vote"),
}
ROLE_NAMES = {
    "admin": _l("Admin"),
    "organiser": _l("Organiser"),
    "moderator": _l("Moderator"),
    "jury": _l("Juror"),
}


def event_time(event, moment: datetime | None, pattern: str | None = None) -> str:
    """``moment`` as the wall-clock time at the event, in the admin's language: the named
    ``datetime`` format (``2021. gada 15. jūn. 14:00``), or a Babel ``pattern`` (``HH:mm``)."""
    if moment is None:
        return ""
    zone = zoneinfo.ZoneInfo(event.timezone)
    if pattern is None:
        return format_named(moment, "datetime", str(get_locale()), zone)
    return format_datetime(moment, pattern, tzinfo=zone, locale=get_locale())


def name_of(names: dict, key) -> str:
    return str(names.get(key, key))


@bp.context_processor
def admin_helpers():
    return {
        "event_time": event_time,
        "status_name": lambda key: name_of(STATUS_NAMES, key),
        "kind_name": lambda key: name_of(ITEM_KIND_NAMES, key),
        "org_role_name": lambda key: name_of(ORGANISATION_ROLE_NAMES, key),
        "award_kind_name": lambda key: name_of(AWARD_KIND_NAMES, key),
        "vote_mode_name": lambda key: name_of(VOTE_MODE_NAMES, key),
        "role_name": lambda key: name_of(ROLE_NAMES, key),
    }
