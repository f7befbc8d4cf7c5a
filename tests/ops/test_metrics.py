"""``GET /metrics``: after scripted followers, commands, requests, refusals and a failed
greeting, the counters and gauges say exactly what happened; other addresses get 403."""

from __future__ import annotations

import pytest
from prometheus_client.parser import text_string_to_metric_families

from conference.extensions import socketio
from conference.greetings import storage
from conference.greetings.invites import create_invite
from conference.greetings.models import Greeting
from conference.greetings.processing import process_greeting
from conference.people.models import Organisation
from conference.users.services import create_token_for, create_user
from tests.admin.browser import post_form
from tests.conftest import join_team
from tests.live.conftest import make_event

pytestmark = pytest.mark.integration

SLUG = "daugavpils-2021"


class Scrape:
    """One reading of ``/metrics``: ``value(name, **labels)`` (0 when the series is absent)."""

    def __init__(self, client) -> None:
        response = client.get("/metrics")
        assert response.status_code == 200, response.text
        assert response.headers["Content-Type"].startswith("text/plain")
        self.samples = {}
        for family in text_string_to_metric_families(response.text):
            for sample in family.samples:
                key = (sample.name, tuple(sorted(sample.labels.items())))
                self.samples[key] = sample.value

    def value(self, name: str, **labels) -> float:
        return self.samples.get((name, tuple(sorted(labels.items()))), 0.0)

    def since(self, earlier: Scrape, name: str, **labels) -> float:
        return self.value(name, **labels) - earlier.value(name, **labels)


def command(client, token: str, body: dict):
    return client.post(
        f"/api/v1/events/{SLUG}/commands", json=body, headers={"Authorization": f"Bearer {token}"}
    )


def test_followers_commands_delivery_and_requests_add_up(app, client):
    make_event()
    create_user("moderatore@example.org", "moderator", "parole ļoti garā")
    join_team("moderatore@example.org", "moderator", SLUG)
    token = create_token_for("moderatore@example.org")
    before = Scrape(client)

    followers = [socketio.test_client(app, auth={"event": SLUG}) for _ in range(3)]
    console = socketio.test_client(app, auth={"event": SLUG, "viewer": "console"})
    assert all(f.is_connected() for f in [*followers, console])
    with_followers = Scrape(client)
    # The gauge is the process's: followers that earlier tests of this process left connected
    # to an event of the same name are counted too, so what this test adds is compared.
    assert with_followers.since(before, "conference_followers", event=SLUG) == 4  # consoles too

    answers = [
        command(client, token, {"type": "start_event"}),  # event.started, item.started
        command(client, token, {"type": "next_item", "command_id": "c-1"}),  # ended + started
        command(client, token, {"type": "next_item", "command_id": "c-1"}),  # the same again
        command(client, token, {"type": "announce", "text": {"lv": "Pauze"}, "expected_seq": 1}),
        command(client, token, {"type": "start_item", "item_id": 999999}),
        command(client, token, {"type": "no_such_command"}),
        command(client, token, {"type": ["start_event"]}),
        command(client, token, {"type": "announce", "text": {"lv": "Pusdienas — ēdnīcā"}}),
    ]
    assert [a.status_code for a in answers] == [200, 200, 200, 409, 422, 422, 422, 200]
    followers[0].disconnect()
    after = Scrape(client)

    def counted(type_, status):
        labels = {"event": SLUG, "type": type_, "status": status}
        return after.since(before, "conference_commands_total", **labels)

    assert counted("start_event", "applied") == 1
    assert counted("next_item", "applied") == 1
    assert counted("next_item", "repeated") == 1
    assert counted("announce", "conflict") == 1
    assert counted("start_item", "refused") == 1
    assert counted("unknown", "refused") == 2  # an unknown type never becomes a label
    assert counted("announce", "applied") == 1
    assert after.since(before, "conference_followers", event=SLUG) == 3

    # 5 updates (2 + 2 + 1), each delivered once by this process (to the room, not per follower).
    delivered = after.since(before, "conference_update_delivery_seconds_count")
    assert delivered == 5
    assert after.since(before, "conference_update_delivery_seconds_sum") >= 0
    # This process answered: the 8 commands, the 2 scrapes in between (the last one is counted
    # after it is sent).
    assert after.since(before, "conference_http_requests_total", status="200") == 4 + 2
    assert after.since(before, "conference_http_requests_total", status="409") == 1
    assert after.since(before, "conference_http_requests_total", status="422") == 3
    for follower in [*followers[1:], console]:
        follower.disconnect()
    assert Scrape(client).since(before, "conference_followers", event=SLUG) == 0


def test_limit_refusals_are_counted(app, client):
    app.config["SETTINGS"]["security"]["login_limit"] = "2 per minute"
    create_user("zurija@example.org", "jury", "īstā parole")
    before = Scrape(client)
    statuses = [
        post_form(
            client, "/login", {"email": "zurija@example.org", "password": "nav tā"}
        ).status_code
        for _ in range(4)
    ]
    assert statuses[:2] == [422, 422] and statuses[2:] == [429, 429]
    after = Scrape(client)
    assert after.since(before, "conference_rate_limit_refusals_total", endpoint="users.login") == 2
    assert after.since(before, "conference_http_requests_total", status="429") == 2


def test_task_queue_greetings_and_failures(app, client):
    event = make_event()
    partner = Organisation(event=event, position=1, name="Tartu", country="EE", role="partner")
    from conference.db import db

    db.session.add(partner)
    db.session.commit()
    invite = create_invite(event, partner)[0]
    key = storage.new_key()
    storage.create_upload_file(key).write_bytes(b"this is not a video " * 100)
    greeting = Greeting(
        event_id=event.id, organisation_id=partner.id, invite_id=invite.id, status="processing",
        upload_key=key, upload_length=2000, upload_offset=2000, title="Tere",
    )  # fmt: skip
    db.session.add(greeting)
    db.session.commit()
    before = Scrape(client)
    assert before.value("conference_greetings", status="processing") == 1
    tasks = app.extensions["greetings_tasks"]
    tasks.process_greeting(greeting.id, key)  # queued; no worker runs in this test
    queued = Scrape(client)
    assert queued.since(before, "conference_task_queue_length") == 1

    assert process_greeting(greeting.id, key) == "failed"  # what the worker will do
    after = Scrape(client)
    assert after.since(before, "conference_greeting_processing_failures_total") == 1
    assert after.value("conference_greetings", status="failed") == 1
    assert after.value("conference_greetings", status="processing") == 0
    assert after.value("conference_uploads_in_progress") == 0


def test_only_allowed_addresses_or_the_token_may_read(app, client):
    outside = {"REMOTE_ADDR": "203.0.113.7"}
    refused = client.get("/metrics", environ_base=outside)
    assert refused.status_code == 403
    assert "conference_" not in refused.text
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "::1"}).status_code == 200

    app.extensions["metrics_access"]["token"] = "metrics-secret-42"
    with_token = {"Authorization": "Bearer metrics-secret-42"}
    assert client.get("/metrics", environ_base=outside, headers=with_token).status_code == 200
    wrong = {"Authorization": "Bearer guessed"}
    assert client.get("/metrics", environ_base=outside, headers=wrong).status_code == 403
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.0.0.5"}).status_code == 403


def test_a_bad_allow_entry_stops_the_start_with_one_line(tmp_path):
    from conference.app import create_app
    from conference.config import ConfigError

    config = tmp_path / "config.toml"
    config.write_text('[metrics]\nallow = ["127.0.0.1", "ne-adrese"]\n')
    with pytest.raises(ConfigError, match="metrics.allow"):
        create_app(
            test_config={"TESTING": True, "INSTANCE_DIR": str(tmp_path)}, config_path=str(config)
        )
