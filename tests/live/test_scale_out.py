"""Three server processes on one PostgreSQL and one Redis behave as one server."""

from __future__ import annotations

import threading

import pytest
import requests

from tests.live.servers import Follower, send_command

pytestmark = [pytest.mark.integration, pytest.mark.slow]

SLUG = "daugavpils-2021"
PROCESSES = 3
FOLLOWERS = 30
ANNOUNCEMENTS_PER_PROCESS = 5


def test_thirty_clients_on_three_processes_see_the_same_updates_in_order(
    start_server, event, moderator_token, redis_url, db_url
):
    if db_url.startswith("sqlite"):
        pytest.skip("scale-out is PostgreSQL's: several processes on one SQLite file is not")
    servers = [start_server(socketio_message_queue=redis_url) for _ in range(PROCESSES)]
    followers = [Follower(servers[n % PROCESSES].url, SLUG).connect() for n in range(FOLLOWERS)]

    def command(server, body):
        answer = send_command(server.url, SLUG, moderator_token, body)
        assert answer.status_code == 200, answer.text
        return answer.json()["seq"]

    command(servers[0], {"type": "start_event"})

    # Every process takes commands at the same moment, so their commits interleave.
    def announce_on(server, index):
        for n in range(ANNOUNCEMENTS_PER_PROCESS):
            command(server, {"type": "announce", "text": {"lv": f"Process {index}, nr. {n} — ā"}})

    threads = [
        threading.Thread(target=announce_on, args=(server, index))
        for index, server in enumerate(servers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    command(servers[1], {"type": "shift_schedule", "minutes": 12})
    last = command(servers[2], {"type": "next_item"})
    assert last == 2 + PROCESSES * ANNOUNCEMENTS_PER_PROCESS + 1 + 2

    for follower in followers:
        assert follower.wait_until(lambda f: f.updates and f.updates[-1]["seq"] == last, 30)
    reference = followers[0].updates
    assert [update["seq"] for update in reference] == list(range(1, last + 1))
    for follower in followers:
        assert follower.snapshots[0]["seq"] == 0
        assert follower.updates == reference

    states = [
        requests.get(f"{server.url}/api/v1/events/{SLUG}/state", timeout=5).json()
        for server in servers
    ]
    for state in states:
        state.pop("online")
        assert state == states[0]
    assert states[0]["seq"] == last
    assert states[0]["announcement"]["text"]["lv"].endswith(
        f"nr. {ANNOUNCEMENTS_PER_PROCESS - 1} — ā"
    )

    # Presence is counted over all processes: each follower learns that 30 are online.
    for follower in followers:
        assert follower.wait_until(
            lambda f: f.presence and f.presence[-1]["online"] == FOLLOWERS, 15
        ), follower.presence
    for follower in followers:
        follower.close()
