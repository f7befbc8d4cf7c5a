"""Serving processed greeting files: ``GET /media/greetings/<name>``.

Ranges (206) for seeking, ETag and Last-Modified, the right Content-Type. Names are random
and a file never changes, so files of approved greetings are cached for a year
(``immutable``). Files of greetings not yet approved are served only to a signed-in
moderator of its event or with a signed ``?access=`` token (given to moderators and to the partner in
the greeting's ``video_url``), valid for :data:`PREVIEW_LIFETIME_S`. With
``[greetings] accel_redirect_prefix`` set, nginx sends the bytes (``X-Accel-Redirect``).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, Response, abort, current_app, has_request_context, request, send_file
from itsdangerous import BadSignature, URLSafeTimedSerializer

from conference.db import db
from conference.greetings import storage
from conference.greetings.models import Greeting
from conference.greetings.settings import setting
from conference.http_rules import absolute_url

PREVIEW_LIFETIME_S = 6 * 3600
PUBLIC_CACHE = "public, max-age=31536000, immutable"
PREVIEW_CACHE = "private, max-age=3600"

bp = Blueprint("greetings_media", __name__)


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="greeting-preview")


def media_url(
    relative_name: str | None, *, signed: bool = False, absolute: bool = False
) -> str | None:
    """The URL of a processed file (``greetings/<stem>.mp4``); ``signed`` adds a preview token.

    ``absolute`` (the JSON API's ``video_url``/``poster_url``, PROTOCOL 1.1) starts it with
    ``[server] public_url`` when set (behind a proxy that ends TLS), else with this request's
    scheme and host. The snapshot's copy stays a path: it is built once for every client of
    every host name the server answers to.
    """
    if not relative_name:
        return None
    name = relative_name.removeprefix(f"{storage.PUBLISHED}/")
    root = request.script_root if has_request_context() else ""
    url = f"{root}/media/greetings/{name}"
    if signed:
        url += "?access=" + _signer().dumps(name)
    if absolute and has_request_context():
        url = absolute_url(url)
    return url


def _may_preview(name: str, greeting: Greeting) -> bool:
    token = request.args.get("access")
    if token:
        try:
            return _signer().loads(token, max_age=PREVIEW_LIFETIME_S) == name
        except BadSignature:
            return False
    from conference.users.access import may_in
    from conference.users.auth import session_user

    return may_in(session_user(), greeting.event, "moderator")


@bp.get("/media/greetings/<name>")
def greeting_file(name: str):
    """A greeting's video or poster; 404 for anything not (yet) visible to the asker."""
    path = storage.published_path(name)
    if path is None:
        abort(404)
    relative = f"{storage.PUBLISHED}/{name}"
    greeting = db.session.scalar(
        sa.select(Greeting).where(
            sa.or_(Greeting.video_file == relative, Greeting.poster_file == relative)
        )
    )
    if greeting is None or not (greeting.is_public or _may_preview(name, greeting)):
        abort(404)
    cache = PUBLIC_CACHE if greeting.is_public else PREVIEW_CACHE
    prefix = setting("accel_redirect_prefix")
    if prefix:
        response = Response(status=200, mimetype=storage.content_type(name))
        response.headers["X-Accel-Redirect"] = f"{prefix.rstrip('/')}/{relative}"
    else:
        if not path.is_file():
            abort(404)
        response = send_file(path, mimetype=storage.content_type(name), conditional=True, etag=True)
    response.headers["Cache-Control"] = cache
    return response
