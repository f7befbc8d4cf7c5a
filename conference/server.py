"""Running the production server: gevent's WSGI server with WebSocket support.

Domains that need background work while serving (presence counts, the in-process task worker)
register a function with :func:`on_serve`; ``run_server`` calls each once before listening.
"""

from __future__ import annotations

import logging
import resource

import click

log = logging.getLogger(__name__)


def on_serve(app, hook) -> None:
    """Register ``hook(app)`` to run when the server starts (not in tests or CLI commands)."""
    app.extensions.setdefault("serve_hooks", []).append(hook)


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

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    # gevent-websocket logs every request at INFO; at thousands of attendees that is the log.
    logging.getLogger("geventwebsocket.handler").setLevel(logging.WARNING)
    limit = raise_file_limit()
    if demo:
        prepare_demo(app)
    for hook in app.extensions.get("serve_hooks", []):
        hook(app)
    click.echo(f"  Serving on http://{host}:{port}/  (open files limit {limit})")
    server = make_wsgi_server(app, host, port)
    socketio.wsgi_server = server  # so socketio.stop() can end it
    server.serve_forever()


def make_wsgi_server(app, host: str, port: int):
    """gevent's WSGI server with gevent-websocket's handler and Nagle's algorithm off.

    This is what ``socketio.run`` builds for gevent, plus TCP_NODELAY on every accepted socket:
    without it small answers on a kept-alive connection wait for the peer's delayed ACK
    (about 40 ms per request and per Socket.IO connect, measured).
    """
    import socket

    from gevent import pywsgi
    from geventwebsocket.handler import WebSocketHandler

    class NoDelayServer(pywsgi.WSGIServer):
        def handle(self, sock, address):
            try:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            except OSError:
                pass  # not TCP (a UNIX socket): nothing to turn off
            super().handle(sock, address)

    return NoDelayServer((host, port), app, handler_class=WebSocketHandler, log=None)
