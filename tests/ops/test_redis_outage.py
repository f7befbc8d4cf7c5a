"""Redis holding the rate limits goes away: sign-ins still work, and the limits still hold
(counted in memory by each process until Redis is back), never a 500."""

from __future__ import annotations

import socket

import pytest

from conference.users.services import create_user
from tests.admin.browser import post_form

pytestmark = pytest.mark.integration


@pytest.fixture
def app_config(app_config):
    with socket.create_server(("127.0.0.1", 0)) as closed:
        port = closed.getsockname()[1]
    return {**app_config, "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{port}/0"}


def test_sign_in_without_the_limits_redis(app, client):
    app.config["SETTINGS"]["security"]["login_limit"] = "2 per minute"
    create_user("moderatore@example.org", "moderator", "pareizā parole ļoti")
    wrong = [
        post_form(client, "/login", {"email": "moderatore@example.org", "password": "nē"})
        for _ in range(3)
    ]
    assert [answer.status_code for answer in wrong] == [422, 422, 429]
    create_user("zurija@example.org", "jury", "cita parole ķēde")
    right = post_form(
        client, "/login", {"email": "zurija@example.org", "password": "cita parole ķēde"}
    )
    assert right.status_code == 302
