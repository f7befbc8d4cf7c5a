"""Participants: registration per event, the participant's own data, and attendance as measured
(PROTOCOL.md 1.1)."""


def init_app(app) -> None:
    from conference.db import db
    from conference.live.publish import live_hub
    from conference.participants import api, views
    from conference.participants.attendance_recorder import AttendanceRecorder
    from conference.participants.retention import register_daily_purge
    from conference.server import on_serve

    settings = app.config["SETTINGS"]["attendance"]
    hub = live_hub(app)

    def engine():
        with app.app_context():
            return db.engine

    def statuses() -> dict[int, str]:
        known = {}
        for slug in hub.cache.slugs():
            entry = hub.cache.peek(slug)
            if entry is not None:
                known[entry.event_id] = entry.snapshot["event"]["status"]
        return known

    app.extensions["attendance"] = AttendanceRecorder(
        engine,
        flush_seconds=settings["flush_seconds"],
        enabled=settings["enabled"],
        statuses=statuses,
    )
    app.register_blueprint(api.bp)
    app.register_blueprint(views.bp)
    register_daily_purge(app)  # after conference.greetings has built the task queue
    on_serve(app, start_attendance)


def start_attendance(app) -> None:
    """When the server starts: write the attendance intervals every ``flush_seconds``, and once
    more when it stops cleanly."""
    from conference.extensions import socketio
    from conference.live.publish import live_hub
    from conference.server import on_stop

    recorder = app.extensions["attendance"]
    if not recorder.enabled:
        return
    socketio.start_background_task(recorder.run, live_hub(app).stopping)
    on_stop(app, lambda app: recorder.flush())
