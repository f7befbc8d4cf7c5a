"""Where pictures live: ``MEDIA_DIR/images/<key>-<width>.<ext>``, under random keys.

A stored picture is described by a small JSON object kept on its owner's row (``{key, ext,
widths, width, height}``); a file never changes (a new upload gets a new key), so files are
cached for a year. Nothing the uploader sends (file name) becomes part of a path.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path

from flask import current_app, has_request_context, request

FOLDER = "images"
NAME = re.compile(r"([0-9a-f]{32})-([0-9]{1,4})\.(jpg|png)")
CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png"}


def images_dir() -> Path:
    return Path(current_app.config["MEDIA_DIR"]) / FOLDER


def new_key() -> str:
    return secrets.token_hex(16)


def file_names(picture: dict) -> list[str]:
    return [f"{picture['key']}-{width}.{picture['ext']}" for width in picture["widths"]]


def stored_path(name: str) -> Path | None:
    """The file's path for a well-formed name, else None (never a path the asker chose)."""
    if not NAME.fullmatch(name):
        return None
    return images_dir() / name


def remove_files(picture: dict | None) -> None:
    """Delete a picture's files (after the change that dropped it has committed)."""
    if not picture:
        return
    for name in file_names(picture):
        (images_dir() / name).unlink(missing_ok=True)


def url(picture: dict | None, width: int | None = None) -> str | None:
    """The address of the rendition ``width`` (default: the largest), site-relative."""
    if not picture:
        return None
    widths = picture["widths"]
    chosen = (
        max(widths)
        if width is None
        else min((w for w in widths if w >= width), default=max(widths))
    )
    root = request.script_root if has_request_context() else ""
    return f"{root}/media/images/{picture['key']}-{chosen}.{picture['ext']}"


def chosen_width(picture: dict, width: int | None = None) -> int:
    """The narrowest rendition at least ``width`` across (else the widest)."""
    widths = picture["widths"]
    if width is None:
        return max(widths)
    return min((w for w in widths if w >= width), default=max(widths))


def srcset(picture: dict | None) -> str:
    """``<url> 160w, <url> 320w, …`` for the ``srcset`` attribute."""
    if not picture:
        return ""
    return ", ".join(f"{url(picture, width)} {width}w" for width in picture["widths"])


def height_for(picture: dict, width: int) -> int:
    """The height that keeps the picture's proportions at ``width`` (for ``<img height>``)."""
    return max(1, round(picture["height"] * width / picture["width"]))
