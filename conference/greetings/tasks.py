"""The task queue (Huey): video processing, the cleanup of abandoned uploads, greeting ends.

``[tasks] backend`` chooses the storage: ``"sqlite"`` keeps the queue in ``tasks.db`` in the
instance folder (nothing else to run); a Redis URL (``redis://host:6379/1``) shares one queue
between several machines. Tasks run in a consumer: inside ``conference serve`` when
``[tasks] in_process_worker`` is true, or in ``conference worker`` (see :mod:`.worker`).

The tasks are closures over the app that built the queue, so a worker process builds the app
from the same configuration and every task runs inside its app context.
"""

from __future__ import annotations

import logging
from pathlib import Path
from types import SimpleNamespace

from flask import current_app
from huey import RedisHuey, SqliteHuey, crontab

from conference.config import ConfigError

log = logging.getLogger(__name__)

QUEUE_NAME = "conference"
REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


def build_queue(app) -> None:
    """Create the app's Huey instance and its tasks: ``app.extensions["greetings_tasks"]``."""
    backend = app.config["TASKS_BACKEND"]
    if backend == "sqlite":
        huey = SqliteHuey(
            QUEUE_NAME, filename=str(Path(app.instance_path) / "tasks.db"), results=False
        )
    elif backend.startswith(REDIS_SCHEMES):
        huey = RedisHuey(QUEUE_NAME, url=backend, results=False)
    else:
        raise ConfigError(f'tasks.backend must be "sqlite" or a Redis URL, not {backend!r}')

    @huey.task(name="process_greeting")
    def process_greeting(greeting_id: int, upload_key: str) -> None:
        """Turn a complete upload into the greeting's video and poster."""
        from conference.greetings.processing import process_greeting as run

        with app.app_context():
            run(greeting_id, upload_key)

    @huey.periodic_task(crontab(minute="*/15"), name="purge_expired_uploads")
    def purge_expired_uploads() -> None:
        """Every quarter of an hour: remove abandoned uploads and their files."""
        from conference.greetings.removal import purge_expired_uploads as run

        with app.app_context():
            removed = run()
        if removed:
            log.info("removed %s expired uploads", removed)

    @huey.task(name="end_greeting")
    def end_greeting(event_id: int, greeting_id: int, started_at: str) -> None:
        """At a greeting's end: clear it from the live state if it is still the one playing."""
        from conference.greetings.commands import end_greeting_if_over

        with app.app_context():
            end_greeting_if_over(event_id, greeting_id, started_at)

    app.extensions["greetings_tasks"] = SimpleNamespace(
        huey=huey,
        process_greeting=process_greeting,
        purge_expired_uploads=purge_expired_uploads,
        end_greeting=end_greeting,
    )


def tasks():
    """The current app's tasks (``.huey``, ``.process_greeting``, …)."""
    return current_app.extensions["greetings_tasks"]


def enqueue_processing(greeting) -> None:
    """Queue the processing of a complete upload.

    If the queue cannot be reached the greeting stays ``processing``; the worker queues it
    again when it starts (:func:`requeue_unfinished`).
    """
    try:
        tasks().process_greeting(greeting.id, greeting.upload_key)
    except Exception:
        log.exception("could not queue the processing of greeting %s", greeting.id)


def requeue_unfinished() -> int:
    """Queue again every greeting left ``processing`` without a task in the queue.

    A task is taken off the queue when a worker starts it, so a worker that stopped in the
    middle (a crash, a deploy) loses it; this runs when a worker starts. Returns the count.
    """
    import sqlalchemy as sa

    from conference.db import db
    from conference.greetings.models import Greeting

    queued = set()
    for task in tasks().huey.pending():
        if task.name == "process_greeting":
            queued.add(tuple(task.args))
    stranded = [
        greeting
        for greeting in db.session.scalars(
            sa.select(Greeting).where(Greeting.status == "processing")
        )
        if (greeting.id, greeting.upload_key) not in queued
    ]
    for greeting in stranded:
        enqueue_processing(greeting)
    return len(stranded)
