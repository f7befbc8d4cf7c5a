"""The first ``snapshot`` leaves after the Socket.IO CONNECT acknowledgement (PROTOCOL 1.1).

python-socketio runs the ``connect`` handler *before* it sends the CONNECT packet, so anything
the handler emits reaches the client first: the JavaScript client then fires ``snapshot``
before ``connect``, the Swift client drops it, and python-socketio's client cannot emit from
its ``snapshot`` handler (the namespace is not connected yet). There is no "after connect"
hook, but python-socketio tells its client manager ``connect(sid, namespace)`` right after it
has queued the CONNECT packet, in the same call, and only for an accepted connection. The
client managers below run a callback registered by the ``connect`` handler at exactly that
moment: synchronously, before any other packet of that client is handled, on every async mode,
with or without the message queue (each process sends the snapshot to its own clients only),
and in Flask-SocketIO's test client as on the wire.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import socketio

log = logging.getLogger(__name__)


class AfterAcknowledgement:
    """Mixin for a python-socketio client manager: ``after_connect(sid, namespace, callback)``."""

    @property
    def _waiting(self) -> dict[tuple[str, str], Callable[[], None]]:
        return self.__dict__.setdefault("_after_connect", {})

    def after_connect(self, sid: str, namespace: str, callback: Callable[[], None]) -> None:
        """Run ``callback`` once the client ``sid`` has been sent its CONNECT packet."""
        self._waiting[(sid, namespace)] = callback

    def connect(self, sid, namespace):
        sid = super().connect(sid, namespace)
        callback = self._waiting.pop((sid, namespace), None)
        if callback is not None:
            try:
                callback()
            except Exception:
                # The connection stands; the client asks with ``resync`` when it sees no snapshot.
                log.exception("live: the first snapshot for %s could not be sent", sid)
        return sid

    def disconnect(self, sid, namespace, **kwargs):
        self._waiting.pop((sid, namespace), None)
        return super().disconnect(sid, namespace, **kwargs)


def _queue_class(url: str) -> type:
    """The message queue class Flask-SocketIO would pick for ``url``."""
    if url.startswith(("redis://", "rediss://")):
        return socketio.RedisManager
    if url.startswith("kafka://"):
        return socketio.KafkaManager
    if url.startswith("zmq"):
        return socketio.ZmqManager
    return socketio.KombuManager


class LocalManager(AfterAcknowledgement, socketio.Manager):
    """One process, no message queue."""


def client_manager(queue_url: str | None, channel: str):
    """The client manager for ``socketio.init_app``: the queue's class when there is a queue."""
    if not queue_url:
        return LocalManager()
    base = _queue_class(queue_url)
    managed = type(f"Acknowledged{base.__name__}", (AfterAcknowledgement, base), {})
    return managed(queue_url, channel=channel, write_only=False)
