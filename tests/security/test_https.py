"""Behind a TLS proxy (``server.proxy_fix = 1``): HSTS and Secure cookies when the browser
used https, neither on plain http; and the screen view framed only by the configured studio."""

from __future__ import annotations

import pytest

from conference.config import load_config
from tests.admin.browser import PASSWORD, post_form
from tests.security.conftest import signed_in

STUDIO = "https://studio.example.lv"
HTTPS = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}


@pytest.fixture
def app_config(app_config):
    """One proxy in front, and a streaming studio allowed to frame the screen view."""
    settings = load_config()
    settings["security"]["screen_frame_ancestors"] = [STUDIO]
    return {**app_config, "PROXY_FIX": 1, "SETTINGS": settings}


def cookies_of(response) -> dict[str, str]:
    return {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}


def test_over_https_every_cookie_is_secure_and_hsts_is_sent(app, site):
    client = app.test_client()
    page = client.get(f"/events/{site.event.slug}?lang=en", headers=HTTPS)
    login = client.get("/login?lang=lv", headers=HTTPS)
    cookies = cookies_of(page) | cookies_of(login)
    # The attendee identity, the language, and the session (which also holds the CSRF token).
    assert set(cookies) == {"attendee", "lang", "session"}
    for name, header in cookies.items():
        assert "; Secure" in header, name
        assert "HttpOnly" in header or name == "lang", name
    assert page.headers["Strict-Transport-Security"] == "max-age=31536000"
    policy = page.headers["Content-Security-Policy"]
    assert "connect-src 'self' wss://localhost" in policy


def test_signing_in_over_https_gives_a_secure_session_cookie(app, site, make_user):
    client = app.test_client()
    make_user("moderatore@example.org", "moderator")
    response = post_form(
        client,
        "/login",
        {"email": "moderatore@example.org", "password": PASSWORD},
        # Over https Flask-WTF also wants a same-site Referer, which the policy lets through.
        headers={**HTTPS, "Referer": "https://localhost/login"},
    )
    assert response.status_code == 302
    assert "; Secure" in cookies_of(response)["session"]


def test_plain_http_behind_the_same_proxy_sets_no_secure_cookie(app, site):
    client = app.test_client()
    plain = {"X-Forwarded-Proto": "http", "X-Forwarded-For": "203.0.113.7"}
    page = client.get(f"/events/{site.event.slug}?lang=en", headers=plain)
    cookies = cookies_of(page) | cookies_of(client.get("/login", headers=plain))
    assert set(cookies) == {"attendee", "lang", "session"}
    assert not any("Secure" in header for header in cookies.values())
    assert "Strict-Transport-Security" not in page.headers
    assert "connect-src 'self' ws://localhost" in page.headers["Content-Security-Policy"]


def test_only_the_configured_studio_may_frame_the_screen_view(app, site):
    client = app.test_client()
    screen = client.get(f"/events/{site.event.slug}/screen", headers=HTTPS)
    assert screen.status_code == 200
    assert f"frame-ancestors {STUDIO}" in screen.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in screen.headers  # it cannot name an origin
    home = client.get(f"/events/{site.event.slug}", headers=HTTPS)
    assert "frame-ancestors 'none'" in home.headers["Content-Security-Policy"]
    assert home.headers["X-Frame-Options"] == "DENY"
    console = signed_in(app.test_client(), site.admin).get(
        f"/moderate/{site.event.slug}", headers=HTTPS
    )
    assert console.status_code == 200
    assert "frame-ancestors 'none'" in console.headers["Content-Security-Policy"]
