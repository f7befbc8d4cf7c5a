"""PROTOCOL 1.1: the first ``snapshot`` leaves after the Socket.IO CONNECT acknowledgement.

A real python-socketio client against real ``conference serve`` processes (gevent, WebSocket):
its ``snapshot`` handler emits ``resync`` at once, which python-socketio's client can only do
once its namespace is connected; before 1.1 the snapshot came first and the emit failed.
"""

from __future__ import annotations

import threading

import pytest
import socketio

from tests.live.servers import send_command

pytestmark = [pytest.mark.integration, pytest.mark.slow]

SLUG = "daugavpils-2021"
WAIT_S = 15  # generous: a loaded CI machine; the test never relies on it being short


class EagerClient:
    """Emits ``resync`` from inside its ``snapshot`` handler and records what it gets back."""

    def __init__(self, url: str):
        self.client = socketio.Client(reconnection=False)
        self.order: list[str] = []
        self.snapshots: list[dict] = []
        self.answers: list[dict] = []
        self.errors: list[str] = []
        self.updates: list[dict] = []
        self.answered = threading.Event()
        self.client.on("connect", lambda: self.order.append("connect"))
        self.client.on("snapshot", self.on_snapshot)
        self.client.on("update", self.updates.append)
        self.url = url

    def on_snapshot(self, snapshot):
        self.order.append("snapshot")
        self.snapshots.append(snapshot)
        try:
            self.client.emit("resync", {"since": snapshot["seq"]}, callback=self.on_answer)
        except Exception as exc:  # BadNamespaceError when the snapshot overtook CONNECT
            self.errors.append(repr(exc))
            self.answered.set()

    def on_answer(self, answer):
        self.answers.append(answer)
        self.answered.set()

    def connect(self) -> EagerClient:
        self.client.connect(
            self.url, auth={"event": SLUG}, transports=["websocket"], wait_timeout=WAIT_S
        )
        return self

    def close(self) -> None:
        if self.client.connected:
            self.client.disconnect()


def check_answered(follower: EagerClient) -> None:
    assert follower.answered.wait(WAIT_S), f"no snapshot or no answer; saw {follower.order}"
    assert follower.errors == []
    assert follower.order[:2] == ["connect", "snapshot"]
    assert follower.answers == [{"updates": []}]


def check_followers(followers: list[EagerClient], server, moderator_token: str) -> None:
    """Each follower got the snapshot after ``connect`` and its ``resync`` answered; then the
    updates of a command sent to ``server`` reach every one of them, in order."""
    try:
        for follower in followers:
            check_answered(follower.connect())
            assert follower.snapshots[0]["seq"] == 0
        answer = send_command(server.url, SLUG, moderator_token, {"type": "start_event"})
        assert answer.status_code == 200, answer.text
        for follower in followers:
            assert _wait(lambda f=follower: len(f.updates) == 2), f"got {follower.updates}"
            assert [update["seq"] for update in follower.updates] == [1, 2]
    finally:
        for follower in followers:
            follower.close()


def test_the_snapshot_handler_may_emit_on_one_process(start_server, event, moderator_token):
    server = start_server()
    check_followers([EagerClient(server.url) for _ in range(5)], server, moderator_token)


def test_the_snapshot_handler_may_emit_with_the_message_queue(
    start_server, event, moderator_token, redis_url, db_url
):
    if db_url.startswith("sqlite"):
        pytest.skip("several processes share PostgreSQL, not one SQLite file")
    servers = [start_server(socketio_message_queue=redis_url) for _ in range(2)]
    followers = [EagerClient(servers[n % 2].url) for n in range(4)]
    check_followers(followers, servers[1], moderator_token)


def _wait(condition) -> bool:
    done = threading.Event()
    for _ in range(WAIT_S * 50):
        if condition():
            return True
        done.wait(0.02)
    return condition()
