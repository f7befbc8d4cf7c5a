"""The event, its programme and its public pages."""


def init_app(app) -> None:
    from conference.events import api, edit_api, views

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(edit_api.bp)
