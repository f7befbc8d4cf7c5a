"""The attendee cookie's own signer: itsdangerous' format both ways, and what the app does
with a new, a returning and a forged browser."""

from __future__ import annotations

import secrets

import pytest
from itsdangerous import URLSafeSerializer

from conference.attendees import ATTENDEE_COOKIE, AttendeeCookie

SECRET = "test-secret-" + "x" * 40


@pytest.fixture
def signer():
    return AttendeeCookie(SECRET)


@pytest.fixture
def reference():
    return URLSafeSerializer(SECRET, salt="attendee")


def test_values_are_exactly_itsdangerous_values(signer, reference):
    for _ in range(200):
        attendee_id = secrets.token_urlsafe(16)
        assert signer.dumps(attendee_id) == reference.dumps(attendee_id)


def test_each_reads_the_other(signer, reference):
    attendee_id = secrets.token_urlsafe(16)
    assert signer.loads(reference.dumps(attendee_id)) == attendee_id
    assert reference.loads(signer.dumps(attendee_id)) == attendee_id
    latvian = "ādažu-skola-ģ"
    assert signer.loads(reference.dumps(latvian)) == latvian


def test_a_compressed_value_of_itsdangerous_is_read(signer, reference):
    long_and_repetitive = "a" * 200
    value = reference.dumps(long_and_repetitive)
    assert value.startswith(".")  # itsdangerous compressed it
    assert signer.loads(value) == long_and_repetitive


def _other_first_signature_character(value: str) -> str:
    payload, signature = value.rsplit(".", 1)
    return payload + "." + ("B" if signature[0] == "A" else "A") + signature[1:]


@pytest.mark.parametrize(
    "forge",
    [
        lambda value: _other_first_signature_character(value),
        lambda value: "eyJ4Ijoi" + value[8:],  # payload
        lambda value: value.split(".")[0],  # no signature
        lambda value: "." + value,
        lambda value: "",
        lambda value: "not a cookie at all",
        lambda value: value + ".",
    ],
)
def test_forged_values_are_refused(signer, forge):
    assert signer.loads(forge(signer.dumps(secrets.token_urlsafe(16)))) is None


def test_another_secret_is_refused(signer):
    other = AttendeeCookie("another-secret-" + "y" * 40)
    assert signer.loads(other.dumps("someone")) is None


def test_a_signed_value_that_is_no_text_is_refused(signer, reference):
    assert signer.loads(reference.dumps(["a", "list"])) is None
    assert signer.loads(reference.dumps(42)) is None


def test_new_returning_and_forged_browsers(app, client):
    first = client.get("/api/v1/nothing-here")
    cookie = client.get_cookie(ATTENDEE_COOKIE)
    assert "attendee=" in first.headers["Set-Cookie"] and cookie is not None
    assert AttendeeCookie(app.secret_key).loads(cookie.value) is not None

    returning = client.get("/api/v1/nothing-here")
    assert "Set-Cookie" not in returning.headers  # the cookie it sent is kept

    client.set_cookie(ATTENDEE_COOKIE, cookie.value[:-3] + "abc")
    forged = client.get("/api/v1/nothing-here")
    assert forged.headers["Set-Cookie"].startswith("attendee=")
    assert client.get_cookie(ATTENDEE_COOKIE).value != cookie.value


def test_the_set_cookie_header_is_what_werkzeug_writes(signer):
    from werkzeug.http import dump_cookie, parse_date

    from conference.attendees import COOKIE_MAX_AGE, set_cookie_header

    value = signer.dumps(secrets.token_urlsafe(16))
    ours = set_cookie_header(value)
    theirs = dump_cookie(
        ATTENDEE_COOKIE, value, max_age=COOKIE_MAX_AGE, httponly=True, samesite="Lax"
    )

    def without_expires(header):
        return [part for part in header.split("; ") if not part.startswith("Expires=")]

    def expires(header):
        return parse_date(next(p for p in header.split("; ") if p.startswith("Expires="))[8:])

    assert without_expires(ours) == without_expires(theirs)
    # Made within the same second or two of each other (the test's own run time).
    assert abs((expires(ours) - expires(theirs)).total_seconds()) <= 2


def test_flask_session_cookie_semantics_are_kept(app, client):
    from flask import session

    @app.get("/test-session/<action>")
    def session_action(action):
        if action == "write":
            session["seen"] = "jā"
        elif action == "read":
            return {"seen": session.get("seen")}
        elif action == "clear":
            session.clear()
        return {}

    untouched = client.get("/test-session/none")
    assert "Vary" not in untouched.headers
    assert not any(c.startswith("session=") for c in untouched.headers.get_all("Set-Cookie"))
    looked_at = client.get("/test-session/read")
    assert looked_at.get_json() == {"seen": None} and "Cookie" in looked_at.headers["Vary"]
    written = client.get("/test-session/write")
    assert any(c.startswith("session=") for c in written.headers.get_all("Set-Cookie"))
    assert client.get("/test-session/read").get_json() == {"seen": "jā"}
    cleared = client.get("/test-session/clear")
    assert any(
        c.startswith("session=;") and "Expires=Thu, 01 Jan 1970" in c
        for c in cleared.headers.get_all("Set-Cookie")
    )
    assert client.get("/test-session/read").get_json() == {"seen": None}
