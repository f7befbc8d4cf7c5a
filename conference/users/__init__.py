"""Users, roles, passwords, API tokens and signing in."""


def init_app(app) -> None:
    from conference.users import staff, views

    app.register_blueprint(views.bp)
    staff.init_app(app)
