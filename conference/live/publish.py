"""The one place that emits live state: room names, message names, order, and fan-out.

Every update reaches attendees through :func:`relay`: it applies the update to this process's
cached snapshot and emits it to the event's room, under the cache lock, strictly in ``seq``
order. A gap (an update that overtook an earlier one from another process) is filled from the
database first, where the earlier update is already committed.

One process (no message queue): the command service calls :func:`publish_updates` after its
commit, which relays directly. Several processes (``socketio.message_queue`` is a Redis URL):
``publish_updates`` relays locally and posts the updates on the Redis channel
``conference:live:<database digest>``; every process runs :func:`listen`, which relays what
arrives. And every server process runs :func:`follow_log`, which once a second asks the
database for the ``last_seq`` of the events it keeps and relays what it has not: so a change
committed by a process that could post nowhere (``conference import --replace`` from a shell
while a server runs without Redis, or a post lost with Redis down) reaches followers too. So each process emits only to its own clients (``ignore_queue``) and keeps its own
cache current from the same stream that feeds its clients: a client never receives an update
that its process's cache has not applied, and a snapshot is never behind the room it joins.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import threading
import time
from datetime import datetime

import sqlalchemy as sa
from engineio import packet as engineio_packet
from flask import current_app
from socketio import packet as socketio_packet
from sqlalchemy.orm import Session

from conference.db import db
from conference.events.models import Event
from conference.extensions import socketio
from conference.live import fastpath
from conference.live.snapshot import LiveCache
from conference.ops import metrics

log = logging.getLogger(__name__)

SNAPSHOT = "snapshot"
UPDATE = "update"
PRESENCE = "presence"
NAMESPACE = "/"


def room_for(slug: str) -> str:
    """The Socket.IO room of everyone following the event ``slug``."""
    return f"event:{slug}"


class LiveHub:
    """Per application: the snapshot cache, presence, the Redis channel, the publish order."""

    def __init__(self, app) -> None:
        from conference.live.presence import Presence

        settings = app.config["SETTINGS"]["socketio"]
        self.queue_url: str | None = settings["message_queue"] or None
        # Pub/sub channels are shared by all Redis databases: name ours after the database the
        # processes share, so two deployments (or two test runs) on one Redis never mix.
        digest = hashlib.sha256(app.config["DATABASE_URL"].encode()).hexdigest()[:16]
        self.channel = f"conference:live:{digest}"
        self.cache = LiveCache()
        self.presence = Presence(self, digest, float(settings["presence_interval"]))
        self.redis = None
        if self.queue_url:
            import redis

            self.redis = redis.Redis.from_url(self.queue_url, health_check_interval=30)
        self._order_locks: dict[str, threading.Lock] = {}
        # Set to stop the background tasks (listen, follow_log).
        self.stopping = threading.Event()
        self._order_guard = threading.Lock()

    @contextlib.contextmanager
    def event_order(self, slug: str):
        """Hold the event's command order in this process: commit and publish come in turn."""
        with self._order_guard:
            lock = self._order_locks.setdefault(slug, threading.Lock())
        with lock:
            yield


def live_hub(app=None) -> LiveHub:
    return (app or current_app).extensions["live"]


def publish_updates(
    slug: str, messages: list[dict], hub: LiveHub | None = None, committed: float | None = None
) -> None:
    """After a commit: deliver ``messages`` (in ``seq`` order) to every follower of ``slug``.

    ``committed`` (``time.time()`` right after the commit) travels with them to the other
    processes, so each measures its own commit-to-emit delay (``conference_update_delivery_seconds``).
    """
    hub = hub or live_hub()
    relay(hub, slug, messages, committed)
    _post(hub, {"kind": "updates", "slug": slug, "updates": messages, "committed": committed})


def refresh_event(slug: str, hub: LiveHub | None = None, replaced: bool = False) -> None:
    """After a change outside the live log (an admin edit): every process reloads the event's
    snapshot from the database and sends it to the event's room again. ``replaced``: the slug
    now names a new event whose log starts again (a rehearsal reset), so the snapshot is
    taken even though its ``seq`` is lower than the one followers have."""
    hub = hub or live_hub()
    _refresh(hub, slug, replaced)
    _post(hub, {"kind": "refresh", "slug": slug, "replaced": replaced})


def _post(hub: LiveHub, payload: dict) -> None:
    if hub.redis is None:
        return
    import redis

    try:
        hub.redis.publish(hub.channel, json.dumps(payload, ensure_ascii=False))
    except redis.RedisError:
        # Committed already; other processes catch up at their next update (gap fill) or
        # when their subscription comes back.
        log.exception("could not post the live %s of %s to Redis", payload["kind"], payload["slug"])


def relay(hub: LiveHub, slug: str, messages: list[dict], committed: float | None = None) -> None:
    """Apply and emit updates this process has not relayed yet, in ``seq`` order."""
    with hub.cache.lock:
        entry = hub.cache.peek(slug)
        if entry is None:
            return  # nobody here follows the event: a connect will load it fresh
        for message in messages:
            if message["seq"] <= entry.seq:
                continue
            if message["seq"] > entry.seq + 1:
                _deliver(hub, entry, hub.cache.missed_updates(entry))
                if message["seq"] <= entry.seq:
                    continue
            _deliver(hub, entry, [message], committed)


def _deliver(hub: LiveHub, entry, messages: list[dict], committed: float | None = None) -> None:
    """Apply and emit ``messages``; each emit is timed from ``committed`` (when known, else
    from the update's ``at``, the change's time a moment before its commit)."""
    for message in messages:
        if message["seq"] <= entry.seq:
            continue
        try:
            if message["seq"] != entry.seq + 1:
                raise ValueError(f"seq {message['seq']} after {entry.seq}")
            entry.apply(message)
        except (KeyError, ValueError):
            log.warning("rebuilding the snapshot of %s: cannot apply update", entry.slug)
            _refresh(hub, entry.slug)
            return
        fastpath.broadcast(socketio.server, UPDATE, message, room_for(entry.slug))
        metrics.DELIVERY.observe(max(0.0, time.time() - (committed or _timestamp(message))))


def _timestamp(message: dict) -> float:
    try:
        return datetime.fromisoformat(message["at"]).timestamp()
    except (KeyError, TypeError, ValueError):
        return time.time()


def _refresh(hub: LiveHub, slug: str, replaced: bool = False) -> None:
    with hub.cache.lock:
        if hub.cache.peek(slug) is None:
            return
        entry = hub.cache.reload(slug, replaced)
        if entry is not None:
            fastpath.broadcast(socketio.server, SNAPSHOT, entry.snapshot, room_for(slug))


FOLLOW_LOG_INTERVAL_S = 1.0


def follow_log(app, stop: threading.Event | None = None) -> None:
    """Relay, every :data:`FOLLOW_LOG_INTERVAL_S`, what other processes committed and this one
    was not told of (:func:`catch_up_behind`), until ``stop`` (default: the hub's) is set."""
    hub = live_hub(app)
    stop = stop or hub.stopping
    while not stop.wait(FOLLOW_LOG_INTERVAL_S):
        try:
            catch_up_behind(hub)
        except Exception:
            # A database that is away for a moment: try again at the next tick.
            log.warning("live: could not read the events' seq", exc_info=True)


def catch_up_behind(hub: LiveHub) -> int:
    """One query for the ``last_seq`` of every cached event; relay the updates of those this
    process is behind on (read from the log), and reload those whose id is gone (deleted, or
    a rehearsal reset elsewhere). Returns how many events were behind or gone."""
    entries = {}
    for slug in hub.cache.slugs():
        entry = hub.cache.peek(slug)
        if entry is not None:
            entries[entry.event_id] = entry
    if not entries:
        return 0
    with Session(db.engine) as session:
        rows = session.execute(
            sa.select(Event.id, Event.last_seq).where(Event.id.in_(list(entries)))
        ).all()
    behind = [entries[event_id] for event_id, seq in rows if seq > entries[event_id].seq]
    for entry in behind:
        with hub.cache.lock:
            _deliver(hub, entry, hub.cache.missed_updates(entry))
    # An event no longer in the database under its id: deleted, or replaced by a new event
    # under the same slug (a rehearsal reset from a shell, conference.events.rehearsal).
    present = {event_id for event_id, _seq in rows}
    gone = [entry for event_id, entry in entries.items() if event_id not in present]
    for entry in gone:
        _refresh(hub, entry.slug, replaced=True)
    return len(behind) + len(gone)


def catch_up(hub: LiveHub) -> None:
    """Relay whatever was committed while this process was not listening (every cached event)."""
    for slug in hub.cache.slugs():
        with hub.cache.lock:
            entry = hub.cache.peek(slug)
            if entry is not None:
                _deliver(hub, entry, hub.cache.missed_updates(entry))


def follow(hub: LiveHub, sid: str, slug: str) -> bool:
    """Put the client ``sid`` in the event's room and send it the snapshot; False: no event, or
    the client is gone. Called once the client's connection is acknowledged (PROTOCOL 1.1).

    Join and snapshot happen under the cache lock, so the client's first update is exactly the
    one after its snapshot (or a duplicate it ignores), never a later one.
    """
    entry = hub.cache.get(slug)
    if entry is None:
        return False
    with hub.cache.lock:
        entry = hub.cache.peek(slug) or entry
        server = socketio.server
        if not server.manager.is_connected(sid, NAMESPACE):
            return False
        server.enter_room(sid, room_for(slug), namespace=NAMESPACE)
        # The snapshot packet is encoded once per change of the snapshot, not once per
        # connect: python-socketio would walk the whole snapshot looking for binary data and
        # JSON-encode it again for each of the thousands who reconnect after a restart
        # (~15 % of the server's time in a 5,000-attendee storm, bench/fanout/profile.py).
        # It goes out the way python-socketio's own emit sends a packet to one client.
        encoded = entry.encoded("snapshot_packet", _snapshot_packet)
        eio_sid = server.manager.eio_sid_from_sid(sid, NAMESPACE)
        server._send_eio_packet(eio_sid, engineio_packet.Packet(engineio_packet.MESSAGE, encoded))
    return True


def _snapshot_packet(snapshot: dict) -> str:
    """The Socket.IO EVENT packet ``["snapshot", SNAPSHOT]`` on ``/``, as it goes on the wire."""
    return socketio_packet.Packet(
        socketio_packet.EVENT, data=[SNAPSHOT, snapshot], namespace=NAMESPACE, binary=False
    ).encode()


def resync_answer(hub: LiveHub, slug: str, since) -> dict:
    """The ``resync`` acknowledgement: the updates after ``since``, or a snapshot."""
    entry = hub.cache.get(slug)
    if entry is None:
        return {"snapshot": None}
    with hub.cache.lock:
        entry = hub.cache.peek(slug) or entry
        valid = isinstance(since, int) and not isinstance(since, bool) and since >= 0
        updates = entry.updates_after(since) if valid else None
        if updates is None:
            return {"snapshot": entry.snapshot}
        return {"updates": updates}


def emit_presence(slug: str, online: int) -> None:
    """``presence`` ``{online}`` to this process's followers of the event."""
    fastpath.broadcast(socketio.server, PRESENCE, {"online": online}, room_for(slug))


def listen(app, stop: threading.Event | None = None) -> None:
    """Relay the updates other processes post on the Redis channel, until ``stop`` is set.

    On every (re)subscription it first catches up from the database, so a Redis outage costs
    latency, never an update.
    """
    hub = live_hub(app)
    stop = stop or hub.stopping
    import redis

    while not stop.is_set():
        pubsub = hub.redis.pubsub()
        try:
            pubsub.subscribe(hub.channel)
            while not stop.is_set():
                message = pubsub.get_message(timeout=1.0)
                if message is None:
                    continue
                if message["type"] == "subscribe":
                    catch_up(hub)
                elif message["type"] == "message":
                    _handle_posted(hub, json.loads(message["data"]))
        except (redis.RedisError, OSError):
            log.warning("live channel lost; subscribing again in 1 s", exc_info=True)
            time.sleep(1.0)
        except Exception:
            log.exception("live channel: unexpected error; subscribing again in 1 s")
            time.sleep(1.0)
        finally:
            with contextlib.suppress(Exception):
                pubsub.close()


def _handle_posted(hub: LiveHub, payload: dict) -> None:
    if payload.get("kind") == "updates":
        relay(hub, payload["slug"], payload["updates"], payload.get("committed"))
    elif payload.get("kind") == "refresh":
        _refresh(hub, payload["slug"], bool(payload.get("replaced")))
