"""The live log: commands, updates, the snapshot cache and the one place that publishes."""

import logging

logger = logging.getLogger(__name__)


def init_app(app) -> None:
    from conference.live import api, sockets, views
    from conference.live.publish import LiveHub
    from conference.server import on_serve

    app.extensions["live"] = LiveHub(app)
    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    sockets.init_app(app)
    on_serve(app, start_live)


def start_live(app) -> None:
    """When the server starts: load the snapshots, then relay other processes' updates (from
    Redis when there is one, and from the database's seq once a second in any case) and count
    presence in the background."""
    import sqlalchemy as sa

    from conference.extensions import socketio
    from conference.live.publish import follow_log, listen, live_hub

    hub = live_hub(app)
    try:
        logger.info("live: %s event snapshots loaded", hub.cache.warm())
    except sa.exc.SQLAlchemyError as exc:
        # Serving still works: snapshots then load on first use.
        logger.warning("live: snapshots not preloaded: %s", str(exc).splitlines()[0])
    if hub.redis is not None:
        socketio.start_background_task(listen, app)
    socketio.start_background_task(follow_log, app)
    socketio.start_background_task(hub.presence.run)
