"""Backups on the event day: every ``[backup] every_minutes`` while an event is live.

A periodic task of the task queue checks once a minute, so exactly one process takes them
(the in-process worker of a single server, or ``conference worker``), never every server of a
cluster. Archives are named ``conference-YYYYmmdd-HHMMSS.tar`` (UTC) in ``[backup] dir``
(relative to the instance folder); after each one only the newest ``keep`` are kept.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

log = logging.getLogger(__name__)

PATTERN = "conference-*.tar"
STAMP = "%Y%m%d-%H%M%S"


def backup_folder(app) -> Path:
    return Path(app.instance_path) / app.config["SETTINGS"]["backup"]["dir"]


def any_event_live() -> bool:
    from conference.db import db
    from conference.events.models import Event

    return db.session.scalar(sa.select(sa.func.count()).where(Event.status == "live")) > 0


def _taken_at(path: Path) -> datetime | None:
    try:
        stamp = path.name.removeprefix("conference-").removesuffix(".tar")
        return datetime.strptime(stamp, STAMP).replace(tzinfo=UTC)
    except ValueError:
        return None


def archives(folder: Path) -> list[Path]:
    """Our archives in ``folder``, oldest first."""
    dated = [(path, _taken_at(path)) for path in folder.glob(PATTERN)]
    return [path for path, taken in sorted((d for d in dated if d[1]), key=lambda d: d[1])]


def backup_if_due(app, now: datetime | None = None, runner=None) -> Path | None:
    """Take a backup when an event is live and the newest is ``every_minutes`` old; prune.

    Returns the new archive, or None when none was due. Needs an app context. ``runner(f,
    *args)`` calls the copy itself (the task passes ``run_blocking``: a native thread, so the
    copy never stalls a gevent server's connections).
    """
    from conference.ops.backup import take_backup

    settings = app.config["SETTINGS"]["backup"]
    every = int(settings["every_minutes"])
    if every <= 0 or not any_event_live():
        return None
    now = now or datetime.now(UTC)
    folder = backup_folder(app)
    existing = archives(folder) if folder.is_dir() else []
    if existing and now - _taken_at(existing[-1]) < timedelta(minutes=every) - timedelta(
        seconds=30
    ):
        return None  # the half minute: a once-a-minute check never slips a whole period
    target = folder / f"conference-{now.strftime(STAMP)}.tar"
    (runner or _call)(
        take_backup,
        app.config["DATABASE_URL"],
        Path(app.config["MEDIA_DIR"]),
        app.config["SECRET_KEY"],
        target,
    )
    log.info("scheduled backup written: %s", target.name)
    for old in archives(folder)[: -max(1, int(settings["keep"]))]:
        old.unlink(missing_ok=True)
    return target


def _call(function, *args):
    return function(*args)


def register_scheduled_backup(app) -> None:
    """Add the once-a-minute check to the app's task queue when ``every_minutes`` is set."""
    if int(app.config["SETTINGS"]["backup"]["every_minutes"]) <= 0:
        return
    tasks = app.extensions.get("greetings_tasks")
    if tasks is None:
        return
    from huey import crontab

    @tasks.huey.periodic_task(crontab(minute="*"), name="scheduled_backup")
    def scheduled_backup() -> None:
        from conference.greetings.processing import run_blocking

        with app.app_context():
            try:
                backup_if_due(app, runner=run_blocking)
            except Exception:
                log.exception("scheduled backup failed")

    tasks.scheduled_backup = scheduled_backup
