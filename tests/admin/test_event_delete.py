"""Deleting a whole event in the admin: typed confirmation, everything in it goes, files too."""

from __future__ import annotations

import sqlalchemy as sa

from conference.admin.services.events import event_by_slug
from conference.db import db
from conference.demo import install_demo
from conference.events.models import Event
from conference.greetings import storage
from conference.greetings.models import Greeting
from conference.live.publish import live_hub
from tests.admin.browser import post_form
from tests.events.conftest import row_counts

SLUG = "daugavpils-2021"
PAGE = f"/admin/events/{SLUG}/delete?lang=lv"


def demo_with_a_greeting():
    """The demo event, plus one processed greeting whose two files exist on disk."""
    install_demo()
    event = event_by_slug(SLUG)
    names = ["a" * 32 + ".mp4", "a" * 32 + ".jpg"]
    folder = storage.media_dir() / storage.PUBLISHED
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_bytes(b"video")
    db.session.add(
        Greeting(
            event_id=event.id,
            organisation_id=event.organisations[0].id,
            title="Sveicieni no Tallinas",
            status="ready",
            review="approved",
            video_file=f"{storage.PUBLISHED}/{names[0]}",
            poster_file=f"{storage.PUBLISHED}/{names[1]}",
        )
    )
    db.session.commit()
    return [folder / name for name in names]


def test_a_wrong_confirmation_deletes_nothing(app, admin_client):
    demo_with_a_greeting()
    before = row_counts()
    page = admin_client.get(PAGE)
    assert page.status_code == 200
    assert "Tiks neatgriezeniski dzēsts pasākums" in page.text
    answer = post_form(admin_client, PAGE, {"slug": "daugavpils"})
    assert answer.status_code == 422
    assert "Ierakstiet daugavpils-2021, lai dzēstu šo pasākumu." in answer.text
    db.session.expire_all()
    assert row_counts() == before


def test_the_typed_short_name_deletes_the_event_its_rows_and_its_files(app, admin_client, caplog):
    files = demo_with_a_greeting()
    # A process that follows the event holds its snapshot in memory.
    hub = live_hub()
    assert hub.cache.get(SLUG) is not None
    answer = post_form(admin_client, PAGE, {"slug": f" {SLUG} "})
    assert answer.status_code == 302
    assert answer.location == "/admin/"
    assert "Pasākums daugavpils-2021 ir dzēsts." in admin_client.get("/admin/?lang=lv").text
    db.session.expire_all()
    assert db.session.scalar(sa.select(Event).where(Event.slug == SLUG)) is None
    left = {name: count for name, count in row_counts().items() if count}
    # Only what belongs to no event stays: the users (the admin, signed in) and the migration mark.
    assert set(left) <= {"users", "user_sessions", "alembic_version"}, left
    assert not any(path.exists() for path in files)
    assert hub.cache.peek(SLUG) is None
    assert admin_client.get(f"/api/v1/events/{SLUG}").status_code == 404
    # The event's audit log went with it: the server's log says who deleted it.
    deleted = [r.getMessage() for r in caplog.records if r.getMessage().startswith("event deleted")]
    assert len(deleted) == 1 and f"slug={SLUG}" in deleted[0] and "greetings=1" in deleted[0]
    assert "by=None" not in deleted[0] and "by=system" not in deleted[0], deleted


def test_a_live_event_is_not_deleted(app, admin_client):
    demo_with_a_greeting()
    event = event_by_slug(SLUG)
    event.status = "live"
    db.session.commit()
    answer = post_form(admin_client, PAGE, {"slug": SLUG})
    assert answer.status_code == 422
    assert "Pasākums notiek tiešraidē; pirms dzēšanas to pabeidziet." in answer.text
    db.session.expire_all()
    assert event_by_slug(SLUG).status == "live"
