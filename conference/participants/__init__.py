"""Participants: registration per event and the participant's own data (PROTOCOL.md 1.1)."""


def init_app(app) -> None:
    from conference.participants import api, views
    from conference.participants.retention import register_daily_purge

    app.register_blueprint(api.bp)
    app.register_blueprint(views.bp)
    register_daily_purge(app)  # after conference.greetings has built the task queue
