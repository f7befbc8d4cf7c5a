"""The team of an event (PROTOCOL 1.1, "Roles"): ``conference team add|remove|list``, the
admin's Team page, what a role reaches, and what taking it away does (audit, sign-out)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from conference.audit.models import AuditEntry
from conference.db import db
from conference.users.models import EventRole, UserSession
from tests.admin.browser import csrf_of, post_form, sign_in
from tests.conftest import join_team
from tests.events.reference_event import build_reference_event
from tests.live.conftest import make_event

SLUG = "daugavpils-2021"
OTHER = "cita-konference"


@pytest.fixture
def conference(conference):
    """``conference ARGS`` beside the test's app: the command makes its own engine (the one
    ``db`` then uses), so the app's engine is closed first rather than left with open
    connections."""

    def run(*args: str):
        db.session.remove()
        db.engine.dispose()
        return conference(*args)

    return run


def team_audit() -> list[tuple]:
    rows = db.session.execute(
        sa.select(
            AuditEntry.action, AuditEntry.actor_label, AuditEntry.target_label, AuditEntry.after
        )
        .where(AuditEntry.action.like("team.%"))
        .order_by(AuditEntry.id)
    )
    return [tuple(row) for row in rows]


def roles_in(slug: str = SLUG) -> dict[str, str]:
    db.session.rollback()  # what the CLI committed from its own connection
    from conference.events.models import Event
    from conference.users.models import User

    rows = db.session.execute(
        sa.select(User.email, EventRole.role)
        .join(EventRole, EventRole.user_id == User.id)
        .join(Event, Event.id == EventRole.event_id)
        .where(Event.slug == slug)
    )
    return dict(rows.all())


def test_team_add_list_and_remove_from_the_command_line(app, conference, make_user):
    build_reference_event()
    make_event(slug=OTHER)
    make_user("moderatore@example.org", "moderator")
    make_user("līga@example.org", "jury")
    db.session.remove()

    added = conference("team", "add", SLUG, "Moderatore@Example.org", "--role", "moderator")
    assert added.exit_code == 0, added.output
    assert conference("team", "add", SLUG, "līga@example.org", "--role", "jury").exit_code == 0
    assert roles_in() == {"moderatore@example.org": "moderator", "līga@example.org": "jury"}
    assert roles_in(OTHER) == {}  # a role in one event is none in another

    listing = conference("team", "list", SLUG)
    assert listing.exit_code == 0
    assert listing.output.splitlines() == [
        "moderator\tmoderatore@example.org",
        "jury\tlīga@example.org",
    ]

    changed = conference("team", "add", SLUG, "moderatore@example.org", "--role", "organiser")
    assert changed.exit_code == 0
    assert roles_in()["moderatore@example.org"] == "organiser"
    removed = conference("team", "remove", SLUG, "līga@example.org")
    assert removed.exit_code == 0, removed.output
    assert roles_in() == {"moderatore@example.org": "organiser"}

    exported = conference("export", SLUG)  # the change log travels with the event
    assert exported.exit_code == 0
    assert exported.stdout.count('action = "team.') == 4
    assert 'target_label = "līga@example.org"' in exported.stdout
    actions = [(action, actor, target, after) for action, actor, target, after in team_audit()]
    assert actions == [
        ("team.added", "cli", "moderatore@example.org", {"role": "moderator"}),
        ("team.added", "cli", "līga@example.org", {"role": "jury"}),
        ("team.changed", "cli", "moderatore@example.org", {"role": "organiser"}),
        ("team.removed", "cli", "līga@example.org", None),
    ]


def test_bad_team_commands_fail_in_one_line_and_change_nothing(app, conference, make_user):
    build_reference_event()
    make_user("moderatore@example.org", "moderator")
    db.session.remove()
    for args, says in (
        (("add", "nav-tada", "moderatore@example.org", "--role", "jury"), "nav-tada"),
        (("add", SLUG, "nezinams@example.org", "--role", "jury"), "nezinams@example.org"),
        (("add", SLUG, "moderatore@example.org", "--role", "admin"), "admin"),
        (("remove", SLUG, "moderatore@example.org"), "moderatore@example.org"),
        (("list", "nav-tada"), "nav-tada"),
    ):
        result = conference("team", *args)
        assert result.exit_code != 0, args
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and says in lines[0] and "Traceback" not in result.output, args
    assert roles_in() == {}
    assert team_audit() == []


def test_taking_a_role_away_signs_that_user_out_everywhere(app, conference, make_user):
    build_reference_event()
    make_user("moderatore@example.org", "moderator")
    db.session.remove()
    added = conference("team", "add", SLUG, "moderatore@example.org", "--role", "moderator")
    assert added.exit_code == 0, added.output
    browser = app.test_client()
    assert sign_in(browser, "moderatore@example.org").location == f"/moderate/{SLUG}"
    assert browser.get(f"/moderate/{SLUG}").status_code == 200
    assert conference("team", "remove", SLUG, "moderatore@example.org").exit_code == 0
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(UserSession)) == 0
    assert browser.get(f"/moderate/{SLUG}").location.startswith("/login")  # signed out
    assert sign_in(browser, "moderatore@example.org").location == "/"  # no event of theirs
    assert browser.get(f"/moderate/{SLUG}").status_code == 403


def test_an_organiser_manages_the_team_on_the_admin_page_in_latvian(app, make_user):
    build_reference_event()
    make_event(slug=OTHER)
    organiser = make_user("organizatore@example.org", "moderator")
    make_user("žanis@example.org", "jury")
    join_team(organiser.email, "organiser")
    browser = app.test_client()
    assert sign_in(browser, organiser.email).status_code == 302
    page_url = f"/admin/events/{SLUG}/team?lang=lv"
    page = browser.get(page_url)
    assert page.status_code == 200 and "organizatore@example.org" in page.text
    assert "<h1>Komanda</h1>" in page.text

    unknown = post_form(browser, page_url, {"email": "nav@example.org", "role": "jury"})
    assert unknown.status_code == 422
    assert "nav@example.org" in unknown.text and 'aria-invalid="true"' in unknown.text
    bad_role = post_form(browser, page_url, {"email": "žanis@example.org", "role": "admin"})
    assert bad_role.status_code == 422
    assert roles_in() == {"organizatore@example.org": "organiser"}

    added = post_form(browser, page_url, {"email": "Žanis@example.org", "role": "jury"})
    assert added.status_code == 302
    assert roles_in()["žanis@example.org"] == "jury"
    page = browser.get(page_url).text
    user_id = db.session.scalar(sa.select(EventRole.user_id).where(EventRole.role == "jury"))
    removed = browser.post(
        f"/admin/events/{SLUG}/team/{user_id}/remove", data={"csrf_token": csrf_of(page)}
    )
    assert removed.status_code == 302
    assert roles_in() == {"organizatore@example.org": "organiser"}
    assert [action for action, *_ in team_audit()] == [
        "team.added",
        "team.added",
        "team.removed",
    ]
    # Their own event only: the other event's team, and the users, are not theirs.
    assert browser.get(f"/admin/events/{OTHER}/team").status_code == 403
    assert browser.get("/admin/users/").status_code == 403
    index = browser.get("/admin/?lang=lv").text
    assert f"/admin/events/{SLUG}/" in index and f"/admin/events/{OTHER}/" not in index
