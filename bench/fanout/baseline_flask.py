"""Bare Flask-SocketIO server: the ceiling of the conference app's own stack.

It speaks the same slice of PROTOCOL.md as the app and as ``baseline_node.js``, with no
database, no sessions and no templates, so whatever the app measures above it is the cost
of the app itself:

- Socket.IO on ``/socket.io``: the client connects with ``auth={"event": SLUG}``; an
  unknown slug is refused with a message, a known one joins the room SLUG and receives
  ``snapshot`` (the ~2 KB object from ``payloads.json``).
- ``POST /api/v1/events/SLUG/commands`` with ``{"type": "announce", "text": {...}}``
  broadcasts one ``update`` ``{seq, type: "announcement.shown", at, data: {text, at}}``
  to the room and answers ``{"seq": N}`` (credentials are ignored).
- ``GET /healthz`` answers 200 (``run.py`` waits for it).

It runs with ``async_mode="gevent"`` under ``gevent.pywsgi``; the WebSocket layer is either
gevent-websocket's ``WebSocketHandler`` (default) or simple-websocket (``--websocket
simple``). With ``--message-queue`` several processes share one room through Redis.

Usage: ``python baseline_flask.py --port P [--websocket gevent-websocket|simple]
[--message-queue redis://127.0.0.1:6379/15] [--backlog 4096]``
"""

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402  (after monkey-patching, as gevent requires)
import json  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
from datetime import UTC, datetime  # noqa: E402
from pathlib import Path  # noqa: E402

PAYLOADS = json.loads((Path(__file__).with_name("payloads.json")).read_text(encoding="utf-8"))
SLUG = PAYLOADS["slug"]
# A private channel keeps this baseline's Redis traffic apart from any app sharing the server.
REDIS_CHANNEL = "bench-fanout-baseline"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--backlog", type=int, default=4096)
    parser.add_argument(
        "--websocket", choices=("gevent-websocket", "simple"), default="gevent-websocket"
    )
    parser.add_argument("--message-queue", default=None, help="e.g. redis://127.0.0.1:6379/15")
    return parser.parse_args(argv)


def raise_file_limit():
    """Every attendee is one socket; the default soft limit (often 1024) is far too low."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def iso_now():
    """Milliseconds and a 'Z', like JavaScript's toISOString, so both baselines send equal bytes."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def no_delay_server_class(base):
    """base with Nagle's algorithm off on every accepted socket, as Node does by default.

    Without it the snapshot that follows the Socket.IO CONNECT packet, and any small answer on
    a kept-alive connection, waits for the peer's delayed ACK (~40 ms). The app's server
    does the same (conference/server.py), so the ceiling must too.
    """
    import socket

    class NoDelayServer(base):
        def handle(self, sock, address):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            super().handle(sock, address)

    return NoDelayServer


def create_app(message_queue=None):
    """The Flask app and its SocketIO object, wired for one event room."""
    from flask import Flask, jsonify, request
    from flask_socketio import ConnectionRefusedError, SocketIO, emit, join_room

    app = Flask(__name__)
    socketio = SocketIO(
        app,
        async_mode="gevent",
        message_queue=message_queue,
        channel=REDIS_CHANNEL,
        cors_allowed_origins=[],
    )
    # Only one process receives commands, so a local counter gives the cluster one order.
    state = {"seq": 0}

    @socketio.on("connect")
    def join_event(auth):
        """The client sends auth={"event": SLUG}; it joins that room and gets the snapshot."""
        if not isinstance(auth, dict) or auth.get("event") != SLUG:
            raise ConnectionRefusedError("unknown event")
        join_room(SLUG)
        # The attendee is connected to this very process: with a message queue, sending its
        # snapshot through Redis would only make every other process decode and drop it.
        emit("snapshot", dict(PAYLOADS["snapshot"], seq=state["seq"]), ignore_queue=True)

    @app.get("/healthz")
    def healthz():
        return jsonify(ok=True)

    @app.post(f"/api/v1/events/{SLUG}/commands")
    def command():
        """Broadcast one announcement update to every attendee of the event."""
        body = request.get_json(silent=True) or {}
        if body.get("type") != "announce" or not isinstance(body.get("text"), dict):
            error = {"code": "unsupported_command", "message": "only announce"}
            return jsonify(error=error), 422
        state["seq"] += 1
        at = iso_now()
        update = {
            "seq": state["seq"],
            "type": "announcement.shown",
            "at": at,
            "data": {"text": body["text"], "at": at},
        }
        socketio.emit("update", update, to=SLUG)
        return jsonify(seq=state["seq"])

    return app, socketio


def main(argv=None):
    args = parse_args(argv)
    raise_file_limit()
    if args.websocket == "simple":
        # engine.io picks gevent-websocket whenever it can import it; hiding the module
        # makes it fall back to simple-websocket, the other supported gevent transport.
        sys.modules["geventwebsocket"] = None
    app, _socketio = create_app(args.message_queue)

    from gevent import pywsgi

    server_options = {"log": None, "backlog": args.backlog}
    if args.websocket == "gevent-websocket":
        from geventwebsocket.handler import WebSocketHandler

        server_options["handler_class"] = WebSocketHandler
    server = no_delay_server_class(pywsgi.WSGIServer)((args.host, args.port), app, **server_options)
    print(f"listening on http://{args.host}:{args.port} ({args.websocket})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
