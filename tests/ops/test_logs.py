"""The server's log during a scripted event day: one line per request and per command with the
event, the actor's user id and the time taken, as JSON; and not one line with a name, an
e-mail address, a password, a token, an invite link, a cookie or a partner's words."""

from __future__ import annotations

import json

import pytest
import requests

from conference.demo import DEMO_SLUG
from tests.ops import event_day
from tests.ops.places import Place

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_a_scripted_event_day_logs_what_happened_and_nothing_personal(tmp_path):
    place = Place("sqlite", tmp_path / "place", secret_key="")
    place.token, place.invite_token = event_day.prepare(place)
    try:
        server = place.serve(logging_format="json")
        # Someone mistypes: the password in the e-mail field, then a wrong password.
        page = requests.Session()
        for email, password in ((event_day.PASSWORD, "x"), (event_day.ADMIN_EMAIL, "nepareizi")):
            form = page.get(f"{server.url}/login", timeout=10)
            match = event_day.CSRF.search(form.text)
            page.post(
                f"{server.url}/login",
                data={"email": email, "password": password, "csrf_token": match.group(1) or match.group(2)},
                timeout=10,
            )  # fmt: skip
        day = event_day.run_event_day(place, server, tmp_path, followers=2)
        requests.get(f"{server.url}/partner/{place.invite_token}", timeout=10)
        requests.get(f"{server.url}/api/v1/invites/{place.invite_token}", timeout=10)
        for follower in day.followers:
            follower.close()
    finally:
        place.close()

    lines = [line for line in server.log_path.read_text("utf-8").splitlines() if line.strip()]
    records = []
    for line in lines:
        if line.lstrip().startswith("Serving on"):
            continue  # the one line the server prints for a person starting it
        records.append(json.loads(line))  # every log line is one JSON object

    secrets = {
        "e-mail": event_day.ADMIN_EMAIL,
        "name": event_day.ADMIN_NAME,
        "surname": "Bērziņa",
        "password": event_day.PASSWORD,
        "API token": place.token,
        "invite token": place.invite_token,
        "greeting title": event_day.GREETING_TITLE,
        "upload file name": "sveiciens.mp4",
        "session cookie": day.session.cookies.get("session"),
        "attendee cookie": day.session.cookies.get("attendee"),
    }
    for what, secret in secrets.items():
        assert secret, what
        leaking = [line for line in lines if secret in line]
        assert not leaking, f"the {what} is in the log: {leaking[:2]}"

    requests_logged = [r for r in records if r["logger"] == "conference.requests"]
    commands_logged = [r for r in records if r["logger"] == "conference.commands"]
    assert {"method", "route", "status", "event", "actor", "ms"} <= set(requests_logged[0])
    # Invite routes are logged by their pattern, never their path.
    assert any(r["route"] == "/partner/<token>" for r in requests_logged)
    assert any(r["route"].startswith("/api/v1/invites/<token>/uploads") for r in requests_logged)
    login_failures = [r for r in requests_logged if r["route"] == "/login" and r["status"] == 422]
    assert len(login_failures) == 2
    posted = [r for r in requests_logged if r["route"] == "/api/v1/events/<slug>/commands"]
    assert len(posted) == 5
    assert all(r["event"] == DEMO_SLUG and isinstance(r["actor"], int) for r in posted)
    assert all(isinstance(r["ms"], int | float) and r["ms"] >= 0 for r in posted)
    assert [r["type"] for r in commands_logged] == [
        "start_event", "next_item", "announce", "play_greeting", "reveal_award",
    ]  # fmt: skip
    assert all(
        r["status"] == "applied" and r["event"] == DEMO_SLUG and r["actor"] == posted[0]["actor"]
        for r in commands_logged
    )
    assert commands_logged[-1]["seq"] == day.followers[0].updates[-1]["seq"]
    # The health and metrics endpoints, asked every few seconds, do not fill the log.
    assert not any(r.get("route") in ("/health", "/metrics") for r in requests_logged)


def test_an_unexpected_error_is_logged_without_path_or_values(app, caplog):
    """A 500 is logged with its traceback: by the route's pattern (the path holds the invite
    token) and with the SQL statement but not its values (a participant's e-mail)."""
    import logging

    import sqlalchemy as sa

    from conference.db import db

    def fails(token):
        db.session.execute(sa.text("SELECT * FROM nav_tadas_tabulas WHERE e = :e"), {"e": EMAIL})

    app.add_url_rule("/test-fails/<token>", "test_fails", fails)
    caplog.set_level(logging.INFO)
    answer = app.test_client().get("/test-fails/slepens-ielugums-123")
    assert answer.status_code == 500
    logged = "\n".join(
        record.getMessage() + (logging.Formatter().formatException(record.exc_info) if record.exc_info else "")
        for record in caplog.records
    )  # fmt: skip
    assert "nav_tadas_tabulas" in logged and "/test-fails/<token>" in logged
    assert EMAIL not in logged and "slepens-ielugums-123" not in logged


EMAIL = "janis.berzins@example.lv"


def test_a_loop_failing_every_second_logs_one_traceback_then_a_line_a_minute(monkeypatch, caplog):
    import logging

    from conference.ops import logs

    clock = [1000.0]
    monkeypatch.setattr(logs.time, "monotonic", lambda: clock[0])
    failure = logs.RepeatedFailure(logging.getLogger("conference.test"), "presence count")
    with caplog.at_level(logging.WARNING, logger="conference.test"):
        for _ in range(130):  # Redis down for 130 s, one try a second
            try:
                raise ConnectionError("Error 111 connecting to 127.0.0.1:6379")
            except ConnectionError:
                failure.failed()
            clock[0] += 1.0
        failure.succeeded()
        failure.succeeded()
    lines = [record.getMessage() for record in caplog.records]
    tracebacks = [record for record in caplog.records if record.exc_info]
    assert len(tracebacks) == 1
    assert lines[0] == "presence count failed"
    assert lines[1:3] == [
        "presence count still failing (61 times so far): "
        "ConnectionError('Error 111 connecting to 127.0.0.1:6379')",
        "presence count still failing (121 times so far): "
        "ConnectionError('Error 111 connecting to 127.0.0.1:6379')",
    ]
    assert lines[3:] == ["presence count works again after 130 failures"]
