"""Helpers every page template can call: times in the event's zone, dates, countries, labels.

Registered as Jinja globals by the ``events`` blueprint (see :func:`register`), so the live
page, the moderator console and the partner page format times the same way as the programme.
Times are written as ``<time datetime="…Z">14:00</time>``; ``static/js/localtime.js`` adds the
viewer's own time beside them when the viewer's zone differs from the event's.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_interval, format_skeleton, get_timezone_name
from flask import current_app, g, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from conference import i18n
from conference.date_formats import format_named
from conference.db import iso

# Languages whose interface catalogues are complete; other configured languages are offered
# only where a page asks for them (the partner's upload page).
PUBLIC_LANGUAGES = ("lv", "en")

ITEM_KIND_LABELS = {
    "talk": _l("Talk"),
    "presentation": _l("Presentation"),
    "discussion": _l("Discussion"),
    "greetings": _l("Greetings"),
    "ceremony": _l("Ceremony"),
    "break": _l("Break"),
    "other": _l("Other"),
}
ORGANISATION_ROLE_LABELS = {
    "organiser": _l("Organiser"),
    "partner": _l("Partner"),
    "associated_partner": _l("Associated partner"),
}


def page_language() -> str:
    return str(get_locale() or current_app.config["DEFAULT_LANGUAGE"])


def event_zone(event=None) -> ZoneInfo:
    """The zone the event's times are shown in (the page's event, else UTC)."""
    event = event if event is not None else getattr(g, "event", None)
    return ZoneInfo(event.timezone) if event is not None else ZoneInfo("UTC")


def in_event_zone(moment: datetime, event=None) -> datetime:
    return moment.astimezone(event_zone(event))


def clock(moment: datetime | None, event=None) -> str:
    """``14:00``: a 24-hour clock in the page's language and the event's zone."""
    if moment is None:
        return ""
    return format_skeleton("Hm", moment, tzinfo=event_zone(event), locale=page_language())


def named_date(value: datetime | date | None, name: str = "date", event=None) -> str:
    """A date in the page's language as the named format ``name`` (see date_formats.py):
    ``named_date(invite.expires_at, "until")`` -> ``2027. gada 2. janvārim`` after "līdz"."""
    if value is None:
        return ""
    return format_named(value, name, page_language(), event_zone(event))


def long_date(value: datetime | date | None, event=None) -> str:
    """``2021. gada 15. jūnijs`` (lv) / ``June 15, 2021`` (en); datetimes in the event's zone."""
    return named_date(value, "date", event)


def month_period(starts_on: date | None, ends_on: date | None) -> str:
    """``2021. gada marts – 2023. gada februāris``: a project's period, by month."""
    if starts_on is None or ends_on is None:
        return long_date(starts_on or ends_on)
    return format_interval(starts_on, ends_on, "yMMMM", locale=page_language())


def zone_name(event=None) -> str:
    """The event's zone as people say it, e.g. ``Austrumeiropas vasaras laiks``, at its start."""
    event = event if event is not None else getattr(g, "event", None)
    moment = event.starts_at if event is not None else datetime.now(UTC)
    return get_timezone_name(in_event_zone(moment, event), "long", locale=page_language())


def country_name(code: str | None) -> str:
    """An ISO 3166 alpha-2 code as the country's name in the page's language."""
    if not code:
        return ""
    return Locale.parse(page_language()).territories.get(code.upper(), code.upper())


def text_of(value) -> str:
    """Content text in the page's language: a ``{lang: text}`` object, or a plain string."""
    if isinstance(value, Mapping):
        return i18n.translate(dict(value))
    return value or ""


def lang_attr(value) -> Markup:
    """`` lang="en"`` for the element showing ``text_of(value)`` when that text is not in the
    page's language (it fell back), else nothing: ``<p{{ lang_attr(note) }}>``."""
    if not isinstance(value, Mapping):
        return Markup("")
    shown = i18n.language_of(dict(value))
    if shown is None or shown == page_language():
        return Markup("")
    return Markup(' lang="{}"').format(shown)


def language_url(code: str) -> str:
    """The current page in language ``code``: the same path and query with ``lang`` replaced."""
    args = [(key, value) for key, value in request.args.items(multi=True) if key != "lang"]
    args.append(("lang", code))
    return f"{request.script_root}{request.path}?{urlencode(args)}"


def offered_languages() -> list[str]:
    """Languages the switcher offers: Latvian and English always, in the event's order."""
    event = getattr(g, "event", None)
    ordered = list(event.languages) if event is not None else []
    chosen = [code for code in ordered if code in PUBLIC_LANGUAGES]
    return chosen + [code for code in PUBLIC_LANGUAGES if code not in chosen]


def event_path(event, page: str = "") -> str:
    """``/events/<slug>`` (the live home, owned by the live pages) or one of its sub-pages."""
    suffix = f"/{page}" if page else ""
    return f"{request.script_root}/events/{event.slug}{suffix}"


TEMPLATE_GLOBALS = {
    "clock": clock,
    "long_date": long_date,
    "named_date": named_date,
    "lang_attr": lang_attr,
    "month_period": month_period,
    "zone_name": zone_name,
    "country_name": country_name,
    "text_of": text_of,
    "language_url": language_url,
    "event_path": event_path,
    "iso": iso,
    "item_kind_label": lambda kind: ITEM_KIND_LABELS.get(kind, kind),
    "organisation_role_label": lambda role: ORGANISATION_ROLE_LABELS.get(role, role),
}


def register(state) -> None:
    """Make the helpers and ``offered_languages`` available to every template of the app."""
    app = state.app
    app.jinja_env.globals.update(TEMPLATE_GLOBALS)

    @app.context_processor
    def _offered_languages():
        return {"offered_languages": offered_languages()}
