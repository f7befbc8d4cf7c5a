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
    limit = raise_file_limit()
    if demo:
        prepare_demo(app)
    for hook in app.extensions.get("serve_hooks", []):
        hook(app)
    click.echo(f"  Serving on http://{host}:{port}/  (open files limit {limit})")
    socketio.run(app, host=host, port=port, log_output=False, use_reloader=False)
