"""Issue 3's "done when": the reference conference runs from "scheduled" to "ended" with twenty
scripted attendees seeing every change in the same order, through one server restart, on SQLite
with one process and on PostgreSQL + Redis with three."""

from __future__ import annotations

import pytest
import requests

from conference.demo import install_demo
from conference.users.services import create_token_for, create_user
from tests.conftest import join_team
from tests.live.servers import Follower, send_command

pytestmark = [pytest.mark.integration, pytest.mark.slow]

SLUG = "daugavpils-2021"
FOLLOWERS = 20


def rejoin(follower: Follower) -> None:
    """What a page does after a lost connection: connect again, then resync from its last seq."""
    last_seen = follower.updates[-1]["seq"] if follower.updates else 0
    follower.connect()
    assert follower.wait_until(lambda f: len(f.snapshots) >= 2, 15)
    answer = follower.client.call("resync", {"since": last_seen}, timeout=15)
    assert "updates" in answer, answer
    known = {update["seq"] for update in follower.updates}
    follower.updates.extend(u for u in answer["updates"] if u["seq"] not in known)


def test_the_reference_conference_from_scheduled_to_ended_through_a_restart(
    app, redis_url, db_url, request
):
    install_demo()
    create_user("moderatore@example.org", "moderator", "correct horse battery")
    join_team("moderatore@example.org", "moderator", SLUG)
    moderator_token = create_token_for("moderatore@example.org")
    start_server = request.getfixturevalue("start_server")
    multi = not db_url.startswith("sqlite")
    settings = {"socketio_message_queue": redis_url} if multi else {}
    servers = [start_server(**settings) for _ in range(3 if multi else 1)]
    followers = [Follower(servers[n % len(servers)].url, SLUG).connect() for n in range(FOLLOWERS)]
    sent = 0

    def command(body):
        nonlocal sent
        server = servers[sent % len(servers)]
        sent += 1
        answer = send_command(server.url, SLUG, moderator_token, body)
        assert answer.status_code == 200, answer.text
        return answer.json()["seq"]

    command({"type": "start_event"})
    command({"type": "announce", "text": {"lv": "Sākam! Laipni lūgti", "en": "We start! Welcome"}})
    command({"type": "next_item"})
    last = command({"type": "next_item"})
    for follower in followers:
        assert follower.wait_until(lambda f: f.updates and f.updates[-1]["seq"] == last)

    restarted = servers[0]
    restarted.kill()
    dropped = [f for f in followers if f.url == restarted.url]
    for follower in dropped:
        assert follower.dropped.wait(15)
    restarted.start()
    for follower in dropped:
        rejoin(follower)

    command({"type": "shift_schedule", "minutes": 10})
    command({"type": "clear_announcement"})
    for _ in range(4):  # ArtIn Future ... the award ceremony, then past the last item
        command({"type": "next_item"})
    last = command({"type": "end_event"})

    for follower in followers:
        assert follower.wait_until(lambda f: f.updates and f.updates[-1]["seq"] == last, 30)
    reference = followers[0].updates
    assert [update["seq"] for update in reference] == list(range(1, last + 1))
    for follower in followers:
        assert follower.updates == reference
    assert reference[-1]["type"] == "event.ended"
    statuses = [
        requests.get(f"{server.url}/api/v1/events/{SLUG}/state", timeout=10).json()
        for server in servers
    ]
    for state in statuses:
        assert state["seq"] == last and state["event"]["status"] == "ended"
        assert [item["status"] for item in state["items"]] == ["done"] * 6
        assert state["items"] == statuses[0]["items"]
    for follower in followers:
        follower.close()
