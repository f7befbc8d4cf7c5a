"""The audit log of each event: who changed what, when, before -> after (docs/architecture.md).

Entries are written by :mod:`conference.live.change`, in the transaction of the change they
record; this package reads them (``GET /api/v1/events/<slug>/audit``, the admin's page).
"""


def init_app(app) -> None:
    from conference.audit import api

    app.register_blueprint(api.bp)
