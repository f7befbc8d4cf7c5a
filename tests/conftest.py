"""Shared fixtures: the app on SQLite and on PostgreSQL, its clients, and service checks.

Every test that uses ``app`` (or ``db_url``) runs twice: on a SQLite file and on PostgreSQL.
Each test session makes its own PostgreSQL database (so parallel runs never collide) and drops it
at the end. Without PostgreSQL or Redis the tests that need them skip, except under ``CI=true``,
where a missing service is a failure.
"""

from __future__ import annotations

import os
import secrets
import uuid

import pytest
import sqlalchemy as sa

from conference.app import create_app
from conference.db import Base, db, make_engine

PG_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
IN_CI = os.environ.get("CI") == "true"


def service_missing(what: str, reason: str):
    """Skip on a laptop; fail under CI, where every service must be there."""
    if IN_CI:
        pytest.fail(f"{what} is required under CI=true but unavailable: {reason}")
    pytest.skip(f"{what} unavailable: {reason}")


@pytest.fixture(scope="session")
def postgres_url():
    """A fresh PostgreSQL database for this test session, dropped afterwards."""
    admin = make_engine(PG_ADMIN_URL).execution_options(isolation_level="AUTOCOMMIT")
    name = f"conference_test_{os.getpid()}_{secrets.token_hex(3)}"
    try:
        with admin.connect() as connection:
            connection.execute(
                sa.text(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0")
            )
    except sa.exc.OperationalError as exc:
        service_missing("PostgreSQL", str(exc.orig).strip().splitlines()[0])
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    engine = make_engine(url)
    import conference.models  # noqa: F401

    Base.metadata.create_all(engine)
    engine.dispose()
    yield url
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A database URL with the schema in place, empty, on each engine in turn."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'test.db'}"
        engine = make_engine(url)
        import conference.models  # noqa: F401

        Base.metadata.create_all(engine)
        engine.dispose()
        yield url
        return
    url = request.getfixturevalue("postgres_url")
    yield url
    empty_postgres(url)


def empty_postgres(url: str) -> None:
    """Every table of the session's PostgreSQL database emptied, its ids counting from 1."""
    engine = make_engine(url)
    with engine.begin() as connection:
        names = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
        connection.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def app_config(tmp_path, db_url):
    """Settings for a test app; tests may change them before asking for ``app``."""
    return {
        "TESTING": True,
        "INSTANCE_DIR": str(tmp_path / "instance"),
        "DATABASE_URL": db_url,
        "SECRET_KEY": "test-" + uuid.uuid4().hex,
        "MEDIA_DIR": str(tmp_path / "instance" / "media"),
        "RATELIMIT_ENABLED": True,
    }


def _forget_request_globals():
    """Each test request starts with its own ``g``, as in production.

    The ``app`` fixture keeps one app context open, which Flask reuses for the test client's
    requests, so Flask-Babel's cached locale and ``g.event`` would leak from one request into
    the next (a ``?lang=en`` request followed by ``?lang=lv`` would still answer in English).
    """
    from flask import g

    g.pop("_flask_babel", None)
    g.pop("event", None)


@pytest.fixture
def app(app_config):
    from tests.api.contract import ContractCheck

    application = create_app(test_config=app_config, async_mode="threading")
    application.before_request(_forget_request_globals)
    # Every /api/v1 answer of every test is held to conference/api/openapi.json.
    contract = application.wsgi_app = ContractCheck(application.wsgi_app)
    with application.app_context():
        yield application
        db.session.remove()
    db.engine.dispose()
    if contract.violations:
        pytest.fail("answers that break the API description:\n" + "\n".join(contract.violations))


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def redis_url():
    """The Redis test database (15), flushed before use."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as exc:
        service_missing("Redis", str(exc))
    client.flushdb()
    client.close()
    return REDIS_URL


def compile_fragment(fragment, folder):
    """Compile one area's Latvian fragment alone into ``folder/lv/LC_MESSAGES/messages.mo``.

    An area's tests can so check its Latvian before the catalogue tool merges the fragments.
    """
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    target = folder / "lv" / "LC_MESSAGES"
    target.mkdir(parents=True, exist_ok=True)
    with open(fragment, "rb") as handle:
        catalogue = read_po(handle, locale="lv")
    with (target / "messages.mo").open("wb") as handle:
        write_mo(handle, catalogue)
    return folder


@pytest.fixture
def conference(db_url, tmp_path):
    """Run ``conference ARGS`` (the console script's click group) against the test database;
    returns the click result."""
    from click.testing import CliRunner

    from conference.cli import main

    runner = CliRunner()
    environment = {
        "CONFERENCE_DATABASE_URL": db_url,
        "CONFERENCE_SERVER_INSTANCE_DIR": str(tmp_path / "instance"),
        "CONFERENCE_SERVER_SECRET_KEY": "cli-test",
    }

    def run(*args: str, stdin: str | None = None, **overrides: str):
        result = runner.invoke(main, list(args), input=stdin, env={**environment, **overrides})
        if db.engine is not None:
            db.engine.dispose()  # each command made its own engine; close its connections
        return result

    return run


def join_team(email: str, role: str, slug: str = "daugavpils-2021"):
    """Give the user ``email`` the ``role`` in the event ``slug``, through the team's one writer
    (as ``conference team add`` does): moderators and jurors act on an event only then."""
    from conference.users.team import add_to_team

    return add_to_team(slug, email, role)
