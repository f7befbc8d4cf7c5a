"""Presence: how many attendees follow an event, counted across server processes.

Each process counts its own followers per event: distinct attendee cookies (a browser with two
tabs counts once), and each connection without a cookie on its own. With a message queue, each
process writes its count into the Redis hash ``conference:presence:<database digest>:<slug>``
(field: the process, value: ``count:unix time``) once per interval and sums the fresh fields; a
process that died stops refreshing its field and drops out of the sum after a few intervals.

:meth:`Presence.tick` emits ``presence`` ``{online}`` to the process's own followers when the
total changed; the server calls it once per ``socketio.presence_interval`` (at least 1 s), so
presence is emitted at most once a second.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import Counter

from conference.ops import metrics

log = logging.getLogger(__name__)

# A process's count older than this many intervals is from a process that is gone.
STALE_INTERVALS = 3
MIN_INTERVAL_S = 1.0


class Presence:
    """Followers of each event in this process, and the last total sent to them."""

    def __init__(self, hub, digest: str, interval: float) -> None:
        self.hub = hub
        self.interval = max(float(interval), MIN_INTERVAL_S)
        self.process_id = uuid.uuid4().hex[:12]
        self.key_prefix = f"conference:presence:{digest}:"
        self._followers: dict[str, Counter] = {}
        self._by_sid: dict[str, tuple[str, str]] = {}
        self._sent: dict[str, int] = {}
        self._lock = threading.Lock()

    def joined(self, sid: str, slug: str, attendee_id: str | None, counts: bool = True) -> None:
        """A connection follows ``slug``; ``counts`` False for a console or a screen view."""
        key = f"attendee:{attendee_id}" if attendee_id else f"connection:{sid}"
        with self._lock:
            self._by_sid[sid] = (slug, key if counts else None)
            followers = self._followers.setdefault(slug, Counter())
            metrics.FOLLOWERS.labels(slug).inc()
            if counts:
                followers[key] += 1

    def left(self, sid: str) -> None:
        with self._lock:
            slug, key = self._by_sid.pop(sid, (None, None))
            if slug is not None:
                metrics.FOLLOWERS.labels(slug).dec()
            followers = self._followers.get(slug)
            if followers is None or key is None:
                return
            followers[key] -= 1
            if followers[key] <= 0:
                del followers[key]

    def event_of(self, sid: str) -> str | None:
        """The slug the connection ``sid`` follows."""
        found = self._by_sid.get(sid)
        return found[0] if found else None

    def attendee_key(self, sid: str) -> tuple[str, str] | None:
        """``(slug, key)`` of a connection that counts as an attendee (the key is
        ``attendee:<id>`` or ``connection:<sid>``); None for a console, a screen or a stranger."""
        found = self._by_sid.get(sid)
        if found is None or found[1] is None:
            return None
        return found

    def local_counts(self) -> dict[str, int]:
        with self._lock:
            return {slug: len(followers) for slug, followers in self._followers.items()}

    def totals(self) -> dict[str, int]:
        """The number of attendees online per event this process has followers of (or had)."""
        local = self.local_counts()
        redis = self.hub.redis
        if redis is None:
            return local
        now = time.time()
        pipe = redis.pipeline(transaction=False)
        for slug, count in local.items():
            key = self.key_prefix + slug
            if count:
                pipe.hset(key, self.process_id, f"{count}:{now:.0f}")
                pipe.expire(key, int(self.interval * STALE_INTERVALS) + 60)
            else:
                pipe.hdel(key, self.process_id)
            pipe.hgetall(key)
        replies = pipe.execute()
        totals, position = {}, 0
        for slug, count in local.items():
            position += 2 if count else 1
            fields = replies[position]
            position += 1
            totals[slug] = _sum_fresh(fields, now - self.interval * STALE_INTERVALS - 2)
        return totals

    def tick(self) -> dict[str, int]:
        """Count, and send ``presence`` to each event whose total changed; returns the totals."""
        from conference.live.publish import emit_presence

        totals = self.totals()
        for slug, total in totals.items():
            entry = self.hub.cache.peek(slug)
            if entry is not None:
                entry.set_online(total)
            if self._sent.get(slug) != total:
                self._sent[slug] = total
                emit_presence(slug, total)
        with self._lock:
            for slug, followers in list(self._followers.items()):
                if not followers:  # counted as 0 once (and sent); nobody here to tell any more
                    del self._followers[slug]
                    self._sent.pop(slug, None)
        return totals

    def run(self, stop: threading.Event | None = None) -> None:
        """Tick every interval until ``stop`` is set (a background task of the server)."""
        from conference.ops.logs import RepeatedFailure

        failure = RepeatedFailure(log, "presence count")
        while stop is None or not stop.is_set():
            started = time.monotonic()
            try:
                self.tick()
            except Exception:
                failure.failed()
            else:
                failure.succeeded()
            time.sleep(max(0.0, self.interval - (time.monotonic() - started)))


def _sum_fresh(fields: dict, oldest: float) -> int:
    total = 0
    for value in fields.values():
        count, _, stamp = value.decode().partition(":")
        if float(stamp or 0) >= oldest:
            total += int(count)
    return total
