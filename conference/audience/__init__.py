"""The audience speaks: questions with upvotes, reactions and polls (PROTOCOL.md 1.1)."""


def init_app(app) -> None:
    from conference.audience import admin_views, api, polls, questions, sockets, views  # noqa: F401
    from conference.audience.ticker import AudienceTicker
    from conference.extensions import socketio
    from conference.live.publish import live_hub
    from conference.server import on_serve

    app.extensions["audience"] = ticker = AudienceTicker(live_hub(app))
    app.register_blueprint(api.bp)
    app.register_blueprint(views.bp)
    socketio.on_event("react", sockets.on_react)
    if app.config["SETTINGS"]["socketio"]["fast_react"]:
        from conference.audience import fast_react

        fast_react.install(socketio.server, live_hub(app), ticker)
    on_serve(app, start_audience)


def start_audience(app) -> None:
    """When the server starts: send upvote counts and reactions once a second."""
    from conference.extensions import socketio

    socketio.start_background_task(app.extensions["audience"].run)
