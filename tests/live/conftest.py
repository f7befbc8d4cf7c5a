"""Fixtures of the live log tests: a small event, a moderator with a token, and Latvian."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from conference.awards.models import Contest
from conference.db import db
from conference.events.models import AgendaItem, Event
from conference.users.services import create_token_for, create_user
from tests.conftest import compile_fragment, join_team

FRAGMENT = Path(__file__).resolve().parents[2] / "conference/translations/fragments/live.lv.po"
ITEM_TITLES = [
    {"lv": "Atklāšanas uzruna", "en": "Opening address"},
    {"lv": "Projekta „ArtIn Future” prezentācija", "en": "Presenting ArtIn Future"},
    {"lv": "Mākslīgā intelekta loma mūsu dzīvē", "en": "The role of AI in our lives"},
    {"lv": "Konkursa „Mans Erasmus” apbalvošana", "en": "Award ceremony"},
]
STARTS_AT = datetime(2021, 6, 15, 11, 0, tzinfo=UTC)


def make_event(slug: str = "daugavpils-2021", item_count: int = 4) -> Event:
    """An event of ``item_count`` twenty-minute items with Latvian titles, and one contest."""
    event = Event(
        slug=slug,
        title={"lv": "Erasmus+ projektu rezultātu izvērtēšanas konference", "en": "Erasmus+"},
        timezone="Europe/Riga",
        starts_at=STARTS_AT,
        ends_at=STARTS_AT + timedelta(hours=3),
        languages=["lv", "en"],
        default_language="lv",
    )
    for position in range(item_count):
        start = STARTS_AT + timedelta(minutes=20 * position)
        event.items.append(
            AgendaItem(
                position=position,
                kind="talk",
                title=ITEM_TITLES[position % len(ITEM_TITLES)],
                planned_start=start,
                planned_end=start + timedelta(minutes=20),
            )
        )
    event.contests.append(Contest(title={"lv": "Mans Erasmus", "en": "My Erasmus"}))
    db.session.add(event)
    db.session.commit()
    return event


@pytest.fixture
def event(app):
    return make_event()


@pytest.fixture
def moderator_token(event):
    """The API token of a moderator of ``event`` (a role held in that event only)."""
    create_user("moderatore@example.org", "moderator", "correct horse battery")
    join_team("moderatore@example.org", "moderator", event.slug)
    return create_token_for("moderatore@example.org")


@pytest.fixture
def moderator(moderator_token):
    return {"Authorization": f"Bearer {moderator_token}"}


@pytest.fixture
def latvian_catalogue(tmp_path_factory):
    """This area's Latvian fragment compiled on its own, as the app will find it once merged."""
    folder = tmp_path_factory.mktemp("translations")
    return compile_fragment(FRAGMENT, folder)


@pytest.fixture
def start_server(app, app_config, db_url, tmp_path):
    """``start_server(**settings)``: a running ``conference serve`` on this test's database.

    ``settings`` are configuration keys like ``socketio_message_queue=URL``; every process
    started is stopped at the end of the test.
    """
    from tests.live.servers import ServerProcess

    db.session.remove()  # the server must see what the test committed, and SQLite no lock
    started: list[ServerProcess] = []

    def start(*args: str, **settings) -> ServerProcess:
        server = ServerProcess(
            db_url, tmp_path / f"server-{len(started)}", app_config["SECRET_KEY"], **settings
        )
        started.append(server)
        return server.start(*args)

    yield start
    for server in started:
        server.stop()
