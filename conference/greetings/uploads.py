"""The tus uploads of a partner: start (or replace), find, terminate.

The tus protocol itself (headers, status codes) is in :mod:`.tus`; this module owns the
state of an upload; :mod:`.receiving` writes the bytes, :mod:`.removal` expires uploads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from conference.db import db, utcnow
from conference.errors import Conflict, NotFound, ServiceError
from conference.greetings import storage
from conference.greetings.errors import (
    TooLarge,
    check_message,
    check_title,
    empty_file_error,
    format_size,
)
from conference.greetings.invites import invite_usage
from conference.greetings.models import Greeting, Invite
from conference.greetings.removal import purge_expired_uploads, remove_greeting
from conference.greetings.settings import setting

UNSET = object()


@dataclass
class NewUpload:
    """What a partner declares when an upload starts (``UNSET``: not sent at all)."""

    length: int
    filename: str | None = None
    title: object = UNSET
    message: object = UNSET
    replaces: int | None = None


def start_upload(invite: Invite, new: NewUpload) -> Greeting:
    """Create an upload (a greeting in state ``uploading``), or restart one being replaced.

    Refuses, before anything is stored: an empty file (400), a length over
    ``max_upload_bytes`` (413), an invite whose quota of greetings (403) or bytes (413) would
    be exceeded, a replacement of an approved or processing greeting (409). Replacing keeps
    the greeting's id and deletes its earlier files; title and message stay unless sent
    again. Also purges expired uploads first. Commits.
    """
    purge_expired_uploads()
    if new.length == 0:
        raise empty_file_error()
    limit = setting("max_upload_bytes")
    if new.length > limit:
        raise TooLarge(
            # TRANSLATORS: [partner]
            _(
                "The file is %(size)s; the largest accepted is %(limit)s.",
                size=format_size(new.length),
                limit=format_size(limit),
            ),
            code="file_too_large",
        )
    title = check_title(new.title) if new.title is not UNSET else UNSET
    message = check_message(new.message) if new.message is not UNSET else UNSET
    replaced = _replaceable(invite, new.replaces) if new.replaces is not None else None
    _check_quota(invite, new.length, replaced)

    key = storage.new_key()
    storage.create_upload_file(key)
    expires = next_expiry()
    old_files: tuple = ()
    try:
        if replaced is None:
            greeting = Greeting(
                event_id=invite.event_id,
                organisation_id=invite.organisation_id,
                invite_id=invite.id,
            )
            db.session.add(greeting)
        else:
            greeting = replaced
            old_files = (greeting.upload_key, greeting.video_file, greeting.poster_file)
            greeting.review, greeting.review_reason = "pending", None
            greeting.failure_code = greeting.failure_params = None
            greeting.video_file = greeting.poster_file = greeting.duration_s = None
        if title is not UNSET:
            greeting.title = title
        if message is not UNSET:
            greeting.message = message
        greeting.status = "uploading"
        greeting.upload_key = key
        greeting.upload_length = new.length
        greeting.upload_offset = 0
        greeting.upload_filename = new.filename
        greeting.upload_expires_at = expires
        db.session.commit()
    except Exception:
        db.session.rollback()
        storage.remove_upload(key)
        raise
    if old_files:
        storage.remove_upload(old_files[0])
        storage.remove_published(*old_files[1:])
    return greeting


def find_upload(invite: Invite, key: str) -> Greeting:
    """The invite's greeting whose current upload is ``key``.

    404 ``upload_not_found`` for an unknown, replaced or terminated upload; an unfinished
    upload past its expiry is purged on the spot and answered 410 ``upload_expired``.
    """
    greeting = None
    if storage.KEY_PATTERN.fullmatch(key):
        greeting = db.session.scalar(
            sa.select(Greeting).where(Greeting.upload_key == key, Greeting.invite_id == invite.id)
        )
    if greeting is None:
        # TRANSLATORS: [partner]
        raise NotFound(_("There is no such upload. Please start again."), code="upload_not_found")
    if greeting.status == "uploading" and greeting.upload_expires_at <= utcnow():
        try:
            remove_greeting(greeting)
        except storage.UploadBusy:
            raise busy_error() from None
        db.session.commit()
        raise ServiceError(
            # TRANSLATORS: [partner]
            _("This unfinished upload has expired. Please upload the file again."),
            code="upload_expired",
            status=410,
        )
    return greeting


def terminate_upload(invite: Invite, key: str) -> None:
    """Withdraw an upload (tus termination): its files and its greeting are deleted.

    Allowed until the greeting is approved; not while it is being processed (409). Commits.
    """
    greeting = find_upload(invite, key)
    if greeting.review == "approved":
        raise Conflict(
            # TRANSLATORS: [partner]
            _("This greeting is already approved. Please ask the organisers to remove it."),
            code="greeting_approved",
        )
    if greeting.status == "processing":
        raise Conflict(
            # TRANSLATORS: [partner]
            _("This video is being processed. Please wait until it is finished."),
            code="greeting_processing",
        )
    try:
        remove_greeting(greeting)
    except storage.UploadBusy:
        raise busy_error() from None
    db.session.commit()


def _replaceable(invite: Invite, greeting_id: int) -> Greeting:
    greeting = db.session.get(Greeting, greeting_id)
    if greeting is None or greeting.invite_id != invite.id:
        raise NotFound(
            # TRANSLATORS: [partner]
            _("There is no greeting %(id)s to replace.", id=greeting_id),
            code="greeting_not_found",
        )
    if greeting.review == "approved":
        raise Conflict(
            # TRANSLATORS: [partner]
            _("This greeting is already approved and can no longer be replaced."),
            code="greeting_approved",
        )
    if greeting.status == "processing":
        raise Conflict(
            # TRANSLATORS: [partner]
            _("This video is being processed. Please wait until it is finished."),
            code="greeting_processing",
        )
    if greeting.status == "uploading":
        try:
            with storage.locked_upload(greeting.upload_key):
                pass
        except storage.UploadBusy:
            raise busy_error() from None
        except FileNotFoundError:
            pass
    return greeting


def _check_quota(invite: Invite, length: int, replaced: Greeting | None) -> None:
    count, total = invite_usage(invite)
    if replaced is not None and replaced.status != "failed":
        count -= 1
        total -= replaced.upload_length or 0
    if count + 1 > invite.max_uploads:
        raise ServiceError(
            # TRANSLATORS: [partner]
            _(
                "This link accepts at most %(count)s videos; replace one of yours instead.",
                count=invite.max_uploads,
            ),
            code="quota_exceeded",
            status=403,
        )
    if total + length > invite.max_bytes:
        raise TooLarge(
            # TRANSLATORS: [partner]
            _(
                "This file would exceed the link's total of %(limit)s (%(free)s left).",
                limit=format_size(invite.max_bytes),
                free=format_size(max(0, invite.max_bytes - total)),
            ),
            code="quota_exceeded",
        )


def next_expiry() -> datetime:
    return utcnow() + timedelta(seconds=setting("upload_idle_lifetime_s"))


def busy_error() -> ServiceError:
    return ServiceError(
        # TRANSLATORS: [partner]
        _("This upload is receiving data on another connection. Please try again shortly."),
        code="upload_busy",
        status=423,
    )
