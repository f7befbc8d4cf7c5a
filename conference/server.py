"""Running the production server: gevent's WSGI server with WebSocket support.

Domains that need background work while serving (presence counts, the in-process task worker)
register a function with :func:`on_serve`; ``run_server`` calls each once before listening.
Those with something to finish when the server stops cleanly (SIGTERM, as systemd stops it, or
Ctrl-C) register it with :func:`on_stop` (the attendance recorder's last write).
"""

from __future__ import annotations

import gc
import logging
import resource

import click

log = logging.getLogger(__name__)


def on_serve(app, hook) -> None:
    """Register ``hook(app)`` to run when the server starts (not in tests or CLI commands)."""
    app.extensions.setdefault("serve_hooks", []).append(hook)


def on_stop(app, hook) -> None:
    """Register ``hook(app)`` to run once when the server stops cleanly (not after SIGKILL)."""
    app.extensions.setdefault("stop_hooks", []).append(hook)


def run_stop_hooks(app) -> None:
    for hook in app.extensions.get("stop_hooks", []):
        try:
            hook(app)
        except Exception:
            log.warning("a stop hook failed", exc_info=True)


def stop_on_sigterm(server) -> None:
    """SIGTERM stops the server the way Ctrl-C does (``serve_forever`` returns after closing
    the listener and, within a second, the connections), so the stop hooks run."""
    import signal

    import gevent

    gevent.signal_handler(signal.SIGTERM, lambda: gevent.spawn(server.stop))


def raise_file_limit() -> int:
    """Raise the soft limit of open files to the hard limit: each attendee holds a socket."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY:
        hard = 1 << 20
    if soft < hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
        except (ValueError, OSError):
            log.warning("could not raise the open-files limit above %s", soft)
    return soft


def prepare_demo(app) -> None:
    """Create the schema, and import the demo event and a demo admin when there are no events."""
    from conference.demo import install_demo
    from conference.migrations import upgrade

    upgrade(app.config["DATABASE_URL"])
    with app.app_context():
        created = install_demo()
    if created is not None:
        email, password = created
        click.echo("")
        click.echo("  Demo event imported: daugavpils-2021")
        click.echo(f"  Demo admin: {email}")
        click.echo(f"  Password (shown only now): {password}")
        click.echo("")


def run_server(app, host: str, port: int, demo: bool = False) -> None:
    """Serve ``app`` on host:port until interrupted."""
    from conference.extensions import socketio
    from conference.ops.logs import configure_logging

    configure_logging(app.config["SETTINGS"]["logging"])
    limit = raise_file_limit()
    server = build_server(app, host, port, demo=demo)
    click.echo(f"  Serving on http://{host}:{port}/  (open files limit {limit})")
    socketio.wsgi_server = server  # so socketio.stop() can end it
    stop_on_sigterm(server)
    try:
        server.serve_forever()
    finally:
        run_stop_hooks(app)


def build_server(app, host: str, port: int, demo: bool = False):
    """Everything ``conference serve`` does before it listens; returns the server, not started.

    The demo (with ``demo``), the serve hooks, the WSGI server, and the tuning for thousands
    of connections. ``bench/fanout/memory.py`` starts the same server in its own process.
    """
    import gevent

    if demo:
        prepare_demo(app)
    for hook in app.extensions.get("serve_hooks", []):
        hook(app)
    settings = app.config["SETTINGS"]["server"]
    server = make_wsgi_server(app, host, port, backlog=settings["backlog"])
    tune_gc(freeze=settings["gc_freeze"], threshold=settings["gc_threshold"])
    # gevent records the spawning stack of every greenlet (for debugging tools we do not run):
    # about 4 KiB and 37 objects for each of an attendee's two greenlets. Read at each spawn.
    gevent.config.track_greenlet_tree = False
    return server


def tune_gc(freeze: bool, threshold: int) -> None:
    """Keep the garbage collector's pauses short while thousands of attendees are connected.

    A full collection walks every tracked object; with 5,000 connections that took 60-450 ms,
    and an update that met one waited for it. ``freeze`` moves everything alive once the server
    is ready (modules, the ORM's metadata, catalogues: about 180,000 objects) to the permanent
    generation, which no collection visits again; ``threshold`` (instead of Python's 700) lets
    the burst of short-lived objects of one broadcast die by reference count before a young
    collection promotes them, so fewer of them reach the old generation and trigger a full
    collection. Measured in docs/benchmarks.md; 0 keeps Python's thresholds.
    """
    if freeze:
        gc.collect()
        gc.freeze()
    if threshold > 0:
        _, older, oldest = gc.get_threshold()
        gc.set_threshold(threshold, older, oldest)


# Bytes of the read buffer each connection keeps for its whole life (Python's default: 8 KiB).
# A request head fits; bodies are read in 64 KiB chunks that bypass the buffer (uploads ran at
# ~1 GiB/s with either size), and an attendee's WebSocket sends a few small frames a minute.
# Measured: 3 KiB less RSS per connected attendee (docs/benchmarks.md).
READ_BUFFER = 1024


def make_wsgi_server(app, host: str, port: int, backlog: int = 4096):
    """gevent's WSGI server with gevent-websocket's handler and Nagle's algorithm off.

    This is what ``socketio.run`` builds for gevent, plus TCP_NODELAY on every accepted socket:
    without it small answers on a kept-alive connection wait for the peer's delayed ACK
    (about 40 ms per request and per Socket.IO connect, measured); a smaller read buffer per
    connection (:data:`READ_BUFFER`); and a listen ``backlog``
    long enough for a reconnect storm (gevent's default of 256 dropped SYNs when 5,000 pages
    reconnected at once, and those pages waited for the kernel's retry, up to 29 s).
    """
    import socket

    from gevent import pywsgi
    from geventwebsocket.handler import WebSocketHandler

    from conference.edge.websocket import CappedWebSocket

    max_message = app.config.get("SETTINGS", {}).get("socketio", {}).get("max_message_bytes")

    class Handler(WebSocketHandler):
        def __init__(self, sock, address, server, rfile=None):
            if rfile is None:
                rfile = sock.makefile("rb", READ_BUFFER)
            super().__init__(sock, address, server, rfile)

        def upgrade_connection(self):
            answer = super().upgrade_connection()
            if getattr(self, "websocket", None) is not None:
                # Small messages read cheaply; messages over the Socket.IO limit are refused
                # as their frames arrive.
                self.max_message_bytes = max_message or None
                self.websocket.__class__ = CappedWebSocket
            return answer

        def run_websocket(self):
            # The request head is parsed and the 101 answer sent; an attendee's WebSocket then
            # stays open for hours. The parsed header objects (~2 KiB) are not read again (the
            # app reads the environ): fall back to the class's empty defaults.
            self.__dict__.pop("headers", None)
            self.__dict__.pop("response_headers", None)
            super().run_websocket()

    class NoDelayServer(pywsgi.WSGIServer):
        def handle(self, sock, address):
            try:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            except OSError:
                pass  # not TCP (a UNIX socket): nothing to turn off
            super().handle(sock, address)

    return NoDelayServer((host, port), app, handler_class=Handler, log=None, backlog=backlog)
