"""The API's description: ``GET /api/v1/openapi.json`` (PROTOCOL 1.1), an OpenAPI 3.1 document.

It is written by hand, once, as ``openapi.json`` beside this file: the contract that tests hold
the code to (every ``/api/v1`` route described and nothing else, every answer of the API tests
valid against it, and schemathesis against a running server), not something derived from the
code that would change with it.
"""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path

from flask import Blueprint, Response, request

DESCRIPTION_FILE = Path(__file__).with_name("openapi.json")

bp = Blueprint("api_description", __name__, url_prefix="/api/v1")


@functools.cache
def description() -> dict:
    """The OpenAPI document as a dict (read once per process)."""
    return json.loads(DESCRIPTION_FILE.read_text(encoding="utf-8"))


@functools.cache
def _body() -> tuple[bytes, str]:
    body = DESCRIPTION_FILE.read_bytes()
    return body, hashlib.sha256(body).hexdigest()[:32]


@bp.get("/openapi.json")
def openapi():
    """The description, with an ETag (compared weakly) and revalidated on every use."""
    body, etag = _body()
    response = Response(body, mimetype="application/json")
    response.set_etag(etag)
    response.headers["Cache-Control"] = "no-cache"
    return response.make_conditional(request)


def init_app(app) -> None:
    app.register_blueprint(bp)


__all__ = ["description", "init_app"]
