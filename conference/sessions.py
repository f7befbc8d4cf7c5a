"""Flask's signed-cookie session, without its per-request work for browsers that have none.

Flask builds a new signing serializer (key list, salt, JSON serializer, signer options) at the
start of every request, cookie or not, and reads seven cookie settings at its end even when
the session stayed empty and untouched. Most requests (attendees, their pages, the state
endpoint, files) carry no session cookie. Here the serializer is built once per secret key
(and fallback keys), a request without the cookie gets an empty session straight away, and an
empty, unchanged session only gets its ``Vary: Cookie`` when it was looked at. The cookie, its signature, its lifetime and
``Vary: Cookie`` are Flask's, unchanged.
"""

from __future__ import annotations

from flask.sessions import SecureCookieSessionInterface


class SessionWhenSent(SecureCookieSessionInterface):
    def __init__(self) -> None:
        self._serializers: dict[tuple, object] = {}

    def get_signing_serializer(self, app):
        key = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        serializer = self._serializers.get(key)
        if serializer is None:
            serializer = super().get_signing_serializer(app)
            if len(self._serializers) > 8:  # tests make apps with many keys; a server has one
                self._serializers.clear()
            self._serializers[key] = serializer
        return serializer

    def open_session(self, app, request):
        if app.secret_key and self.get_cookie_name(app) not in request.cookies:
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app, session, response) -> None:
        if not session and not session.modified:
            # What Flask's save_session does for an empty session it need not delete, after
            # reading seven cookie settings: "Vary: Cookie" when it was looked at, nothing else.
            if session.accessed:
                _vary_on_cookie(response)
            return
        super().save_session(app, session, response)


def _vary_on_cookie(response) -> None:
    """``response.vary.add("Cookie")``, without parsing and rewriting the header when there is
    none yet or it says so already (werkzeug's header set does both on every call)."""
    vary = response.headers.get("Vary")
    if not vary:
        response.headers["Vary"] = "Cookie"
    elif "cookie" not in {part.strip().lower() for part in vary.split(",")}:
        response.vary.add("Cookie")
