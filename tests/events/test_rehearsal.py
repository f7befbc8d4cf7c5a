"""Rehearsals (conference.events.rehearsal): an unlisted copy of an event with a live log of
its own, made, run, reset and deleted by the event's organisers and admins."""

from __future__ import annotations

import sqlalchemy as sa

from conference.audit.models import AuditEntry
from conference.db import db
from conference.demo import DEMO_SLUG, install_demo
from conference.events.models import Event
from conference.events.rehearsal import make_rehearsal, reset_rehearsal
from conference.extensions import socketio
from conference.live.commands import run_command
from conference.live.models import LiveUpdate
from conference.users.models import EventRole, User
from conference.users.services import create_user
from tests.admin.browser import PASSWORD, BrowserClient, csrf_of, sign_in
from tests.conftest import join_team

REHEARSAL = f"{DEMO_SLUG}-rehearsal"
OTHER = "cita-konference"


def event(slug: str) -> Event:
    db.session.rollback()
    return db.session.scalar(sa.select(Event).where(Event.slug == slug))


def roles(slug: str) -> list[tuple[str, str]]:
    found = db.session.execute(
        sa.select(User.email, EventRole.role)
        .join(EventRole, EventRole.user_id == User.id)
        .join(Event, Event.id == EventRole.event_id)
        .where(Event.slug == slug)
        .order_by(User.email)
    )
    return [tuple(row) for row in found]


def setup_demo() -> None:
    install_demo()
    create_user("organizatore@example.org", "moderator", PASSWORD)
    create_user("moderatore@example.org", "moderator", PASSWORD)
    create_user("zurija@example.org", "jury", PASSWORD)
    create_user("cits@example.org", "moderator", PASSWORD)
    join_team("organizatore@example.org", "organiser")
    join_team("moderatore@example.org", "moderator")
    join_team("zurija@example.org", "jury")
    demo = event(DEMO_SLUG)
    db.session.add(
        Event(
            slug=OTHER,
            title={"lv": "Cita konference"},
            timezone="Europe/Riga",
            starts_at=demo.starts_at,
            ends_at=demo.ends_at,
            languages=["lv"],
            default_language="lv",
        )
    )
    db.session.commit()
    join_team("cits@example.org", "organiser", OTHER)


def test_a_rehearsal_is_an_unlisted_copy_with_the_same_team(app):
    setup_demo()
    made = make_rehearsal(DEMO_SLUG)
    original, copy = event(DEMO_SLUG), event(REHEARSAL)
    assert made.slug == REHEARSAL and copy.rehearsal_of == original.id
    assert [item.title for item in copy.items] == [item.title for item in original.items]
    assert [c.title for c in copy.contests] == [c.title for c in original.contests]
    assert copy.status == "scheduled" and copy.last_seq == 0
    assert roles(REHEARSAL) == roles(DEMO_SLUG) != []
    client = app.test_client()
    index = client.get("/")
    assert index.status_code == 200 and f"/events/{DEMO_SLUG}" in index.text
    assert REHEARSAL not in index.text
    listed = client.get("/api/v1/events").get_json()
    slugs = [row["slug"] for row in (listed["events"] if isinstance(listed, dict) else listed)]
    assert DEMO_SLUG in slugs and REHEARSAL not in slugs
    for path in (f"/events/{REHEARSAL}", f"/events/{REHEARSAL}/screen"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert '<meta name="robots" content="noindex, nofollow">' in page.text
        assert "rehearsal-banner" in page.text and 'property="og:title"' not in page.text
    assert "rehearsal-banner" not in client.get(f"/events/{DEMO_SLUG}").text
    latvian = client.get(f"/events/{REHEARSAL}?lang=lv").text
    english = client.get(f"/events/{REHEARSAL}?lang=en").text
    assert "MĒĢINĀJUMS" in latvian and "REHEARSAL" in english
    actions = db.session.scalars(
        sa.select(AuditEntry.action).where(AuditEntry.event_id == original.id)
    ).all()
    assert "rehearsal.made" in actions


def test_running_and_resetting_a_rehearsal_leaves_the_event_alone(app):
    setup_demo()
    make_rehearsal(DEMO_SLUG)
    before = event(DEMO_SLUG)
    seq, status, current = before.last_seq, before.status, before.current_item_id
    run_command(REHEARSAL, {"type": "start_event"})
    run_command(REHEARSAL, {"type": "next_item"})
    copy = event(REHEARSAL)
    assert copy.status == "live" and copy.last_seq >= 3
    after = event(DEMO_SLUG)
    assert (after.last_seq, after.status, after.current_item_id) == (seq, status, current)

    follower = socketio.test_client(app, auth={"event": REHEARSAL})
    first = [m for m in follower.get_received() if m["name"] == "snapshot"]
    assert first and first[0]["args"][0]["seq"] == copy.last_seq
    reset_rehearsal(DEMO_SLUG)
    fresh = event(REHEARSAL)
    assert fresh.status == "scheduled" and fresh.last_seq == 0 and fresh.current_item_id is None
    assert fresh.rehearsal_of == after.id and roles(REHEARSAL) == roles(DEMO_SLUG)
    snapshots = [m["args"][0] for m in follower.get_received() if m["name"] == "snapshot"]
    assert snapshots, "the follower got no fresh snapshot after the reset"
    assert snapshots[-1]["seq"] == 0 and snapshots[-1]["event"]["status"] == "scheduled"
    # Pages tell the new run from a server behind them by its items (live-client.js).
    old_items = {item["id"] for item in first[0]["args"][0]["items"]}
    assert old_items and not old_items & {item["id"] for item in snapshots[-1]["items"]}
    # The rehearsal can be run again after the reset.
    run_command(REHEARSAL, {"type": "start_event"})
    restarted = event(REHEARSAL)
    logged = db.session.scalars(
        sa.select(LiveUpdate.seq).where(LiveUpdate.event_id == restarted.id)
    ).all()
    assert sorted(logged) == list(range(1, restarted.last_seq + 1)) != []
    updates = [m["args"][0] for m in follower.get_received() if m["name"] == "update"]
    assert [update["seq"] for update in updates] == sorted(logged)
    follower.disconnect()
    untouched = event(DEMO_SLUG)
    assert (untouched.last_seq, untouched.status) == (seq, status)
    actions = db.session.scalars(
        sa.select(AuditEntry.action).where(AuditEntry.event_id == untouched.id)
    ).all()
    assert "rehearsal.reset" in actions


def post_button(client, slug: str, action: str):
    page = client.get(f"/admin/events/{slug}/")
    assert page.status_code == 200
    return client.post(
        f"/admin/events/{slug}/rehearsal/{action}",
        data={"csrf_token": csrf_of(page.text)},
        follow_redirects=True,
    )


def test_the_admin_page_makes_resets_and_deletes_for_organisers_only(app):
    setup_demo()
    app.test_client_class = BrowserClient
    organiser = app.test_client()
    assert sign_in(organiser, "organizatore@example.org").status_code == 302
    page = organiser.get(f"/admin/events/{DEMO_SLUG}/?lang=en")
    assert "Make a rehearsal" in page.text
    made = post_button(organiser, DEMO_SLUG, "make")
    assert made.status_code == 200 and REHEARSAL in made.text
    assert event(REHEARSAL) is not None
    again = post_button(organiser, DEMO_SLUG, "make?lang=en")
    assert "This event has a rehearsal already" in again.text
    console = organiser.get(f"/moderate/{REHEARSAL}")
    assert console.status_code == 200 and "rehearsal-banner" in console.text
    run_command(REHEARSAL, {"type": "start_event"})
    assert post_button(organiser, DEMO_SLUG, "reset").status_code == 200
    assert event(REHEARSAL).last_seq == 0

    other = app.test_client()
    assert sign_in(other, "cits@example.org").status_code == 302
    page = other.get(f"/admin/events/{OTHER}/")
    for action in ("make", "reset", "delete"):
        refused = other.post(
            f"/admin/events/{DEMO_SLUG}/rehearsal/{action}",
            data={"csrf_token": csrf_of(page.text)},
        )
        assert refused.status_code == 403, action
    assert event(REHEARSAL) is not None

    assert post_button(organiser, DEMO_SLUG, "delete").status_code == 200
    assert event(REHEARSAL) is None
    assert event(DEMO_SLUG) is not None


def test_the_cli_makes_and_resets_and_fails_in_one_line(app, conference):
    setup_demo()
    # Each command binds db to an engine of its own: close this app's connections first.
    db.session.remove()
    db.engine.dispose()
    made = conference("rehearsal", "make", DEMO_SLUG)
    assert made.exit_code == 0, made.output
    assert REHEARSAL in made.output
    again = conference("rehearsal", "make", DEMO_SLUG)
    assert again.exit_code != 0 and len(again.output.strip().splitlines()) == 1
    reset = conference("rehearsal", "reset", DEMO_SLUG)
    assert reset.exit_code == 0, reset.output
    missing = conference("rehearsal", "reset", OTHER)
    assert missing.exit_code != 0 and len(missing.output.strip().splitlines()) == 1
