"""Every GET route of the app answers with the browser policy, signed out and as an admin.

The routes come from the app's URL map, so a new page is checked the day it is added (and a
route with an argument this test cannot fill fails until ``ARGUMENTS`` learns it).
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from conference.config import ConfigError
from conference.security import FILE_ENDPOINTS, frame_ancestors_setting
from tests.security.conftest import signed_in

TOKEN_PREFIXES = ("/partner/", "/api/v1/invites/")
SECRET_PREFIXES = ("/admin/", "/moderate/", "/jury/", *TOKEN_PREFIXES)
# Answers to machines (load balancers, Prometheus): the state of this moment, never cached.
MACHINE_ENDPOINTS = {"ops.health", "ops.metrics_view"}


def argument_values(site) -> dict:
    contest = site.contest
    return {
        "slug": site.event.slug,
        "contest_id": contest.id,
        "award_id": contest.awards[0].id,
        "entry_id": contest.entries[0].id,
        "thing_id": 1,
        "poll_id": 1,  # 1.1: a poll may not exist; the answer still carries the policy
        "user_id": site.admin.id,
        "token": site.invite_token,
        "name": "no-such-file.mp4",
        "filename": "css/site.css",
    }


def get_urls(app, site) -> list[tuple[str, str]]:
    """``(endpoint, url)`` of every route that answers GET, its arguments filled in."""
    values = argument_values(site)
    urls = []
    with app.test_request_context():
        from flask import url_for

        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods:
                continue
            missing = rule.arguments - values.keys()
            assert not missing, f"{rule.rule}: teach this test a value for {missing}"
            arguments = {name: values[name] for name in rule.arguments}
            urls.append((rule.endpoint, url_for(rule.endpoint, **arguments)))
    return sorted(urls)


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in policy.split(";"):
        name, *sources = part.split()
        parsed[name] = sources
    return parsed


class InlineCode(HTMLParser):
    """Collects what a policy without 'unsafe-inline' would block in a page."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.scripts += tag == "script"
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.found.append(f"<{tag} {name}=…>")
            if name in ("href", "src", "action") and (value or "").strip().startswith(
                "javascript:"
            ):
                self.found.append(f"<{tag} {name}=javascript:…>")
        if tag == "style":
            self.found.append("<style>")
        if tag == "script" and "src" not in attributes:
            if attributes.get("type") != "application/json":
                self.found.append("<script> without src")


def check_policy(endpoint: str, url: str, response) -> None:
    headers = response.headers
    assert response.status_code < 500, url
    policy = directives(headers["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"], url
    assert policy["style-src"] == ["'self'"], url
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["connect-src"] == ["'self'", "ws://localhost"]
    assert "data:" not in policy["img-src"] and "'unsafe-inline'" not in str(policy)
    # Without configured origins, not even the screen view may be framed.
    assert policy["frame-ancestors"] == ["'none'"], url
    assert headers["X-Frame-Options"] == "DENY", url
    assert headers["X-Content-Type-Options"] == "nosniff", url
    expected_referrer = (
        "no-referrer" if url.startswith(TOKEN_PREFIXES) else "strict-origin-when-cross-origin"
    )
    assert headers["Referrer-Policy"] == expected_referrer, url
    assert "Strict-Transport-Security" not in headers  # plain http
    if url.startswith(SECRET_PREFIXES):
        assert headers["Cache-Control"] == "no-store", url
    if response.mimetype == "text/html" and response.status_code == 200:
        parser = InlineCode()
        parser.feed(response.get_data(as_text=True))
        assert parser.found == [], f"{url} has inline code: {parser.found}"
        assert parser.scripts, url  # every page has its scripts: the page was really read


def test_every_get_route_signed_out_sends_the_policy(app, site):
    client = app.test_client()
    urls = get_urls(app, site)
    assert len(urls) > 30
    statuses = {}
    for endpoint, url in urls:
        response = client.get(url)
        response.close()  # static files are streamed from an open file
        check_policy(endpoint, url, response)
        statuses[endpoint] = response.status_code
        if endpoint in MACHINE_ENDPOINTS:
            assert response.headers.get("Cache-Control") == "no-store", url
        elif not url.startswith(SECRET_PREFIXES) and endpoint not in FILE_ENDPOINTS:
            assert response.headers.get("Cache-Control") != "no-store", url
    # The public pages really rendered (a policy on an error page alone would prove little).
    for endpoint in ("live.event_home", "live.screen", "events.agenda", "greetings.partner_page"):
        assert statuses[endpoint] == 200, endpoint


def test_every_get_route_as_admin_sends_the_policy_and_no_store(app, site):
    client = signed_in(app.test_client(), site.admin)
    statuses = {}
    for endpoint, url in get_urls(app, site):
        response = client.get(url)
        response.close()  # static files are streamed from an open file
        check_policy(endpoint, url, response)
        statuses[endpoint] = response.status_code
        if endpoint not in FILE_ENDPOINTS:
            # A signed-in user's answers are theirs alone: never kept by any cache.
            assert response.headers["Cache-Control"] == "no-store", url
    for endpoint in (
        "admin.index",
        "admin.users",
        "live.console",
        "ceremony.page",
        "ceremony.codes",
        "greetings.moderate",
        "greetings.invites",
        "jury.decision",
    ):
        assert statuses[endpoint] == 200, endpoint


def test_secret_api_answers_are_not_stored(app, site, client):
    """The tally and every greeting's review state, asked for with a bearer token."""
    from conference.users.auth import create_api_token

    headers = {"Authorization": f"Bearer {create_api_token(site.admin)}"}
    slug, contest = site.event.slug, site.contest
    for url in (
        f"/api/v1/events/{slug}/contests/{contest.id}/tally",
        f"/api/v1/events/{slug}/greetings",
    ):
        response = client.get(url, headers=headers)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store", url
    public = client.get(f"/api/v1/events/{slug}/state")
    assert public.headers["Cache-Control"] == "no-cache"
    assert "Cookie" not in public.headers.get("Vary", "")


def test_a_forged_forwarded_proto_is_ignored_without_a_proxy(client, site):
    """proxy_fix = 0: X-Forwarded-Proto comes from the client and means nothing."""
    response = client.get(
        f"/events/{site.event.slug}?lang=en", headers={"X-Forwarded-Proto": "https"}
    )
    assert "Strict-Transport-Security" not in response.headers
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies and not any("Secure" in cookie for cookie in cookies)


@pytest.mark.parametrize(
    "origins",
    [["studio.example.lv"], ["https://studio.example.lv/path"], ["*"], [42]],
)
def test_framing_origins_must_be_origins(origins):
    with pytest.raises(ConfigError, match="screen_frame_ancestors"):
        frame_ancestors_setting(origins)


def test_framing_origins_form_the_directive():
    assert frame_ancestors_setting([]) == "'none'"
    assert (
        frame_ancestors_setting(["https://studio.example.lv/", "http://127.0.0.1:8080"])
        == "https://studio.example.lv http://127.0.0.1:8080"
    )
