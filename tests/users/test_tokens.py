"""API tokens: revoked from the admin or the command line, they stop working at once."""

from __future__ import annotations

import pytest

from conference.db import db
from conference.users.auth import user_for_token
from conference.users.services import create_token_for, create_user
from tests.admin.browser import post_form, sign_in

pytestmark = pytest.mark.integration

COMMANDS = "/api/v1/events/no-such-event/commands"


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def moderator(app):
    user = create_user("moderators.skripts@example.org", "moderator", "drošā parole", name="Ņina")
    return user


def test_admin_revokes_every_token_of_a_user(app, client, moderator):
    first, second = create_token_for(moderator.email), create_token_for(moderator.email)
    # A valid token passes authentication (404: no such event), a revoked one is 401.
    assert client.post(COMMANDS, json={}, headers=bearer(first)).status_code == 404
    create_user("admins@example.org", "admin", "administratora parole")
    admin_client = app.test_client()
    assert sign_in(admin_client, "admins@example.org", "administratora parole").status_code == 302
    listing = admin_client.get("/admin/users/?lang=lv").text
    assert f"/admin/users/{moderator.id}/tokens/revoke" in listing

    response = post_form(
        admin_client,
        "/admin/users/?lang=lv",
        {},
        action=f"/admin/users/{moderator.id}/tokens/revoke",
    )
    assert response.status_code == 302
    page = admin_client.get("/admin/users/?lang=lv").text
    assert "Lietotājam moderators.skripts@example.org atsaukti 2 API marķieri." in page
    # No revoke button once nothing is left to revoke.
    assert f"/admin/users/{moderator.id}/tokens/revoke" not in page
    db.session.expire_all()
    assert user_for_token(first) is None and user_for_token(second) is None
    refused = client.post(COMMANDS, json={}, headers=bearer(second) | {"Accept-Language": "lv"})
    assert refused.status_code == 401
    # A token made afterwards works again.
    assert user_for_token(create_token_for(moderator.email)).email == moderator.email


def test_only_an_admin_revokes(app, moderator):
    token = create_token_for(moderator.email)
    other = app.test_client()
    assert sign_in(other, moderator.email, "drošā parole").status_code == 302
    assert other.get("/admin/users/?lang=lv").status_code == 403
    # Refused either way: without a valid CSRF token (400) or for the role (403).
    assert other.post(f"/admin/users/{moderator.id}/tokens/revoke").status_code in (400, 403)
    db.session.expire_all()
    assert user_for_token(token) is not None


def test_token_revoke_on_the_command_line(conference):
    email = "skripts@example.org"
    added = conference(
        "user", "add", email, "--role", "moderator", "--password-stdin", stdin="drošā parole\n"
    )
    assert added.exit_code == 0, added.output
    for _ in range(2):
        assert conference("token", "create", email).exit_code == 0
    result = conference("token", "revoke", email)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"2 token(s) of {email} revoked"
    assert conference("token", "revoke", email).stdout.strip() == f"0 token(s) of {email} revoked"

    unknown = conference("token", "revoke", "nav.tāda@example.org")
    assert unknown.exit_code != 0
    assert "Traceback" not in unknown.output
    assert unknown.stderr.strip().startswith("conference: ")
