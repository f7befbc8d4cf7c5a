"""Attendance written by the recorder from real Socket.IO connects, on a clock the test drives.

Registered participants with Latvian names connect for known lengths (two tabs, a drop and
back within a minute, a return after longer); the recorder writes in batches only; the API
then shows each participant's minutes, within a minute of what they were connected.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from conference.admin.services.events import discard_event
from conference.db import db, utcnow
from conference.extensions import socketio
from conference.live.commands import run_command
from conference.participants.attendance_recorder import attendance_recorder
from conference.participants.models import AttendanceInterval
from tests.audience.conftest import attendee_headers
from tests.participants.conftest import SLUG, attendee

API = f"/api/v1/events/{SLUG}"
PEOPLE = {
    "janis": "Jānis Bērziņš",
    "liga": "Līga Ķēniņa",
    "eriks": "Ēriks Šņore",
    "zane": "Zane Ūdre-Ģērmane",
}


class Clock:
    """The recorder's ``now``: starts at ``start``, moves only when the test says so."""

    def __init__(self, start: datetime):
        self.start = self.moment = start

    def __call__(self) -> datetime:
        return self.moment

    def to(self, minutes: float) -> None:
        self.moment = self.start + timedelta(minutes=minutes)


def register(app, attendee_id: str, name: str) -> None:
    answer = attendee(app, attendee_id).post(
        f"{API}/participants",
        json={
            "name": name,
            "organisation": "Daugavpils tehnikums",
            "country": "LV",
            "consent_list": True,
        },
    )
    assert answer.status_code == 201, answer.text


def connect(app, attendee_id: str | None):
    headers = attendee_headers(app, attendee_id) if attendee_id else {}
    client = socketio.test_client(app, auth={"event": SLUG}, headers=headers)
    assert client.is_connected()
    return client


def live_since(event, minutes_ago: float) -> datetime:
    """Start the event through its command, then move its start back (the clock is the
    test's: the whole scenario happens in the past, before the reader's now)."""
    run_command(SLUG, {"type": "start_event"})
    db.session.refresh(event)
    started = utcnow().replace(second=0, microsecond=0) - timedelta(minutes=minutes_ago)
    event.started_at = started
    db.session.commit()
    return started


def interval_rows() -> list:
    db.session.expire_all()
    return db.session.execute(
        sa.select(
            AttendanceInterval.attendee_key,
            AttendanceInterval.started_at,
            AttendanceInterval.ended_at,
        ).order_by(AttendanceInterval.id)
    ).all()


def test_registered_participants_minutes_match_how_long_they_were_connected(app, event, organiser):
    for attendee_id, name in PEOPLE.items():
        register(app, attendee_id, name)
    start = live_since(event, minutes_ago=120)
    recorder = attendance_recorder(app)
    recorder.now = clock = Clock(start)

    def flush_at(minutes):
        clock.to(minutes)
        recorder.flush()

    janis_laptop = connect(app, "janis")  # 0 .. 30 on the laptop
    liga = connect(app, "liga")  # 0 .. 10, dropped, back at 10.5 .. 25
    stranger = connect(app, None)  # no cookie: 0 .. 12
    flush_at(5)
    clock.to(10)
    janis_phone = connect(app, "janis")  # 10 .. 40 on the phone: overlaps the laptop
    liga.disconnect()
    flush_at(10.25)
    clock.to(10.5)
    liga = connect(app, "liga")
    unregistered_tabs = [connect(app, "svesais"), connect(app, "svesais")]  # 10.5 .. 12
    flush_at(12)
    for tab in [*unregistered_tabs, stranger]:
        tab.disconnect()
    clock.to(15)
    zane = connect(app, "zane")  # 15 .. 20, then back after 5 minutes: 25 .. 27
    flush_at(20)
    zane.disconnect()
    flush_at(25)
    liga.disconnect()
    zane = connect(app, "zane")
    flush_at(27)
    zane.disconnect()
    flush_at(30)
    janis_laptop.disconnect()
    flush_at(40)
    janis_phone.disconnect()
    flush_at(45)
    flush_at(50)  # everyone left more than a minute ago: nothing left in memory
    assert recorder.open_stretches() == 0

    rows = interval_rows()
    keys = [key for key, _start, _end in rows]
    # Līga's drop of 30 s went on in the same row; Zane's return after 5 minutes did not.
    assert keys.count("liga") == 1 and keys.count("zane") == 2
    assert keys.count("janis") == 1  # two devices on one process share the stretch
    assert sum(key.startswith("connection:") for key in keys) == 1

    client = app.test_client()
    listed = {
        row["name"]: row["attendance"]
        for row in client.get(f"{API}/participants", headers=organiser).get_json()
    }
    expected = {"Jānis Bērziņš": 40, "Līga Ķēniņa": 25, "Zane Ūdre-Ģērmane": 7, "Ēriks Šņore": 0}
    for name, minutes in expected.items():
        # The clock is exact here; the protocol promises the minutes within a minute.
        assert abs(listed[name]["minutes"] - minutes) <= 1, (name, listed[name], minutes)
    assert listed["Jānis Bērziņš"]["first_seen"] == _iso(start)
    assert listed["Jānis Bērziņš"]["last_seen"] == _iso(start + timedelta(minutes=40))
    assert listed["Ēriks Šņore"] == {"minutes": 0, "first_seen": None, "last_seen": None}

    me = attendee(app, "liga").get(f"{API}/participants/me").get_json()
    assert me["attendance"]["minutes"] == 25

    csv_text = client.get(f"{API}/participants.csv", headers=organiser).get_data(as_text=True)
    assert "Līga Ķēniņa" in csv_text and ",25," in csv_text

    report = client.get(f"{API}/attendance", headers=organiser).get_json()
    # Jānis, Līga, the stranger without a cookie, the unregistered tabs (one identity), Zane.
    assert report["unique_attendees"] == 5
    assert report["registered"] == 4 and report["registered_attended"] == 3
    samples = [sample["online"] for sample in report["samples"]]
    # Minutes 10 and 11: Jānis, Līga, the stranger and the unregistered tabs (one identity).
    assert report["peak_online"] == max(samples) == 4
    assert samples[:10] == [3] * 10 and samples[10:12] == [4, 4] and samples[12] == 2
    assert samples[15] == 3 and set(samples[40:]) == {0}
    assert report["samples"][0]["at"] == _iso(start)
    # The unregistered follower counts in peak and unique, never in the list.
    assert set(listed) == set(PEOPLE.values())


def _iso(moment: datetime) -> str:
    from conference.db import iso

    return iso(moment)


def test_connects_write_nothing_until_the_flush_and_it_is_a_few_statements(app, event):
    live_since(event, minutes_ago=30)
    recorder = attendance_recorder(app)
    statements = []

    @sa.event.listens_for(db.engine, "before_cursor_execute")
    def count(conn, cursor, statement, parameters, context, executemany):
        if "attendance_intervals" in statement:
            statements.append(statement.split()[0])

    try:
        clients = [connect(app, f"klausītājs-{n}") for n in range(60)]
        clients += [connect(app, None) for _ in range(20)]
        clients[0].disconnect()
        assert statements == []  # 80 connects and a leave: not one write
        assert recorder.flush() == 80
        assert statements == ["INSERT"]
        statements.clear()
        recorder.now = lambda: utcnow() + timedelta(seconds=30)
        clients[1].disconnect()
        assert recorder.flush() == 79
        # The open ones in one UPDATE … IN (…), the one that left in one executemany.
        assert sorted(statements) == ["UPDATE", "UPDATE"]
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    assert len(interval_rows()) == 80


def test_nothing_is_written_before_the_event_starts_and_the_wait_is_kept(app, event):
    recorder = attendance_recorder(app)
    early = connect(app, "agrais")
    gone_before = connect(app, "aizgājējs")
    gone_before.disconnect()
    recorder.now = lambda: utcnow() + timedelta(minutes=2)
    assert recorder.flush() == 0
    assert interval_rows() == []
    assert recorder.open_stretches() == 1  # the one who left before the start is forgotten
    run_command(SLUG, {"type": "start_event"})
    assert recorder.flush() == 1
    ((key, _started, _ended),) = interval_rows()
    assert key == "agrais"  # connected before the start: kept, clipped when read
    early.disconnect()


def test_consoles_and_screens_are_not_attendees(app, event):
    live_since(event, minutes_ago=10)
    console = socketio.test_client(app, auth={"event": SLUG, "viewer": "console"})
    screen = socketio.test_client(app, auth={"event": SLUG, "viewer": "screen"})
    assert console.is_connected() and screen.is_connected()
    assert attendance_recorder(app).flush() == 0


def test_a_deleted_event_does_not_spoil_the_batch(app, event, other_event):
    live_since(event, minutes_ago=10)
    run_command(other_event.slug, {"type": "start_event"})
    recorder = attendance_recorder(app)
    here = connect(app, "palicējs")
    there = socketio.test_client(
        app, auth={"event": other_event.slug}, headers=attendee_headers(app, "citur")
    )
    assert there.is_connected()
    run_command(other_event.slug, {"type": "end_event"})
    discard_event(db.session.get(type(other_event), other_event.id))
    db.session.commit()
    assert recorder.flush() == 1
    assert [key for key, *_ in interval_rows()] == ["palicējs"]
    here.disconnect()


def test_off_records_nothing(app, event):
    live_since(event, minutes_ago=10)
    recorder = attendance_recorder(app)
    recorder.enabled = False
    connect(app, "nemērītais")
    assert recorder.flush() == 0
    assert recorder.open_stretches() == 0
