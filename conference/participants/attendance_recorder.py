"""Attendance as measured (issue 12 part 2): writing it, in batches.

Each server process keeps, in memory, one open *stretch* per (event, attendee key): when it
began, when the attendee was last seen, and how many of their connections are open here (tabs
of one browser share the key). The Socket.IO handlers tell it of joins and leaves next to
presence (:mod:`conference.live.sockets`; consoles and screens are not attendees); that costs
a dictionary update under a lock, never a database write.

:meth:`AttendanceRecorder.flush` runs every ``[attendance] flush_seconds`` (a background task of
the server, and once more when the server stops cleanly) and writes everything in one
transaction:

- one ``INSERT … RETURNING id`` (many rows per statement) for the stretches not written yet;
  the ids stay in memory;
- one ``UPDATE … SET ended_at = now WHERE id IN (…)`` for the stretches still open (they were
  all seen just now), and one executemany ``UPDATE`` for those closed since the last flush;
- a stretch whose attendee left more than :data:`RETURN_WITHIN` ago is finished: written one
  last time and forgotten. One that returns within it goes on in the same row.

Rows of different processes (and an attendee's second device on another process) overlap;
:mod:`conference.participants.attendance` merges them when it reads, joins gaps of up to a
minute and clips to the live span. So a process that dies loses at most the time since its last
flush, and when the attendees reconnect elsewhere within a minute of that flush (a restart),
nothing is lost. Stretches of an event that has not started are kept in memory and written
once it has (those that end before it starts never are).

Keys: the attendee id of the cookie (:mod:`conference.attendees`), or ``connection:<sid>`` for
a connection without one (it counts in the event's peak and unique attendees, in nobody's
minutes).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime

import sqlalchemy as sa

from conference.db import utcnow
from conference.ops import metrics
from conference.participants.attendance import CONNECTION_PREFIX, GAP_JOINED
from conference.participants.models import ATTENDEE_KEY_MAX_CHARS, AttendanceInterval

log = logging.getLogger(__name__)


def attendance_recorder(app=None) -> AttendanceRecorder:
    from flask import current_app

    return (app or current_app).extensions["attendance"]


# A stretch whose attendee is back within this long goes on; later, a new one begins.
RETURN_WITHIN = GAP_JOINED
MIN_FLUSH_SECONDS = 0.5
# Ids per ``UPDATE … WHERE id IN (…)`` (SQLite's older builds allow 999 parameters).
IDS_PER_STATEMENT = 900
NOT_STARTED = "scheduled"


class Stretch:
    """One attendee key's time at one event in this process, not written in full yet."""

    __slots__ = ("event_id", "key", "started", "last_seen", "open", "row_id", "written_until")

    def __init__(self, event_id: int, key: str, started: datetime) -> None:
        self.event_id = event_id
        self.key = key
        self.started = started
        self.last_seen = started
        self.open = 0
        self.row_id: int | None = None
        self.written_until: datetime | None = None


class AttendanceRecorder:
    """The open stretches of this process, and the batches that write them.

    ``engine()`` is the database to write to; ``now()`` the time (tests drive it);
    ``statuses()`` ``{event_id: status}`` of the events this process knows (the live cache has
    them: no query), so that nothing is written for an event that has not started.
    """

    def __init__(
        self,
        engine: Callable[[], sa.Engine],
        flush_seconds: float = 30.0,
        enabled: bool = True,
        now: Callable[[], datetime] = utcnow,
        statuses: Callable[[], dict[int, str]] | None = None,
    ) -> None:
        self.engine = engine
        self.flush_seconds = max(float(flush_seconds), MIN_FLUSH_SECONDS)
        self.enabled = enabled
        self.now = now
        self.statuses = statuses or dict
        self._stretches: dict[tuple[int, str], Stretch] = {}
        self._by_sid: dict[str, Stretch] = {}
        # Stretches replaced by a new one (the attendee came back too late) before their
        # last write: the next flush writes them and lets them go.
        self._finished: list[Stretch] = []
        self._lock = threading.Lock()
        self._flushing = threading.Lock()

    # -- told by the Socket.IO handlers -------------------------------------------------------

    def joined(self, sid: str, event_id: int, attendee_id: str | None) -> None:
        """The connection ``sid`` (an attendee's, not a console's) follows event ``event_id``."""
        if not self.enabled:
            return
        key = (attendee_id or f"{CONNECTION_PREFIX}{sid}")[:ATTENDEE_KEY_MAX_CHARS]
        now = self.now()
        with self._lock:
            stretch = self._stretches.get((event_id, key))
            if stretch is None or (stretch.open == 0 and now - stretch.last_seen > RETURN_WITHIN):
                if stretch is not None:
                    self._finished.append(stretch)
                stretch = self._stretches[(event_id, key)] = Stretch(event_id, key, now)
            stretch.open += 1
            self._by_sid[sid] = stretch

    def left(self, sid: str) -> None:
        """The connection ``sid`` is gone (a no-op for one that was never counted)."""
        with self._lock:
            stretch = self._by_sid.pop(sid, None)
            if stretch is None:
                return
            stretch.open -= 1
            if stretch.open <= 0:
                stretch.open = 0
                stretch.last_seen = self.now()

    def open_stretches(self) -> int:
        """Stretches in memory (open, or closed less than a minute ago, or not written yet)."""
        with self._lock:
            return len(self._stretches)

    # -- the batches ----------------------------------------------------------------------------

    def flush(self) -> int:
        """Write what changed since the last flush in one transaction; returns rows written."""
        with self._flushing:
            now = self.now()
            with self._lock:
                stretches = list(self._stretches.values())
                finished, self._finished = self._finished, []
                for stretch in stretches:
                    if stretch.open:
                        stretch.last_seen = now
            try:
                written, skipped = self._write(now, stretches + finished)
            except Exception:
                with self._lock:
                    self._finished[:0] = finished
                raise
            self._forget(now, skipped)
            return written

    def _write(self, now: datetime, stretches: list[Stretch]) -> tuple[int, set[int]]:
        """One transaction; returns the rows written and the events skipped (not started, gone)."""
        statuses = self.statuses()
        skipped = {s.event_id for s in stretches if statuses.get(s.event_id) == NOT_STARTED}
        inserts, still_open, closed = [], [], []
        ends: dict[int, datetime] = {}
        for stretch in stretches:
            if stretch.event_id in skipped:
                continue
            end = ends[id(stretch)] = now if stretch.open else stretch.last_seen
            if stretch.row_id is None:
                inserts.append(stretch)
            elif stretch.written_until != end:
                (still_open if end == now else closed).append(stretch)
        if not (inserts or still_open or closed):
            return 0, skipped
        table = AttendanceInterval.__table__
        with self.engine().begin() as connection:
            present = self._existing_events(connection, {s.event_id for s in inserts})
            skipped |= {s.event_id for s in inserts} - present
            inserts = [s for s in inserts if s.event_id in present]
            if inserts:
                # Many rows per statement; matched back by what they hold (the order of
                # RETURNING is not promised on every database without a statement per row).
                by_place = {(s.event_id, s.key, s.started): s for s in inserts}
                returned = connection.execute(
                    table.insert().returning(
                        table.c.id, table.c.event_id, table.c.attendee_key, table.c.started_at
                    ),
                    [
                        {
                            "event_id": s.event_id,
                            "attendee_key": s.key,
                            "started_at": s.started,
                            "ended_at": ends[id(s)],
                        }
                        for s in inserts
                    ],
                )
                row_ids = {
                    id(by_place[(event_id, key, started)]): row_id
                    for row_id, event_id, key, started in returned
                }
            open_ids = [s.row_id for s in still_open]
            for first in range(0, len(open_ids), IDS_PER_STATEMENT):
                connection.execute(
                    table.update()
                    .where(table.c.id.in_(open_ids[first : first + IDS_PER_STATEMENT]))
                    .values(ended_at=now)
                )
            if closed:
                connection.execute(
                    table.update()
                    .where(table.c.id == sa.bindparam("row_id"))
                    .values(ended_at=sa.bindparam("end")),
                    [{"row_id": s.row_id, "end": ends[id(s)]} for s in closed],
                )
        with self._lock:
            for stretch in inserts:
                stretch.row_id = row_ids[id(stretch)]
            for stretch in inserts + still_open + closed:
                stretch.written_until = ends[id(stretch)]
        return len(inserts) + len(still_open) + len(closed), skipped

    @staticmethod
    def _existing_events(connection, event_ids: set[int]) -> set[int]:
        """Of ``event_ids``, those still in the database (a deleted event takes no rows)."""
        if not event_ids:
            return set()
        from conference.events.models import Event

        query = sa.select(Event.id).where(Event.id.in_(event_ids))
        return set(connection.execute(query).scalars())

    def _forget(self, now: datetime, skipped: set[int]) -> None:
        """Let go of stretches left more than a minute ago that are written to their end (or
        belong to an event not started or gone: nothing of them is ever written)."""
        with self._lock:
            for place, stretch in list(self._stretches.items()):
                if stretch.open or now - stretch.last_seen <= RETURN_WITHIN:
                    continue
                if stretch.event_id in skipped or stretch.written_until == stretch.last_seen:
                    del self._stretches[place]

    def run(self, stop: threading.Event | None = None) -> None:
        """Flush every ``flush_seconds`` until ``stop`` is set (a background task of the server)."""
        while True:
            if stop is not None:
                if stop.wait(self.flush_seconds):
                    return
            else:
                time.sleep(self.flush_seconds)
            started = time.perf_counter()
            try:
                self.flush()
            except Exception:
                # A database away for a moment: the stretches stay, the next flush writes them.
                metrics.ATTENDANCE_FLUSH_FAILURES.inc()
                log.warning("attendance: could not write the intervals", exc_info=True)
            else:
                metrics.ATTENDANCE_FLUSH.observe(time.perf_counter() - started)
