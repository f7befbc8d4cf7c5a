"""Real server processes and the real python-socketio client, on SQLite and PostgreSQL.

Snapshot and ordered updates, resync after a forced disconnect, refusals, a race of two
commands with the same ``expected_seq``, SIGKILL right after an acknowledged command, and the
time a command takes from POST to 200.
"""

from __future__ import annotations

import socket
import statistics
import threading
import time

import pytest
import requests
import socketio
import sqlalchemy as sa

from conference.db import db
from conference.events.models import Event
from conference.live.models import LiveUpdate
from tests.live.servers import Follower, send_command

pytestmark = [pytest.mark.integration, pytest.mark.slow]

SLUG = "daugavpils-2021"


def test_real_clients_get_the_snapshot_then_every_update_in_order(
    start_server, event, moderator_token
):
    server = start_server()
    followers = [Follower(server.url, SLUG).connect() for _ in range(3)]
    bodies = [
        {"type": "start_event"},
        {"type": "announce", "text": {"lv": "Sveicināti! ā č ē ģ ī ķ ļ ņ š ū ž"}},
        {"type": "shift_schedule", "minutes": 10},
        {"type": "next_item"},
    ]
    answers = [send_command(server.url, SLUG, moderator_token, body) for body in bodies]
    assert [answer.json()["seq"] for answer in answers] == [2, 3, 4, 6]
    for follower in followers:
        assert follower.wait_until(lambda f: len(f.updates) == 6)
        assert follower.snapshots[0]["seq"] == 0
        assert follower.seqs() == [1, 2, 3, 4, 5, 6]
        assert follower.updates[2]["data"]["text"]["lv"] == "Sveicināti! ā č ē ģ ī ķ ļ ņ š ū ž"
        assert follower.updates == followers[0].updates
        follower.close()


def test_latvian_letters_travel_as_utf8_on_the_wire(start_server, event, moderator_token):
    """A raw WebSocket, as a browser sees it: ā is two bytes of UTF-8, not \\u0101."""
    import json

    import websocket

    server = start_server()
    ws = websocket.create_connection(
        server.url.replace("http", "ws", 1) + "/socket.io/?EIO=4&transport=websocket", timeout=10
    )
    try:
        assert ws.recv().startswith("0{")  # Engine.IO open
        ws.send("40" + json.dumps({"event": SLUG}))
        # python-socketio sends what the connect handler emits (the snapshot) before its
        # CONNECT acknowledgement; Socket.IO clients buffer it until the acknowledgement.
        frames = sorted([ws.recv(), ws.recv()])
        assert frames[0].startswith("40{") and frames[1].startswith('42["snapshot",')
        text = "Sveicināti! ā č ē ģ ī ķ ļ ņ š ū ž"
        send_command(server.url, SLUG, moderator_token, {"type": "announce", "text": {"lv": text}})
        frame = next(f for f in iter(ws.recv, None) if f.startswith('42["update",'))
        assert text in frame and "\\u0101" not in frame
        assert json.loads(frame[2:])[1]["data"]["text"]["lv"] == text
    finally:
        ws.close()


def test_unknown_or_missing_event_is_refused_with_a_message(start_server, event):
    server = start_server()
    stranger = Follower(server.url, "nav-tada")
    with pytest.raises(socketio.exceptions.ConnectionError):
        stranger.connect()
    assert stranger.errors[0]["data"]["code"] == "unknown_event"
    assert "nav-tada" in stranger.errors[0]["message"]
    anonymous = socketio.Client(reconnection=False)
    errors = []
    anonymous.on("connect_error", errors.append)
    with pytest.raises(socketio.exceptions.ConnectionError):
        anonymous.connect(server.url, transports=["websocket"], wait_timeout=10)
    assert errors[0]["data"]["code"] == "missing_event"


def test_resync_after_a_forced_disconnect(start_server, event, moderator_token):
    server = start_server()
    follower = Follower(server.url, SLUG).connect()
    send_command(server.url, SLUG, moderator_token, {"type": "start_event"})
    assert follower.wait_until(lambda f: f.seqs() == [1, 2])
    # Cut the connection under the client, as a train tunnel would.
    cut = follower.client.eio.ws.sock
    cut.shutdown(socket.SHUT_RDWR)
    assert follower.dropped.wait(10)
    cut.close()
    send_command(server.url, SLUG, moderator_token, {"type": "next_item"})
    send_command(server.url, SLUG, moderator_token, {"type": "announce", "text": {"en": "Back"}})
    follower.connect()
    assert follower.wait_until(lambda f: len(f.snapshots) == 2)
    assert follower.snapshots[1]["seq"] == 5
    answer = follower.client.call("resync", {"since": 2}, timeout=10)
    assert [update["seq"] for update in answer["updates"]] == [3, 4, 5]
    assert [update["type"] for update in answer["updates"]] == [
        "item.ended", "item.started", "announcement.shown"
    ]  # fmt: skip
    follower.close()


def race(server_url: str, token: str, expected_seq: int, other_url: str | None = None):
    """Two announcements with the same ``expected_seq``, released at the same moment (to one
    server, or one to each of two)."""
    barrier = threading.Barrier(2, timeout=10)
    statuses: list[int] = []

    def send(text: str, url: str) -> None:
        body = {"type": "announce", "text": {"en": text}, "expected_seq": expected_seq}
        barrier.wait()
        statuses.append(send_command(url, SLUG, token, body).status_code)

    targets = [("A", server_url), ("B", other_url or server_url)]
    threads = [threading.Thread(target=send, args=target) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    return sorted(statuses)


def test_two_commands_with_the_same_expected_seq_one_wins(start_server, event, moderator_token):
    server = start_server()
    rounds = 20
    for seq in range(rounds):
        assert race(server.url, moderator_token, seq) == [200, 409], f"round {seq}"
    state = requests.get(f"{server.url}/api/v1/events/{SLUG}/state", timeout=5).json()
    assert state["seq"] == rounds


def test_the_database_orders_commands_of_two_processes(start_server, event, moderator_token):
    """No message queue here: only the database (row lock, BEGIN IMMEDIATE) orders them."""
    first, second = start_server(), start_server()
    rounds = 20
    for seq in range(rounds):
        assert race(first.url, moderator_token, seq, second.url) == [200, 409], f"round {seq}"
    db.session.expire_all()
    seqs = db.session.scalars(sa.select(LiveUpdate.seq).order_by(LiveUpdate.seq)).all()
    assert seqs == list(range(1, rounds + 1))
    assert db.session.scalar(sa.select(Event.last_seq)) == rounds


def test_sigkill_right_after_an_acknowledged_command_loses_nothing(
    start_server, event, moderator_token
):
    server = start_server()
    send_command(server.url, SLUG, moderator_token, {"type": "start_event"})
    send_command(server.url, SLUG, moderator_token, {"type": "shift_schedule", "minutes": 7})
    last = send_command(
        server.url, SLUG, moderator_token, {"type": "announce", "text": {"lv": "Pēdējais vārds"}}
    )
    before = requests.get(f"{server.url}/api/v1/events/{SLUG}/state", timeout=5).json()
    server.kill()
    assert last.status_code == 200 and last.json() == {"seq": 4}

    restarted = start_server()
    after = requests.get(f"{restarted.url}/api/v1/events/{SLUG}/state", timeout=5).json()
    assert after == before and after["announcement"]["text"] == {"lv": "Pēdējais vārds"}
    follower = Follower(restarted.url, SLUG).connect()
    assert follower.wait_until(lambda f: f.snapshots) and follower.snapshots[0]["seq"] == 4
    nxt = send_command(restarted.url, SLUG, moderator_token, {"type": "next_item"})
    assert nxt.json() == {"seq": 6}
    assert follower.wait_until(lambda f: f.seqs() == [5, 6])
    follower.close()


def test_command_round_trip_time(start_server, event, moderator_token, db_url):
    """POST -> 200, median of 100 on loopback, each on a fresh connection (see docs: on a
    kept-alive connection gevent's pywsgi adds a delayed-ACK wait, measured here too)."""
    server = start_server()
    url = f"{server.url}/api/v1/events/{SLUG}/commands"
    headers = {"Authorization": f"Bearer {moderator_token}"}
    requests.post(url, json={"type": "start_event"}, headers=headers, timeout=10)

    def median_ms(post) -> float:
        times = []
        for n in range(100):
            started = time.perf_counter()
            answer = post(url, json={"type": "announce", "text": {"lv": f"Nr. {n}"}},
                          headers=headers, timeout=10)  # fmt: skip
            times.append((time.perf_counter() - started) * 1000)
            assert answer.status_code == 200
        return statistics.median(times)

    fresh = median_ms(requests.post)
    with requests.Session() as kept_alive:
        reused = median_ms(kept_alive.post)
    engine = db_url.split(":", 1)[0]
    print(f"\ncommand round trip on {engine}: median {fresh:.1f} ms (new connection each), "
          f"{reused:.1f} ms (keep-alive)")  # fmt: skip
    assert fresh < 250
