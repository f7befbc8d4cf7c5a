"""The audience's messages outside the ``seq`` order: ``question.votes`` and ``reactions``.

Once a second (:meth:`AudienceTicker.tick`, a background task of every server process):

- **question.votes**: an upvote marks its event (:meth:`upvoted`: a counter, in Redis when
  there is a message queue, so every process sees it). For each event whose counter moved, the
  process reads the upvote counts of the attendee-visible questions from the database (the
  truth: the sum over every process's writes) and sends ``question.votes`` ``{counts:
  {question_id: upvotes}}`` with the counts that changed to its own followers, and puts them
  into its cached snapshot (so a new follower gets them too).
- **reactions**: :meth:`react` counts a reaction unless the attendee identity has had 3 this
  second (counted in this process: an attendee's connection lives on one process). The counts
  of each process go into Redis hashes, one per event and second; each process reads the
  seconds that every process has finished writing (those ending more than
  :data:`SETTLE_S` ago) and sends their sum as ``reactions`` ``{counts, window_ms}``, only
  when a count is not zero. Every second is read once by each process: nothing is lost or
  counted twice across processes. Without Redis the process sends its own counts.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter, defaultdict

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from conference.db import db
from conference.extensions import socketio

log = logging.getLogger(__name__)

REACTION_KINDS = ("applause", "heart", "laugh", "wow", "thumbs_up")
REACTIONS_PER_SECOND = 3
INTERVAL_S = 1.0
# A second's reactions are read once every process has had the time to write them.
SETTLE_S = 1.5
QUESTION_VOTES = "question.votes"
REACTIONS = "reactions"


def audience_ticker(app=None) -> AudienceTicker:
    return (app or current_app).extensions["audience"]


class AudienceTicker:
    def __init__(self, hub) -> None:
        self.hub = hub
        prefix = hub.channel.replace("conference:live:", "")
        self.votes_prefix = f"conference:qvotes:{prefix}:"
        self.reactions_prefix = f"conference:reactions:{prefix}:"
        self._lock = threading.Lock()
        self._versions: Counter = Counter()  # without Redis: upvotes per event in this process
        self._seen_versions: dict[str, int] = {}
        self._pending: dict[str, Counter] = defaultdict(Counter)
        self._per_attendee: dict[tuple[str, str], tuple[int, int]] = {}
        self._read_until: dict[str, int] = {}
        self._last_emit: dict[tuple[str, str], float] = {}

    # --- question.votes -------------------------------------------------------------------

    def upvoted(self, slug: str) -> None:
        """An upvote of ``slug`` was written (or withdrawn): its counts go out at the next tick."""
        with self._lock:
            self._versions[slug] += 1
        if self.hub.redis is not None:
            try:
                self.hub.redis.incr(self.votes_prefix + slug)
            except Exception:
                log.warning("could not mark the upvote in Redis", exc_info=True)

    def _current_versions(self, slugs: list[str]) -> dict[str, int]:
        if self.hub.redis is None:
            with self._lock:
                return {slug: self._versions[slug] for slug in slugs}
        values = self.hub.redis.mget([self.votes_prefix + slug for slug in slugs])
        return {slug: int(value or 0) for slug, value in zip(slugs, values, strict=True)}

    def send_votes(self) -> dict[str, dict]:
        """Send ``question.votes`` for every cached event whose upvotes moved; returns what was
        sent per slug."""
        from conference.audience.models import Question, QuestionUpvote
        from conference.audience.questions import ATTENDEE_VISIBLE, sort_questions

        slugs = self.hub.cache.slugs()
        if not slugs:
            return {}
        versions = self._current_versions(slugs)
        moved = [slug for slug in slugs if versions[slug] != self._seen_versions.get(slug, 0)]
        sent = {}
        for slug in moved:
            entry = self.hub.cache.peek(slug)
            if entry is None:
                continue
            with Session(db.engine) as session:
                rows = session.execute(
                    sa.select(Question.id, sa.func.count(QuestionUpvote.attendee_id))
                    .outerjoin(QuestionUpvote, QuestionUpvote.question_id == Question.id)
                    .where(Question.event_id == entry.event_id)
                    .where(Question.status.in_(ATTENDEE_VISIBLE))
                    .group_by(Question.id)
                ).all()
            counts = dict(rows)
            self._seen_versions[slug] = versions[slug]
            with self.hub.cache.lock:
                listed = entry.snapshot.get("question_list", [])
                changed = {
                    str(row["id"]): counts[row["id"]]
                    for row in listed
                    if row["id"] in counts and counts[row["id"]] != row["upvotes"]
                }
                if not changed:
                    continue
                entry.patch(
                    {
                        "question_list": sort_questions(
                            [
                                {**row, "upvotes": counts.get(row["id"], row["upvotes"])}
                                for row in listed
                            ]
                        )
                    }
                )
            # Outside the cache's lock: the spacing may wait, and nothing else should.
            self._emit_spaced(QUESTION_VOTES, slug, {"counts": changed})
            sent[slug] = changed
        return sent

    # --- reactions ------------------------------------------------------------------------

    def react(self, slug: str, attendee_key: str, kind: str, now: float | None = None) -> bool:
        """Count one reaction; False when the attendee has had their 3 this second (``now``:
        seconds on the monotonic clock, for tests)."""
        second = int(time.monotonic() if now is None else now)
        with self._lock:
            key = (slug, attendee_key)
            at, count = self._per_attendee.get(key, (second, 0))
            if at != second:
                at, count = second, 0
            if count >= REACTIONS_PER_SECOND:
                return False
            self._per_attendee[key] = (at, count + 1)
            self._pending[slug][kind] += 1
            if len(self._per_attendee) > 50_000:
                self._per_attendee = {k: v for k, v in self._per_attendee.items() if v[0] == second}
        return True

    def _take_pending(self) -> dict[str, Counter]:
        with self._lock:
            pending, self._pending = self._pending, defaultdict(Counter)
            second = int(time.monotonic())
            self._per_attendee = {k: v for k, v in self._per_attendee.items() if v[0] == second}
        return {slug: counts for slug, counts in pending.items() if counts}

    def send_reactions(self, now: float | None = None) -> dict[str, dict]:
        """Write this process's reactions and send each event's settled sums; returns them."""

        pending = self._take_pending()
        redis = self.hub.redis
        if redis is None:
            totals = {
                slug: (dict(counts), int(INTERVAL_S * 1000)) for slug, counts in pending.items()
            }
        else:
            totals = self._settled_sums(pending, time.time() if now is None else now)
        for slug, (counts, window_ms) in totals.items():
            self._emit_spaced(REACTIONS, slug, {"counts": counts, "window_ms": window_ms})
        return {slug: counts for slug, (counts, _) in totals.items()}

    def _settled_sums(self, pending: dict[str, Counter], now: float) -> dict:
        redis = self.hub.redis
        second = int(now)
        pipe = redis.pipeline(transaction=False)
        for slug, counts in pending.items():
            key = f"{self.reactions_prefix}{slug}:{second}"
            for kind, count in counts.items():
                pipe.hincrby(key, kind, count)
            pipe.expire(key, 120)
        settled = int(now - SETTLE_S)  # the last second every process has written
        reads = []
        for slug in self.hub.cache.slugs():
            first = self._read_until.get(slug, settled)
            seconds = list(range(first, settled)) or []
            self._read_until[slug] = settled
            for past in seconds[-60:]:
                pipe.hgetall(f"{self.reactions_prefix}{slug}:{past}")
                reads.append((slug, past))
        replies = pipe.execute()
        replies = replies[len(replies) - len(reads) :]
        sums: dict[str, Counter] = defaultdict(Counter)
        windows: Counter = Counter()
        for (slug, _past), fields in zip(reads, replies, strict=True):
            windows[slug] += 1
            for kind, count in fields.items():
                sums[slug][kind.decode()] += int(count)
        return {
            slug: (dict(counts), windows[slug] * 1000)
            for slug, counts in sums.items()
            if any(counts.values())
        }

    def _emit_spaced(self, name: str, slug: str, message: dict) -> None:
        """Emit ``name`` to the event's followers at least :data:`INTERVAL_S` after the last
        one of that name: a tick that ran late (a busy process) is not followed by one that
        runs on time less than a second later, as the protocol's "at most once a second"
        wants. Waits in the ticker's own task; nothing else waits on it."""
        from conference.live import fastpath
        from conference.live.publish import room_for

        key = (name, slug)
        last = self._last_emit.get(key)
        if last is not None:
            wait = INTERVAL_S - (time.monotonic() - last)
            if wait > 0:
                time.sleep(wait)
        # Every follower here, one frame written once (not one writer greenlet each).
        fastpath.broadcast(socketio.server, name, message, room_for(slug))
        self._last_emit[key] = time.monotonic()

    def tick(self) -> None:
        self.send_votes()
        self.send_reactions()

    def run(self, stop: threading.Event | None = None) -> None:
        """Tick every second until ``stop`` (default: the hub's) is set."""
        from conference.ops.logs import RepeatedFailure

        stop = stop or self.hub.stopping
        failure = RepeatedFailure(log, "audience tick")
        while not stop.is_set():
            started = time.monotonic()
            try:
                self.tick()
            except Exception:
                failure.failed()
            else:
                failure.succeeded()
            stop.wait(max(0.0, INTERVAL_S - (time.monotonic() - started)))
