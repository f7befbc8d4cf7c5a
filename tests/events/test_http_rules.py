"""PROTOCOL 1.1: ``If-None-Match`` compared weakly everywhere an ETag is sent, and every 401
with ``WWW-Authenticate: Bearer``."""

from __future__ import annotations

import pytest

SLUG = "daugavpils-2021"
CACHED = [
    f"/api/v1/events/{SLUG}/state",
    "/api/v1/events",
    f"/api/v1/events/{SLUG}",
    f"/api/v1/events/{SLUG}/schedule.ics",
    f"/api/v1/events/{SLUG}/schedule.json",
    f"/api/v1/events/{SLUG}/schedule.xml",
    "/static/css/admin.css",
]


def variants(etag: str) -> list[str]:
    """``If-None-Match`` values that must all match ``etag`` (quoted, maybe weak) weakly."""
    opaque = etag.removeprefix("W/")
    return [opaque, f"W/{opaque}", f'"other", W/{opaque}', f'W/"x",{opaque}', "*"]


@pytest.mark.parametrize("path", CACHED)
def test_if_none_match_is_compared_weakly(demo, client, path):
    with client.get(path) as first:
        assert first.status_code == 200
        etag, body = first.headers["ETag"], first.data
    for value in variants(etag):
        with client.get(path, headers={"If-None-Match": value}) as again:
            assert again.status_code == 304, f"If-None-Match: {value} got {again.status_code}"
            assert again.data == b""
            assert again.headers["ETag"] == etag
    with client.get(path, headers={"If-None-Match": 'W/"something-else"'}) as other:
        assert other.status_code == 200 and other.data == body


def test_a_changed_state_is_sent_in_full_again(demo, client, app):
    from conference.live.commands import run_command

    etag = client.get(f"/api/v1/events/{SLUG}/state").headers["ETag"]
    run_command(SLUG, {"type": "start_event"})
    answer = client.get(f"/api/v1/events/{SLUG}/state", headers={"If-None-Match": f"W/{etag}"})
    assert answer.status_code == 200
    assert answer.get_json()["seq"] == 2


@pytest.mark.parametrize(
    ("method", "path", "headers"),
    [
        ("post", f"/api/v1/events/{SLUG}/commands", {}),
        ("post", "/api/v1/greetings/1/review", {}),
        ("get", f"/api/v1/events/{SLUG}/contests/1/tally", {}),
        ("patch", f"/api/v1/events/{SLUG}", {}),
    ],
)
def test_every_401_challenges_for_a_bearer_token(demo, client, method, path, headers):
    answer = getattr(client, method)(path, json={}, headers=headers)
    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")
    assert answer.get_json()["error"]["code"] == "unauthorized"
    wrong = getattr(client, method)(path, json={}, headers={"Authorization": "Bearer nav-tas"})
    assert wrong.status_code == 401
    assert wrong.headers["WWW-Authenticate"].startswith("Bearer")
    assert 'error="invalid_token"' in wrong.headers["WWW-Authenticate"]


def test_the_calendar_feed_is_stable_and_counts_each_items_time_changes(demo, client):
    from datetime import UTC, datetime

    import sqlalchemy as sa
    from icalendar import Calendar

    from conference.db import db
    from conference.events.models import AgendaItem
    from conference.live.commands import run_command

    # Imported long ago, so that "later" needs no waiting for the clock.
    db.session.execute(
        sa.update(AgendaItem).values(times_revised_at=datetime(2021, 5, 1, tzinfo=UTC))
    )
    db.session.commit()
    path = f"/api/v1/events/{SLUG}/schedule.ics?lang=lv"
    first = client.get(path)
    assert client.get(path).data == first.data  # nothing follows the clock
    assert set(first.headers.get_all("Vary")[0].split(", ")) >= {"Accept-Language", "Cookie"}
    before = {str(e["UID"]): e for e in Calendar.from_ical(first.data).walk("VEVENT")}
    assert {int(e["SEQUENCE"]) for e in before.values()} == {0}
    run_command(SLUG, {"type": "start_event"})
    run_command(SLUG, {"type": "shift_schedule", "minutes": 10})
    second = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert second.status_code == 200
    after = {str(e["UID"]): e for e in Calendar.from_ical(second.data).walk("VEVENT")}
    moved = [
        uid for uid in after if after[uid].decoded("DTSTART") != before[uid].decoded("DTSTART")
    ]
    assert moved and len(moved) < len(after)  # the first item had started: it stays
    for uid, entry in after.items():
        changed = uid in moved
        assert int(entry["SEQUENCE"]) == (1 if changed else 0)
        assert (entry.decoded("LAST-MODIFIED") > before[uid].decoded("LAST-MODIFIED")) == changed
        assert entry.decoded("DTSTAMP") == max(e.decoded("LAST-MODIFIED") for e in after.values())
