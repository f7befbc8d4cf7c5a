"""Retention (issue 12 part 5): the participants' personal fields are erased
``participants_retention_days`` after the event's end, by ``conference participants purge`` and
the worker's daily task; backups say what personal data they carry. Dates are injected."""

from __future__ import annotations

import json
import shutil
import tarfile
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from conference.db import db
from conference.participants.models import Participant
from conference.participants.retention import purge_participants
from tests.live.conftest import STARTS_AT
from tests.participants.conftest import OTHER_SLUG, SLUG, attendee

API = "/api/v1/events/{slug}/participants"
ENDED_AT = STARTS_AT + timedelta(hours=3)


def register(app, slug: str, who: str, name: str) -> None:
    answer = attendee(app, who).post(
        API.format(slug=slug),
        json={"name": name, "organisation": "Daugavpils tehnikums", "country": "LV",
              "email": f"{who}@example.lv", "consent_list": True},
    )  # fmt: skip
    assert answer.status_code == 201, answer.text


def rows() -> list[Participant]:
    """Every participant as stored now (read, then the session closed: a CLI command that runs
    next rebinds the database, and an open connection would be left behind)."""
    db.session.expire_all()
    found = list(db.session.scalars(sa.select(Participant).order_by(Participant.id)))
    db.session.remove()
    db.engine.dispose()
    return found


@pytest.fixture
def two_events(app, event, other_event):
    """The event ended at ENDED_AT (kept 30 days); the other never ran (its planned end,
    kept 3650 days)."""
    other_event.registration = "optional"
    other_event.participants_retention_days = 3650  # planned end in 2021: kept until 2031
    event.status = "ended"
    event.started_at = STARTS_AT
    event.ended_at = ENDED_AT
    event.participants_retention_days = 30
    db.session.commit()
    register(app, SLUG, "janis", "Jānis Bērziņš")
    register(app, SLUG, "liga", "Līga Ķēniņa")
    register(app, OTHER_SLUG, "janis", "Jānis Bērziņš")
    return event, other_event


def test_nothing_is_erased_before_the_retention_is_over(two_events):
    assert purge_participants(now=ENDED_AT + timedelta(days=29, hours=23)) == []
    assert all(p.name and p.email and p.erased_at is None for p in rows())


def test_after_the_retention_every_personal_field_is_erased_and_the_rows_stay(two_events):
    moment = ENDED_AT + timedelta(days=30)
    purged = purge_participants(now=moment)
    assert [(p.slug, p.participants, p.keep_days) for p in purged] == [(SLUG, 2, 30)]
    mine, other = rows()[:2], rows()[2]
    for participant in mine:
        assert (participant.name, participant.organisation, participant.country) == (None,) * 3
        assert participant.email is None and participant.consent_list is False
        assert participant.erased_at == moment
    assert other.name == "Jānis Bērziņš"  # the other event keeps its own for longer
    assert len(rows()) == 3  # the count of who registered stays right
    assert purge_participants(now=moment + timedelta(days=1)) == []  # twice: nothing more


def test_an_event_never_run_counts_from_its_planned_end(two_events):
    _event, other = two_events
    planned_end = other.ends_at
    assert [p.slug for p in purge_participants(now=planned_end + timedelta(days=3649))] == [SLUG]
    purged = purge_participants(now=planned_end + timedelta(days=3650))
    assert [(p.slug, p.participants) for p in purged] == [(OTHER_SLUG, 1)]


def test_a_live_event_is_never_purged(two_events):
    event, _other = two_events
    event.status = "live"
    db.session.commit()
    assert purge_participants(now=ENDED_AT + timedelta(days=400)) == []  # the other: 3650


def test_a_dry_run_changes_nothing(two_events):
    purged = purge_participants(now=ENDED_AT + timedelta(days=31), dry_run=True)
    assert [(p.slug, p.participants) for p in purged] == [(SLUG, 2)]
    assert all(p.erased_at is None for p in rows())


def test_the_command_line_purges_and_says_so(app, two_events, conference):
    event, _other = two_events
    event.ended_at = datetime.now(ENDED_AT.tzinfo) - timedelta(days=31)  # the CLI uses now
    db.session.commit()
    db.session.remove()
    db.engine.dispose()
    dry = conference("participants", "purge", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert f"{SLUG}: would erase the personal data of 2 participant(s)" in dry.stdout
    assert "kept 30 days" in dry.stdout
    assert all(p.erased_at is None for p in rows())
    done = conference("participants", "purge")
    assert done.exit_code == 0, done.output
    assert f"{SLUG}: erased the personal data of 2 participant(s)" in done.stdout
    assert [p.name for p in rows()] == [None, None, "Jānis Bērziņš"]
    again = conference("participants", "purge")
    assert "nothing to erase" in again.stdout


def test_the_worker_runs_the_purge_once_a_day(app, two_events):
    tasks = app.extensions["greetings_tasks"]
    day = [datetime(2022, 1, 1) + timedelta(minutes=minute) for minute in range(24 * 60)]
    runs = [
        moment
        for moment in day
        if any(task.name == "purge_participants" for task in tasks.huey.read_periodic(moment))
    ]
    assert len(runs) == 1, f"once a day, not {len(runs)} times"
    task = tasks.purge_participants
    task.call_local()  # what the worker calls at that minute (now: years after ENDED_AT)
    assert [p.name for p in rows()] == [None, None, "Jānis Bērziņš"]


def test_the_retention_is_set_in_the_event_file(app, two_events, conference):
    db.session.remove()
    db.engine.dispose()
    exported = conference("export", SLUG)
    assert "participants_retention_days = 30" in exported.stdout
    changed = exported.stdout.replace(
        "participants_retention_days = 30", "participants_retention_days = 4000"
    )
    refused = conference("import", "-", "--replace", stdin=changed)
    assert refused.exit_code != 0 and "participants_retention_days" in refused.output
    changed = exported.stdout.replace(
        "participants_retention_days = 30", "participants_retention_days = 1826"
    )
    replaced = conference("import", "-", "--replace", stdin=changed)
    assert replaced.exit_code == 0, replaced.output
    assert "participants_retention_days = 1826" in conference("export", SLUG).stdout


def test_a_backup_says_what_personal_data_it_carries(app, two_events, tmp_path):
    from conference.ops.backup import take_backup

    if app.config["DATABASE_URL"].startswith("postgresql") and shutil.which("pg_dump") is None:
        pytest.skip("pg_dump not installed")

    def personal(name: str) -> dict:
        target = tmp_path / name
        db.session.remove()
        take_backup(app.config["DATABASE_URL"], Path(app.config["MEDIA_DIR"]), "k", target)
        with tarfile.open(target) as opened:
            return json.load(opened.extractfile("manifest.json"))["database"]["personal_data"]

    before = personal("before.tar")
    assert before["included"] is True and before["participants"] == 3
    purge_participants(now=ENDED_AT + timedelta(days=4000))
    after = personal("after.tar")
    assert after["participants"] == 0 and after["question_names"] == 0


@pytest.mark.parametrize(
    ("lang", "sentence"),
    [
        ("lv", "ne ilgāk kā 30 dienas pēc pasākuma beigām, kad tie tiek dzēsti automātiski"),
        ("en", "at most 30 days after the event's end, when it is erased automatically"),
    ],
)
def test_the_privacy_notice_says_how_long_the_data_is_kept(app, two_events, lang, sentence):
    page = attendee(app, "janis").get(f"/events/{SLUG}/register?lang={lang}")
    assert sentence in page.text.replace("&#39;", "'")
