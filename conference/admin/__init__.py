"""The admin in the browser: events and everything in them, users, TOML import and export.

Hand-written WTForms forms rather than Flask-Admin; ``docs/architecture.md`` ("Admin and forms")
says why. An event's pages are for its organisers and the admins, the rest for admins
(:mod:`conference.admin.blueprint`): signed-out visitors are sent to the sign-in page, anyone
else gets 403.
"""


def init_app(app) -> None:
    from conference.admin import views  # noqa: F401  (registers the routes on the blueprint)
    from conference.admin.blueprint import bp

    app.register_blueprint(bp)
