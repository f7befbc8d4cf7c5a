"""Browser tests: a real server with the demo event, and Chromium driven by Playwright.

Fixtures:
- ``live_server`` (session): ``conference serve`` in its own process on a free port of
  127.0.0.1, on a fresh SQLite database with the demo event imported (see
  :mod:`tests.e2e.live_server`). ``live_server.url`` is the base URL; ``live_server.instance``
  and ``live_server.database_url`` name its folder and database.
- ``start_demo_server`` (session): a factory for more such servers (each with its own fresh
  database), for tests that change the event and must not disturb others; stopped at the end.
- ``server_database(server.instance, server.database_url)``: an app context on a server's
  database, to create what a test needs that has no page (a user, an API token).
- ``browser`` (session): Debian's Chromium, headless.
- ``new_context``: a factory for browser contexts (``locale``, ``timezone_id``, ``viewport`` …),
  closed after the test. By default a browser at the school: Latvian (lv-LV), in Europe/Riga.

Every test under ``tests/e2e`` is marked ``e2e``. Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import service_missing
from tests.e2e.live_server import REPO_DIR, ServerProcess

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
ARTIFACTS_DIR = REPO_DIR / "test-artifacts"


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.e2e)


@contextmanager
def server_database(instance: Path, database_url: str):
    """An app context on a server's database (same instance folder, so the same secret key).

    For setting up what a test needs that has no page: a user, an API token, a look-up of ids.
    """
    from conference.app import create_app
    from conference.db import db

    app = create_app(
        test_config={"INSTANCE_DIR": str(instance), "DATABASE_URL": database_url},
        async_mode="threading",
    )
    try:
        with app.app_context():
            yield app
            db.session.remove()
    finally:
        db.engine.dispose()


def create_demo_database(instance: Path, database_url: str) -> None:
    """Create the schema and import the demo event, as ``conference serve --demo`` would."""
    from conference.db import db
    from conference.demo import install_demo

    with server_database(instance, database_url):
        db.create_all()
        install_demo()


@pytest.fixture(scope="session")
def start_demo_server(tmp_path_factory):
    """``start()`` -> a running :class:`ServerProcess` with its own fresh demo database."""
    servers: list[ServerProcess] = []

    def start() -> ServerProcess:
        instance = tmp_path_factory.mktemp("server")
        database_url = f"sqlite:///{instance / 'conference.db'}"
        create_demo_database(instance, database_url)
        server = ServerProcess(instance, database_url)
        servers.append(server)
        server.start()
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def live_server(start_demo_server):
    return start_demo_server()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        service_missing("Chromium", f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def new_context(browser):
    """``new_context(**options)`` -> a Playwright BrowserContext, closed after the test."""
    contexts = []

    def make(**options):
        options.setdefault("locale", "lv-LV")
        options.setdefault("timezone_id", "Europe/Riga")
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def screenshots_dir() -> Path:
    folder = ARTIFACTS_DIR / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
