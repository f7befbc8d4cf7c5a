"""Attendance as measured (issue 12 part 2, PROTOCOL 1.1 ``attendance``): reading it.

The server processes write :class:`AttendanceInterval` rows in batches (see
:mod:`conference.participants.attendance_recorder`); this module turns them into what the
API, the report and the certificates show:

- per attendee identity: the minutes connected while the event was live (its intervals from
  every tab, device and process merged; gaps of at most :data:`GAP_JOINED` joined, so a dropped
  connection that is back within a minute is one interval), first and last seen;
- for the event: the number online per minute (one sample a minute from the start), its peak,
  and the number of unique attendee identities.

Only time while the event was live counts: each interval is clipped to the event's
``started_at`` .. ``ended_at`` (or now while it runs). An event never started has no
attendance.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa

from conference.db import db, utcnow
from conference.events.models import Event
from conference.participants.models import AttendanceInterval

GAP_JOINED = timedelta(seconds=60)
SAMPLE = timedelta(minutes=1)
CONNECTION_PREFIX = "connection:"


@dataclass(frozen=True)
class AttendeeTime:
    """One attendee identity's merged time at the live event."""

    seconds: float
    first_seen: datetime
    last_seen: datetime

    @property
    def minutes(self) -> int:
        """Whole minutes, rounded to the nearest (what the API, report and certificate show)."""
        return int(self.seconds / 60 + 0.5)


@dataclass
class EventAttendance:
    """The event's attendance: per attendee identity, and one sample of online a minute."""

    live_from: datetime | None = None
    live_until: datetime | None = None
    by_attendee: dict[str, AttendeeTime] = field(default_factory=dict)
    samples: list[tuple[datetime, int]] = field(default_factory=list)

    @property
    def peak_online(self) -> int:
        return max((online for _, online in self.samples), default=0)

    @property
    def unique_attendees(self) -> int:
        return len(self.by_attendee)

    def of(self, attendee_id: str | None) -> AttendeeTime | None:
        """The time of one attendee identity (a participant's), or None if never seen live."""
        if not attendee_id:
            return None
        return self.by_attendee.get(attendee_id)


def merge(
    intervals: list[tuple[datetime, datetime]], gap: timedelta = GAP_JOINED
) -> list[tuple[datetime, datetime]]:
    """Overlapping intervals, and those apart by at most ``gap``, joined into one; sorted."""
    merged: list[list[datetime]] = []
    for start, end in sorted(intervals):
        if end < start:
            continue
        if merged and start - merged[-1][1] <= gap:
            if end > merged[-1][1]:
                merged[-1][1] = end
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def _clip(
    intervals: list[tuple[datetime, datetime]], low: datetime, high: datetime
) -> list[tuple[datetime, datetime]]:
    clipped = []
    for start, end in intervals:
        start, end = max(start, low), min(end, high)
        if end > start:
            clipped.append((start, end))
    return clipped


def _minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def compute(
    rows: list[tuple[str, datetime, datetime]],
    live_from: datetime | None,
    live_until: datetime | None,
) -> EventAttendance:
    """The attendance of ``(attendee_key, started_at, ended_at)`` rows over the live span.

    Pure: the API, the report and the tests share it. A sample at minute ``m`` counts the
    attendee identities connected at any moment of ``[m, m + 1 min)``.
    """
    result = EventAttendance(live_from=live_from, live_until=live_until)
    if live_from is None or live_until is None or live_until <= live_from:
        return result
    per_key: dict[str, list[tuple[datetime, datetime]]] = {}
    for key, start, end in rows:
        per_key.setdefault(key, []).append((start, end))
    first_minute = _minute(live_from)
    count = int((live_until - first_minute) / SAMPLE) + 1
    online = [0] * count
    for key, intervals in per_key.items():
        spans = _clip(merge(intervals), live_from, live_until)
        if not spans:
            continue
        result.by_attendee[key] = AttendeeTime(
            seconds=sum((end - start).total_seconds() for start, end in spans),
            first_seen=spans[0][0],
            last_seen=spans[-1][1],
        )
        seen: set[int] = set()
        for start, end in spans:
            low = int((start - first_minute) / SAMPLE)
            # An interval ending exactly on a minute's first instant does not reach into it.
            high = int((end - first_minute - timedelta(microseconds=1)) / SAMPLE)
            seen.update(range(max(low, 0), min(high, count - 1) + 1))
        for index in seen:
            online[index] += 1
    result.samples = [(first_minute + SAMPLE * index, value) for index, value in enumerate(online)]
    return result


def event_attendance(
    event: Event, now: datetime | None = None, only: str | None = None
) -> EventAttendance:
    """The event's attendance read from the database (while it runs: up to ``now``).

    ``only``: read one attendee identity's rows (an attendee's own record: an indexed read of
    a few rows, not the whole event's; its samples then count that identity alone)."""
    live_from = event.started_at
    live_until = event.ended_at or (now or utcnow()) if live_from is not None else None
    if live_from is None:
        return EventAttendance()
    query = sa.select(
        AttendanceInterval.attendee_key,
        AttendanceInterval.started_at,
        AttendanceInterval.ended_at,
    ).where(AttendanceInterval.event_id == event.id)
    if only is not None:
        query = query.where(AttendanceInterval.attendee_key == only)
    rows = db.session.execute(query).all()
    return compute([tuple(row) for row in rows], live_from, live_until)


def attendance_json(attendance: EventAttendance, registered: list[str | None]) -> dict:
    """PROTOCOL 1.1 ``GET …/attendance``; ``registered``: the participants' attendee ids."""
    from conference.db import iso

    attended = [key for key in registered if attendance.of(key) is not None]
    return {
        "peak_online": attendance.peak_online,
        "unique_attendees": attendance.unique_attendees,
        "registered": len(registered),
        "registered_attended": len(attended),
        "samples": [{"at": iso(at), "online": online} for at, online in attendance.samples],
    }
