"""Reading the bodies of ``PATCH /api/v1/events/{slug}`` and ``PATCH …/items/{id}`` (PROTOCOL 1.1).

Each returns the values to change, in the model's terms (texts per language, aware datetimes),
or refuses with 422 naming the field. The event's own rules (a title in the default language,
an end after the start, a known kind) are checked by the domain functions that write.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask_babel import gettext as _

from conference.edge.text import DESCRIPTION_MAX_CHARS, TITLE_MAX_CHARS, check_text
from conference.errors import Invalid
from conference.events.exchange_convert import URL_PATTERN
from conference.live.schemas import translated_argument
from conference.participants.registration import registration_mode

ITEM_PATCH_FIELDS = ("title", "kind", "planned_start", "planned_end")
EVENT_PATCH_FIELDS = (
    "title",
    "description",
    "online_url",
    "registration",
    "certificate_min_minutes",
)
# A day: a longer minimum for a certificate is a typing mistake.
MAX_CERTIFICATE_MINUTES = 1440
MAX_URL = 500
# Times outside these years are typing mistakes, and near the ends of Python's calendar an
# offset or a schedule shift would overflow it.
FIRST_YEAR, LAST_YEAR = 1900, 2999


def _object(body, accepted: tuple[str, ...]) -> dict:
    if not isinstance(body, dict):
        raise Invalid(_("The request body must be a JSON object."), code="bad_body")
    unknown = sorted(key for key in body if key not in accepted)
    if unknown:
        raise Invalid(
            _(
                "Unknown field %(fields)s; a change may give %(accepted)s.",
                fields=", ".join(unknown),
                accepted=", ".join(accepted),
            ),
            code="unknown_field",
        )
    return body


def moment(body: dict, name: str) -> datetime:
    """An ISO 8601 time with an explicit offset (``2021-06-15T11:00:00Z``), as UTC."""
    value = body[name]
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is not None and not FIRST_YEAR <= parsed.year <= LAST_YEAR:
        raise Invalid(
            _(
                "%(name)s must be a time between the years %(first)s and %(last)s.",
                name=name,
                first=FIRST_YEAR,
                last=LAST_YEAR,
            ),
            code="bad_argument",
            field=name,
        )
    if parsed is None or parsed.tzinfo is None:
        raise Invalid(
            _(
                "%(name)s must be a time with its offset, e.g. 2021-06-15T14:00:00+03:00.",
                name=name,
            ),
            code="bad_argument",
            field=name,
        )
    return parsed.astimezone(UTC)


def item_patch(body, event) -> dict:
    """``{title?, kind?, planned_start?, planned_end?}`` -> the item values to change."""
    body = _object(body, ITEM_PATCH_FIELDS)
    values = {}
    if "title" in body:
        values["title"] = translated_argument(body, "title", list(event.languages), TITLE_MAX_CHARS)
    if "kind" in body:
        if not isinstance(body["kind"], str):
            raise Invalid(_("Unknown kind of item."), code="bad_kind", field="kind")
        values["kind"] = body["kind"]
    for name in ("planned_start", "planned_end"):
        if name in body:
            values[name] = moment(body, name)
    return values


def event_patch(body, event) -> dict:
    """``{title?, description?, online_url?, registration?, certificate_min_minutes?}`` -> the
    event values to change."""
    body = _object(body, EVENT_PATCH_FIELDS)
    values = {}
    if "title" in body:
        values["title"] = translated_argument(body, "title", list(event.languages), TITLE_MAX_CHARS)
    if "description" in body:
        description = body["description"]
        values["description"] = (
            {}
            if description == {}
            else translated_argument(
                body, "description", list(event.languages), DESCRIPTION_MAX_CHARS
            )
        )
    if "online_url" in body:
        url = body["online_url"]
        if url is not None and (
            not isinstance(url, str) or len(url) > MAX_URL or not URL_PATTERN.match(url)
        ):
            raise Invalid(
                _("online_url must be a web address starting with https:// or http://, or null."),
                code="bad_argument",
                field="online_url",
            )
        values["online_url"] = None if url is None else check_text(url, "online_url", MAX_URL)
    if "registration" in body:
        values["registration"] = registration_mode(body["registration"])
    if "certificate_min_minutes" in body:
        minutes = body["certificate_min_minutes"]
        if (
            not isinstance(minutes, int)
            or isinstance(minutes, bool)
            or not 0 <= minutes <= MAX_CERTIFICATE_MINUTES
        ):
            raise Invalid(
                _(
                    "certificate_min_minutes must be a whole number from 0 to %(most)s.",
                    most=MAX_CERTIFICATE_MINUTES,
                ),
                code="bad_argument",
                field="certificate_min_minutes",
            )
        values["certificate_min_minutes"] = minutes
    return values
