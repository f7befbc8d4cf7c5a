"""The fast route: the cached live page and the state endpoint answered in front of Flask.

When everyone opens the live page at once, each request asks for bytes that already exist:
the page rendered a moment ago (:mod:`conference.live.page_cache`), or the snapshot's JSON and
its ETag (``CachedEvent.state_body``). Through Flask each such answer paid for a request
context, routing, a response object and a dozen hooks, several times the work of the answer
itself (docs/benchmarks.md, "Pages, per-request work"). This WSGI middleware answers exactly

- ``GET /events/<slug>``: the attendee's live page, when a fresh shared copy for the visitor's
  language is cached, the event has not ended (a participant's certificate offer is never
  shared) and does not require registration (as this process has already looked up);
- ``GET /api/v1/events/<slug>/state``: the snapshot or ``304``, for an event in memory;

from those bytes, and hands every other request to the app unchanged: another method, a query
string, a body, a session cookie or an ``Authorization`` header (whose answers may be
personal or ``no-store``), an event not in memory, a page not cached or a path that Flask would
route elsewhere. What the answer carries comes from the same functions the Flask views and
hooks use, not from copies: the body and headers (``CachedPage.answer``, ``state_answer``),
the security headers (``security.security_headers``), the language choice
(``i18n.choose_language`` via ``page_cache.fresh_page``), the attendee cookie
(``attendees``), the request log line (``logs.request_line``) and the status counter
(``ops.count_status``). Neither route has a rate limit (the app's limits are all on other
routes' views, conference/ratelimit.py); the server's ``Date`` header is the server's.

``[server] fast_pages = false`` (``CONFERENCE_SERVER_FAST_PAGES=false``, or the app config key
``FAST_PAGES``) leaves it out: every request goes through Flask, with the same answers.
"""

from __future__ import annotations

import functools
import re
import time

from werkzeug.http import parse_cookie
from werkzeug.wsgi import get_host

from conference import attendees, security
from conference.i18n import LANG_COOKIE
from conference.live.api import state_answer
from conference.live.page_cache import fresh_page
from conference.live.publish import live_hub
from conference.ops import count_status
from conference.ops.logs import request_line
from conference.participants.gate import known_mode

PAGE = re.compile(r"/events/([A-Za-z0-9_-]{1,80})")
STATE = re.compile(r"/api/v1/events/([A-Za-z0-9_-]{1,80})/state")
PAGE_ROUTE = ("live.event_home", "/events/<slug>")
STATE_ROUTE = ("live_api.state", "/api/v1/events/<slug>/state")
# Anything of these in a request and Flask answers it (see the module's docstring).
NOT_FAST = ("QUERY_STRING", "HTTP_AUTHORIZATION", "CONTENT_LENGTH", "HTTP_TRANSFER_ENCODING")
STATUS_LINES = {200: "200 OK", 304: "304 NOT MODIFIED"}


class FastPages:
    """WSGI middleware in front of the app's own (see the module's docstring)."""

    def __init__(self, wsgi_app, app):
        self.wsgi_app = wsgi_app
        self.app = app
        self.hub = live_hub(app)
        self.session_cookie = app.config["SESSION_COOKIE_NAME"]
        self.default_language = app.config["DEFAULT_LANGUAGE"]
        self._routed: dict[str, bool] = {}
        self.served = 0  # answers given here (tests, and a look in a debugger)

    def __call__(self, environ, start_response):
        if environ["REQUEST_METHOD"] == "GET" and not any(environ.get(k) for k in NOT_FAST):
            answer = self._answer(environ)
            if answer is not None:
                status, body, headers = answer
                self.served += 1
                start_response(STATUS_LINES[status], headers)
                return [body]
        return self.wsgi_app(environ, start_response)

    def _answer(self, environ) -> tuple[int, bytes, list[tuple[str, str]]] | None:
        started = time.perf_counter()
        path = environ.get("PATH_INFO", "")
        match = PAGE.fullmatch(path)
        route = PAGE_ROUTE
        if match is None:
            match = STATE.fullmatch(path)
            route = STATE_ROUTE
            if match is None:
                return None
        slug = match[1]
        entry = self.hub.cache.peek(slug)
        if entry is None:
            return None
        cookies = _cookies(environ.get("HTTP_COOKIE"))
        if self.session_cookie in cookies:
            return None
        if not self._routes_here(path, route[0]):
            return None
        if route is PAGE_ROUTE:
            answer = self._page(environ, slug, entry, cookies)
            if answer is None:
                return None
        else:
            answer = state_answer(entry, environ.get("HTTP_IF_NONE_MATCH"))
        status, body, headers = answer
        headers = headers + self._common_headers(environ, route[0], path, cookies)
        count_status(status)
        request_line("GET", route[1], status, slug, None, started)
        return status, body, headers

    def _page(self, environ, slug, entry, cookies):
        seq = entry.seq
        if entry.snapshot["event"]["status"] == "ended":
            return None  # a registered participant's page offers the certificate: Flask's
        mode = known_mode(self.app, slug, seq)
        if mode is None or mode[1] == "required":
            return None
        cached = fresh_page(
            self.app,
            "attendee",
            slug,
            seq,
            b"",
            cookies[LANG_COOKIE] if LANG_COOKIE in cookies else None,
            environ.get("HTTP_ACCEPT_LANGUAGE"),
        )
        if cached is None:
            return None
        body, headers = cached.answer(environ.get("HTTP_ACCEPT_ENCODING"))
        return 200, body, headers

    def _common_headers(self, environ, endpoint, path, cookies) -> list[tuple[str, str]]:
        """The security headers, and the attendee cookie for a browser that has none."""
        scheme = environ.get("wsgi.url_scheme", "http")
        host = _host(
            scheme, environ.get("HTTP_HOST"), environ.get("SERVER_NAME"), environ.get("SERVER_PORT")
        )
        secure = scheme in ("https", "wss")
        headers = security.security_headers(self.app, endpoint, path, host, secure)
        secret = self.app.secret_key
        value = cookies[attendees.ATTENDEE_COOKIE] if attendees.ATTENDEE_COOKIE in cookies else None
        if attendees.read_attendee_id(value, secret) is None:
            cookie = attendees.attendee_set_cookie(secret, attendees.new_attendee_id())
            return [*headers, ("Set-Cookie", cookie)]
        return headers

    def _routes_here(self, path: str, endpoint: str) -> bool:
        """Whether Flask routes a GET of ``path`` to ``endpoint`` (asked once per path; only
        paths of events in memory get here, so the memo is as small as the event list)."""
        known = self._routed.get(path)
        if known is None:
            try:
                found, _args = self.app.url_map.bind("localhost").match(path, "GET")
            except Exception:  # noqa: BLE001 (a redirect or a 404: not ours either way)
                found = None
            known = found == endpoint
            if len(self._routed) >= 4096:
                self._routed.clear()
            self._routed[path] = known
        return known


@functools.lru_cache(maxsize=1024)
def _cookies(header: str | None):
    """``request.cookies`` of a ``Cookie`` header (werkzeug's parser; kept per header text, as
    a returning attendee sends the same one on every request). Read only."""
    return parse_cookie(header)


@functools.lru_cache(maxsize=64)
def _host(scheme: str, host_header: str | None, server_name, server_port) -> str:
    """``request.host``: werkzeug's, per distinct (scheme, Host, server) of which a server
    sees a handful."""
    environ = {"wsgi.url_scheme": scheme, "SERVER_NAME": server_name, "SERVER_PORT": server_port}
    if host_header is not None:
        environ["HTTP_HOST"] = host_header
    return get_host(environ)


def install(app) -> None:
    """Put the fast route in front of ``app``'s WSGI application unless switched off, or
    unless Flask checks hosts (``TRUSTED_HOSTS``, ``SERVER_NAME``): then Flask answers all."""
    if app.config.get("TRUSTED_HOSTS") or app.config.get("SERVER_NAME"):
        return
    if app.config.get("FAST_PAGES", True):
        app.wsgi_app = FastPages(app.wsgi_app, app)
