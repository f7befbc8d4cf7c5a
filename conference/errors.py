"""Errors: JSON bodies under ``/api/``, friendly pages elsewhere, never a stack trace.

Services raise :class:`ServiceError` subclasses with a stable ``code`` and a message that is
already translated (``_()`` in the request's language) or lazily translatable (``_l()``).
"""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


class ServiceError(Exception):
    """A refusal with an HTTP status, a snake_case code and a human-readable message."""

    status = 400
    code = "bad_request"

    def __init__(self, message, code: str | None = None, status: int | None = None, **extra):
        super().__init__(str(message))
        self.message = message
        if code:
            self.code = code
        if status:
            self.status = status
        self.extra = extra


class NotFound(ServiceError):
    status = 404
    code = "not_found"


class Invalid(ServiceError):
    """A missing or wrong argument, or something the current state forbids (422)."""

    status = 422
    code = "invalid"


class Conflict(ServiceError):
    status = 409
    code = "conflict"


class TooManyRequests(ServiceError):
    """A limit against abuse was reached; the same request may succeed a little later (429)."""

    status = 429
    code = "too_many_requests"


class Unauthorized(ServiceError):
    status = 401
    code = "unauthorized"


class Forbidden(ServiceError):
    status = 403
    code = "forbidden"


def error_body(code: str, message) -> dict:
    """The protocol's error object."""
    return {"error": {"code": code, "message": str(message)}}


def wants_json() -> bool:
    """API paths, and requests that accept JSON rather than HTML, get JSON errors."""
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    410: "gone",
    412: "precondition_failed",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "too_many_requests",
    500: "internal_error",
}


def http_message(status: int) -> str:
    """A translated sentence for a bare HTTP status."""
    messages = {
        400: _("The request could not be understood."),
        401: _("Please sign in first."),
        403: _("You are not allowed to do that."),
        404: _("Nothing was found at this address."),
        405: _("This address does not accept that method."),
        409: _("Somebody changed this in the meantime. Reload and try again."),
        410: _("This is no longer available."),
        413: _("That is too large."),
        415: _("That type of content is not accepted here."),
        429: _("Too many requests. Please wait a moment and try again."),
    }
    return messages.get(status, _("Something went wrong on our side. Please try again."))


def register_error_handlers(app: Flask) -> None:
    """JSON errors for the API, HTML pages for people, the same status either way."""

    def respond(status: int, code: str, message):
        if wants_json():
            response = jsonify(error_body(code, message))
            response.status_code = status
        else:
            response = app.make_response(
                (render_template("error.html", status=status, message=str(message)), status)
            )
        return response

    @app.errorhandler(ServiceError)
    def _service_error(exc: ServiceError):
        return respond(exc.status, exc.code, exc.message)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        status = exc.code or 500
        response = app.make_response(
            respond(status, HTTP_CODES.get(status, "error"), http_message(status))
        )
        headers = dict(exc.get_headers())
        for header in ("Retry-After", "Allow", "WWW-Authenticate"):
            if header in headers:
                response.headers[header] = headers[header]
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        # The route's pattern, never the path: paths carry invite tokens and upload keys.
        route = request.url_rule.rule if request.url_rule is not None else "-"
        log.exception("unhandled error on %s %s", request.method, route)
        return respond(500, "internal_error", http_message(500))
