"""The live log: commands, updates, the snapshot cache and the one place that publishes."""


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
    """When the server starts: load the snapshots, then relay other processes' updates and
    count presence in the background."""
    from conference.extensions import socketio
    from conference.live.publish import listen, live_hub

    hub = live_hub(app)
    hub.cache.warm()
    if hub.redis is not None:
        socketio.start_background_task(listen, app)
    socketio.start_background_task(hub.presence.run)
