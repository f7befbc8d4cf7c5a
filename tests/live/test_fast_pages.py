"""The fast route in front of Flask (conference/live/fast_pages.py): the cached live page and
the state endpoint answered from bytes, the same answers as Flask's, and switchable off.

Every behaviour test runs both ways (``fast``: on and off) and checks who answered."""

from __future__ import annotations

import gzip
import logging
import re

import pytest

from conference.app import create_app
from conference.attendees import read_attendee_id
from conference.config import load_config
from conference.live.fast_pages import FastPages
from conference.participants.gate import known_mode
from conference.users.services import create_token_for, create_user
from tests.conftest import join_team

SLUG = "daugavpils-2021"
PAGE = f"/events/{SLUG}"
STATE = f"/api/v1/events/{SLUG}/state"


def fast_route(app) -> FastPages | None:
    layer = app.wsgi_app
    while layer is not None:
        if isinstance(layer, FastPages):
            return layer
        layer = getattr(layer, "wsgi_app", None) or getattr(layer, "app", None)
    return None


@pytest.fixture(params=[True, False], ids=["fast", "flask"])
def app_config(app_config, request):
    return {**app_config, "FAST_PAGES": request.param}


@pytest.fixture
def fast(app_config):
    return app_config["FAST_PAGES"]


@pytest.fixture
def served(app, fast):
    """How many answers the fast route has given so far (always 0 when it is off)."""
    route = fast_route(app)
    assert (route is not None) == fast
    return lambda: route.served if route is not None else 0


def headers_of(response) -> dict:
    """The headers that must not depend on who answered (Date is the server's)."""
    return {
        name: (value.split("=")[0] if name == "Set-Cookie" else value)
        for name, value in response.headers.items()
        if name not in ("Date",)
    }


def page_text(response) -> bytes:
    """The page without the moment it was rendered at."""
    body = response.data
    if response.headers.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    assert b"<!doctype html>" in body
    return re.sub(rb'"server_now": ?"[^"]*"', b"", body)


def test_the_switch(app_config, db_url):
    from conference.db import db

    assert load_config(environ={})["server"]["fast_pages"] is True
    assert (
        load_config(environ={"CONFERENCE_SERVER_FAST_PAGES": "false"})["server"]["fast_pages"]
        is False
    )
    trusted = {**app_config, "FAST_PAGES": True, "TRUSTED_HOSTS": ["conference.example.lv"]}
    for config, installed in (
        ({**app_config, "FAST_PAGES": False}, False),
        ({**app_config, "FAST_PAGES": True}, True),
        (trusted, False),  # Flask checks the host itself when told to: then it answers all
    ):
        made = create_app(test_config=config)
        assert (fast_route(made) is not None) == installed
        with made.app_context():
            db.engine.dispose()


@pytest.fixture
def other(app, app_config):
    """The same app on the same database with the fast route the other way round."""
    from conference.db import db

    other = create_app(test_config={**app_config, "FAST_PAGES": not app_config["FAST_PAGES"]})
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def test_the_same_answers_either_way(app, other, event, fast, served):
    """Status, headers and bodies of both routes are those of the other one."""
    etag = app.test_client().get(STATE).headers["ETag"]
    requests = [
        (STATE, {}),
        (STATE, {"If-None-Match": etag}),
        (STATE, {"If-None-Match": f'W/{etag}, "other"'}),
        (STATE, {"If-None-Match": '"other"'}),
        (PAGE, {"Accept-Encoding": "gzip, deflate"}),
        (PAGE, {"Accept-Language": "en-GB,en;q=0.9"}),
        (PAGE, {"Accept-Encoding": "br", "Cookie": "lang=en"}),
    ]
    for path, headers in requests:
        answers = []
        for each in (app, other):
            each.test_client().get(path, headers=headers)  # the page is cached now
            before = served()
            answers.append(each.test_client().get(path, headers=headers))
            assert served() == before + (1 if fast and each is app else 0)
        mine, theirs = answers
        assert int(mine.headers.get("Content-Length", 0)) == len(mine.data)
        if path == PAGE:  # two renders differ in their "now", so in their length
            del mine.headers["Content-Length"], theirs.headers["Content-Length"]
        assert (mine.status, headers_of(mine)) == (theirs.status, headers_of(theirs)), path
        if path == STATE:
            assert mine.data == theirs.data
        else:
            assert page_text(mine) == page_text(theirs)


def test_languages_cookies_and_304(app, event, fast, served):
    client = app.test_client()
    client.get(PAGE)  # renders, and gives this browser its attendee cookie
    attendee = client.get_cookie("attendee").value
    assert read_attendee_id(attendee, app.secret_key)
    # A returning attendee: no new cookie; a new browser: its own one.
    assert "Set-Cookie" not in client.get(PAGE).headers
    fresh = app.test_client().get(STATE)
    assert read_attendee_id(
        fresh.headers["Set-Cookie"].split("=", 1)[1].split(";")[0], app.secret_key
    )
    assert (
        "HttpOnly" in fresh.headers["Set-Cookie"] and "SameSite=Lax" in fresh.headers["Set-Cookie"]
    )
    # Language by cookie, by Accept-Language, the default; ?lang= (Flask's) sets the cookie.
    english = app.test_client().get(PAGE, headers={"Accept-Language": "en-US,en;q=0.8"})
    assert 'lang="en"' in english.get_data(as_text=True)
    assert 'lang="lv"' in app.test_client().get(PAGE).get_data(as_text=True)
    chooser = app.test_client()
    cookies = chooser.get(f"{PAGE}?lang=en").headers.get_all("Set-Cookie")
    assert any(cookie.startswith("lang=en;") for cookie in cookies)
    assert 'lang="en"' in chooser.get(PAGE).get_data(as_text=True)
    # 304 for the ETag, weakly compared.
    etag = client.get(STATE).headers["ETag"]
    assert client.get(STATE, headers={"If-None-Match": f"W/{etag}"}).status_code == 304
    assert served() > 0 if fast else served() == 0


def test_pages_are_kept_by_the_language_chosen_not_by_the_header(app, event, fast):
    app.test_client().get(PAGE, headers={"Accept-Language": "en"})  # renders the English page
    pages = app.extensions["live_page_cache"]
    before = len(pages)
    for header in ("en-GB,en;q=0.9", "en-US", "de-DE,en;q=0.5", "EN"):
        page = app.test_client().get(PAGE, headers={"Accept-Language": header})
        assert 'lang="en"' in page.get_data(as_text=True)
    assert len(pages) == before  # no render per header


def test_the_log_line_and_the_counter(app, event, fast, served, caplog):
    from conference.ops import metrics

    app.test_client().get(PAGE)
    counter = metrics.HTTP_REQUESTS.labels("200")
    before = counter._value.get()
    caplog.set_level(logging.INFO, logger="conference.requests")
    app.test_client().get(PAGE)
    app.test_client().get(STATE)
    lines = [r.getMessage() for r in caplog.records if r.name == "conference.requests"]
    assert len(lines) == 2
    assert lines[0].startswith(f"request method=GET route=/events/<slug> status=200 event={SLUG}")
    assert lines[1].startswith("request method=GET route=/api/v1/events/<slug>/state status=200")
    assert counter._value.get() == before + 2
    assert served() == (2 if fast else 0)


def test_what_the_fast_route_leaves_to_flask(app, event, fast, served):
    """Anything unusual: Flask answers it, as it always did."""
    token = None
    client = app.test_client()
    client.get(PAGE)
    client.get(STATE)
    start = served()
    create_user("mod@example.org", "moderator", "moderatora parole")
    join_team("mod@example.org", "moderator", SLUG)
    token = create_token_for("mod@example.org")
    assert client.head(PAGE).status_code == 200
    assert client.get(f"{PAGE}?lang=en").status_code == 200
    assert client.get(f"{PAGE}/").status_code in (404, 308)
    assert client.get("/events/no-such-event").status_code == 404
    assert client.get("/api/v1/events/no-such-event/state").status_code == 404
    bearer = client.get(STATE, headers={"Authorization": f"Bearer {token}"})
    assert bearer.status_code == 200 and bearer.headers["Cache-Control"] == "no-store"
    client.set_cookie("session", "anything")
    assert client.get(PAGE).status_code == 200
    assert served() == start


def test_ended_and_registration_first_events_go_to_flask(app, event, fast, served):
    create_user("org@example.org", "moderator", "organizatora parole")
    join_team("org@example.org", "organiser", SLUG)
    organiser = {"Authorization": f"Bearer {create_token_for('org@example.org')}"}
    client = app.test_client()
    client.get(PAGE)
    assert client.get(PAGE).status_code == 200
    assert known_mode(app, SLUG, event_seq(app)) is not None
    changed = client.patch(
        f"/api/v1/events/{SLUG}", json={"registration": "required"}, headers=organiser
    )
    assert changed.status_code == 200, changed.text
    start = served()
    for _ in range(2):
        answer = app.test_client().get(PAGE)
        assert answer.status_code == 303 and "/register" in answer.headers["Location"]
    assert served() == start
    client.patch(f"/api/v1/events/{SLUG}", json={"registration": "off"}, headers=organiser)
    app.test_client().get(PAGE)
    assert app.test_client().get(PAGE).status_code == 200
    assert served() == start + (1 if fast else 0)
    # After the event a registered participant's page offers the certificate: never shared.
    moderator = create_user("mod@example.org", "moderator", "moderatora parole")
    join_team(moderator.email, "moderator", SLUG)
    headers = {"Authorization": f"Bearer {create_token_for(moderator.email)}"}
    for command in ("start_event", "end_event"):
        done = client.post(
            f"/api/v1/events/{SLUG}/commands", json={"type": command}, headers=headers
        )
        assert done.status_code == 200, done.text
    start = served()
    for _ in range(2):
        assert app.test_client().get(PAGE).status_code == 200
    assert served() == start


def event_seq(app) -> int:
    from conference.live.publish import live_hub

    return live_hub(app).cache.peek(SLUG).seq
