"""The broadcast fast path: one WebSocket frame, encoded once, written to every idle attendee.

python-engineio gives every WebSocket connection a writer greenlet that waits on the
connection's queue; a broadcast through python-socketio puts one packet in each of the N
queues, and gevent's hub then wakes N writers, each encoding the packet and framing it again.
At 5,000 attendees that was about 90 % of the server's time per update (docs/benchmarks.md).
:func:`broadcast` does the same delivery from one loop instead: it encodes the Socket.IO
packet, the Engine.IO packet and the WebSocket frame once, and for each member of the room

- when the connection is a gevent-websocket WebSocket that is upgraded, open, its Engine.IO
  queue is empty and its writer is not in the middle of a write, writes the frame with one
  non-blocking ``send`` on the connection's socket (the *fast path*);
- otherwise (polling transport, an upgrade under way, packets queued, a write in progress, a
  socket whose buffer is full, the switch off) hands the packet to python-engineio as
  python-socketio's own emit does (``Server._send_eio_packet``, the *normal path*).

Order per attendee: a frame goes out directly only when nothing is ahead of it (queue empty,
no write in progress); everything else queues behind what is already queued, and gevent does
not switch greenlets between the check and the write. A frame the kernel took only in part is
finished by a short-lived greenlet, and the connection's writer waits for that greenlet before
its next write (:class:`GuardedWebSocketWSGI`), so frames never interleave. A slow attendee
costs the loop one ``send`` that returns ``EAGAIN``; its packet then waits in its own queue.

How it hooks in (:func:`install`), and what it relies on (checked by
``python -m conference.live.fastpath_check`` after every upgrade of python-engineio,
python-socketio, gevent or gevent-websocket; see docs/architecture.md, "Broadcast fast path"):

- the gevent driver's contract ``WebSocketWSGI(handler, server)`` / ``__call__(environ,
  start_response)`` / ``send`` / ``wait`` / ``close``, with ``handler`` the Engine.IO socket's
  bound ``_websocket_handler``; we replace the class in this server's ``_async`` table (a copy,
  so other servers in the process are untouched) with a subclass that records itself on the
  socket and guards ``send``;
- ``Socket.queue`` (``qsize``), ``upgraded``, ``upgrading``, ``closing``, ``closed``,
  ``check_ping_timeout()``; ``Server.sockets``; the manager's ``get_participants``;
- gevent-websocket's ``environ["wsgi.websocket"]`` with ``closed``, ``stream.handler.socket``
  (a gevent socket whose ``_sock`` is the non-blocking OS socket) and ``Header.encode_header``;
  and no WebSocket extension (gevent-websocket negotiates none), so one frame fits everyone.
"""

from __future__ import annotations

import logging
import time

from engineio import packet as engineio_packet
from socketio import packet as socketio_packet

from conference.ops import metrics

log = logging.getLogger(__name__)

ATTR = "conference_ws"  # the attribute the guarded wrapper sets on its Engine.IO socket


class _Guard:
    """Mixin for the driver's WebSocketWSGI: records itself on the Engine.IO socket and makes
    the writer greenlet's ``send`` wait for a frame the fast path left half-written."""

    busy = False  # a send of the writer greenlet is under way (it may be blocked in sendall)
    tail = None  # greenlet finishing a frame the fast path wrote in part

    def __call__(self, environ, start_response):
        eio_socket = getattr(self.app, "__self__", None)
        websocket = environ.get("wsgi.websocket")
        os_socket = _os_socket(websocket) if eio_socket is not None else None
        if os_socket is not None:
            self.raw = websocket
            self.os_send = os_socket.send  # non-blocking: returns what the kernel took
            setattr(eio_socket, ATTR, self)
        try:
            return super().__call__(environ, start_response)
        finally:
            if eio_socket is not None:
                eio_socket.__dict__.pop(ATTR, None)

    def send(self, message):
        tail = self.tail
        if tail is not None:
            tail.join()
        self.busy = True
        try:
            return super().send(message)
        finally:
            self.busy = False


def _os_socket(websocket):
    """The connection's non-blocking OS socket when it can take a raw frame (a gevent-websocket
    WebSocket on a plain TCP socket, no TLS layer in this process), else None."""
    try:
        gsock = websocket.stream.handler.socket
        os_socket = gsock._sock
    except AttributeError:
        return None
    if hasattr(gsock, "_sslobj") or os_socket.gettimeout() != 0.0:
        return None
    return os_socket


class FastPath:
    """The state of the fast path for one python-socketio server."""

    def __init__(self, server, enabled: bool) -> None:
        self.server = server
        self.enabled = False
        self.reason = "switched off ([socketio] fast_path = false)"
        if enabled:
            self.reason = self._hook()
            self.enabled = self.reason is None
        if not self.enabled:
            log.info("broadcast fast path off: %s", self.reason)

    def _hook(self) -> str | None:
        eio = getattr(self.server, "eio", None)
        if eio is None or getattr(eio, "async_mode", None) != "gevent":
            return "not the gevent async mode"
        table = getattr(eio, "_async", None)
        if not isinstance(table, dict) or "websocket" not in table:
            return "python-engineio has no driver table (_async['websocket'])"
        try:
            import geventwebsocket  # noqa: F401
            from engineio.async_drivers import gevent as driver
        except ImportError:
            return "gevent-websocket is not installed"
        if getattr(driver, "SimpleWebSocketWSGI", None) is not None:
            return "the gevent driver uses simple-websocket, not gevent-websocket"
        base = table["websocket"]
        if base is not driver.WebSocketWSGI:
            if issubclass(base, _Guard):
                return None  # installed already (a second init_app)
            return f"an unexpected WebSocket driver {base!r}"
        guarded = type("GuardedWebSocketWSGI", (_Guard, base), {"__doc__": _Guard.__doc__})
        eio._async = {**table, "websocket": guarded}
        return None

    def broadcast(self, event: str, data, room: str, namespace: str = "/") -> None:
        """Send the Socket.IO event ``event`` with ``data`` to everyone in ``room`` here."""
        server = self.server
        encoded = server.packet_class(
            socketio_packet.EVENT, namespace=namespace, data=[event, data]
        ).encode()
        eio_pkt = engineio_packet.Packet(engineio_packet.MESSAGE, encoded)
        participants = server.manager.get_participants(namespace, room)
        if not self.enabled:
            sent = 0
            for _sid, eio_sid in participants:
                server._send_eio_packet(eio_sid, eio_pkt)
                sent += 1
            metrics.FANOUT.labels(path="normal").inc(sent)
            return
        frame = websocket_frame(eio_pkt.encode())
        sockets = server.eio.sockets
        fast = slow = 0
        now = time.time()
        for _sid, eio_sid in participants:
            eio_socket = sockets.get(eio_sid)
            wrapper = getattr(eio_socket, ATTR, None)
            if wrapper is not None and write_now(eio_socket, wrapper, frame, now):
                fast += 1
            else:
                slow += 1
                server._send_eio_packet(eio_sid, eio_pkt)
        metrics.FANOUT.labels(path="fast").inc(fast)
        metrics.FANOUT.labels(path="normal").inc(slow)


def websocket_frame(text: str) -> bytes:
    """One unmasked, final text frame carrying ``text`` (what gevent-websocket's send writes)."""
    from geventwebsocket.websocket import Header, WebSocket

    payload = text.encode("utf-8")
    return Header.encode_header(True, WebSocket.OPCODE_TEXT, b"", len(payload), 0) + payload


def write_now(eio_socket, wrapper, frame: bytes, now: float) -> bool:
    """Write ``frame`` to the connection at once if nothing is ahead of it and the kernel takes
    it without waiting; False: nothing was written, use the normal path. ``now``: time.time()."""
    if (
        wrapper.busy
        or wrapper.tail is not None
        or not eio_socket.upgraded
        or eio_socket.upgrading
        or eio_socket.closing
        or eio_socket.closed
        or eio_socket.queue.qsize()
        or wrapper.raw.closed
    ):
        return False
    last_ping = eio_socket.last_ping
    if last_ping and now - last_ping > eio_socket.server.ping_timeout:
        return False  # the normal path's send closes the socket (Socket.check_ping_timeout)
    try:
        sent = wrapper.os_send(frame)
    except OSError:  # EAGAIN (its buffer is full), or closed under us
        return False
    if sent < len(frame):
        import gevent

        wrapper.tail = gevent.spawn(_finish, wrapper, memoryview(frame)[sent:])
    return True


def _finish(wrapper, rest) -> None:
    """Write the rest of a frame the kernel took in part; the writer greenlet waits for this."""
    try:
        wrapper.raw.stream.handler.socket.sendall(rest)
    except (OSError, AttributeError):
        pass  # the connection is gone; its reader notices and closes the Engine.IO socket
    finally:
        wrapper.tail = None


def install(server, enabled: bool) -> FastPath:
    """Hook the fast path into ``server`` (python-socketio) when ``enabled`` and possible."""
    server.conference_fast_path = FastPath(server, enabled)
    return server.conference_fast_path


def of(server) -> FastPath:
    """The fast path of ``server`` (installed by :func:`install`; off when it was not)."""
    path = getattr(server, "conference_fast_path", None)
    return path if path is not None else install(server, enabled=False)


def broadcast(server, event: str, data, room: str, namespace: str = "/") -> None:
    """``event`` with ``data`` to every member of ``room`` connected to this process."""
    of(server).broadcast(event, data, room, namespace)
