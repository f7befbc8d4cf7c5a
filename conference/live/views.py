"""Live pages: the attendee's live page (the event home), the screen view, the moderator console.

Each page renders the programme on the server (so it reads well before any script runs) and
embeds two JSON blocks for ``static/js/live/``:

- ``#initial-state``: the public snapshot, exactly what Socket.IO's ``snapshot`` carries and
  nothing more (never winners, scores or tallies);
- ``#live-page``: what the snapshot leaves out on purpose: item titles and speakers in the
  page's language, the event's time zone, and where to connect;
- ``#live-phrases``: the translated sentences the scripts show (rendered by the template, so
  the scripts hold no interface text of their own).

The pages talk to the server only through the public interfaces of PROTOCOL.md.
"""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import get_locale
from flask_babel import gettext as _

from conference.db import iso, utcnow
from conference.errors import NotFound
from conference.events.models import Event, pick
from conference.events.schemas import detail_loading
from conference.events.services import get_event_or_404
from conference.i18n import choose_text
from conference.live.page_cache import cached_page
from conference.live.publish import live_hub
from conference.users.access import event_role_required

bp = Blueprint("live", __name__)


@bp.get("/events/<slug>")
def event_home(slug: str):
    """The event's home and the attendee's live page: now, next, the agenda, announcements.

    Where the event requires registration (1.1), an attendee not yet registered goes to the
    register page first; the check comes before the shared page cache. After the event a
    registered participant's page (never cached) offers their certificate or says why not.
    """
    from conference.participants.certificates import offer_for
    from conference.participants.gate import registration_first

    gate = registration_first(slug)
    if gate is not None:
        return gate

    certificate = offer_for(slug)

    def render() -> str:
        event = get_event_or_404(slug, detail_loading())
        return render_template(
            "live/attendee.html", certificate=certificate, **_page_context(event, "attendee")
        )

    if certificate is not None:  # after the event, a participant's own page: not shared
        return render()
    return cached_page("attendee", slug, render)


@bp.get("/events/<slug>/screen")
def screen(slug: str):
    """The full-screen 16:9 view for the room's projector and for sharing into the call."""

    def render() -> str:
        event = get_event_or_404(slug, detail_loading())
        return render_template("live/screen.html", **_page_context(event, "screen"))

    return cached_page("screen", slug, render)


@bp.get("/moderate/<slug>")
@event_role_required("moderator")
def console(slug: str):
    """The moderator's console: run the agenda, shift the day, announce, end the event."""
    event = get_event_or_404(slug, detail_loading())
    return render_template(
        "live/console.html",
        **_page_context(event, "console"),
    )


def _page_context(event: Event, page: str) -> dict:
    """What every live page's template needs: the event, its items, the two JSON blocks."""
    lang = str(get_locale() or event.default_language)
    now = utcnow()
    snapshot = public_snapshot(event)
    items = [_item_view(item, event, lang) for item in event.items]
    page_data = {
        "page": page,
        "slug": event.slug,
        "lang": lang,
        "default_language": event.default_language,
        "timezone": event.timezone,
        "second_language": _second_language(event, lang),
        "server_now": iso(now),
        "socket_path": "/socket.io",
        "commands_url": f"/api/v1/events/{event.slug}/commands",
        "state_url": f"/api/v1/events/{event.slug}/state",
        "items": {str(view["id"]): view for view in items},
    }
    return {
        "event": event,
        "lang": lang,
        "now": now,
        "items": items,
        "snapshot": snapshot,
        "page_data": page_data,
    }


def _item_view(item, event: Event, lang: str) -> dict:
    """The static side of an agenda item (what the snapshot has no room for), in ``lang``.

    ``title_lang`` names the language the title is in (another one when it fell back), so the
    scripts can mark it; ``title_alt`` is the title in the second language only, or ``""``.
    """
    second = _second_language(event, lang)
    title, title_lang = choose_text(item.title, lang, event.default_language)
    return {
        "id": item.id,
        "kind": item.kind,
        "title": title,
        "title_lang": title_lang or lang,
        "title_alt": (item.title or {}).get(second, "") if second else "",
        "speakers": [
            {
                "name": person.name,
                "role": pick(person.role, lang, event.default_language),
                "organisation": person.organisation.name if person.organisation else "",
            }
            for person in item.speakers
        ],
    }


def _second_language(event: Event, lang: str) -> str | None:
    """The event's other working language, shown smaller on the screen of a bilingual room."""
    return next((code for code in event.languages if code != lang), None)


def public_snapshot(event: Event) -> dict:
    """The snapshot a client connecting now would get (the live hub's, with the online count)."""
    entry = live_hub().cache.get(event.slug)
    if entry is None:  # deleted between the page's query and now
        raise NotFound(_("There is no event %(slug)s.", slug=event.slug), code="unknown_event")
    return entry.snapshot
