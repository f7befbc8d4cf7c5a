"""The broadcast fast path (conference.live.fastpath): order and completeness on a real server,
the switch that turns it off, and the check of the libraries it relies on.

The order test holds WEBSOCKETS + POLLING + 1 attendees by default, not the 2,000 of issue 14:
on the 2-core CI machine, shared with the rest of the suite, one thread per attendee in the test
process plus the server make 2,000 take minutes per run (and it runs four times: SQLite and
PostgreSQL, on and off). The full size, by hand:

    FASTPATH_TEST_ATTENDEES=2000 .venv/bin/python -m pytest -q tests/live/test_fastpath.py

(a tenth of them polling; they connect in batches of CONNECT_BATCH). Not yet seen passing: on
the shared development machine (2 cores, four other sessions' loads) the test's own 2,000
threads starved, polling attendees answered pings more than 20 s late, and the server closed
their sessions (as it should; they connect again, and the check holds per connection), so the
run did not finish within its bounds. ``bench/fanout`` runs 2,000 and 5,000 WebSocket
attendees through the same path (docs/benchmarks.md).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import pytest
import requests

from tests.live.raw_attendees import (
    PollingAttendee,
    WebSocketAttendee,
    last_seq,
    order_problems,
)
from tests.live.servers import send_command

ATTENDEES = int(os.environ.get("FASTPATH_TEST_ATTENDEES", "170"))
POLLING = max(1, ATTENDEES // 10) if ATTENDEES >= 200 else 20
WEBSOCKETS = ATTENDEES - POLLING
RECONNECTING = 10  # of the WebSocket attendees: they drop and reconnect twice during the burst
BURST = 200
SLOW_PAUSE_S = 5.0
CONNECT_BATCH = 100
# Connecting, the burst and the catch-up; a failure says where it stopped. Wide because CI's two
# cores are shared; a bound, not a measurement.
BOUND_S = 120.0 if ATTENDEES <= 500 else 600.0


def fanout_counts(server) -> dict[str, float]:
    text = requests.get(f"{server.url}/metrics", timeout=10).text
    counts = {"fast": 0.0, "normal": 0.0}
    for line in text.splitlines():
        if line.startswith("conference_fanout_packets_total{"):
            path = line.split('path="', 1)[1].split('"', 1)[0]
            counts[path] = float(line.rsplit(" ", 1)[1])
    return counts


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@pytest.mark.parametrize("fast_path", ["true", "false"])
def test_every_attendee_gets_every_update_once_in_order(
    start_server, event, moderator_token, fast_path
):
    server = start_server(socketio_fast_path=fast_path)
    port = int(server.url.rsplit(":", 1)[1])
    stop, pause, resume = threading.Event(), threading.Event(), threading.Event()
    reconnect_at = (BURST // 4, BURST // 2)
    attendees = [
        WebSocketAttendee(
            port,
            event.slug,
            stop,
            reconnect_at=[seq + index for seq in reconnect_at] if index < RECONNECTING else (),
        )
        for index in range(WEBSOCKETS)
    ]
    attendees += [PollingAttendee(port, event.slug, stop) for _ in range(POLLING)]
    slow = WebSocketAttendee(port, event.slug, stop, pause=pause, resume=resume, small=True)
    everyone = [*attendees, slow]
    try:
        # In batches: a storm of thousands of threads in this process would starve them, and
        # the server would (rightly) close sessions whose pong comes too late.
        for start_at in range(0, len(everyone), CONNECT_BATCH):
            batch = everyone[start_at : start_at + CONNECT_BATCH]
            for attendee in batch:
                attendee.start()
            wait_for(lambda batch=batch: all(a.records for a in batch), BOUND_S / 10)
        assert wait_for(lambda: all(a.records for a in everyone), BOUND_S / 4), (
            f"{sum(1 for a in everyone if not a.records)} of {len(everyone)} attendees got no "
            f"snapshot; errors: {[a.error for a in everyone if a.error][:3]}"
        )
        start = event_seq = slow.records[-1][1]
        before = fanout_counts(server)
        pause.set()  # the slow attendee stops reading from its next frame on
        for index in range(BURST):
            answer = send_command(
                server.url,
                event.slug,
                moderator_token,
                {"type": "announce", "text": {"lv": f"Ziņa {index} ā č ē", "en": f"News {index}"}},
            )
            assert answer.status_code in (200, 201), answer.text
            event_seq = answer.json()["seq"]
        assert event_seq == start + BURST
        others_done = wait_for(
            lambda: all(last_seq(a) == event_seq for a in attendees), BOUND_S / 2
        )
        done_at = time.monotonic()
        # It stops reading for at least SLOW_PAUSE_S, and until the others have it all.
        time.sleep(max(0.0, SLOW_PAUSE_S - (done_at - (slow.paused_at or done_at))))
        paused_throughout = slow.resumed_at is None
        resume.set()
        slow_done = wait_for(lambda: last_seq(slow) == event_seq, BOUND_S / 4)
        after = fanout_counts(server)
    finally:
        stop.set()
        pause.set()
        resume.set()
        for attendee in everyone:
            attendee.join(timeout=5)

    behind = [
        (i, last_seq(a), a.error) for i, a in enumerate(attendees) if last_seq(a) != event_seq
    ]
    assert others_done, f"{len(behind)} attendees did not reach seq {event_seq}: {behind[:5]}"
    # The slow attendee read nothing from before the others were done: they never waited for it.
    assert paused_throughout and slow.paused_at is not None
    assert slow_done, f"the slow attendee stopped at seq {last_seq(slow)} of {event_seq}"
    problems = {
        index: order_problems(attendee.records, event_seq, attendee.connects)
        for index, attendee in enumerate(everyone)
    }
    problems = {index: found for index, found in problems.items() if found}
    assert not problems, f"{len(problems)} attendees out of order: {list(problems.items())[:5]}"
    # Those that reconnect on purpose did (more often only if the server closed them).
    assert all(a.connects >= 3 for a in attendees[:RECONNECTING])
    sent = (after["fast"] - before["fast"]) + (after["normal"] - before["normal"])
    assert sent >= BURST * len(everyone) - RECONNECTING * len(reconnect_at) * 2
    if fast_path == "true":
        # Polling attendees always take the normal path; most WebSocket packets the fast one.
        assert after["fast"] - before["fast"] > BURST * WEBSOCKETS / 2, (after, before)
        assert after["normal"] - before["normal"] >= BURST * POLLING
    else:
        assert after["fast"] == before["fast"] == 0


def test_the_switch_turns_the_fast_path_off(app):
    from conference.config import load_config
    from conference.extensions import socketio
    from conference.live import fastpath

    settings = load_config(environ={"CONFERENCE_SOCKETIO_FAST_PATH": "false"})
    assert settings["socketio"]["fast_path"] is False
    assert load_config(environ={})["socketio"]["fast_path"] is True
    path = fastpath.install(socketio.server, enabled=False)
    assert not path.enabled and "switched off" in path.reason
    # Tests run Flask-SocketIO in threading mode: the fast path says why it cannot hook in.
    path = fastpath.install(socketio.server, enabled=True)
    assert not path.enabled and "gevent" in path.reason


def test_the_library_check_passes_on_the_installed_versions():
    """``python -m conference.live.fastpath_check``: what an upgrade of python-engineio is
    checked with; it fails when any interface the fast path uses changed or packets reorder."""
    completed = subprocess.run(
        [sys.executable, "-m", "conference.live.fastpath_check"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert completed.stdout.strip().endswith("fast path: OK")
