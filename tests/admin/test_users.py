"""Users in the admin: create with a role, deactivate, new password, an API token shown once."""

from __future__ import annotations

import re

import sqlalchemy as sa

from conference.db import db
from conference.users.auth import hash_token, user_for_token
from conference.users.models import ApiToken, User
from tests.admin.browser import post_form, sign_in


def user(email: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(User).where(User.email == email))


def new_user(admin_client, **changes):
    fields = {
        "email": "moderatore@example.org",
        "name": "Līga Ēķīte",
        "role": "moderator",
        "password": "drošā parole",
        "password_again": "drošā parole",
    }
    fields.update(changes)
    return post_form(admin_client, "/admin/users/new?lang=lv", fields)


def test_create_user_who_can_then_sign_in(app, admin_client):
    assert new_user(admin_client).status_code == 302
    created = user("moderatore@example.org")
    assert (created.name, created.role) == ("Līga Ēķīte", "moderator")
    assert "Līga Ēķīte" in admin_client.get("/admin/users/").text
    browser = app.test_client()
    assert sign_in(browser, "moderatore@example.org", "drošā parole").status_code == 302


def test_user_refusals_in_latvian(app, admin_client):
    short = new_user(admin_client, password="īsa", password_again="īsa")
    assert short.status_code == 422
    assert "Laukā jābūt vismaz 8 rakstzīmēm." in short.text
    differ = new_user(admin_client, password_again="cita parole!")
    assert "Abas paroles nesakrīt." in differ.text
    bad_email = new_user(admin_client, email="nav-e-pasts")
    assert 'id="email-errors"' in bad_email.text
    assert user("moderatore@example.org") is None
    new_user(admin_client)
    again = new_user(admin_client, email="Moderatore@Example.org")
    assert again.status_code == 422
    assert 'id="email-errors"' in again.text


def test_deactivate_and_activate(app, admin_client, admin):
    new_user(admin_client)
    target = user("moderatore@example.org")
    browser = app.test_client()
    sign_in(browser, "moderatore@example.org", "drošā parole")
    assert browser.get("/admin/").status_code == 403  # signed in, as a moderator
    response = post_form(
        admin_client, "/admin/users/", {}, action=f"/admin/users/{target.id}/active"
    )
    assert response.status_code == 302
    assert user("moderatore@example.org").active is False
    assert browser.get("/admin/").status_code == 302  # signed out at once
    assert sign_in(app.test_client(), "moderatore@example.org", "drošā parole").status_code == 422
    post_form(admin_client, "/admin/users/", {}, action=f"/admin/users/{target.id}/active")
    assert user("moderatore@example.org").active is True


def test_admin_cannot_deactivate_themselves(app, admin_client, admin):
    response = post_form(
        admin_client, "/admin/users/?lang=lv", {}, action=f"/admin/users/{admin.id}/active"
    )
    assert response.status_code == 302
    assert user(admin.email).active is True
    assert "Jūs nevarat deaktivizēt sevi." in admin_client.get("/admin/users/").text


def test_new_password(app, admin_client):
    new_user(admin_client)
    target = user("moderatore@example.org")
    url = f"/admin/users/{target.id}/password"
    response = post_form(
        admin_client, url, {"password": "jaunā parole ž", "password_again": "jaunā parole ž"}
    )
    assert response.status_code == 302
    assert sign_in(app.test_client(), target.email, "drošā parole").status_code == 422
    assert sign_in(app.test_client(), target.email, "jaunā parole ž").status_code == 302


def test_api_token_is_shown_once_and_stored_only_as_hash(app, admin_client):
    new_user(admin_client)
    target = user("moderatore@example.org")
    response = post_form(
        admin_client, "/admin/users/", {}, action=f"/admin/users/{target.id}/tokens"
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    token = re.search(r'id="token"[^>]*value="([^"]+)"', response.text).group(1)
    stored = db.session.scalars(sa.select(ApiToken.token_hash).where(ApiToken.user_id == target.id))
    assert list(stored) == [hash_token(token)]
    assert token not in admin_client.get("/admin/users/").text
    assert user_for_token(token).email == "moderatore@example.org"
