"""Contests, jury, audience vote and the award ceremony."""


def init_app(app) -> None:
    from conference.awards import api, views

    app.register_blueprint(api.bp)
    app.register_blueprint(views.bp)
