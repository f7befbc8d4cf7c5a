"""The HTTP API of the live log: who may send commands, what they answer, the state's ETag."""

from __future__ import annotations

import pytest
from flask import session
from flask_babel import refresh
from flask_wtf.csrf import generate_csrf

from conference.app import PACKAGE_DIR
from conference.users.services import create_token_for, create_user
from conference.users.sessions import SESSION_KEY, open_session
from tests.conftest import join_team

COMMANDS = "/api/v1/events/daugavpils-2021/commands"
STATE = "/api/v1/events/daugavpils-2021/state"


def test_no_credentials_is_401(client, event):
    response = client.post(COMMANDS, json={"type": "start_event"})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


@pytest.mark.parametrize("role", ["jury"])
def test_a_role_that_may_not_is_403(client, event, role):
    create_user("zurija@example.org", role, "correct horse battery")
    token = create_token_for("zurija@example.org")
    response = client.post(
        COMMANDS, json={"type": "start_event"}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 403
    assert client.get(STATE).get_json()["seq"] == 0


def test_a_bad_token_is_401(client, event):
    response = client.post(
        COMMANDS, json={"type": "start_event"}, headers={"Authorization": "Bearer nope"}
    )
    assert response.status_code == 401


def test_moderator_and_admin_may(client, event, moderator):
    response = client.post(COMMANDS, json={"type": "start_event"}, headers=moderator)
    assert response.status_code == 200 and response.get_json() == {"seq": 2}
    create_user("admin@example.org", "admin", "correct horse battery")
    admin = {"Authorization": f"Bearer {create_token_for('admin@example.org')}"}
    response = client.post(COMMANDS, json={"type": "next_item"}, headers=admin)
    assert response.get_json() == {"seq": 4}


def test_session_cookie_needs_the_csrf_header(app, client, event):
    user = create_user("vaditajs@example.org", "moderator", "correct horse battery")
    join_team(user.email, "moderator", event.slug)
    with app.test_request_context():
        token = generate_csrf()
        raw = session["csrf_token"]
    with client.session_transaction() as browser:
        browser[SESSION_KEY] = open_session(user)
        browser["csrf_token"] = raw
    refused = client.post(COMMANDS, json={"type": "start_event"})
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "csrf_failed"
    accepted = client.post(COMMANDS, json={"type": "start_event"}, headers={"X-CSRFToken": token})
    assert accepted.status_code == 200


def test_409_and_422_are_json_errors(client, event, moderator):
    stale = client.post(
        COMMANDS, json={"type": "start_event", "expected_seq": 3}, headers=moderator
    )
    assert stale.status_code == 409
    assert stale.get_json()["error"]["code"] == "stale_seq"
    refused = client.post(COMMANDS, json={"type": "next_item"}, headers=moderator)
    assert refused.status_code == 422
    assert refused.get_json()["error"]["code"] == "event_not_started"
    not_json = client.post(COMMANDS, data="start", headers=moderator)
    assert not_json.status_code == 422
    assert client.get(STATE).get_json()["seq"] == 0


def test_unknown_event_is_404(client, event, moderator):
    response = client.post(
        "/api/v1/events/nav/commands", json={"type": "start_event"}, headers=moderator
    )
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "unknown_event"
    assert client.get("/api/v1/events/nav/state").status_code == 404


def test_command_id_twice_applies_once(client, event, moderator):
    body = {"type": "start_event", "command_id": "5d1c3f3e-1b7a-4e7e-9b5e-2f0c7c9d8a11"}
    first = client.post(COMMANDS, json=body, headers=moderator)
    again = client.post(COMMANDS, json=body, headers=moderator)
    assert first.get_json() == again.get_json() == {"seq": 2}
    assert client.get(STATE).get_json()["seq"] == 2


def test_state_etag_answers_304_until_something_changes(client, event, moderator):
    first = client.get(STATE)
    etag = first.headers["ETag"]
    assert first.status_code == 200 and first.get_json()["event"]["status"] == "scheduled"
    unchanged = client.get(STATE, headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.data == b""
    client.post(
        COMMANDS,
        json={"type": "announce", "text": {"lv": "Sākam pēc 5 minūtēm"}},
        headers=moderator,
    )
    changed = client.get(STATE, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert changed.get_json()["announcement"]["text"] == {"lv": "Sākam pēc 5 minūtēm"}


@pytest.fixture
def app_config(app_config, latvian_catalogue):
    """Latvian from this area's fragment, before the merged catalogue has it."""
    app_config["BABEL_TRANSLATION_DIRECTORIES"] = (
        f"{latvian_catalogue};{PACKAGE_DIR / 'translations'}"
    )
    return app_config


def test_refusals_speak_the_moderators_language(client, event, moderator):
    latvian = client.post(
        COMMANDS + "?lang=lv", json={"type": "shift_schedule", "minutes": 500}, headers=moderator
    )
    assert latvian.get_json()["error"]["message"] == ("Argumentam minutes jābūt no -120 līdz 240.")
    client.post(COMMANDS, json={"type": "start_event"}, headers=moderator)
    again = client.post(
        COMMANDS,
        json={"type": "start_item", "item_id": 1},
        headers={**moderator, "Accept-Language": "lv"},
    )
    assert again.get_json()["error"]["message"] == "„Atklāšanas uzruna” jau notiek."
    refresh()  # the test's app context outlives requests; Flask-Babel caches the locale in it
    english = client.post(
        COMMANDS + "?lang=en", json={"type": "start_item", "item_id": 1}, headers=moderator
    )
    assert english.get_json()["error"]["message"] == "“Opening address” is live already."
