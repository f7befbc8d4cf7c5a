"""Attendance end to end: real ``conference serve`` processes, real Socket.IO clients with the
attendee cookies of registered participants, the intervals written by the servers' own
background flush, and the API reading them (one process, and two on PostgreSQL + Redis)."""

from __future__ import annotations

import time

import pytest
import requests
import sqlalchemy as sa

from conference.db import db
from conference.live.commands import run_command
from conference.participants.attendance import event_attendance
from conference.participants.models import AttendanceInterval
from tests.audience.conftest import attendee_headers
from tests.live import conftest as live_fixtures
from tests.live.servers import Follower
from tests.participants.conftest import SLUG

pytestmark = [pytest.mark.integration, pytest.mark.slow]
start_server = live_fixtures.start_server

API = f"/api/v1/events/{SLUG}"
PEOPLE = {"anna": "Anna Kalniņa", "peteris": "Pēteris Ščerbinskis"}
# Generous for a shared CI machine: rows are written within a second (flush_seconds = 1).
ROWS_TIMEOUT_S = 20
# A connect or disconnect is stamped by the server when it handles it, and by the test when the
# client call returns: apart by the loopback round trips, and by a busy machine's scheduling.
STAMP_SLACK_S = 2.0


class CookieFollower(Follower):
    """A follower whose browser carries an attendee cookie (or none)."""

    def __init__(self, url: str, headers: dict):
        super().__init__(url, SLUG)
        self.headers = headers

    def connect(self) -> CookieFollower:
        self.client.connect(
            self.url,
            auth={"event": SLUG},
            headers=self.headers,
            transports=["websocket"],
            wait_timeout=10,
        )
        return self


def register(app, server_url: str) -> None:
    for attendee_id, name in PEOPLE.items():
        answer = requests.post(
            f"{server_url}{API}/participants",
            json={
                "name": name,
                "organisation": "Rēzeknes tehnikums",
                "country": "LV",
                "consent_list": True,
            },
            headers=attendee_headers(app, attendee_id),
            timeout=10,
        )
        assert answer.status_code == 201, answer.text


def follower(app, url: str, attendee_id: str | None) -> CookieFollower:
    headers = attendee_headers(app, attendee_id) if attendee_id else {}
    return CookieFollower(url, headers).connect()


def rows_by_key() -> dict[str, list]:
    db.session.remove()
    rows = db.session.execute(
        sa.select(
            AttendanceInterval.attendee_key,
            AttendanceInterval.started_at,
            AttendanceInterval.ended_at,
        )
    ).all()
    found: dict[str, list] = {}
    for key, started, ended in rows:
        found.setdefault(key, []).append((started, ended))
    return found


def wait_for_rows(condition) -> dict[str, list]:
    deadline = time.monotonic() + ROWS_TIMEOUT_S
    while True:
        found = rows_by_key()
        if condition(found) or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def get(server_url: str, path: str, headers: dict) -> dict | list:
    answer = requests.get(f"{server_url}{API}{path}", headers=headers, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()


def start_event() -> None:
    run_command(SLUG, {"type": "start_event"})
    db.session.remove()


def test_one_server_writes_intervals_in_batches_and_the_api_reads_them(
    app, event, organiser, start_server
):
    start_event()
    server = start_server(attendance_flush_seconds=1)
    register(app, server.url)
    tabs = [follower(app, server.url, "anna") for _ in range(2)]
    connected_at = time.time()
    peteris = follower(app, server.url, "peteris")
    stranger = follower(app, server.url, None)
    found = wait_for_rows(lambda rows: {"anna", "peteris"} <= set(rows) and len(rows) == 3)
    assert set(found) - {"anna", "peteris"} == {
        key for key in found if key.startswith("connection:")
    }, found
    assert len(found["anna"]) == 1  # two tabs, one interval

    listed = {row["name"]: row["attendance"] for row in get(server.url, "/participants", organiser)}
    assert listed["Anna Kalniņa"]["first_seen"] is not None
    assert listed["Pēteris Ščerbinskis"]["minutes"] == 0  # seconds so far
    report = get(server.url, "/attendance", organiser)
    assert report["unique_attendees"] == 3 and report["peak_online"] == 3
    assert report["registered"] == 2 and report["registered_attended"] == 2

    peteris.close()  # a dropped connection, back a moment later: the same interval goes on
    time.sleep(0.5)
    peteris = follower(app, server.url, "peteris")
    time.sleep(1.0)
    tabs[0].close()  # one tab closed: Anna is still here on the other
    for other in (tabs[1], peteris, stranger):
        other.close()
    left_at = time.time()
    found = wait_for_rows(
        lambda rows: all(abs(r[0][1].timestamp() - left_at) < STAMP_SLACK_S for r in rows.values())
    )
    assert len(found["peteris"]) == 1, found["peteris"]
    anna = found["anna"][0]
    seconds = (anna[1] - anna[0]).total_seconds()
    assert abs(seconds - (left_at - connected_at)) < STAMP_SLACK_S, (
        seconds,
        left_at - connected_at,
    )


def test_the_last_stretch_is_written_when_the_server_stops(app, event, start_server):
    start_event()
    server = start_server(attendance_flush_seconds=300)  # no periodic flush within the test
    attendee = follower(app, server.url, "anna")
    assert attendee.wait_until(lambda f: f.snapshots, 10)
    time.sleep(0.5)
    assert rows_by_key() == {}
    server.stop()  # SIGTERM: the server closes its connections, then flushes
    assert server.process.returncode is not None
    found = rows_by_key()
    assert list(found) == ["anna"], server.log()
    attendee.close()


def test_two_processes_on_postgresql_and_redis_both_write(
    app, event, organiser, start_server, redis_url, db_url
):
    if db_url.startswith("sqlite"):
        pytest.skip("scale-out is PostgreSQL's: several processes on one SQLite file is not")
    start_event()
    settings = {"socketio_message_queue": redis_url, "attendance_flush_seconds": 1}
    first, second = start_server(**settings), start_server(**settings)
    register(app, first.url)
    connected_at = time.time()
    # Anna on a laptop (first process) and a phone (second); Pēteris on the second; an
    # unregistered follower with a cookie on the first.
    followers = [
        follower(app, first.url, "anna"),
        follower(app, second.url, "anna"),
        follower(app, second.url, "peteris"),
        follower(app, first.url, "svesais"),
    ]
    found = wait_for_rows(lambda rows: len(rows.get("anna", [])) == 2 and len(rows) == 3)
    assert len(found["anna"]) == 2, found  # one row per process: both write
    assert set(found) == {"anna", "peteris", "svesais"}

    time.sleep(1.0)
    followers[0].close()  # the laptop goes; the phone stays
    time.sleep(1.0)
    for other in followers[1:]:
        other.close()
    left_at = time.time()
    wait_for_rows(
        lambda rows: (
            all(
                abs(end.timestamp() - left_at) < STAMP_SLACK_S
                for key in ("peteris",)
                for _, end in rows[key]
            )
            and max(end for _, end in rows["anna"]).timestamp() > left_at - STAMP_SLACK_S
        )
    )
    db.session.remove()
    measured = event_attendance(db.session.get(type(event), event.id))
    anna = measured.of("anna")
    assert abs(anna.seconds - (left_at - connected_at)) < STAMP_SLACK_S, anna

    listed = {row["name"]: row for row in get(second.url, "/participants", organiser)}
    assert set(listed) == set(PEOPLE.values())  # the unregistered follower is not listed
    report = get(first.url, "/attendance", organiser)
    assert report["unique_attendees"] == 3 and report["peak_online"] == 3
    assert report["registered"] == 2 and report["registered_attended"] == 2
