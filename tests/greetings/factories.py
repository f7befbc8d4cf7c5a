"""Greetings as processing leaves them, without decoding any video."""

from __future__ import annotations

from conference.db import db
from conference.greetings import storage
from conference.greetings.models import Greeting

VIDEO_BYTES = bytes(range(256)) * 40  # 10 240 bytes with recognisable positions


def make_greeting(event, partner, *, status="ready", review="pending", title="Sveiki") -> Greeting:
    """A greeting with files in place, as processing leaves it (no video decoding needed)."""
    stem = storage.new_key()
    folder = storage.media_dir() / storage.PUBLISHED
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{stem}.mp4").write_bytes(VIDEO_BYTES)
    (folder / f"{stem}.jpg").write_bytes(b"\xff\xd8\xff\xe0poster")
    greeting = Greeting(
        event_id=event.id,
        organisation_id=partner.id,
        title=title,
        status=status,
        review=review,
        video_file=f"greetings/{stem}.mp4",
        poster_file=f"greetings/{stem}.jpg",
        duration_s=12.5,
    )
    db.session.add(greeting)
    db.session.commit()
    return greeting
