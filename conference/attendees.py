"""The attendee identity: a signed cookie given to each browser on its first visit.

The identity is a random id, signed with the app's secret so it cannot be forged; votes and
fairness limits are keyed by it. A script may keep the cookie like a browser does.

The cookie's value is itsdangerous' ``URLSafeSerializer(secret, salt="attendee")`` format:
base64url of the id as JSON, a dot, base64url of its HMAC-SHA1 (key derived once per secret,
"django-concat"). Every page and API request reads or gives one, and itsdangerous spent
~25-30 µs on each (a zlib attempt and a key derivation per call, a new serializer per
request): :class:`AttendeeCookie` does the same in a few, and hands anything unusual (an old
compressed payload) to itsdangerous itself. ``tests/test_attendee_cookie.py`` checks that each
reads the other's values.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hmac
import json
import secrets
import time

from flask import current_app, g, request
from itsdangerous import BadData, URLSafeSerializer
from werkzeug.http import http_date

ATTENDEE_COOKIE = "attendee"
ATTENDEE_SALT = "attendee"
# Files, and the answers to machines (load balancers, Prometheus), get no identity.
NO_COOKIE_PATHS = ("/static/", "/health", "/metrics")
COOKIE_MAX_AGE = 400 * 24 * 3600


def _b64encode(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


class AttendeeCookie:
    """Signs and reads attendee cookie values for one secret key."""

    def __init__(self, secret_key: str | bytes):
        self.reference = URLSafeSerializer(secret_key, salt=ATTENDEE_SALT)
        signer = self.reference.make_signer()
        if signer.key_derivation != "django-concat" or signer.digest_method().name != "sha1":
            raise RuntimeError("itsdangerous changed its defaults: review AttendeeCookie")
        self._key = signer.derive_key()

    def _signature(self, payload: bytes) -> bytes:
        return hmac.digest(self._key, payload, "sha1")

    def dumps(self, attendee_id: str) -> str:
        """The signed value (never zlib-compressed: an id is too short to gain from it, and
        itsdangerous reads an uncompressed payload either way)."""
        payload = _b64encode(json.dumps(attendee_id, separators=(",", ":")).encode())
        return (payload + b"." + _b64encode(self._signature(payload))).decode("ascii")

    def loads(self, value: str) -> str | None:
        """The attendee id of a signed value, or None when absent, forged or not an id."""
        payload, dot, signature = value.rpartition(".")
        if not dot or not payload or payload.startswith("."):
            return self._reference_loads(value)
        try:
            raw_payload = payload.encode("ascii")
            sent = base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4))
            expected = self._signature(raw_payload)
            if not hmac.compare_digest(sent, expected):
                return None
            decoded = json.loads(base64.urlsafe_b64decode(raw_payload + b"=" * (-len(payload) % 4)))
        except (UnicodeError, binascii.Error, ValueError):
            return self._reference_loads(value)
        return decoded if isinstance(decoded, str) else None

    def _reference_loads(self, value: str) -> str | None:
        try:
            decoded = self.reference.loads(value)
        except BadData:
            return None
        return decoded if isinstance(decoded, str) else None


@functools.lru_cache(maxsize=8)
def attendee_cookie(secret_key: str | bytes) -> AttendeeCookie:
    return AttendeeCookie(secret_key)


def read_attendee_id(cookie_value: str | None, secret_key: str | bytes | None = None) -> str | None:
    """The attendee id in a signed cookie value, or None if absent or forged (``secret_key``:
    the app's, when called outside a request)."""
    if not cookie_value:
        return None
    return attendee_cookie(secret_key or current_app.secret_key).loads(cookie_value)


def new_attendee_id() -> str:
    return secrets.token_urlsafe(16)


def attendee_set_cookie(secret_key: str | bytes, attendee_id: str) -> str:
    """The ``Set-Cookie`` value that gives a new browser ``attendee_id`` (also sent by the fast
    route, conference/live/fast_pages.py)."""
    return set_cookie_header(attendee_cookie(secret_key).dumps(attendee_id))


def load_attendee() -> None:
    """Before each request: ``g.attendee_id`` from the cookie, or a new one to hand out."""
    cookies = request.cookies  # (``in`` first: a missing key costs .get() an exception)
    attendee_id = read_attendee_id(cookies[ATTENDEE_COOKIE] if ATTENDEE_COOKIE in cookies else None)
    g.new_attendee = attendee_id is None
    g.attendee_id = attendee_id or new_attendee_id()


def give_attendee_cookie(response):
    """After a page or API request of a new browser: set the signed attendee cookie."""
    if getattr(g, "new_attendee", False) and not request.path.startswith(NO_COOKIE_PATHS):
        response.headers.add(
            "Set-Cookie", attendee_set_cookie(current_app.secret_key, g.attendee_id)
        )
    return response


_expires: list = [None, ""]  # [second, its Expires date]: one date a second, not one a request


def set_cookie_header(value: str) -> str:
    """The ``Set-Cookie`` value ``response.set_cookie(ATTENDEE_COOKIE, value,
    max_age=COOKIE_MAX_AGE, httponly=True, samesite="Lax")`` writes, the same text, without
    werkzeug's quoting pass (a signed value is base64url and a dot: nothing to quote)."""
    now = int(time.time())
    second, expires = _expires
    if second != now:
        expires = http_date(now + COOKIE_MAX_AGE)
        _expires[:] = [now, expires]
    return (
        f"{ATTENDEE_COOKIE}={value}; Expires={expires}; Max-Age={COOKIE_MAX_AGE}; "
        "HttpOnly; Path=/; SameSite=Lax"
    )
