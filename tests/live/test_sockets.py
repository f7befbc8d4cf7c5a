"""Socket.IO with Flask-SocketIO's test client: snapshot, updates, resync, refusals, presence."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa
from itsdangerous import URLSafeSerializer

from conference.db import db
from conference.extensions import socketio
from conference.live.commands import run_command
from conference.live.publish import live_hub
from conference.live.snapshot import RESYNC_MAX_UPDATES
from tests.live.conftest import make_event

SLUG = "daugavpils-2021"


def follow(app, slug=SLUG, **kwargs):
    return socketio.test_client(app, auth={"event": slug}, **kwargs)


def received(client, name: str) -> list:
    return [message["args"][0] for message in client.get_received() if message["name"] == name]


def test_connect_sends_the_snapshot_first(app, event):
    client = follow(app)
    messages = client.get_received()
    assert client.is_connected()
    assert messages[0]["name"] == "snapshot"
    snapshot = messages[0]["args"][0]
    assert snapshot["seq"] == 0 and snapshot["event"]["slug"] == SLUG
    assert [item["id"] for item in snapshot["items"]] == [item.id for item in event.items]


def test_updates_reach_the_events_followers_only(app, event):
    make_event(slug="cits-pasakums")
    first, second, elsewhere = follow(app), follow(app), follow(app, "cits-pasakums")
    for client in (first, second, elsewhere):
        client.get_received()
    run_command(SLUG, {"type": "start_event"})
    run_command(SLUG, {"type": "announce", "text": {"lv": "Sveicam!"}})
    for client in (first, second):
        updates = received(client, "update")
        assert [u["seq"] for u in updates] == [1, 2, 3]
        assert [u["type"] for u in updates] == [
            "event.started",
            "item.started",
            "announcement.shown",
        ]
        assert updates[0]["data"]["status"] == "live"
        assert updates[2]["data"]["text"] == {"lv": "Sveicam!"}
        assert updates[2]["at"].endswith("Z")
    assert received(elsewhere, "update") == []


def test_resync_answers_the_missing_updates_or_a_snapshot(app, event):
    client = follow(app)
    run_command(SLUG, {"type": "start_event"})
    run_command(SLUG, {"type": "shift_schedule", "minutes": 10})
    answer = client.emit("resync", {"since": 1}, callback=True)
    assert [u["seq"] for u in answer["updates"]] == [2, 3]
    assert answer["updates"][1]["type"] == "schedule.shifted"
    assert client.emit("resync", {"since": 3}, callback=True) == {"updates": []}
    for since in ({"since": "1"}, {"since": -1}, {"since": 99}, None, []):
        answer = client.emit("resync", since, callback=True)
        assert answer["snapshot"]["seq"] == 3


def test_resync_after_a_long_absence_gets_a_snapshot(app, event):
    client = follow(app)
    for minutes in range(RESYNC_MAX_UPDATES + 1):
        run_command(SLUG, {"type": "shift_schedule", "minutes": 1 + minutes % 3})
    answer = client.emit("resync", {"since": 0}, callback=True)
    assert list(answer) == ["snapshot"] and answer["snapshot"]["seq"] == RESYNC_MAX_UPDATES + 1
    answer = client.emit("resync", {"since": 1}, callback=True)
    assert len(answer["updates"]) == RESYNC_MAX_UPDATES


@pytest.mark.parametrize(
    "auth", [{"event": "nav-tada"}, {"event": ""}, {"slug": SLUG}, None, ["x"]]
)
def test_unknown_or_missing_event_is_refused(app, event, auth):
    client = socketio.test_client(app, auth=auth)
    assert not client.is_connected()
    assert client.queue == []


def test_refused_clients_receive_nothing(app, event):
    refused = socketio.test_client(app, auth={"event": "nav-tada"})
    assert not refused.is_connected()
    run_command(SLUG, {"type": "start_event"})
    assert not any(message["name"] == "update" for message in refused.queue)


def test_connect_with_a_warm_cache_makes_no_queries(app, event):
    queries = []

    def count(*args):
        queries.append(args[2])

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        follow(app)
        assert queries, "the first connect loads the snapshot"
        queries.clear()
        started = time.perf_counter()
        clients = [follow(app) for _ in range(50)]
        per_connect_ms = (time.perf_counter() - started) * 1000 / 50
        assert all(client.is_connected() for client in clients)
        assert queries == []
        print(f"connect with a warm cache: {per_connect_ms:.2f} ms, 0 queries")
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)


def attendee_cookie(app, attendee_id: str) -> dict:
    signed = URLSafeSerializer(app.secret_key, salt="attendee").dumps(attendee_id)
    return {"Cookie": f"attendee={signed}"}


def test_presence_counts_attendees_and_is_sent_when_it_changes(app, event):
    presence = live_hub().presence
    first_tab, second_tab = (follow(app, headers=attendee_cookie(app, "ilze")) for _ in range(2))
    script = follow(app)
    assert presence.tick() == {SLUG: 2}
    for client in (first_tab, second_tab, script):
        assert received(client, "presence") == [{"online": 2}]
    assert presence.tick() == {SLUG: 2}
    assert received(script, "presence") == []  # unchanged: nothing sent
    late = follow(app)
    assert received(late, "snapshot")[0]["online"] == 2
    assert app.test_client().get(f"/api/v1/events/{SLUG}/state").get_json()["online"] == 2
    script.disconnect()
    late.disconnect()
    assert presence.tick() == {SLUG: 1}
    assert received(first_tab, "presence") == [{"online": 1}]
    second_tab.disconnect()
    assert presence.tick() == {SLUG: 1}  # the same browser is still here
    assert received(first_tab, "presence") == []


def test_consoles_and_screens_follow_without_counting_as_attendees(app, event):
    presence = live_hub().presence
    attendee = follow(app, headers=attendee_cookie(app, "jānis"))
    console = socketio.test_client(app, auth={"event": SLUG, "viewer": "console"})
    screen = socketio.test_client(app, auth={"event": SLUG, "viewer": "screen"})
    assert received(console, "snapshot") and received(screen, "snapshot")
    assert presence.tick() == {SLUG: 1}
    console.disconnect()
    screen.disconnect()
    assert presence.tick() == {SLUG: 1}
    attendee.disconnect()
    assert presence.tick() == {SLUG: 0}
