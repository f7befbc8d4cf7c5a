"""Receiving the bytes of a tus upload: PATCH bodies streamed to disk, never held in memory.

The file on disk is the truth for how many bytes arrived (a crash between writing and
committing loses nothing); ``Greeting.upload_offset`` follows it.
"""

from __future__ import annotations

import os

from flask_babel import gettext as _
from werkzeug.exceptions import ClientDisconnected

from conference.db import db
from conference.errors import Conflict, NotFound, ServiceError
from conference.greetings import storage
from conference.greetings.errors import TooLarge
from conference.greetings.models import Greeting, Invite
from conference.greetings.uploads import busy_error, find_upload, next_expiry

# gevent's request reader drops a short read when the connection breaks mid-read, so what a
# broken request loses is at most one read: keep reads small (throughput stays >200 MiB/s).
READ_SIZE = 64 * 1024


def received_bytes(greeting: Greeting) -> int:
    """Bytes received so far: the upload file's size while uploading, then the full length."""
    if greeting.status != "uploading":
        return greeting.upload_offset
    try:
        return min(storage.upload_path(greeting.upload_key).stat().st_size, greeting.upload_length)
    except FileNotFoundError:
        return greeting.upload_offset


def append_bytes(
    invite: Invite, key: str, *, offset: int, content_length: int | None, stream
) -> Greeting:
    """Write the body of a tus PATCH at ``offset``; start processing after the last byte.

    Refuses: a finished upload (409 ``upload_complete``), a wrong offset (409
    ``offset_mismatch``), more bytes than declared (413 ``too_many_bytes``, checked from
    Content-Length before reading and again while reading; nothing is kept of such a
    request), a second writer at the same time (423 ``upload_busy``). Bytes of a body cut
    short by the network are kept so the client can resume after them. Commits, and
    enqueues ``process_greeting`` once the upload is complete.
    """
    greeting = find_upload(invite, key)
    if greeting.status != "uploading":
        if offset == greeting.upload_length and not content_length:
            return greeting
        raise Conflict(
            # TRANSLATORS: [partner]
            _("This upload is already complete; nothing more can be added to it."),
            code="upload_complete",
        )
    # No transaction stays open while the body streams in (minutes, for a large file).
    db.session.commit()
    try:
        with storage.locked_upload(key) as handle:
            if os.fstat(handle.fileno()).st_nlink == 0:
                raise FileNotFoundError(key)
            start = os.fstat(handle.fileno()).st_size
            if offset != start:
                raise Conflict(
                    # TRANSLATORS: [partner]
                    _(
                        "The upload continues at byte %(expected)s, not %(offset)s.",
                        expected=start,
                        offset=offset,
                    ),
                    code="offset_mismatch",
                    expected_offset=start,
                )
            remaining = greeting.upload_length - start
            if content_length is not None and content_length > remaining:
                raise too_many_bytes()
            handle.seek(start)
            written, overflow = _receive(stream, handle, remaining)
            if overflow:
                handle.truncate(start)
                raise too_many_bytes()
            handle.flush()
            received = start + written
    except storage.UploadBusy:
        raise busy_error() from None
    except FileNotFoundError:
        raise NotFound(
            # TRANSLATORS: [partner]
            _("There is no such upload. Please start again."),
            code="upload_not_found",
        ) from None
    return _record_progress(greeting, key, received)


def _receive(stream, handle, limit: int) -> tuple[int, bool]:
    """Copy the body into ``handle``; returns (bytes written, whether it went past ``limit``).

    A body cut short by the network ends the copy quietly: what arrived is kept.
    """
    written = 0
    while True:
        try:
            chunk = stream.read(min(READ_SIZE, limit - written + 1))
        except (ClientDisconnected, OSError):
            return written, False
        if not chunk:
            return written, False
        if written + len(chunk) > limit:
            return written, True
        handle.write(chunk)
        written += len(chunk)


def _record_progress(greeting: Greeting, key: str, received: int) -> Greeting:
    greeting = db.session.get(Greeting, greeting.id, populate_existing=True)
    if greeting is None or greeting.upload_key != key:
        # TRANSLATORS: [partner]
        raise NotFound(_("There is no such upload. Please start again."), code="upload_not_found")
    greeting.upload_offset = received
    greeting.upload_expires_at = next_expiry()
    complete = received == greeting.upload_length
    if complete:
        greeting.status = "processing"
    db.session.commit()
    if complete:
        from conference.greetings.tasks import enqueue_processing

        enqueue_processing(greeting)
    return greeting


def too_many_bytes() -> ServiceError:
    return TooLarge(
        # TRANSLATORS: [partner]
        _("More bytes arrived than the upload declared. Please start the upload again."),
        code="too_many_bytes",
    )
