"""The organisers' report of an event: a page and a PDF in lv and en (issue 12 part 3)."""


def init_app(app) -> None:
    from conference.reports import views

    app.register_blueprint(views.bp)
