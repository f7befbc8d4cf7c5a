"""Removing greetings and their files: withdrawn uploads, expired uploads, stray files."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from conference.db import db, utcnow
from conference.greetings import storage
from conference.greetings.models import Greeting
from conference.greetings.settings import setting


def purge_expired_uploads(now: datetime | None = None) -> int:
    """Delete unfinished uploads idle past their expiry, and stray files nobody refers to.

    An upload receiving bytes at this moment is left alone. Returns how many greetings were
    removed. Commits.
    """
    now = now or utcnow()
    expired = db.session.scalars(
        sa.select(Greeting).where(Greeting.status == "uploading", Greeting.upload_expires_at <= now)
    ).all()
    removed = 0
    for greeting in expired:
        try:
            remove_greeting(greeting)
            removed += 1
        except storage.UploadBusy:
            continue
    db.session.commit()
    _remove_stray_files(now)
    return removed


def remove_greeting(greeting: Greeting) -> None:
    """Delete the greeting and all its files (caller commits); UploadBusy while being written."""
    key = greeting.upload_key
    if key and greeting.status == "uploading":
        try:
            with storage.locked_upload(key):
                storage.remove_upload(key)
        except FileNotFoundError:
            pass
    storage.remove_upload(key)
    storage.remove_published(greeting.video_file, greeting.poster_file)
    db.session.delete(greeting)


def _remove_stray_files(now: datetime) -> None:
    """Upload files and scratch folders without a greeting (a crash between file and commit)."""
    known = set(
        db.session.scalars(sa.select(Greeting.upload_key).where(Greeting.upload_key.is_not(None)))
    )
    cutoff = (now - timedelta(seconds=setting("upload_idle_lifetime_s"))).timestamp()
    for folder, suffix in ((storage.UPLOADS, ".part"), (storage.WORK, "")):
        directory = storage.media_dir() / folder
        if not directory.is_dir():
            continue
        for entry in directory.iterdir():
            key = entry.name.removesuffix(suffix)
            stray = storage.KEY_PATTERN.fullmatch(key) and key not in known
            if stray and entry.stat().st_mtime < cutoff:
                storage.remove_upload(key)
