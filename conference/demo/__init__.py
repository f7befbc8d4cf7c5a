"""The demo: the reference conference (Daugavpils tehnikums, 15 June 2021) as an event file.

``conference serve --demo`` calls :func:`install_demo` so that one command shows the product
with real content: the programme, the people, the projects and the contest "Mans Erasmus".
"""

from __future__ import annotations

import secrets
from pathlib import Path

import sqlalchemy as sa

from conference.db import db
from conference.events.exchange import stage_event
from conference.events.models import Event
from conference.users.auth import hash_password
from conference.users.models import User

DEMO_FILE = Path(__file__).with_name("daugavpils-2021.toml")
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
    try:
        stage_event(DEMO_FILE.read_text(encoding="utf-8"))
        admin = db.session.scalar(sa.select(User).where(User.email == DEMO_ADMIN))
        if admin is None:
            admin = User(email=DEMO_ADMIN, name="Demo admin", role="admin")
            db.session.add(admin)
        admin.role, admin.active = "admin", True
        admin.password_hash = hash_password(password)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return DEMO_ADMIN, password
