"""The snapshot: the event's whole live state, built from the database and kept in memory.

:func:`build_snapshot` reads it from the database (the truth). Each server process keeps one
:class:`CachedEvent` per followed event in its :class:`LiveCache` and keeps it current by
applying every update it relays (:func:`apply_update`), so a connect or a ``GET …/state``
costs no query once the cache is warm. The cache also keeps the latest updates, so a
``resync`` is answered from memory.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from conference.db import db
from conference.events.models import Event
from conference.live.log import latest_updates, updates_after, updates_of_type
from conference.live.schemas import event_state, item_state, vote_state

# How many recent updates each cached event keeps for resync, and the most a resync answers
# with updates (beyond that a snapshot is smaller and simpler for the client).
RECENT_UPDATES = 200
RESYNC_MAX_UPDATES = 100
# How long "there is no such event" is remembered, so probing slugs costs few queries.
MISSING_TTL_S = 5.0
SLUG_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,80}$")


@contextlib.contextmanager
def reading_session():
    """A short session whose reads all see one consistent state of the database.

    PostgreSQL: REPEATABLE READ (a read-only transaction there never fails). SQLite: an explicit
    ``BEGIN`` (see ``conference.db.make_engine``) makes the reads one WAL read transaction.
    """
    with Session(db.engine, expire_on_commit=False) as session:
        if db.engine.dialect.name == "sqlite":
            session.connection(execution_options={"sqlite_begin": "DEFERRED"})
        else:
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        try:
            yield session
        finally:
            session.rollback()


def build_snapshot(session: Session, event: Event) -> dict:
    """The protocol's ``snapshot`` of ``event`` as the database holds it.

    ``awards`` come from the ``award.revealed`` updates of the log, never from the secret
    winners table; ``votes`` from the contests' vote status; ``greeting`` from the event.
    """
    return {
        "seq": event.last_seq,
        "event": event_state(event),
        "current_item_id": event.current_item_id,
        "items": [item_state(item) for item in event.items],
        "announcement": event.announcement,
        "greeting": event.greeting_playing,
        "votes": [vote_state(contest) for contest in event.contests],
        "awards": [row.data for row in updates_of_type(session, event.id, "award.revealed")],
        "online": 0,  # presence fills it in; it is not part of the log
        **{key: value for part in SNAPSHOT_PARTS for key, value in part(session, event).items()},
    }


# Functions (session, event) -> dict of further snapshot keys, registered by other domains
# (conference.audience adds the questions and polls) with @snapshot_part.
SNAPSHOT_PARTS: list[Callable[[Session, Event], dict]] = []


def snapshot_part(function):
    """Register a function whose keys are added to every snapshot built from the database."""
    SNAPSHOT_PARTS.append(function)
    return function


# Update type -> function(snapshot, data) returning the changed keys. Domains with new update
# types register theirs with @applies("type"); an unknown type makes the cache rebuild.
APPLIERS: dict[str, Callable[[dict, dict], dict]] = {}


def applies(*update_types: str):
    """Register how updates of ``update_types`` change the snapshot."""

    def register(function):
        for update_type in update_types:
            APPLIERS[update_type] = function
        return function

    return register


def replace_by_key(rows: list[dict], changed: list[dict], key: str) -> list[dict]:
    by_key = {row[key]: row for row in changed}
    replaced = [by_key.pop(row[key], row) for row in rows]
    return replaced + list(by_key.values())


@applies("event.started", "event.ended")
def _event(snapshot, data):
    return {"event": data}


@applies("item.started")
def _item_started(snapshot, data):
    return {
        "items": replace_by_key(snapshot["items"], [data], "id"),
        "current_item_id": data["id"],
    }


@applies("item.ended", "item.reset")
def _item_ended(snapshot, data):
    current = snapshot["current_item_id"]
    return {
        "items": replace_by_key(snapshot["items"], [data], "id"),
        "current_item_id": None if current == data["id"] else current,
    }


@applies("schedule.shifted")
def _schedule_shifted(snapshot, data):
    return {"items": replace_by_key(snapshot["items"], data["items"], "id")}


@applies("announcement.shown")
def _announcement_shown(snapshot, data):
    return {"announcement": data}


@applies("announcement.cleared")
def _announcement_cleared(snapshot, data):
    return {"announcement": None}


@applies("greeting.started")
def _greeting_started(snapshot, data):
    return {"greeting": data}


@applies("greeting.stopped")
def _greeting_stopped(snapshot, data):
    return {"greeting": None}


@applies("vote.opened", "vote.closed")
def _vote(snapshot, data):
    return {"votes": replace_by_key(snapshot["votes"], [data], "contest_id")}


@applies("award.revealed")
def _award_revealed(snapshot, data):
    return {"awards": replace_by_key(snapshot["awards"], [data], "id")}


def apply_update(snapshot: dict, message: dict) -> dict:
    """A new snapshot with the update ``message`` applied (the old one is left untouched).

    Raises ``KeyError`` for an update type nobody registered.
    """
    changes = APPLIERS[message["type"]](snapshot, message["data"])
    return {**snapshot, **changes, "seq": message["seq"]}


class CachedEvent:
    """One event's snapshot in memory, its recent updates, and its encoded state body."""

    def __init__(self, event_id: int, slug: str, snapshot: dict, recent: list[dict]):
        self.event_id = event_id
        self.slug = slug
        self.snapshot = snapshot
        self.recent: deque[dict] = deque(recent, maxlen=RECENT_UPDATES)
        # Encodings of the current snapshot (the state body, the Socket.IO packet), made once
        # per change and shared by every request and connect until the next change.
        self._encoded: dict[str, Any] = {}

    @property
    def seq(self) -> int:
        return self.snapshot["seq"]

    def apply(self, message: dict) -> None:
        self.snapshot = apply_update(self.snapshot, message)
        self.recent.append(message)
        self._encoded.clear()

    def reset(self, fresh: CachedEvent) -> None:
        """Take over a freshly loaded state (keeping the presence count, which is not in the DB)."""
        self.snapshot = {**fresh.snapshot, "online": self.snapshot["online"]}
        self.recent = fresh.recent
        self.event_id = fresh.event_id
        self._encoded.clear()

    def patch(self, changes: dict) -> None:
        """Change keys that are outside the ``seq`` order (e.g. upvote counts); lock held."""
        self.snapshot = {**self.snapshot, **changes}
        self._encoded.clear()

    def set_online(self, online: int) -> None:
        if online != self.snapshot["online"]:
            self.snapshot = {**self.snapshot, "online": online}
            self._encoded.clear()

    def updates_after(self, since: int) -> list[dict] | None:
        """The updates after ``since`` from memory, or None when a snapshot is the answer."""
        missing = self.seq - since
        if missing == 0:
            return []
        if missing < 0 or missing > RESYNC_MAX_UPDATES:
            return None
        if not self.recent or self.recent[0]["seq"] > since + 1:
            return None
        return [message for message in self.recent if message["seq"] > since]

    def encoded(self, name: str, encode: Callable[[dict], Any]) -> Any:
        """``encode(snapshot)``, computed once per change of the snapshot and kept under ``name``."""
        value = self._encoded.get(name)
        if value is None:
            value = self._encoded[name] = encode(self.snapshot)
        return value

    def state_body(self) -> tuple[bytes, str]:
        """The snapshot as UTF-8 JSON and its (unquoted) ETag, encoded once per change."""
        return self.encoded("state_body", _state_body)


def _state_body(snapshot: dict) -> tuple[bytes, str]:
    body = json.dumps(snapshot, ensure_ascii=False, separators=(",", ":")).encode()
    return body, hashlib.sha256(body).hexdigest()[:32]


def load_cached_event(session: Session, event: Event) -> CachedEvent:
    """The event's snapshot and its latest updates, read in ``session``."""
    recent = [row.as_message() for row in latest_updates(session, event.id, RECENT_UPDATES)]
    return CachedEvent(event.id, event.slug, build_snapshot(session, event), recent)


class LiveCache:
    """The snapshots of this process, by slug. ``lock`` orders cache changes with emits."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self._events: dict[str, CachedEvent] = {}
        self._missing: dict[str, float] = {}

    def peek(self, slug: str) -> CachedEvent | None:
        return self._events.get(slug)

    def slugs(self) -> list[str]:
        return list(self._events)

    def get(self, slug: str) -> CachedEvent | None:
        """The cached event, loaded from the database on first use; None if there is none."""
        entry = self._events.get(slug)
        if entry is not None:
            return entry
        if not isinstance(slug, str) or not SLUG_PATTERN.match(slug):
            return None
        if self._missing.get(slug, 0.0) > time.monotonic():
            return None
        # Probe outside the lock: unknown slugs must not hold up everybody else.
        with Session(db.engine) as session:
            exists = session.scalar(sa.select(Event.id).where(Event.slug == slug))
        if exists is None:
            if len(self._missing) > 10_000:
                self._missing.clear()
            self._missing[slug] = time.monotonic() + MISSING_TTL_S
            return None
        with self.lock:
            if slug not in self._events:
                self._load(slug)
            return self._events.get(slug)

    def warm(self) -> int:
        """Load every event that is not over (server start); returns how many."""
        # Read under the lock, like every load: an update relayed meanwhile is either already
        # in what is read (it is committed before it is relayed) or relayed after the store.
        with self.lock, reading_session() as session:
            events = session.scalars(sa.select(Event).where(Event.status != "ended")).all()
            for event in events:
                self._store(load_cached_event(session, event))
        return len(events)

    def _load(self, slug: str, replaced: bool = False) -> CachedEvent | None:
        with reading_session() as session:
            event = session.scalar(sa.select(Event).where(Event.slug == slug))
            if event is None:
                self._events.pop(slug, None)
                return None
            return self._store(load_cached_event(session, event), replaced)

    def _store(self, fresh: CachedEvent, replaced: bool = False) -> CachedEvent:
        # Update in place: callers holding the entry keep a current one.
        entry = self._events.get(fresh.slug)
        if entry is None:
            self._events[fresh.slug] = entry = fresh
        elif fresh.seq >= entry.seq or replaced or fresh.event_id != entry.event_id:
            # Another event under the same slug (a rehearsal reset, conference.events.rehearsal)
            # starts its log again from 0: it replaces the old one whatever the seq (SQLite may
            # even give it the old one's id).
            entry.reset(fresh)
        self._missing.pop(fresh.slug, None)
        return entry

    def reload(self, slug: str, replaced: bool = False) -> CachedEvent | None:
        """Rebuild one event's snapshot from the database (call with ``lock`` held); with
        ``replaced``, also when its ``seq`` is lower than the cached one's."""
        return self._load(slug, replaced)

    def missed_updates(self, entry: CachedEvent) -> list[dict]:
        """The committed updates this process has not applied yet, read from the log."""
        with Session(db.engine) as session:
            return [row.as_message() for row in updates_after(session, entry.event_id, entry.seq)]

    def forget(self, slug: str) -> None:
        self._events.pop(slug, None)
