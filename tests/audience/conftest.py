"""Fixtures of the audience tests: the live tests' event and moderator, attendees with cookies."""

from __future__ import annotations

import pytest
from itsdangerous import URLSafeSerializer

from tests.live import conftest as live_fixtures

# The live tests' fixtures, shared: a small event with Latvian titles, a moderator's token.
event = live_fixtures.event
moderator = live_fixtures.moderator
moderator_token = live_fixtures.moderator_token
start_server = live_fixtures.start_server

SLUG = "daugavpils-2021"


def attendee(app, attendee_id: str):
    """A test client that is the attendee ``attendee_id`` (a signed cookie, as a browser keeps)."""
    client = app.test_client()
    signed = URLSafeSerializer(app.secret_key, salt="attendee").dumps(attendee_id)
    client.set_cookie("attendee", signed)
    return client


def attendee_headers(app, attendee_id: str) -> dict:
    signed = URLSafeSerializer(app.secret_key, salt="attendee").dumps(attendee_id)
    return {"Cookie": f"attendee={signed}"}


@pytest.fixture
def command(app, moderator):
    """``command(type, **args)``: a moderator command through the API; returns the response."""
    client = app.test_client()

    def send(command_type, **args):
        return client.post(
            f"/api/v1/events/{SLUG}/commands",
            json={"type": command_type, **args},
            headers=moderator,
        )

    return send
