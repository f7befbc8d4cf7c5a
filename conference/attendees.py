"""The attendee identity: a signed cookie given to each browser on its first visit.

The identity is a random id, signed with the app's secret so it cannot be forged; votes and
fairness limits are keyed by it. A script may keep the cookie like a browser does.
"""

from __future__ import annotations

import secrets

from flask import current_app, g, request
from itsdangerous import BadSignature, URLSafeSerializer

ATTENDEE_COOKIE = "attendee"
# Files, and the answers to machines (load balancers, Prometheus), get no identity.
NO_COOKIE_PATHS = ("/static/", "/health", "/metrics")


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="attendee")


def read_attendee_id(cookie_value: str | None) -> str | None:
    """The attendee id in a signed cookie value, or None if absent or forged."""
    if not cookie_value:
        return None
    try:
        value = _serializer().loads(cookie_value)
    except BadSignature:
        return None
    return value if isinstance(value, str) else None


def load_attendee() -> None:
    """Before each request: ``g.attendee_id`` from the cookie, or a new one to hand out."""
    attendee_id = read_attendee_id(request.cookies.get(ATTENDEE_COOKIE))
    g.new_attendee = attendee_id is None
    g.attendee_id = attendee_id or secrets.token_urlsafe(16)


def give_attendee_cookie(response):
    """After a page or API request of a new browser: set the signed attendee cookie."""
    if getattr(g, "new_attendee", False) and not request.path.startswith(NO_COOKIE_PATHS):
        response.set_cookie(
            ATTENDEE_COOKIE,
            _serializer().dumps(g.attendee_id),
            max_age=400 * 24 * 3600,
            httponly=True,
            samesite="Lax",
        )
    return response
