"""A copied session cookie dies with its session: sign-out, a new password, deactivation,
revocation (a role taken away) and age all end it on the server."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from conference.db import db
from conference.users.auth import create_api_token
from conference.users.models import UserSession
from conference.users.sessions import MAX_SESSION_AGE, revoke_sessions
from tests.admin.browser import post_form, sign_in


def copy_of(app, browser):
    """Another browser holding a copy of ``browser``'s session cookie (a stolen cookie)."""
    thief = app.test_client()
    thief.set_cookie("session", browser.get_cookie("session").value)
    return thief


def signed_in(browser) -> bool:
    return browser.get("/admin/").status_code == 200


@pytest.fixture
def other_admin(make_user):
    return make_user("otrs.admins@example.org", "admin")


def test_a_copied_cookie_dies_at_sign_out_and_other_browsers_stay(app, admin, admin_client):
    thief = copy_of(app, admin_client)
    second_laptop = app.test_client()
    assert sign_in(second_laptop, admin.email).status_code == 302
    assert signed_in(thief)
    response = post_form(admin_client, "/admin/", {}, action="/logout")
    assert response.status_code == 302
    assert not signed_in(admin_client)
    assert not signed_in(thief)
    assert thief.get("/admin/").headers["Location"].startswith("/login")
    assert signed_in(second_laptop)


def test_a_new_password_ends_every_session_of_that_user(app, admin_client, other_admin):
    victim = app.test_client()
    assert sign_in(victim, other_admin.email).status_code == 302
    thief = copy_of(app, victim)
    page = f"/admin/users/{other_admin.id}/password"
    response = post_form(
        admin_client,
        page,
        {"password": "jauna drošā parole", "password_again": "jauna drošā parole"},
    )
    assert response.status_code == 302
    assert not signed_in(victim) and not signed_in(thief)
    assert signed_in(admin_client)
    assert sign_in(app.test_client(), other_admin.email, "jauna drošā parole").status_code == 302


def test_setting_your_own_password_keeps_only_this_browser(app, admin, admin_client):
    other_browser = app.test_client()
    assert sign_in(other_browser, admin.email).status_code == 302
    thief = copy_of(app, other_browser)
    page = f"/admin/users/{admin.id}/password"
    new = "mana jaunā parole ž"
    assert (
        post_form(admin_client, page, {"password": new, "password_again": new}).status_code == 302
    )
    assert signed_in(admin_client)
    assert not signed_in(other_browser) and not signed_in(thief)


def test_deactivation_ends_sessions_for_good(app, admin_client, other_admin):
    victim = app.test_client()
    assert sign_in(victim, other_admin.email).status_code == 302
    action = f"/admin/users/{other_admin.id}/active"
    assert post_form(admin_client, "/admin/users/", {}, action=action).status_code == 302
    assert not signed_in(victim)
    assert post_form(admin_client, "/admin/users/", {}, action=action).status_code == 302
    db.session.refresh(other_admin)
    assert other_admin.active
    assert not signed_in(victim)  # switched on again, the old cookie stays dead


def test_revoke_sessions_ends_them_and_leaves_api_tokens(app, client, other_admin):
    browsers = [app.test_client(), app.test_client()]
    for browser in browsers:
        assert sign_in(browser, other_admin.email).status_code == 302
    token = create_api_token(other_admin)
    assert revoke_sessions(other_admin) == 2
    assert not any(signed_in(browser) for browser in browsers)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(UserSession)) == 0
    answer = client.get(
        "/api/v1/events/none/greetings", headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 404  # the token still authenticates; the event is unknown


def test_a_session_cookie_without_a_server_session_is_signed_out(app, admin):
    """A cookie signed with the right key but naming only a user (as before this change, or
    forged by someone who learnt the key) signs nobody in."""
    browser = app.test_client()
    with browser.session_transaction() as session:
        session["user_id"] = admin.id
    assert not signed_in(browser)


def test_a_session_ends_a_week_after_sign_in_however_active(app, admin, admin_client):
    assert signed_in(admin_client)
    row = db.session.scalar(sa.select(UserSession))
    row.created_at = row.created_at - MAX_SESSION_AGE - timedelta(minutes=1)
    db.session.commit()
    assert not signed_in(admin_client)
    assert sign_in(app.test_client(), admin.email).status_code == 302
    # Signing in again forgets the expired row.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(UserSession)) == 1
