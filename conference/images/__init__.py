"""Pictures (event logo and banner, speaker photos, partner logos) and the event's accent colour.

``processing`` checks and resizes with Pillow (no Flask), ``storage`` knows the files and their
addresses, ``services`` is the one writer (through the live change), ``theme`` the accent
colour and its stylesheet, ``views`` serves files and the stylesheet.
"""


def init_app(app) -> None:
    from conference.images import views

    app.register_blueprint(views.bp)
    views.register_helpers(app)
