"""Property-based: arbitrary text, numbers and JSON shapes into every command type and every
JSON API body never give a 500 and never store invalid text.

Examples are bounded so that the module runs in about two minutes on SQLite, less on
PostgreSQL (fewer examples); the ``ci`` profile (under ``CI=true``) derandomises, so a CI run
is reproducible (see tests/edge/conftest.py).
"""

from __future__ import annotations

import logging

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conference.extensions import socketio
from conference.live.commands import COMMANDS
from tests.edge.conftest import assert_event_is_up, invalid_texts
from tests.edge.strategies import (
    body_text,
    json_values,
    numbers,
    raw_bodies,
    texts,
    translated,
)
from tests.events.reference_event import SLUG

EXAMPLES = {"sqlite": 300, "postgresql": 80}
ARGUMENTS = (
    "item_id",
    "award_id",
    "contest_id",
    "greeting_id",
    "minutes",
    "text",
    "move_to_now",
    "started_at",
    "expected_seq",
    "command_id",
)


def run(db_url: str, test) -> None:
    """Run the ``@given`` test with this database's number of examples."""
    engine = "sqlite" if db_url.startswith("sqlite") else "postgresql"
    settings(
        max_examples=EXAMPLES[engine],
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        database=None,
    )(test)()


@pytest.fixture
def watched(caplog):
    """Fails the test if invalid text reached the database layer (the edge let it through)."""
    caplog.set_level(logging.WARNING, logger="conference.edge.stored")
    yield
    leaked = [r.getMessage() for r in caplog.records if "reached the database" in r.getMessage()]
    assert not leaked, leaked[:3]
    assert invalid_texts() == []


def answered(response) -> None:
    assert response.status_code < 500, response.text[:300]
    if response.status_code >= 400:
        error = response.get_json()["error"]
        assert error["code"] and error["message"]


def ids_of(event) -> dict:
    contest = event.contests[0]
    return {
        "item_id": [item.id for item in event.items],
        "award_id": [award.id for award in contest.awards],
        "contest_id": [contest.id],
    }


def command_bodies(event):
    known = ids_of(event)
    argument = st.sampled_from(ARGUMENTS)
    value = json_values | translated | st.sampled_from(sum(known.values(), []))
    return st.builds(
        lambda kind, args: {"type": kind, **args},
        st.sampled_from(sorted(COMMANDS)) | texts,
        st.dictionaries(argument, value, max_size=4),
    )


def test_every_command_type_with_arbitrary_arguments(app, client, event, token, db_url, watched):
    post = f"/api/v1/events/{SLUG}/commands"
    client.post(post, json={"type": "start_event"}, headers=token)

    @given(command_bodies(event))
    def check(body):
        response = client.post(
            post, data=body_text(body), headers={**token, "Content-Type": "application/json"}
        )
        answered(response)

    run(db_url, check)
    assert_event_is_up(app, client)


def test_arbitrary_bodies_to_every_json_api(app, client, event, token, db_url, watched):
    item = event.items[0]
    targets = [
        ("POST", f"/api/v1/events/{SLUG}/commands", token),
        ("PATCH", f"/api/v1/events/{SLUG}", token),
        ("PATCH", f"/api/v1/events/{SLUG}/items/{item.id}", token),
        ("POST", f"/api/v1/events/{SLUG}/votes", {}),
        ("POST", "/api/v1/greetings/1/review", token),
    ]
    fields = st.sampled_from(
        [
            "title",
            "description",
            "online_url",
            "kind",
            "planned_start",
            "planned_end",
            "entry_id",
            "join_code",
            "decision",
            "reason",
            "type",
            "text",
        ]
    )
    shaped = st.dictionaries(fields, json_values | translated, max_size=4).map(body_text)
    bodies = shaped | json_values.map(body_text) | raw_bodies

    @given(st.sampled_from(targets), bodies)
    def check(target, body):
        method, url, headers = target
        response = client.open(
            url,
            method=method,
            data=body.encode("utf-8", "surrogatepass"),
            headers={**headers, "Content-Type": "application/json"},
        )
        answered(response)

    run(db_url, check)
    assert_event_is_up(app, client)


def test_arbitrary_socket_payloads(app, client, event, db_url, watched):
    follower = socketio.test_client(app, auth={"event": SLUG})
    app.config["SETTINGS"]["socketio"].update(events_per_second=1e6, events_burst=10**6)
    app.extensions.pop("edge.event_rate", None)

    @given(st.sampled_from(["resync", "clock"]), json_values)
    def check(name, payload):
        answer = follower.emit(name, payload, callback=True)
        assert isinstance(answer, dict)
        assert follower.is_connected()

    run(db_url, check)
    assert_event_is_up(app, client)


def test_arbitrary_socket_auth(app, client, event, db_url):
    @given(json_values | st.fixed_dictionaries({"event": texts | numbers}))
    def check(auth):
        follower = socketio.test_client(app, auth=auth)
        if follower.is_connected():
            follower.disconnect()

    run(db_url, check)
    assert_event_is_up(app, client)
