"""Operations: ``/health``, ``/metrics``, the request log, backups (see docs/operations.md).

Modules: :mod:`.health` (the checks), :mod:`.metrics` (Prometheus), :mod:`.logs` (one line per
request and command), :mod:`.backup` / :mod:`.restore` (``conference backup`` / ``restore``),
:mod:`.scheduled` (backups every N minutes while an event is live).
"""

from __future__ import annotations

import hmac

from flask import Blueprint, current_app, jsonify, request
from flask_babel import gettext as _

from conference.config import ConfigError
from conference.errors import error_body
from conference.ops import logs, metrics
from conference.ops.health import HealthMonitor, health_answer

bp = Blueprint("ops", __name__)

# Paths that answer machines: no attendee or language cookie, nothing cached.
MACHINE_PATHS = ("/health", "/metrics")


@bp.get("/health")
def health():
    """200 when this process can serve, 503 naming the failing check (PROTOCOL.md)."""
    body, status = health_answer(current_app, with_reasons=_may_scrape())
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/metrics")
def metrics_view():
    """Prometheus text format, for allowed addresses or the configured bearer token; else 403."""
    if not _may_scrape():
        response = jsonify(error_body("forbidden", _("The metrics are not open to this address.")))
        response.status_code = 403
        return response
    response = current_app.response_class(
        metrics.metrics_text(current_app), mimetype=None, content_type=metrics.CONTENT_TYPE
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _may_scrape() -> bool:
    settings = current_app.extensions["metrics_access"]
    token = settings["token"]
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer "):
        return hmac.compare_digest(header.removeprefix("Bearer ").strip(), token)
    return metrics.address_allowed(request.remote_addr, settings["allow"])


# Each status's child of the counter, looked up once (``labels()`` takes a lock and builds a
# key on every call); a few dozen statuses exist.
_REQUESTS_BY_STATUS: dict = {}


def count_response(response):
    """Every answer in ``conference_http_requests_total``; 429s also by endpoint."""
    count_status(response.status_code)
    if response.status_code == 429:
        metrics.LIMIT_REFUSALS.labels(request.endpoint or "-").inc()
    return response


def count_status(status: int) -> None:
    """One answer with ``status`` in ``conference_http_requests_total`` (also counted by the
    fast route, conference/live/fast_pages.py)."""
    counter = _REQUESTS_BY_STATUS.get(status)
    if counter is None:
        counter = _REQUESTS_BY_STATUS[status] = metrics.HTTP_REQUESTS.labels(str(status))
    counter.inc()


def init_app(app) -> None:
    settings = app.config["SETTINGS"]["metrics"]
    try:
        allow = metrics.parse_allowed(settings["allow"])
    except ValueError as exc:
        raise ConfigError(f"metrics.allow: {exc}") from None
    app.extensions["metrics_access"] = {"allow": allow, "token": settings["token"]}
    app.extensions["health"] = HealthMonitor(app)
    app.register_blueprint(bp)
    # First of all before-request functions: the time taken includes theirs, and a request
    # that one of them answers early (a 412 of tus, a refusal) is logged too.
    app.before_request_funcs.setdefault(None, []).insert(0, logs.start_request_timer)
    app.after_request(logs.log_request)
    app.after_request(count_response)

    from conference.ops.scheduled import register_scheduled_backup

    register_scheduled_backup(app)
