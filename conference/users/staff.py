"""The header of the pages of people who run an event: which of the event's staff pages the
signed-in user may open, and which other events they may switch to.

One place decides what the staff header offers, so the console, greetings, ceremony and jury
pages show the same links, each only to someone whose role reaches it.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import request, url_for
from flask_babel import gettext as _

from conference.events.models import Event
from conference.users.access import events_where, may_in
from conference.users.auth import session_user


@dataclass(frozen=True)
class StaffLink:
    label: str
    url: str
    current: bool


def _may(user, event: Event, role: str) -> bool:
    return may_in(user, event, role)


def staff_links(event: Event) -> list[StaffLink]:
    """The event's staff pages this user may open, in the order of the event day."""
    user = session_user()
    pages = []
    if _may(user, event, "moderator"):
        pages += [
            (_("Console"), "live.console", url_for("live.console", slug=event.slug)),
            (
                _("Video greetings"),
                "greetings.moderate",
                url_for("greetings.moderate", slug=event.slug),
            ),
            (_("Award ceremony"), "ceremony.page", url_for("ceremony.page", slug=event.slug)),
        ]
    if _may(user, event, "jury"):
        pages.append((_("Jury"), "jury.scoring", url_for("jury.scoring", slug=event.slug)))
    if _may(user, event, "organiser"):
        pages.append((_("Admin"), "admin.event", url_for("admin.event", slug=event.slug)))
    return [StaffLink(label, url, request.endpoint == endpoint) for label, endpoint, url in pages]


def staff_events(event: Event) -> list[Event]:
    """The other events whose console this user may open (for the event switcher)."""
    user = session_user()
    if not _may(user, event, "moderator"):
        return []
    return [other for other in events_where(user, "moderator") if other.id != event.id]


def init_app(app) -> None:
    app.context_processor(
        lambda: {"staff_links": staff_links, "staff_events": staff_events, "may_in": may_in}
    )
