"""Rows with invalid text, written behind the app's back, take no page down.

Issue 10: an announcement with a lone surrogate made /state, the live page, the screen and the
console answer 500 and refused Socket.IO connections, across restarts. Such rows are now shown
with U+FFFD and logged, and ``conference db check-text`` lists and repairs them.
"""

from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa

from conference.db import db
from conference.edge import stored
from conference.extensions import socketio
from tests.security.conftest import signed_in
from tests.security.test_headers import SECRET_PREFIXES, get_urls

# JSON text with a lone surrogate escaped, as the bug stored it; both databases keep it in a
# json column (PostgreSQL's json type keeps the text as it came).
BAD_JSON = '{"lv": "Paziņojums \\ud800 beigas", "en": "bell \\u0007"}'


def insert_bad_rows(event) -> None:
    """An announcement, an item title and an organisation name that break the text rule."""
    db.session.commit()
    postgres = db.engine.dialect.name == "postgresql"
    bad_name = "'Skola' || chr(1)" if postgres else "CAST(X'536b6f6c61eda080' AS TEXT)"
    with db.engine.begin() as connection:
        connection.execute(
            sa.text("UPDATE events SET announcement = :announcement WHERE id = :id"),
            {
                "announcement": '{"text": ' + BAD_JSON + ', "at": "2021-06-15T11:00:00Z"}',
                "id": event.id,
            },
        )
        connection.execute(
            sa.text("UPDATE agenda_items SET title = :title WHERE id = :id"),
            {"title": BAD_JSON, "id": event.items[0].id},
        )
        connection.execute(
            sa.text(f"UPDATE organisations SET name = {bad_name} WHERE id = :id"),
            {"id": event.organisations[0].id},
        )
    db.session.expire_all()


def public_urls(app, site) -> list[str]:
    return [url for _, url in get_urls(app, site) if not url.startswith(SECRET_PREFIXES)]


def test_every_page_answers_with_bad_rows_and_logs_them(app, site, caplog):
    insert_bad_rows(site.event)
    stored.forget_logged()  # each bad value is logged once per process
    slug = site.event.slug
    caplog.set_level(logging.WARNING, logger="conference.edge.stored")
    client = app.test_client()
    failures = []
    for url in public_urls(app, site):
        for lang in ("lv", "en"):
            response = client.get(url + ("&" if "?" in url else "?") + f"lang={lang}")
            response.close()  # file answers (static, media) hold their file open
            if response.status_code >= 500:
                failures.append((url, lang, response.status_code))
    assert not failures
    for url in (
        f"/api/v1/events/{slug}/state",
        f"/events/{slug}",
        f"/events/{slug}/screen",
        f"/api/v1/events/{slug}",
        f"/events/{slug}/agenda",
        f"/events/{slug}/partners",
        "/api/v1/events",
    ):
        assert client.get(url).status_code == 200, url
    state = client.get(f"/api/v1/events/{slug}/state").get_json()
    assert state["announcement"]["text"] == {
        "lv": "Paziņojums \ufffd beigas",
        "en": "bell \ufffd",
    }
    detail = client.get(f"/api/v1/events/{slug}").get_json()
    assert "\ufffd" in detail["agenda"][0]["title"]["lv"]
    assert detail["organisations"][0]["name"].startswith("Skola\ufffd")
    logged = " ".join(record.getMessage() for record in caplog.records)
    for column in ("events.announcement", "agenda_items.title", "organisations.name"):
        assert f"invalid text in {column}" in logged


def test_staff_pages_answer_with_bad_rows(app, site):
    insert_bad_rows(site.event)
    client = signed_in(app.test_client(), site.admin)
    failures = []
    for _, url in get_urls(app, site):
        response = client.get(url)
        response.close()
        if response.status_code >= 500:
            failures.append((url, response.status_code))
    assert not failures


def test_followers_connect_and_column_selects_are_repaired(app, site):
    from conference.events.models import AgendaItem
    from conference.people.models import Organisation

    insert_bad_rows(site.event)
    follower = socketio.test_client(app, auth={"event": site.event.slug})
    assert follower.is_connected()
    (snapshot,) = [m["args"][0] for m in follower.get_received() if m["name"] == "snapshot"]
    assert snapshot["announcement"]["text"]["lv"] == "Paziņojums \ufffd beigas"
    names = db.session.scalars(sa.select(Organisation.name).order_by(Organisation.id)).all()
    assert names[0].startswith("Skola\ufffd")
    titles = db.session.scalars(sa.select(AgendaItem.title).order_by(AgendaItem.id)).all()
    assert "\ufffd" in titles[0]["lv"]


@pytest.fixture
def check_text(conference):
    def run(*args):
        db.session.remove()
        db.engine.dispose()
        return conference("db", "check-text", *args)

    return run


def test_check_text_lists_and_repairs_the_rows(app, site, check_text):
    event_id = site.event.id
    insert_bad_rows(site.event)
    listed = check_text()
    assert listed.exit_code == 1
    lines = listed.stdout.strip().splitlines()
    assert len(lines) == 3, listed.stdout
    assert lines[0].startswith("events id=") and "announcement: lone surrogate U+D800" in lines[0]
    assert any(line.startswith("agenda_items id=") and " title: " in line for line in lines)
    assert any(line.startswith("organisations id=") and " name: " in line for line in lines)
    assert "check-text --fix" in listed.stderr

    fixed = check_text("--fix")
    assert fixed.exit_code == 0, fixed.output
    assert len(fixed.stdout.strip().splitlines()) == 3
    assert all(line.startswith("fixed ") for line in fixed.stdout.strip().splitlines())
    clean = check_text()
    assert clean.exit_code == 0 and "no invalid text found" in clean.stdout
    with db.engine.connect() as connection:
        stored = connection.execute(
            sa.text("SELECT announcement FROM events WHERE id = :id"), {"id": event_id}
        ).scalar_one()
    assert "\\ud800" not in str(stored) and "ud800" not in str(stored)


def test_check_text_finds_text_not_in_nfc(app, site, check_text):
    organisation_id = site.event.organisations[0].id
    db.session.commit()
    with db.engine.begin() as connection:
        connection.execute(
            sa.text("UPDATE organisations SET name = :name WHERE id = :id"),
            {"name": "A\u0304rija", "id": organisation_id},
        )
    listed = check_text()
    assert listed.exit_code == 1 and "not in NFC" in listed.stdout
    assert check_text("--fix").exit_code == 0
    with db.engine.connect() as connection:
        name = connection.execute(
            sa.text("SELECT name FROM organisations WHERE id = :id"),
            {"id": organisation_id},
        ).scalar_one()
    assert name == "\u0100rija"
