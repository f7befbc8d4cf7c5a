"""An attendee's open page follows the organisers' agenda edits in real Chromium, without a
reload: a renamed and moved item (``PATCH`` on the API), a new item and a removed one (written
by another process, as ``conference import --replace`` would, which the server finds in the log).
"""

from __future__ import annotations

import json
import urllib.request
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from conference.audit.log import CLI
from conference.db import db
from conference.events import agenda
from conference.events.models import Event
from conference.users.services import create_token_for, create_user
from tests.e2e.conftest import server_database

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SLUG = "daugavpils-2021"
ROWS = ".live-agenda__list [data-item-id]"


def patch(server, token: str, path: str, body: dict) -> dict:
    request = urllib.request.Request(
        f"{server.url}/api/v1/events/{SLUG}{path}",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="PATCH",
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read())


def test_the_attendee_page_shows_changed_new_and_removed_items(start_demo_server, new_context):
    server = start_demo_server()
    with server_database(server.instance, server.database_url):
        create_user("organisers@example.org", "admin", "garā parole ar ā")
        token = create_token_for("organisers@example.org")
        ids = [item.id for item in db.session.scalar(sa.select(Event)).items]

    page = new_context().new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{server.url}/events/{SLUG}?lang=lv")
    expect(page.locator('[data-live-page][data-connection="live"]')).to_be_visible()
    rows = page.locator(ROWS)
    expect(rows).to_have_count(len(ids))

    patch(
        server,
        token,
        f"/items/{ids[1]}",
        {
            "title": {"lv": "Jaunais Erasmus+ projekts ā ū"},
            "planned_start": "2021-06-15T14:10:00+03:00",
        },
    )
    second = page.locator(f'[data-item-id="{ids[1]}"]')
    expect(second.locator('[data-field="title"]')).to_have_text("Jaunais Erasmus+ projekts ā ū")
    expect(second.locator('[data-field="start"]')).to_have_text("14:10")

    # Another process (this one), without Redis: the server finds the changes in the log.
    with server_database(server.instance, server.database_url):
        values = {
            "kind": "other",
            "title": {"lv": "Kopbilde ar ņ un ž"},
            "description": {},
            "planned_start": datetime(2021, 6, 15, 13, 30, tzinfo=UTC),
            "planned_end": datetime(2021, 6, 15, 13, 40, tzinfo=UTC),
            "speaker_ids": [],
            "organisation_ids": [],
        }
        added = agenda.add_item(SLUG, values, CLI).id
        agenda.delete_item(SLUG, ids[2], CLI)
    expect(rows).to_have_count(len(ids))  # one more, one less
    expect(rows.last).to_have_attribute("data-item-id", str(added))
    expect(rows.last.locator('[data-field="title"]')).to_have_text("Kopbilde ar ņ un ž")
    expect(rows.last.locator('[data-field="start"]')).to_have_text("16:30")
    expect(page.locator(f'[data-item-id="{ids[2]}"]')).to_have_count(0)
    assert errors == []
