"""Processing a complete upload into the greeting's video and poster (run by the task queue)."""

from __future__ import annotations

import logging
import os
import threading
import time

import sqlalchemy as sa

from conference.db import db
from conference.greetings import storage
from conference.greetings.media import MediaRejected, process_video
from conference.greetings.models import Greeting
from conference.greetings.settings import MAX_VIDEO_HEIGHT, TARGET_LOUDNESS_LUFS, setting
from conference.ops import metrics

log = logging.getLogger(__name__)


def process_greeting(greeting_id: int, upload_key: str) -> str:
    """Check and convert the upload ``upload_key`` of a greeting in state ``processing``.

    Ends in ``ready`` (video, poster and duration stored under random names in the media
    folder) or ``failed`` (``failure_code`` + ``failure_params``, translated when shown).
    The upload file and scratch files are deleted either way. A greeting that was replaced,
    withdrawn or already finished meanwhile is left alone ("skipped"): the state changes
    only if it is still processing this very upload. Returns the resulting status.
    """
    greeting = db.session.get(Greeting, greeting_id)
    if greeting is None or greeting.status != "processing" or greeting.upload_key != upload_key:
        return "skipped"
    db.session.commit()  # hold no transaction during the minutes of decoding
    started = time.monotonic()
    try:
        result = run_blocking(
            process_video,
            storage.upload_path(upload_key),
            storage.work_dir(upload_key),
            max_duration_s=setting("max_duration_s"),
            max_height=MAX_VIDEO_HEIGHT,
            target_lufs=TARGET_LOUDNESS_LUFS,
        )
    except MediaRejected as rejected:
        outcome = _finish(
            greeting_id,
            upload_key,
            status="failed",
            failure_code=rejected.code,
            failure_params=rejected.params,
        )
    except FileNotFoundError:
        # The upload was withdrawn or replaced while waiting in the queue.
        outcome = "skipped"
    except Exception:
        log.exception("processing greeting %s failed", greeting_id)
        outcome = _finish(
            greeting_id, upload_key, status="failed", failure_code="server_error", failure_params={}
        )
    else:
        video_file, poster_file = storage.publish(result.video_path, result.poster_path)
        outcome = _finish(
            greeting_id,
            upload_key,
            status="ready",
            video_file=video_file,
            poster_file=poster_file,
            duration_s=round(result.duration_s, 3),
        )
        if outcome == "skipped":
            storage.remove_published(video_file, poster_file)
    if outcome != "skipped":
        storage.remove_upload(upload_key)
    if outcome == "failed":
        metrics.GREETING_FAILURES.inc()
    log.info("greeting %s: %s in %.1f s", greeting_id, outcome, time.monotonic() - started)
    return outcome


def _finish(greeting_id: int, upload_key: str, *, status: str, **values) -> str:
    """Record the outcome only if the greeting still waits for this upload (atomic)."""
    result = db.session.execute(
        sa.update(Greeting)
        .where(
            Greeting.id == greeting_id,
            Greeting.status == "processing",
            Greeting.upload_key == upload_key,
        )
        .values(status=status, **values)
    )
    db.session.commit()
    return status if result.rowcount == 1 else "skipped"


def run_blocking(function, *args, **kwargs):
    """Call ``function``; under gevent, in a native thread so the server keeps answering.

    Decoding and encoding hold the CPU for seconds at a time; in a greenlet that would
    freeze every WebSocket of the server until the video is done. In a native thread the
    interpreter lock is shared (and FFmpeg releases it while it works), and the thread runs
    at a lower CPU priority than the server, so attendees come first.
    """
    try:
        from gevent import get_hub, monkey
    except ImportError:  # pragma: no cover (gevent is a dependency)
        return function(*args, **kwargs)
    if not monkey.is_module_patched("threading"):
        return function(*args, **kwargs)
    succeeded, value = get_hub().threadpool.apply(_in_background, (function, args, kwargs))
    if not succeeded:
        raise value
    return value


BACKGROUND_NICENESS = 10


def _in_background(function, args, kwargs):
    """Run in gevent's thread pool: lower this thread's priority (FFmpeg's threads inherit it)
    and hand exceptions back as values, so that the pool does not print expected refusals."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), BACKGROUND_NICENESS)
    except (AttributeError, OSError):
        pass
    try:
        return True, function(*args, **kwargs)
    except Exception as error:
        return False, error
