"""Fixtures of the greetings tests: an event with partners, invites, a moderator, a real HTTP
server for tus clients, and a real Huey consumer thread."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import g
from flask.testing import FlaskClient
from werkzeug.serving import make_server

from conference.db import db
from conference.events.models import AgendaItem, Event
from conference.greetings.invites import create_invite
from conference.greetings.worker import EmbeddedConsumer
from conference.people.models import Organisation
from conference.translations import TRANSLATIONS_DIR
from conference.users.services import create_token_for, create_user
from tests.conftest import join_team

FRAGMENTS = Path(__file__).resolve().parents[2] / "conference/translations/fragments"
STARTS_AT = datetime(2021, 6, 15, 11, 0, tzinfo=UTC)
PARTNER_LANGUAGES = ("lv", "et", "it", "es", "pt", "de")


@pytest.fixture(scope="session")
def greetings_catalogues(tmp_path_factory):
    """The greetings fragments compiled on their own (the i18n tool merges them later)."""
    folder = tmp_path_factory.mktemp("greetings-translations")
    for lang in PARTNER_LANGUAGES:
        catalogue = None
        for fragment in sorted(FRAGMENTS.glob(f"greetings*.{lang}.po")):
            with fragment.open("rb") as handle:
                part = read_po(handle, locale=lang)
            if catalogue is None:
                catalogue = part
            else:
                for message in part:
                    if message.id:
                        catalogue[message.id] = message
        if catalogue is None:
            continue
        target = folder / lang / "LC_MESSAGES"
        target.mkdir(parents=True)
        with (target / "messages.mo").open("wb") as handle:
            write_mo(handle, catalogue)
    return folder


@pytest.fixture
def app_config(app_config, greetings_catalogues):
    """Our fragments first, then the app's catalogues; processing queued, not in-process."""
    app_config["BABEL_TRANSLATION_DIRECTORIES"] = f"{greetings_catalogues};{TRANSLATIONS_DIR}"
    app_config["TASKS_IN_PROCESS_WORKER"] = False
    return app_config


class FreshRequestClient(FlaskClient):
    """Each request starts with an empty ``g``, as in production: the tests' app context outlives
    requests, and Flask-Babel (the locale) and the auth helpers (the user) cache in ``g``."""

    def open(self, *args, **kwargs):
        g.__dict__.clear()
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app):
    app.test_client_class = FreshRequestClient
    return app.test_client()


@pytest.fixture
def event(app):
    """The reference conference, small: a greetings item and three organisations."""
    event = Event(
        slug="daugavpils-2021",
        title={"lv": "Erasmus+ projektu rezultātu izvērtēšanas konference", "en": "Erasmus+"},
        timezone="Europe/Riga",
        starts_at=STARTS_AT,
        ends_at=STARTS_AT + timedelta(hours=3),
        languages=["lv", "en"],
        default_language="lv",
    )
    event.items.append(
        AgendaItem(
            position=0,
            kind="greetings",
            title={"lv": "Partneru video sveicieni", "en": "Video greetings from partners"},
            planned_start=STARTS_AT,
            planned_end=STARTS_AT + timedelta(minutes=20),
        )
    )
    for position, (name, country, role) in enumerate(
        [
            ("Daugavpils tehnikums", "LV", "organiser"),
            ("Tartu Kutsehariduskeskus", "EE", "partner"),
            ("Istituto Tecnico Leonardo da Vinci", "IT", "partner"),
        ]
    ):
        event.organisations.append(
            Organisation(position=position, name=name, country=country, role=role)
        )
    db.session.add(event)
    db.session.commit()
    return event


@pytest.fixture
def partner(event):
    """The Estonian partner organisation."""
    return event.organisations[1]


@pytest.fixture
def invite_token(event, partner):
    """A fresh upload link's token for the Estonian partner."""
    return create_invite(event, partner)[1]


@pytest.fixture
def moderator_token(event):
    """The API token of a moderator of ``event`` (a role held in that event only)."""
    create_user("moderatore@example.org", "moderator", "correct horse battery")
    join_team("moderatore@example.org", "moderator", event.slug)
    return create_token_for("moderatore@example.org")


@pytest.fixture
def moderator(moderator_token):
    """Request headers of a moderator's API token."""
    return {"Authorization": f"Bearer {moderator_token}"}


@pytest.fixture
def live_url(app):
    """The app on a real threaded HTTP server at 127.0.0.1 (tus clients speak real HTTP)."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="test-http", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    server.server_close()


@pytest.fixture
def consumer(app):
    """A real Huey consumer (one worker thread) on the app's queue, stopped afterwards."""
    worker = EmbeddedConsumer(
        app.extensions["greetings_tasks"].huey,
        workers=1,
        worker_type="thread",
        initial_delay=0.05,
        max_delay=0.2,
        periodic=False,
    )
    worker.start()
    yield worker
    worker.stop(graceful=True)
