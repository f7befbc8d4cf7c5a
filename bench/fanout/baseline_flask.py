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

The server, by ``--async-mode``:

- ``gevent`` (default): ``gevent.pywsgi``, the WebSocket layer either gevent-websocket's
  ``WebSocketHandler`` (default) or simple-websocket (``--websocket simple``);
- ``threading``: gunicorn's threaded worker (``gthread``, one worker process) with
  simple-websocket, as Flask-SocketIO's deployment docs give for threading mode; every
  WebSocket holds one of the worker's ``--threads`` for its lifetime (and simple-websocket
  adds a reader thread per connection), so ``--threads`` must exceed the attendees;
- ``eventlet``: ``eventlet.wsgi.server`` with eventlet's own ``eventlet.websocket``
  (python-engineio's eventlet driver).

With ``--message-queue`` several processes share one room through Redis.

Usage: ``python baseline_flask.py --port P [--async-mode gevent|threading|eventlet]
[--websocket gevent-websocket|simple] [--message-queue redis://127.0.0.1:6379/15]
[--backlog 4096] [--threads 6000]``
"""

import sys


def _async_mode(argv):
    """--async-mode, read before argparse: monkey-patching must come before other imports."""
    for index, arg in enumerate(argv):
        if arg == "--async-mode" and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith("--async-mode="):
            return arg.split("=", 1)[1]
    return "gevent"


ASYNC_MODE = _async_mode(sys.argv[1:])
if ASYNC_MODE == "gevent":
    from gevent import monkey

    monkey.patch_all()
elif ASYNC_MODE == "eventlet":
    import eventlet  # it warns on import that it is deprecated (see docs/architecture.md)

    eventlet.monkey_patch()

import argparse  # noqa: E402  (after monkey-patching, as gevent and eventlet require)
import socket  # noqa: E402

from baseline_common import (  # noqa: E402  (this folder is on sys.path: run as a file)
    COMMANDS_PATH,
    REDIS_CHANNEL,
    SLUG,
    UNSUPPORTED,
    announcement,
    raise_file_limit,
    refuse,
    snapshot,
)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--backlog", type=int, default=4096)
    parser.add_argument(
        "--async-mode", choices=("gevent", "threading", "eventlet"), default="gevent"
    )
    parser.add_argument(
        "--websocket",
        choices=("gevent-websocket", "simple"),
        default="gevent-websocket",
        help="gevent mode only; threading always uses simple-websocket, eventlet its own",
    )
    parser.add_argument(
        "--threads", type=int, default=6000, help="threading mode: gunicorn's worker threads"
    )
    parser.add_argument("--message-queue", default=None, help="e.g. redis://127.0.0.1:6379/15")
    return parser.parse_args(argv)


def no_delay_server_class(base):
    """base with Nagle's algorithm off on every accepted socket, as Node does by default.

    Without it the snapshot that follows the Socket.IO CONNECT packet, and any small answer on
    a kept-alive connection, waits for the peer's delayed ACK (~40 ms). The app's server
    does the same (conference/server.py), so the ceiling must too.
    """

    class NoDelayServer(base):
        def handle(self, sock, address):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            super().handle(sock, address)

    return NoDelayServer


def create_app(message_queue=None, async_mode="gevent"):
    """The Flask app and its SocketIO object, wired for one event room."""
    from flask import Flask, jsonify, request
    from flask_socketio import ConnectionRefusedError, SocketIO, emit, join_room

    app = Flask(__name__)
    socketio = SocketIO(
        app,
        async_mode=async_mode,
        message_queue=message_queue,
        channel=REDIS_CHANNEL,
        cors_allowed_origins=[],
    )
    state = {"seq": 0}

    @socketio.on("connect")
    def join_event(auth):
        """The client sends auth={"event": SLUG}; it joins that room and gets the snapshot."""
        refusal = refuse(auth)
        if refusal:
            raise ConnectionRefusedError(refusal)
        join_room(SLUG)
        # The attendee is connected to this very process: with a message queue, sending its
        # snapshot through Redis would only make every other process decode and drop it.
        emit("snapshot", snapshot(state["seq"]), ignore_queue=True)

    @app.get("/healthz")
    def healthz():
        return jsonify(ok=True)

    @app.post(COMMANDS_PATH)
    def command():
        """Broadcast one announcement update to every attendee of the event."""
        update = announcement(request.get_json(silent=True), state)
        if update is None:
            return jsonify(UNSUPPORTED), 422
        socketio.emit("update", update, to=SLUG)
        return jsonify(seq=update["seq"])

    return app, socketio


def serve_gevent(app, args):
    from gevent import pywsgi

    server_options = {"log": None, "backlog": args.backlog}
    if args.websocket == "gevent-websocket":
        from geventwebsocket.handler import WebSocketHandler

        server_options["handler_class"] = WebSocketHandler
    server = no_delay_server_class(pywsgi.WSGIServer)((args.host, args.port), app, **server_options)
    print(f"listening on http://{args.host}:{args.port} (gevent, {args.websocket})", flush=True)
    server.serve_forever()


def serve_threading(app, args):
    """gunicorn -w 1 -k gthread --threads N, started from here (its listening socket sets
    TCP_NODELAY, which accepted sockets inherit on Linux)."""
    from gunicorn.app.base import BaseApplication

    class Gunicorn(BaseApplication):
        def load_config(self):
            options = {
                "bind": f"{args.host}:{args.port}",
                "workers": 1,
                "worker_class": "gthread",
                "threads": args.threads,
                # gthread accepts at most worker_connections; each WebSocket keeps its thread.
                "worker_connections": args.threads + 1000,
                "backlog": args.backlog,
                "timeout": 120,
                "accesslog": None,
                "loglevel": "warning",
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            return app

    print(f"listening on http://{args.host}:{args.port} (gunicorn gthread)", flush=True)
    Gunicorn().run()


def serve_eventlet(app, args):
    import eventlet
    import eventlet.wsgi

    listener = eventlet.listen((args.host, args.port), backlog=args.backlog)
    # Accepted sockets inherit TCP_NODELAY from the listening socket on Linux.
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    print(f"listening on http://{args.host}:{args.port} (eventlet)", flush=True)
    eventlet.wsgi.server(listener, app, log_output=False, max_size=100_000)


def main(argv=None):
    args = parse_args(argv)
    raise_file_limit()
    if args.async_mode == "gevent" and args.websocket == "simple":
        # engine.io picks gevent-websocket whenever it can import it; hiding the module
        # makes it fall back to simple-websocket, the other supported gevent transport.
        sys.modules["geventwebsocket"] = None
    app, _socketio = create_app(args.message_queue, args.async_mode)
    serve = {"gevent": serve_gevent, "threading": serve_threading, "eventlet": serve_eventlet}
    try:
        serve[args.async_mode](app, args)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
