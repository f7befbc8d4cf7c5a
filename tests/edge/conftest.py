"""Fixtures of the edge tests: the reference event, an admin's token and browser, a follower,
and what the database holds (to show that a refusal stored nothing)."""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa
from hypothesis import settings

from conference.db import Base, db
from conference.edge.text import NOT_TEXT
from conference.extensions import socketio
from conference.users.services import create_token_for
from tests.admin.browser import (  # noqa: F401  (fixtures)
    admin,
    admin_client,
    browser_clients,
    client,
    make_user,
)
from tests.events.reference_event import SLUG, build_reference_event
from tests.live.conftest import start_server  # noqa: F401  (a fixture)
from tests.security.conftest import site  # noqa: F401  (a fixture)

# Property tests: random on a laptop (new cases each run), derandomised under CI so that a CI
# run is reproducible (the same examples from the same code); no example database either way.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("dev", database=None, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") == "true" else "dev")


@pytest.fixture
def event(app):
    return build_reference_event()


@pytest.fixture
def token(admin) -> dict:  # noqa: F811  (the fixture above)
    """The admin's bearer token: every API role."""
    return {"Authorization": f"Bearer {create_token_for(admin.email)}"}


@pytest.fixture
def cli(conference):
    """``conference`` (the console script) next to the ``app`` fixture: the CLI builds its own
    app, which takes over the shared engine, so the test's connections are closed first."""

    def run(*args, **kwargs):
        db.session.remove()
        db.engine.dispose()
        return conference(*args, **kwargs)

    return run


def database_rows() -> dict[str, list]:
    """Every row of every table, for "nothing was stored" (sessions of sign-ins aside)."""
    db.session.rollback()
    rows = {}
    with db.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            if table.name in ("users", "user_sessions", "api_tokens"):
                continue
            keys = list(table.primary_key.columns)
            rows[table.name] = [
                tuple(row) for row in connection.execute(sa.select(table).order_by(*keys))
            ]
    return rows


def invalid_texts() -> list[tuple[str, str]]:
    """``(table.column, value)`` of every stored string the text rule refuses."""
    found = []
    with db.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            for column in table.columns:
                impl = getattr(column.type, "impl", None)
                if impl is None:
                    continue
                query = sa.select(sa.type_coerce(column, impl)).where(column.is_not(None))
                for (value,) in connection.execute(query):
                    if NOT_TEXT.search(repr_strings(value)):
                        found.append((f"{table.name}.{column.name}", ascii(value)))
    return found


def repr_strings(value) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return "".join(repr_strings(k) + repr_strings(v) for k, v in value.items())
    if isinstance(value, list):
        return "".join(repr_strings(v) for v in value)
    return ""


def assert_event_is_up(app, http) -> None:
    """``/state`` answers 200 and a new follower connects and gets its snapshot."""
    state = http.get(f"/api/v1/events/{SLUG}/state")
    assert state.status_code == 200, state.text[:300]
    follower = socketio.test_client(app, auth={"event": SLUG})
    assert follower.is_connected()
    assert [m["name"] for m in follower.get_received()] == ["snapshot"]
    follower.disconnect()
