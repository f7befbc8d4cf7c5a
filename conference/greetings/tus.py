"""The tus 1.0.0 endpoint of a partner's invite: core, creation, creation-with-upload,
termination, expiration.

``/api/v1/invites/<token>/uploads`` takes ``OPTIONS`` (discovery) and ``POST`` (creation; with
a body of ``application/offset+octet-stream`` the first bytes come along, creation-with-upload);
``/api/v1/invites/<token>/uploads/<key>`` takes ``HEAD``, ``PATCH`` and ``DELETE``, and ``POST``
with ``X-HTTP-Method-Override: PATCH | HEAD | DELETE`` for clients behind proxies that pass only
GET and POST (tus 1.0.0 core); any other override gets ``405`` with ``Allow``. The invite
token is the credential, so CSRF does not apply. Errors are the protocol's JSON bodies in the
request's language (``?lang=`` or ``Accept-Language``); every answer carries ``Tus-Resumable``.
"""

from __future__ import annotations

import base64
import binascii
from pathlib import PurePosixPath

from flask import Blueprint, Response, jsonify, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from werkzeug.exceptions import MethodNotAllowed
from werkzeug.http import http_date

from conference.edge.bodies import ID_MAX
from conference.edge.text import check_text
from conference.errors import ServiceError, error_body
from conference.extensions import csrf
from conference.greetings import receiving, uploads
from conference.greetings.invites import find_invite
from conference.greetings.language import in_partner_language, language_of_request
from conference.greetings.settings import setting
from conference.http_rules import absolute_url
from conference.ops import metrics

TUS_VERSION = "1.0.0"
TUS_EXTENSIONS = "creation,creation-with-upload,termination,expiration"
METHOD_OVERRIDE = "X-HTTP-Method-Override"
OFFSET_CONTENT_TYPE = "application/offset+octet-stream"

bp = Blueprint("greetings_tus", __name__, url_prefix="/api/v1/invites/<token>/uploads")
csrf.exempt(bp)


class BadTusRequest(ServiceError):
    status = 400
    code = "bad_tus_request"


@bp.before_request
def own_size_limits():
    """Uploads stream to disk under the tus limits (``Upload-Length``, the invite's quota,
    at most ``[greetings] max_upload_bytes``), not the 1 MiB of other request bodies. (``None``
    would not lift it: Flask then falls back to ``MAX_CONTENT_LENGTH``.)"""
    request.max_content_length = setting("max_upload_bytes")


@bp.before_request
def require_tus_version():
    """412 for any tus version but 1.0.0 (OPTIONS, the discovery, needs none)."""
    if request.method == "OPTIONS" or request.headers.get("Tus-Resumable") == TUS_VERSION:
        return None
    with force_locale(language_of_request((request.view_args or {}).get("token"))):
        return _unsupported_version()


def _unsupported_version():
    response = jsonify(
        error_body(
            "unsupported_version",
            # TRANSLATORS: [partner]
            _(
                "This server speaks tus %(version)s; please update the upload program.",
                version=TUS_VERSION,
            ),
        )
    )
    response.status_code = 412
    return response


@bp.after_request
def add_tus_headers(response: Response) -> Response:
    response.headers["Tus-Resumable"] = TUS_VERSION
    if response.status_code == 412 or request.method == "OPTIONS":
        response.headers["Tus-Version"] = TUS_VERSION
    return response


@bp.route("", methods=["OPTIONS"])
@bp.route("/<key>", methods=["OPTIONS"])
@in_partner_language
def discover(token: str, key: str | None = None):
    """What this server supports: version, extensions, the largest upload."""
    find_invite(token)
    response = Response(status=204)
    response.headers["Tus-Extension"] = TUS_EXTENSIONS
    response.headers["Tus-Max-Size"] = str(setting("max_upload_bytes"))
    return response


@bp.route("", methods=["POST"])
@in_partner_language
def create(token: str):
    """Creation: ``Upload-Length`` and optional ``Upload-Metadata`` (filename, title, message,
    replaces) -> 201 with the upload's ``Location``. Nothing is stored when refused."""
    if request.headers.get(METHOD_OVERRIDE, "POST").strip().upper() != "POST":
        raise MethodNotAllowed(valid_methods=["OPTIONS", "POST"])
    invite = find_invite(token)
    if "Upload-Defer-Length" in request.headers:
        raise BadTusRequest(
            # TRANSLATORS: [partner]
            _("Please declare the file's size (Upload-Length) when the upload starts."),
            code="length_required",
        )
    length = _non_negative_int("Upload-Length")
    metadata = parse_metadata(request.headers.get("Upload-Metadata", ""))
    new = uploads.NewUpload(
        length=length,
        filename=safe_filename(metadata.get("filename") or metadata.get("name")),
        title=metadata.get("title", uploads.UNSET),
        message=metadata.get("message", uploads.UNSET),
        replaces=_replaces(metadata.get("replaces")),
    )
    with_upload = bool(request.content_length) or request.mimetype == OFFSET_CONTENT_TYPE
    if with_upload:
        _require_offset_content_type()
        if request.content_length is not None and request.content_length > length:
            raise receiving.too_many_bytes()
    greeting = uploads.start_upload(invite, new)
    if with_upload:
        with metrics.UPLOADS_IN_PROGRESS.track_inprogress():
            greeting = receiving.append_bytes(
                invite,
                greeting.upload_key,
                offset=0,
                content_length=request.content_length,
                stream=request.stream,
            )
    response = _offset_answer(201, greeting, greeting.upload_offset if with_upload else 0)
    response.headers["Location"] = upload_url(token, greeting.upload_key)
    return response


@bp.route("/<key>", methods=["POST"])
@in_partner_language
def overridden(token: str, key: str):
    """``POST`` with ``X-HTTP-Method-Override``: answered as that method would be (a link
    that does not exist is 404 first, as for every other method of the upload)."""
    find_invite(token)
    method = request.headers.get(METHOD_OVERRIDE, "").strip().upper()
    views = {"PATCH": append, "HEAD": status, "DELETE": terminate}
    if method not in views:
        raise MethodNotAllowed(valid_methods=["OPTIONS", *views])
    response = views[method](token=token, key=key)
    if method == "HEAD":
        response.set_data(b"")
    return response


@bp.route("/<key>", methods=["HEAD"])
@in_partner_language
def status(token: str, key: str):
    """Core: how many bytes arrived (``Upload-Offset``), never cached."""
    greeting = uploads.find_upload(find_invite(token), key)
    response = Response(status=200)
    response.headers["Upload-Offset"] = str(receiving.received_bytes(greeting))
    response.headers["Upload-Length"] = str(greeting.upload_length)
    response.headers["Cache-Control"] = "no-store"
    if greeting.status == "uploading":
        response.headers["Upload-Expires"] = http_date(greeting.upload_expires_at)
    metadata = encode_metadata(
        {"filename": greeting.upload_filename, "title": greeting.title, "message": greeting.message}
    )
    if metadata:
        response.headers["Upload-Metadata"] = metadata
    return response


@bp.route("/<key>", methods=["PATCH"])
@in_partner_language
def append(token: str, key: str):
    """Core: the body's bytes at ``Upload-Offset`` -> 204 with the new offset."""
    invite = find_invite(token)
    _require_offset_content_type()
    offset = _non_negative_int("Upload-Offset")
    with metrics.UPLOADS_IN_PROGRESS.track_inprogress():
        greeting = receiving.append_bytes(
            invite, key, offset=offset, content_length=request.content_length, stream=request.stream
        )
    return _offset_answer(204, greeting, greeting.upload_offset)


def _offset_answer(status_code: int, greeting, offset: int) -> Response:
    """An answer with ``Upload-Offset`` (and ``Upload-Expires`` while the upload is open)."""
    response = Response(status=status_code)
    response.headers["Upload-Offset"] = str(offset)
    if greeting.status == "uploading":
        response.headers["Upload-Expires"] = http_date(greeting.upload_expires_at)
    return response


@bp.route("/<key>", methods=["DELETE"])
@in_partner_language
def terminate(token: str, key: str):
    """Termination: the upload and its greeting are withdrawn -> 204."""
    uploads.terminate_upload(find_invite(token), key)
    return Response(status=204)


def upload_url(token: str, key: str) -> str:
    """The absolute URL of an upload, keeping the request's ``?lang=`` for later messages."""
    extra = {"lang": request.args["lang"]} if "lang" in request.args else {}
    return absolute_url(url_for("greetings_tus.status", token=token, key=key, **extra))


def parse_metadata(header: str) -> dict[str, str]:
    """``Upload-Metadata``: comma-separated ``key base64value`` pairs (the value may be absent)."""
    metadata: dict[str, str] = {}
    if not header.strip():
        return metadata
    for pair in header.split(","):
        parts = pair.strip().split(" ")
        if not parts[0] or len(parts) > 2 or parts[0] in metadata:
            raise _bad_metadata()
        value = ""
        if len(parts) == 2:
            try:
                value = base64.b64decode(parts[1], validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError):
                raise _bad_metadata() from None
        metadata[parts[0]] = check_text(value, f"Upload-Metadata {parts[0]}")
    return metadata


def encode_metadata(values: dict[str, str | None]) -> str:
    return ",".join(
        f"{key} {base64.b64encode(value.encode()).decode()}"
        for key, value in values.items()
        if value
    )


def safe_filename(name: str | None) -> str | None:
    """Only the base name, without folders or control characters; it is only ever shown."""
    if not name:
        return None
    base = PurePosixPath(name.replace("\\", "/")).name
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    if base in ("", ".", ".."):
        return None
    return base[-255:]


def _replaces(value: str | None) -> int | None:
    if value is None or value == "":
        return None
    if (
        not (value.isascii() and value.isdigit() and len(value) <= 12)
        or not 0 < int(value) <= ID_MAX
    ):
        raise _bad_metadata()
    return int(value)


def _require_offset_content_type() -> None:
    if request.mimetype != OFFSET_CONTENT_TYPE:
        raise ServiceError(
            # TRANSLATORS: [partner]
            _("The upload must be sent as %(type)s.", type=OFFSET_CONTENT_TYPE),
            code="unsupported_media_type",
            status=415,
        )


def _non_negative_int(header: str) -> int:
    raw = request.headers.get(header, "")
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 19):
        raise BadTusRequest(
            # TRANSLATORS: [partner]
            _("The header %(header)s must be a whole number of bytes.", header=header),
            code="bad_header",
        )
    return int(raw)


def _bad_metadata() -> BadTusRequest:
    return BadTusRequest(
        # TRANSLATORS: [partner]
        _("The upload's description (Upload-Metadata) cannot be read."),
        code="bad_metadata",
    )
