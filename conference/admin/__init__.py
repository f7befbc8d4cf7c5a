"""The admin in the browser: events and everything in them, users, TOML import and export.

Hand-written WTForms forms rather than Flask-Admin; ``docs/architecture.md`` ("Admin and forms")
says why. Every page is for admins only: signed-out visitors are sent to the sign-in page,
other roles get 403.
"""


def init_app(app) -> None:
    from conference.admin import views  # noqa: F401  (registers the routes on the blueprint)
    from conference.admin.blueprint import bp

    app.register_blueprint(bp)
