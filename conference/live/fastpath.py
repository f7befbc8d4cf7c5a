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
its next write (the guarded ``WebSocketWSGI``, :class:`_Guard`), so frames never interleave. A slow attendee
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
  ``last_ping`` and ``Server.ping_timeout`` (what ``check_ping_timeout`` compares);
  ``Server.sockets``; the manager's ``get_participants``;
- for one greenlet per connection (:class:`LazyWriter`, :func:`_ping_later`): the writer
  closure ``Socket._websocket_handler.<locals>.writer`` (free variables ``self``, ``ws``) and
  ``Socket._send_ping``, both started through ``Server.start_background_task``;
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

    def close(self):
        # The close frame, too, goes after a frame the fast path left half-written.
        tail = self.tail
        if tail is not None:
            tail.join()
        self.busy = True  # nothing more goes out the fast way
        return super().close()


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
        eio.start_background_task = _lighter_tasks(eio.start_background_task)
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

    def send_message(self, eio_sid: str, text: str) -> None:
        """One Engine.IO message (``text``, a Socket.IO packet) to one connection: written at
        once when nothing is ahead of it, as :meth:`broadcast` does, else queued by
        python-engineio. An acknowledgement of a clap costs no writer greenlet this way."""
        if self.enabled:
            eio_socket = self.server.eio.sockets.get(eio_sid)
            wrapper = getattr(eio_socket, ATTR, None)
            if wrapper is not None and write_now(
                eio_socket, wrapper, websocket_frame("4" + text), time.time()
            ):
                return
        self.server.eio.send(eio_sid, text)


def websocket_frame(text: str) -> bytes:
    """One unmasked, final text frame carrying ``text`` (what gevent-websocket's send writes)."""
    payload = text.encode("utf-8")
    if len(payload) < 126:  # the header is two bytes: FIN + text, then the length
        return bytes((0x81, len(payload))) + payload
    from geventwebsocket.websocket import Header, WebSocket

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


# -- one greenlet per connection ---------------------------------------------------------------
#
# python-engineio starts two more greenlets per WebSocket besides the one that reads it: the
# writer, blocked on the queue for the connection's whole life, and after every pong one that
# sleeps ping_interval to send the next ping. Each holds a saved C stack and a Greenlet object
# for each of the 5,000 attendees. With the fast path the writer has little to do, so it runs
# only while there is something to write (:class:`LazyWriter`), and a ping is a libev timer
# (:func:`_ping_later`). Both are recognised by what engineio hands start_background_task:
# the ``writer`` closure of ``Socket._websocket_handler`` (free variables ``self``, ``ws``) and
# the bound ``Socket._send_ping``; anything else starts as before.

WRITER_QUALNAME = "Socket._websocket_handler.<locals>.writer"


def _lighter_tasks(start_background_task):
    from engineio import socket as eio_socket

    send_ping = eio_socket.Socket._send_ping

    def start(target, *args, **kwargs):
        if not args and not kwargs:
            if getattr(target, "__func__", None) is send_ping:
                return _ping_later(target.__self__)
            if getattr(target, "__qualname__", "") == WRITER_QUALNAME:
                cells = dict(
                    zip(target.__code__.co_freevars, target.__closure__ or (), strict=False)
                )
                if "self" in cells and "ws" in cells:
                    return LazyWriter(cells["self"].cell_contents, cells["ws"].cell_contents)
        return start_background_task(target, *args, **kwargs)

    return start


class _Done:
    """What start_background_task returns for a task that needs no greenlet: join() returns."""

    __slots__ = ()

    def join(self, timeout=None):
        return None


def _ping_later(eio_socket):
    """``Socket._send_ping`` without a sleeping greenlet: a timer, then a short greenlet that
    does what ``_send_ping`` does after its sleep."""
    import gevent

    server = eio_socket.server
    timer = gevent.get_hub().loop.timer(server.ping_interval)

    def fire():
        timer.close()
        gevent.spawn(_send_ping_now, eio_socket)

    timer.start(fire)
    return _Done()


def _send_ping_now(eio_socket):
    from engineio import packet

    if not eio_socket.closing and not eio_socket.closed:
        eio_socket.last_ping = time.time()
        eio_socket.send(packet.Packet(packet.PING))


class LazyWriter:
    """python-engineio's writer loop, run only while the connection's queue has packets.

    The queue is swapped for :class:`_WakingQueue` (same items), whose ``put`` starts a
    greenlet that sends what is queued, in order, through the guarded ``ws.send``, and ends when
    the queue is empty; ``None`` (the end of the connection) closes the WebSocket, as the
    original writer does. ``join`` waits until it has drained.
    """

    __slots__ = ("socket", "ws", "task", "done")

    def __init__(self, eio_socket, ws):
        self.socket, self.ws, self.task, self.done = eio_socket, ws, None, False
        old = eio_socket.queue
        queue = _WakingQueue()
        queue.writer = self
        while True:
            try:
                item = old.get_nowait()
            except Exception:
                break
            old.task_done()
            queue.put_nowait(item)
        eio_socket.queue = queue
        if queue.qsize():
            self.wake()

    def wake(self):
        if self.done:
            # The connection is over: what arrives now is dropped (as it is when engineio's
            # writer has exited), and marked done so that Socket.close(wait=True) returns.
            queue = self.socket.queue
            while queue.qsize():
                queue.get_nowait()
                queue.task_done()
        elif self.task is None:
            import gevent

            self.task = gevent.spawn(self.run)

    def run(self):
        queue = self.socket.queue
        try:
            while True:
                try:
                    pkt = queue.get_nowait()
                except Exception:
                    return
                queue.task_done()
                if pkt is None:
                    self.done = True
                    self.ws.close()
                    return
                try:
                    self.ws.send(pkt.encode())
                except Exception:
                    self.done = True
                    self.ws.close()
                    return
        finally:
            self.task = None

    def join(self, timeout=None):
        task = self.task
        if task is not None:
            task.join(timeout)


def _waking_queue_class():
    from gevent.queue import JoinableQueue

    class WakingQueue(JoinableQueue):
        """An Engine.IO queue that starts its connection's writer when a packet arrives."""

        __slots__ = ("writer",)

        def put(self, item, block=True, timeout=None):
            super().put(item, block, timeout)
            self.writer.wake()

        def put_nowait(self, item):
            super().put(item, False)
            if getattr(self, "writer", None) is not None:
                self.writer.wake()

    return WakingQueue


_WAKING_QUEUE = None


def _WakingQueue():
    global _WAKING_QUEUE
    if _WAKING_QUEUE is None:
        _WAKING_QUEUE = _waking_queue_class()
    return _WAKING_QUEUE()


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
