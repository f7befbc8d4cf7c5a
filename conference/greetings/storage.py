"""Where greeting files live: the media folder (outside ``static/``), always under random names.

::

    MEDIA_DIR/uploads/<key>.part          a tus upload while it arrives (key: 32 hex digits)
    MEDIA_DIR/work/<key>/                 processing scratch space, removed afterwards
    MEDIA_DIR/greetings/<stem>.mp4|.jpg   the processed video and its poster (never change)

Nothing a partner sends (file name, title) ever becomes part of a path.
"""

from __future__ import annotations

import fcntl
import os
import re
import secrets
import shutil
from contextlib import contextmanager
from pathlib import Path

from flask import current_app

UPLOADS, WORK, PUBLISHED = "uploads", "work", "greetings"
KEY_PATTERN = re.compile(r"[0-9a-f]{32}")
PUBLISHED_NAME = re.compile(r"([0-9a-f]{32})\.(mp4|jpg)")
CONTENT_TYPES = {"mp4": "video/mp4", "jpg": "image/jpeg"}


class UploadBusy(Exception):
    """Another request is writing to (or removing) this upload right now."""


def media_dir() -> Path:
    return Path(current_app.config["MEDIA_DIR"])


def new_key() -> str:
    """A random name of 128 bits: upload keys and published file stems."""
    return secrets.token_hex(16)


def upload_path(key: str) -> Path:
    if not KEY_PATTERN.fullmatch(key):
        raise ValueError(f"not an upload key: {key!r}")
    return media_dir() / UPLOADS / f"{key}.part"


def work_dir(key: str) -> Path:
    if not KEY_PATTERN.fullmatch(key):
        raise ValueError(f"not an upload key: {key!r}")
    return media_dir() / WORK / key


def create_upload_file(key: str) -> Path:
    """An empty file for a new upload; fails rather than reuse an existing one."""
    path = upload_path(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "xb"):
        pass
    return path


@contextmanager
def locked_upload(key: str):
    """The upload file opened for reading and writing, locked against every other writer.

    Raises :class:`UploadBusy` at once instead of waiting (a tus client retries), and
    ``FileNotFoundError`` when the upload file is gone. The lock is ``flock``: it holds
    between processes of one machine.
    """
    handle = open(upload_path(key), "r+b")  # noqa: SIM115 (closed below)
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise UploadBusy(key) from None
        yield handle
    finally:
        handle.close()


def remove_upload(key: str | None) -> None:
    """Delete an upload's file and its processing scratch folder, if any."""
    if not key:
        return
    upload_path(key).unlink(missing_ok=True)
    shutil.rmtree(work_dir(key), ignore_errors=True)


def publish(video: Path, poster: Path) -> tuple[str, str]:
    """Move processed files to their public names; returns the names relative to the media dir."""
    target = media_dir() / PUBLISHED
    target.mkdir(parents=True, exist_ok=True)
    stem = new_key()
    names = (f"{PUBLISHED}/{stem}.mp4", f"{PUBLISHED}/{stem}.jpg")
    os.replace(video, media_dir() / names[0])
    os.replace(poster, media_dir() / names[1])
    return names


def remove_published(*relative_names: str | None) -> None:
    """Delete processed files named relative to the media dir (``greetings/<stem>.mp4``)."""
    for name in relative_names:
        if name:
            path = published_path(name.removeprefix(f"{PUBLISHED}/"))
            if path is not None:
                path.unlink(missing_ok=True)


def published_path(file_name: str) -> Path | None:
    """The path of a processed file by its bare name, or None for any other name.

    Only ``<32 hex>.mp4`` and ``<32 hex>.jpg`` are accepted, so no request can name a
    file elsewhere (``..``, slashes, encoded separators all fail the pattern).
    """
    if not PUBLISHED_NAME.fullmatch(file_name):
        return None
    return media_dir() / PUBLISHED / file_name


def content_type(file_name: str) -> str:
    return CONTENT_TYPES[file_name.rsplit(".", 1)[1]]
