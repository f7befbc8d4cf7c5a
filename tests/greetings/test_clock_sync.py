"""The ``clock`` Socket.IO event: the server's time, for the players' NTP-style clock offset.

A greeting plays from the same moment on every page only if each page knows the server's
time to a few milliseconds; pages ask ``clock`` several times and keep the sample with the
shortest round trip. These tests check the answer with Flask-SocketIO's test client, and the
estimate a client makes over a real socket to a real ``conference serve``.
"""

from __future__ import annotations

import time

import pytest

from conference.db import db
from conference.extensions import socketio
from conference.live.commands import run_command
from tests.live.conftest import make_event
from tests.live.servers import Follower, ServerProcess

SLUG = "daugavpils-2021"


def follower(app):
    client = socketio.test_client(app, auth={"event": SLUG})
    client.get_received()  # the snapshot
    return client


@pytest.mark.unit
def test_clock_answers_the_servers_time_in_milliseconds(app):
    make_event(SLUG)
    client = follower(app)
    before = time.time() * 1000
    answer = client.emit("clock", {}, callback=True)
    after = time.time() * 1000
    assert set(answer) == {"now_ms"}
    assert before - 1 <= answer["now_ms"] <= after + 1


@pytest.mark.unit
def test_clock_needs_no_arguments_and_moves_nothing_in_the_live_log(app):
    make_event(SLUG)
    run_command(SLUG, {"type": "start_event"})
    client = follower(app)
    first = client.emit("clock", callback=True)["now_ms"]
    time.sleep(0.02)
    second = client.emit("clock", "whatever", callback=True)["now_ms"]
    assert 15 <= second - first < 1000
    # Asking the time is not an update: nobody receives anything, the seq stays.
    assert client.get_received() == []
    state = client.emit("resync", {"since": 2}, callback=True)
    assert state == {"updates": []}


def ntp_offset_ms(ask, samples: int = 5) -> tuple[float, float]:
    """(offset, round trip) of the sample with the shortest round trip, as the page does it:
    offset = server time - the middle of the round trip on the local monotonic clock."""
    best = None
    for _ in range(samples):
        wall_at_zero = time.time() * 1000 - time.perf_counter() * 1000
        sent = time.perf_counter() * 1000
        server_ms = ask()["now_ms"]
        received = time.perf_counter() * 1000
        round_trip = received - sent
        # The local wall clock at the middle of the round trip, from the monotonic clock.
        offset = server_ms - (wall_at_zero + (sent + received) / 2)
        if best is None or round_trip < best[1]:
            best = (offset, round_trip)
    return best


@pytest.mark.integration
@pytest.mark.slow
def test_a_real_client_estimates_the_servers_clock_within_a_few_milliseconds(
    app, app_config, db_url, tmp_path
):
    """Server and client share this machine's clock, so the true offset is zero."""
    make_event(SLUG)
    db.session.remove()
    server = ServerProcess(db_url, tmp_path / "server", app_config["SECRET_KEY"]).start()
    client = Follower(server.url, SLUG).connect()
    try:
        offset, round_trip = ntp_offset_ms(
            lambda: client.client.call("clock", {}, timeout=5), samples=5
        )
    finally:
        client.close()
        server.stop()
    assert round_trip < 100
    assert abs(offset) <= max(5.0, round_trip / 2)
