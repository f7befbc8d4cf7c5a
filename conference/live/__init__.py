"""The live log: commands, updates, the snapshot cache and the one place that publishes."""


def init_app(app) -> None:
    from conference.live import api, sockets, views

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    sockets.init_app(app)
