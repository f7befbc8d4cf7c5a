"""Contests, jury, audience vote and the award ceremony."""


def init_app(app) -> None:
    from conference.awards import api, ceremony, ceremony_views, commands, live_pages, views  # noqa: F401

    app.register_blueprint(api.bp)
    app.register_blueprint(views.bp)
    app.register_blueprint(ceremony_views.bp)
    # "1. vieta: Dmitrijs Ivčeno, Dmitrijs Lukins, Maksims Romanovs (LMT-21)" on result pages.
    app.add_template_global(ceremony.winners_text, "winners_text")
    app.add_template_global(ceremony.results_order, "results_order")
    app.add_template_global(live_pages.awards_page_data, "awards_page_data")
