"""What every answer tells the browser about itself.

- ``Content-Security-Policy``: scripts, styles, fonts, media and connections from this site
  only, never inline (every script is a file under ``static/js/``; page data travels in
  ``<script type="application/json">`` blocks, which are not executed and so not covered by
  ``script-src``). Images may also come from any https address, because an event's logo and
  a contest entry's picture are addresses that organisers type.
- Framing: no page may be framed (``frame-ancestors 'none'`` and ``X-Frame-Options: DENY``),
  except the screen view, which the origins listed in ``[security] screen_frame_ancestors``
  may frame (for a streaming studio or a video call that shows a web page).
- ``X-Content-Type-Options: nosniff`` and ``Referrer-Policy: strict-origin-when-cross-origin``;
  ``no-referrer`` where the address itself is a secret (the partner's upload page and API).
- Over https (as the browser sees it, so behind a proxy after ``server.proxy_fix``): HSTS,
  and ``Secure`` on every cookie (:class:`SecureCookiesOverHttps`).
- ``Cache-Control: no-store`` on every answer that may show a secret (see
  :func:`shows_secrets`), so no shared cache and no back button keeps it.
"""

from __future__ import annotations

import functools
import re

from flask import Flask, current_app, request

from conference.config import ConfigError

SCREEN_ENDPOINT = "live.screen"
# Paths whose answers show secrets whoever asks: the admin, the moderator's pages (console,
# ceremony, tallies, join codes, greeting review, upload links), the jury and its decision,
# and everything reached with a partner's token.
SECRET_PATH_PREFIXES = ("/admin/", "/moderate/", "/jury/", "/partner/", "/api/v1/invites/")
# Files keep the caching their views chose (a file is the same for everyone who may fetch it;
# an unapproved greeting's preview is "private" already), even for a signed-in moderator.
FILE_ENDPOINTS = frozenset(
    {
        "static",
        "greetings_media.greeting_file",
        "images.image_file",
        "images.theme",
        "images.favicon",
    }
)
# Paths that carry a token: the address must not travel on in a Referer header.
TOKEN_PATH_PREFIXES = ("/partner/", "/api/v1/invites/")

# A host as it may appear in an origin: name or IPv4, or an IPv6 literal, and a port.
HOST_PATTERN = re.compile(r"(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?")
ORIGIN_PATTERN = re.compile(r"https?://" + HOST_PATTERN.pattern)


def frame_ancestors_setting(origins: list) -> str:
    """The screen view's ``frame-ancestors`` sources from the configured list; refuses garbage
    (a typo here would silently either block the studio or open the screen to everybody)."""
    for origin in origins:
        if not isinstance(origin, str) or not ORIGIN_PATTERN.fullmatch(origin.rstrip("/")):
            raise ConfigError(
                "security.screen_frame_ancestors: each entry must be an origin such as "
                f'"https://studio.example.lv", not {origin!r}'
            )
    return " ".join(origin.rstrip("/") for origin in origins) or "'none'"


@functools.lru_cache(maxsize=64)
def content_security_policy(frame_ancestors: str, socket_origin: str) -> str:
    """The policy for one page. ``socket_origin`` (``wss://host``) is named besides ``'self'``
    because browsers before CSP level 3 (Safari until 15.4) do not count the same host's
    WebSocket as ``'self'``; Chromium and Firefox do."""
    connect = f"'self' {socket_origin}" if socket_origin else "'self'"
    return "; ".join(
        (
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' https:",
            "media-src 'self'",
            f"connect-src {connect}",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            f"frame-ancestors {frame_ancestors}",
        )
    )


def socket_origin() -> str:
    """``ws://host`` or ``wss://host`` of this request ('' for a Host header that is no host)."""
    return _socket_origin(request.host, request.is_secure)


@functools.lru_cache(maxsize=64)
def _socket_origin(host: str, secure: bool) -> str:
    """(Kept per host: a server answers for one or two names; the cache is bounded.)"""
    if not HOST_PATTERN.fullmatch(host):
        return ""
    return ("wss://" if secure else "ws://") + host


def shows_secrets() -> bool:
    """Whether this answer may show a secret: a secret path, or an answer for credentials
    (a bearer token, or a signed-in user: their pages and API answers are theirs alone)."""
    if request.path.startswith(SECRET_PATH_PREFIXES):
        return True
    if request.environ.get("HTTP_AUTHORIZATION"):
        return True
    if request.endpoint in FILE_ENDPOINTS:
        return False
    # Only look into the session when the browser sent one: reading it adds "Vary: Cookie",
    # which would make the public pages and API answers of everyone else uncacheable.
    if current_app.config["SESSION_COOKIE_NAME"] not in request.cookies:
        return False
    from conference.users.auth import session_user

    return session_user() is not None


def add_security_headers(response):
    """After every request: the headers described in this module's docstring."""
    headers = response.headers
    for name, value in security_headers(
        current_app, request.endpoint, request.path, request.host, request.is_secure
    ):
        headers[name] = value
    if shows_secrets():
        headers["Cache-Control"] = "no-store"
    return response


def security_headers(
    app: Flask, endpoint: str | None, path: str, host: str, secure: bool
) -> list[tuple[str, str]]:
    """The headers every answer to ``path`` (routed to ``endpoint``) carries, but for
    ``Cache-Control: no-store`` (:func:`shows_secrets`): what :func:`add_security_headers`
    sets, and what the fast route (conference/live/fast_pages.py) sends."""
    ancestors = "'none'"
    if endpoint == SCREEN_ENDPOINT:
        ancestors = app.config["SCREEN_FRAME_ANCESTORS"]
    hsts = int(app.config["SETTINGS"]["security"]["hsts_max_age"]) if secure else 0
    return _security_headers(
        ancestors, _socket_origin(host, secure), path.startswith(TOKEN_PATH_PREFIXES), hsts
    )


@functools.lru_cache(maxsize=256)
def _security_headers(
    ancestors: str, socket_origin: str, token_in_url: bool, hsts_max_age: int
) -> list[tuple[str, str]]:
    """(Kept per combination: a handful exist. Callers must not change the list.)"""
    headers = [("Content-Security-Policy", content_security_policy(ancestors, socket_origin))]
    if ancestors == "'none'":
        headers.append(("X-Frame-Options", "DENY"))  # for browsers that predate frame-ancestors
    headers.append(("X-Content-Type-Options", "nosniff"))
    headers.append(
        ("Referrer-Policy", "no-referrer" if token_in_url else "strict-origin-when-cross-origin")
    )
    if hsts_max_age > 0:
        headers.append(("Strict-Transport-Security", f"max-age={hsts_max_age}"))
    return headers


class SecureCookiesOverHttps:
    """WSGI middleware: adds ``Secure`` to every cookie of an answer to an https request.

    One place for every cookie (the session, which also holds the CSRF token; the language;
    the attendee identity; any added later), whichever part of the app sets it. It sits inside
    ProxyFix, so behind a proxy "https" is what the proxy's X-Forwarded-Proto says; on plain
    http the cookies stay as they are (a Secure cookie would never come back).
    """

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        if environ.get("wsgi.url_scheme") != "https":
            return self.wsgi_app(environ, start_response)

        def secure_start_response(status, headers, exc_info=None):
            headers = [
                (name, _secure(value) if name.lower() == "set-cookie" else value)
                for name, value in headers
            ]
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, secure_start_response)


def _secure(cookie: str) -> str:
    attributes = {part.strip().lower() for part in cookie.split(";")[1:]}
    return cookie if "secure" in attributes else cookie + "; Secure"


def init_app(app: Flask) -> None:
    """Check the framing setting and add the headers to every answer.

    The cookie middleware is added by :func:`conference.app.create_app` right inside ProxyFix.
    """
    settings = app.config["SETTINGS"]["security"]
    app.config["SCREEN_FRAME_ANCESTORS"] = frame_ancestors_setting(
        settings["screen_frame_ancestors"]
    )
    app.after_request(add_security_headers)
