"""Does the broadcast fast path still fit the installed libraries? One command after an upgrade:

    .venv/bin/python -m conference.live.fastpath_check

It checks, first, that every interface :mod:`conference.live.fastpath` relies on is there
(names and signatures in python-engineio, python-socketio, gevent-websocket and gevent), then
runs it: a bare Flask-SocketIO server on gevent with the fast path installed, on a free
127.0.0.1 port, WebSocket and polling clients in one room, bursts of broadcasts mixed with
packets sent through the normal path to single clients, and compares what each client read with
what it was sent (every packet once, in order, every WebSocket frame well formed). Exit 0 and
"fast path: OK" when it all holds; otherwise each failure on its own line and exit 1, and the
app must run with ``[socketio] fast_path = false`` until fastpath.py is adapted.
"""

from __future__ import annotations

if __name__ == "__main__":  # before anything imports socket or threading
    from gevent import monkey

    monkey.patch_all()

import base64
import inspect
import json
import os
import socket
import struct
import sys
import time

CLIENTS_WS = 20
CLIENTS_POLLING = 3
BURSTS = 5
PER_BURST = 20
DEADLINE_S = 30.0
PING_INTERVAL_S = 0.3
PINGS = []  # one entry per ping a WebSocket client answered


def check_interfaces() -> list[str]:
    """Names and signatures the fast path uses; one line per one missing or changed."""
    problems = []
    try:
        import engineio
        import geventwebsocket.websocket as gws
        import socketio
        from engineio import packet as eio_packet
        from engineio import socket as eio_socket
        from engineio.async_drivers import gevent as driver
        from socketio import base_manager
    except ImportError as exc:
        return [f"import: {exc}"]

    def need(condition: bool, what: str) -> None:
        if not condition:
            problems.append(what)

    sock = eio_socket.Socket
    for name in ("check_ping_timeout", "send", "_websocket_handler", "_upgrade_websocket"):
        need(callable(getattr(sock, name, None)), f"engineio.socket.Socket.{name} is gone")
    source = inspect.getsource(sock._upgrade_websocket)
    need(
        "self.server._async['websocket'](" in source and "self._websocket_handler" in source,
        "Socket._upgrade_websocket no longer builds _async['websocket'](self._websocket_handler, server)",
    )
    handler = inspect.getsource(sock._websocket_handler)
    need("ws.send(" in handler, "the writer no longer writes with ws.send(...)")
    need("self.poll()" in handler, "the writer no longer takes packets with self.poll()")
    # One greenlet per connection (fastpath.LazyWriter, fastpath._ping_later) stands in for
    # these two tasks and repeats what they do; a change in either must be looked at.
    need(
        "def writer():" in handler and "start_background_task(writer)" in handler,
        "the writer is no longer the closure `writer` started with start_background_task",
    )
    need("ws.close()" in handler, "the writer no longer closes the WebSocket when it ends")
    need(
        "start_background_task(self._send_ping)" in inspect.getsource(sock.schedule_ping),
        "Socket.schedule_ping no longer starts Socket._send_ping as a task",
    )
    ping = inspect.getsource(sock._send_ping)
    for fact in (
        "self.server.sleep(self.server.ping_interval)",
        "not self.closing and not self.closed",
        "self.last_ping = time.time()",
        "self.send(packet.Packet(packet.PING))",
    ):
        need(fact in ping, f"Socket._send_ping no longer does {fact}")
    base = inspect.getsource(eio_socket.base_socket.BaseSocket.__init__)
    for attr in ("self.queue", "self.upgraded", "self.upgrading", "self.closing", "self.closed"):
        need(attr in base, f"BaseSocket no longer sets {attr}")
    need(
        getattr(driver, "SimpleWebSocketWSGI", "missing") is None,
        "the gevent driver does not use gevent-websocket",
    )
    ws_cls = getattr(driver, "WebSocketWSGI", None)
    need(ws_cls is not None and callable(getattr(ws_cls, "send", None)), "WebSocketWSGI.send")
    if ws_cls is not None:
        params = list(inspect.signature(ws_cls.__init__).parameters)
        need(params[:3] == ["self", "handler", "server"], f"WebSocketWSGI({params}) changed")
    need("_async" in inspect.getsource(engineio.base_server.BaseServer.__init__), "Server._async")
    need(callable(getattr(socketio.Server, "_send_eio_packet", None)), "Server._send_eio_packet")
    need(
        callable(getattr(base_manager.BaseManager, "get_participants", None)),
        "BaseManager.get_participants",
    )
    need(hasattr(eio_packet, "MESSAGE"), "engineio.packet.MESSAGE")
    need(
        callable(getattr(gws.Header, "encode_header", None)), "geventwebsocket Header.encode_header"
    )
    stream_init = inspect.getsource(gws.Stream.__init__)
    need(
        "handler.socket.sendall" in stream_init,
        "gevent-websocket no longer writes via socket.sendall",
    )
    need("closed" in gws.WebSocket.__slots__, "gevent-websocket WebSocket.closed")
    import gevent.socket

    probe = gevent.socket.socket()
    try:
        need(hasattr(probe, "_sock"), "gevent's socket no longer wraps an OS socket as _sock")
    finally:
        probe.close()
    return problems


# -- behaviour ---------------------------------------------------------------------------------


def _serve(room: str):
    from flask import Flask
    from flask_socketio import SocketIO, join_room
    from gevent import pywsgi
    from geventwebsocket.handler import WebSocketHandler

    from conference.live import fastpath

    app = Flask(__name__)
    # Pings every PING_INTERVAL_S, so that the timer that replaces the ping greenlet runs too.
    io = SocketIO(app, async_mode="gevent", ping_interval=PING_INTERVAL_S, ping_timeout=5)
    path = fastpath.install(io.server, enabled=True)

    @io.on("connect")
    def on_connect(auth=None):
        join_room(room)

    server = pywsgi.WSGIServer(("127.0.0.1", 0), app, handler_class=WebSocketHandler, log=None)
    server.start()
    return io, path, server


def websocket_upgrade_request() -> bytes:
    """The HTTP request that opens an Engine.IO WebSocket on the server at 127.0.0.1."""
    key = base64.b64encode(os.urandom(16)).decode()
    return (
        "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
        "Sec-WebSocket-Version: 13\r\n\r\n"
    ).encode()


def _ws_client(port: int, got: list, stop):
    """A raw WebSocket Engine.IO client: records every Socket.IO event's data, checks frames."""
    conn = socket.create_connection(("127.0.0.1", port), timeout=DEADLINE_S)
    conn.sendall(websocket_upgrade_request())
    buffer = b""
    while b"\r\n\r\n" not in buffer:
        buffer += conn.recv(4096)
    head, buffer = buffer.split(b"\r\n\r\n", 1)
    if b" 101 " not in head.split(b"\r\n")[0]:
        raise RuntimeError(f"no WebSocket: {head[:80]!r}")

    def send(text: str) -> None:
        data = text.encode()
        mask = os.urandom(4)
        body = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
        conn.sendall(bytes([0x81, 0x80 | len(data)]) + mask + body)

    def read(n: int) -> bytes:
        nonlocal buffer
        while len(buffer) < n:
            chunk = conn.recv(65536)
            if not chunk:
                raise EOFError
            buffer += chunk
        out, buffer = buffer[:n], buffer[n:]
        return out

    try:
        while not stop.is_set():
            first, second = read(2)
            if first != 0x81 or second & 0x80:
                got.append(("bad frame", first, second))
                return
            length = second & 0x7F
            if length == 126:
                (length,) = struct.unpack("!H", read(2))
            elif length == 127:
                (length,) = struct.unpack("!Q", read(8))
            text = read(length).decode("utf-8")
            if text.startswith("0"):
                send("40")
            elif text == "2":
                PINGS.append(1)
                send("3")
            elif text.startswith("42"):
                got.append(tuple(json.loads(text[2:])))
    except (EOFError, OSError):
        pass
    finally:
        conn.close()


def _polling_client(port: int, got: list, stop):
    import requests

    base = f"http://127.0.0.1:{port}/socket.io/?EIO=4&transport=polling"
    session = requests.Session()
    opened = session.get(base, timeout=DEADLINE_S).text
    sid = json.loads(opened[1:])["sid"]
    url = f"{base}&sid={sid}"
    session.post(url, data="40", timeout=DEADLINE_S)
    while not stop.is_set():
        try:
            body = session.get(url, timeout=DEADLINE_S).text
        except requests.RequestException:
            return
        for text in body.split("\x1e"):
            if text == "2":
                session.post(url, data="3", timeout=DEADLINE_S)
            elif text.startswith("42"):
                got.append(tuple(json.loads(text[2:])))
            elif text.startswith("1"):
                return


def check_behaviour() -> list[str]:
    import gevent
    from gevent.event import Event

    from conference.live import fastpath
    from conference.ops import metrics

    room = "check"
    io, path, server = _serve(room)
    if not path.enabled:
        server.stop()
        return [f"the fast path did not install: {path.reason}"]
    port = server.server_port
    stop = Event()
    received = [[] for _ in range(CLIENTS_WS + CLIENTS_POLLING)]
    tasks = [gevent.spawn(_ws_client, port, received[i], stop) for i in range(CLIENTS_WS)]
    tasks += [
        gevent.spawn(_polling_client, port, received[CLIENTS_WS + i], stop)
        for i in range(CLIENTS_POLLING)
    ]
    problems = []
    fast_before = metrics.FANOUT.labels(path="fast")._value.get()
    try:
        deadline = time.monotonic() + DEADLINE_S
        while time.monotonic() < deadline:
            members = list(io.server.manager.get_participants("/", room))
            if len(members) == len(received):
                break
            gevent.sleep(0.05)
        else:
            return [f"only {len(members)} of {len(received)} clients joined"]
        sent = []
        seq = 0
        for burst in range(BURSTS):
            for _ in range(PER_BURST):
                seq += 1
                fastpath.broadcast(io.server, "update", {"seq": seq, "text": "āčē"}, room)
                sent.append(("update", {"seq": seq, "text": "āčē"}))
                if seq % 7 == 0:
                    # A packet through the normal path to each client: what follows must queue
                    # behind it, never overtake it.
                    for sid, _eio_sid in members:
                        io.emit("update", {"seq": -seq}, to=sid)
            gevent.sleep(0.05 * burst)
        expected = []
        for name, data in sent:
            expected.append((name, data))
            if data["seq"] % 7 == 0:
                expected.append(("update", {"seq": -data["seq"]}))
        while time.monotonic() < deadline:
            if all(len(got) >= len(expected) for got in received):
                break
            gevent.sleep(0.05)
        # Anything extra (a duplicate) would arrive now, and each client answers a few pings.
        gevent.sleep(PING_INTERVAL_S * 4)
        if len(PINGS) < CLIENTS_WS * 2:
            problems.append(f"{len(PINGS)} pings answered by {CLIENTS_WS} WebSocket clients")
        for index, got in enumerate(received):
            kind = "websocket" if index < CLIENTS_WS else "polling"
            if got != expected:
                pairs = zip(got, expected, strict=False)
                first = next((i for i, (a, b) in enumerate(pairs) if a != b), len(got))
                problems.append(
                    f"{kind} client {index}: {len(got)} packets of {len(expected)}, "
                    f"first difference at {first}"
                )
        if metrics.FANOUT.labels(path="fast")._value.get() == fast_before:
            problems.append("no packet took the fast path")
    finally:
        stop.set()
        server.stop(timeout=1)
        gevent.killall(tasks, timeout=2)
    return problems


def main() -> int:
    problems = check_interfaces()
    if not problems:
        problems = check_behaviour()
    for problem in problems:
        print(f"fast path: {problem}")
    if problems:
        print(
            "fast path: FAILED; run with [socketio] fast_path = false until fastpath.py is adapted"
        )
        return 1
    print("fast path: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
