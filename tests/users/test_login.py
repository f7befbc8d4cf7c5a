"""Signing in and out: the happy path, refusals, CSRF, the rate limits, where each role lands."""

from __future__ import annotations

import pytest

from tests.admin.browser import PASSWORD, csrf_of, post_form, sign_in
from tests.conftest import join_team
from tests.events.reference_event import build_reference_event


def test_admin_signs_in_and_lands_in_the_admin(app, client, admin):
    response = sign_in(client, "AdminE@example.org ")
    assert response.status_code == 302
    assert response.location == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_session_cookie_is_httponly_and_lax(app, client, admin):
    response = sign_in(client, admin.email)
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_moderator_lands_on_the_console_of_the_event(app, client, make_user):
    build_reference_event()
    make_user("moderatore@example.org", "moderator")
    assert sign_in(client, "moderatore@example.org").location == "/"  # no event of theirs yet
    client.delete_cookie("session")
    join_team("moderatore@example.org", "moderator")
    response = sign_in(client, "moderatore@example.org")
    assert response.location == "/moderate/daugavpils-2021"


def test_juror_lands_on_the_start_page(app, client, make_user):
    make_user("zurija@example.org", "jury")
    assert sign_in(client, "zurija@example.org").location == "/"


def test_next_takes_local_paths_only(app, client, admin):
    page = client.get("/login?next=/admin/users/")
    response = client.post(
        "/login?next=/admin/users/",
        data={"email": admin.email, "password": PASSWORD, "csrf_token": csrf_of(page.text)},
    )
    assert response.location == "/admin/users/"
    for evil in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        other = app.test_client()
        page = other.get("/login")
        response = other.post(
            "/login?next=" + evil,
            data={"email": admin.email, "password": PASSWORD, "csrf_token": csrf_of(page.text)},
        )
        assert response.location == "/admin/", (
            evil,
            response.text[response.text.find("<main") :][:500],
        )


@pytest.mark.parametrize(
    ("email", "password"),
    [("admine@example.org", "nepareiza parole"), ("nav@example.org", PASSWORD)],
)
def test_wrong_email_or_password_says_so_without_telling_which(app, client, admin, email, password):
    response = post_form(client, "/login?lang=lv", {"email": email, "password": password})
    assert response.status_code == 422
    assert "Nepareizs e-pasts vai parole" in response.text
    assert client.get("/admin/").status_code == 302


def test_deactivated_user_cannot_sign_in(app, client, make_user):
    make_user("bijusi@example.org", "admin", active=False)
    response = sign_in(client, "bijusi@example.org")
    assert response.status_code == 422
    assert client.get("/admin/").status_code == 302


def test_login_without_csrf_token_is_refused(app, client, admin):
    response = client.post("/login", data={"email": admin.email, "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/admin/").status_code == 302


def test_logout_needs_post_with_csrf(app, admin_client):
    assert admin_client.get("/logout").status_code == 405
    assert admin_client.post("/logout").status_code == 400
    assert admin_client.get("/admin/").status_code == 200
    response = post_form(admin_client, "/admin/", {}, action="/logout")
    assert response.status_code == 302
    assert admin_client.get("/admin/").status_code == 302


@pytest.fixture
def login_limit(app) -> int:
    """A small limit, so the test needs few (deliberately slow, Argon2) attempts."""
    app.config["SETTINGS"]["security"]["login_limit"] = "3 per minute"
    return 3


def attempt(client, email, password="nepareizi", address="10.0.0.1"):
    page = client.get("/login?lang=lv", environ_base={"REMOTE_ADDR": address})
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": csrf_of(page.text)},
        environ_base={"REMOTE_ADDR": address},
    )


def test_one_address_guessing_one_account_is_stopped(app, client, admin, make_user, login_limit):
    for _ in range(login_limit):
        assert attempt(client, admin.email).status_code == 422
    refused = attempt(client, admin.email, password=PASSWORD)
    assert refused.status_code == 429
    assert "Pārāk daudz" in refused.text
    assert int(refused.headers["Retry-After"]) > 0
    assert client.get("/admin/").status_code == 302
    # The owner at another address still gets in, and so does a colleague behind the same router.
    assert attempt(app.test_client(), admin.email, PASSWORD, address="10.0.0.2").status_code == 302
    make_user("kolega@example.org", "moderator")
    assert attempt(app.test_client(), "kolega@example.org", PASSWORD).status_code == 302


def test_one_account_guessed_from_many_addresses_is_stopped(app, admin, login_limit):
    addresses = [f"10.1.0.{n}" for n in range(3 * login_limit)]
    for address in addresses:
        assert attempt(app.test_client(), admin.email, address=address).status_code == 422
    late = attempt(app.test_client(), admin.email, PASSWORD, address="10.2.0.1")
    assert late.status_code == 429


def test_one_address_trying_many_accounts_is_stopped(app, admin, login_limit):
    client = app.test_client()
    for n in range(10 * login_limit):
        assert attempt(client, f"cits{n}@example.org").status_code == 422
    assert attempt(client, admin.email, PASSWORD).status_code == 429
    assert attempt(app.test_client(), admin.email, PASSWORD, address="10.3.0.1").status_code == 302


def test_successful_sign_ins_do_not_count(app, admin, login_limit):
    for _ in range(login_limit + 2):
        client = app.test_client()
        assert attempt(client, admin.email, PASSWORD).status_code == 302
