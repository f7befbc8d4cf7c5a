"""Backups every ``[backup] every_minutes`` while an event is live, keeping the newest ``keep``;
and the periodic task that runs the check is on the task queue only when configured."""

from __future__ import annotations

import tarfile
from datetime import UTC, datetime, timedelta

import pytest

from conference.db import db
from conference.ops.scheduled import archives, backup_folder, backup_if_due
from tests.live.conftest import make_event

pytestmark = pytest.mark.integration

T0 = datetime(2026, 6, 15, 11, 0, tzinfo=UTC)


@pytest.fixture
def configured(app, db_url):
    if not db_url.startswith("sqlite"):
        import shutil

        if shutil.which("pg_dump") is None:
            pytest.skip("pg_dump not installed")
    app.config["SETTINGS"]["backup"].update({"every_minutes": 10, "keep": 2})
    return app


def test_nothing_while_no_event_is_live(configured):
    make_event()
    assert backup_if_due(configured, now=T0) is None
    assert not backup_folder(configured).exists()


def test_every_n_minutes_while_live_keeping_the_newest(configured):
    event = make_event()
    event.status = "live"
    db.session.commit()
    taken = [backup_if_due(configured, now=T0 + timedelta(minutes=m)) for m in (0, 5, 10, 21, 30)]
    assert [path is not None for path in taken] == [True, False, True, True, False]
    kept = archives(backup_folder(configured))
    assert [path.name for path in kept] == [
        "conference-20260615-111000.tar",
        "conference-20260615-112100.tar",
    ]
    with tarfile.open(kept[-1]) as archive:
        assert "manifest.json" in archive.getnames()
    event.status = "ended"
    db.session.commit()
    assert backup_if_due(configured, now=T0 + timedelta(hours=1)) is None


def test_the_check_is_on_the_task_queue_only_when_configured(tmp_path):
    from conference.app import create_app

    def periodic_names(every: int) -> set[str]:
        config = tmp_path / f"config-{every}.toml"
        config.write_text(f"[backup]\nevery_minutes = {every}\n")
        app = create_app(
            test_config={
                "TESTING": True,
                "INSTANCE_DIR": str(tmp_path / f"i{every}"),
                "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
            },
            config_path=str(config),
        )
        huey = app.extensions["greetings_tasks"].huey
        # The tasks the scheduler starts at 11:07 (the backup check runs every minute).
        return {task.name for task in huey.read_periodic(T0.replace(minute=7, tzinfo=None))}

    assert "scheduled_backup" in periodic_names(15)
    assert "scheduled_backup" not in periodic_names(0)
