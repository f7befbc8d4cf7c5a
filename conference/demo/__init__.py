"""The demo: the reference conference (Daugavpils tehnikums, 15 June 2021) as an event file.

``conference serve --demo`` calls :func:`install_demo` so that one command shows the product
with real content: the programme, the people, the projects and the contest "Mans Erasmus",
and the demo's own pictures (``pictures/``, drawn by ``scripts/draw_pictures.py``): the event's
logo and banner, a portrait for each speaker, a mark for each organisation.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import sqlalchemy as sa

from conference.db import db
from conference.events.exchange import stage_event
from conference.events.exchange_keys import keyed_rows
from conference.events.models import Event
from conference.images.services import store_picture
from conference.images.storage import remove_files
from conference.users.auth import hash_password
from conference.users.models import User

DEMO_FILE = Path(__file__).with_name("daugavpils-2021.toml")
PICTURES = Path(__file__).with_name("pictures")
DEMO_SLUG = "daugavpils-2021"
DEMO_ADMIN = "admin@demo.invalid"


def install_demo() -> tuple[str, str] | None:
    """Import the demo event and a demo admin when the database has no events.

    Returns ``(email, password)`` of the admin ``admin@demo.invalid`` with a new random
    password (an existing demo admin gets a new one), to be shown once. When any event exists,
    returns None and changes nothing. One transaction: all of it, or nothing.
    """
    if db.session.scalar(sa.select(sa.func.count()).select_from(Event)):
        return None
    password = secrets.token_urlsafe(12)
    stored: list[dict] = []
    try:
        event = stage_event(DEMO_FILE.read_text(encoding="utf-8"))
        add_pictures(event, stored)
        admin = db.session.scalar(sa.select(User).where(User.email == DEMO_ADMIN))
        if admin is None:
            admin = User(email=DEMO_ADMIN, name="Demo admin", role="admin")
            db.session.add(admin)
        admin.role, admin.active = "admin", True
        admin.password_hash = hash_password(password)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        for picture in stored:
            remove_files(picture)
        raise
    return DEMO_ADMIN, password


def add_pictures(event: Event, stored: list[dict]) -> None:
    """Give the staged demo event its pictures from :data:`PICTURES`, through the one writer
    of pictures (checked, resized, stored); ``stored`` collects them for cleaning up."""

    def attach(row, column: str, slot: str, name: str) -> None:
        path = PICTURES / name
        if not path.is_file():
            return
        with open(path, "rb") as source:
            picture = store_picture(slot, source)
        stored.append(picture)
        setattr(row, column, picture)

    attach(event, "logo_image", "event-logo", "event-logo.png")
    attach(event, "banner_image", "event-banner", "event-banner.jpg")
    keys = dict(keyed_rows(event.people, event.default_language))
    for key, person in keys.items():
        attach(person, "photo", "person-photo", f"person-{key}.jpg")
    keys = dict(keyed_rows(event.organisations, event.default_language))
    for key, organisation in keys.items():
        attach(organisation, "logo_image", "organisation-logo", f"organisation-{key}.png")
