"""Two HTTP rules every answer keeps (PROTOCOL 1.1), whichever view made it.

- ``If-None-Match`` is compared weakly (RFC 9110 §13.1.2): ``W/"x"`` matches ``"x"`` and
  ``W/"x"``, a list matches when any member does, ``*`` matches any current representation.
  A compressing proxy turns strong ETags weak, and the answer must still be ``304``. Views
  that know their ETag answer ``304`` themselves; this hook catches any ``200`` with an ETag
  that a view answered in full anyway (or compared strongly), so no route can forget.
- Every ``401`` carries ``WWW-Authenticate: Bearer`` (RFC 6750), with ``error="invalid_token"``
  when the request did send a bearer token.

(Ids in paths beyond what an INTEGER column holds: :mod:`conference.edge.bodies`.)

And one for addresses: :func:`absolute_url` is how every absolute URL the server hands out is
made (tus ``Location``, the API's greeting files, the calendar feed link).
"""

from __future__ import annotations

import functools

from flask import Flask, Response, current_app, request
from werkzeug.http import parse_etags

CHALLENGE = 'Bearer realm="conference"'


def weakly_unmodified(response: Response) -> bool:
    """True when the request's ``If-None-Match`` matches the answer's ETag, compared weakly."""
    etag, _weak = response.get_etag()
    return bool(etag) and none_match(request.environ.get("HTTP_IF_NONE_MATCH"), etag)


def none_match(if_none_match: str | None, etag: str) -> bool:
    """Whether an ``If-None-Match`` header (raw, None when absent) matches ``etag`` (unquoted),
    compared weakly: ``request.if_none_match.contains_weak(etag)`` of a request."""
    return bool(if_none_match) and _etags(if_none_match).contains_weak(etag)


@functools.lru_cache(maxsize=256)
def _etags(if_none_match: str):
    return parse_etags(if_none_match)


def apply_http_rules(response: Response) -> Response:
    if response.status_code == 401 and "WWW-Authenticate" not in response.headers:
        sent_token = request.headers.get("Authorization", "").lower().startswith("bearer ")
        response.headers["WWW-Authenticate"] = (
            CHALLENGE + ', error="invalid_token"' if sent_token else CHALLENGE
        )
    if (
        "HTTP_IF_NONE_MATCH" in request.environ
        and request.method in ("GET", "HEAD")
        and response.status_code == 200
        and "Range" not in request.headers
        and weakly_unmodified(response)
    ):
        response.close()
        response.direct_passthrough = False
        response.set_data(b"")
        response.status_code = 304
        for header in ("Content-Length", "Content-Encoding", "Content-Disposition"):
            response.headers.pop(header, None)
    return response


def absolute_url(path: str) -> str:
    """``path`` (as ``url_for`` makes it, with the script root) as an absolute URL.

    Behind a proxy that ends TLS the request looks like plain HTTP, so ``[server] public_url``
    gives the scheme and host when it is set; else this request's.
    """
    public = (current_app.config.get("PUBLIC_URL") or "").rstrip("/")
    if public:
        return public + path.removeprefix(request.script_root)
    return request.host_url.rstrip("/") + path


def init_app(app: Flask) -> None:
    """Register the rules. Flask runs after-request hooks last-registered first, so the app
    factory registers this one before the others and it sees every answer as it leaves."""
    app.after_request(apply_http_rules)
