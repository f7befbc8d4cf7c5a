"""Undo a mistaken Next (``previous_item``) and run a programme on another day (``move_to_now``).

A moderator rehearsing the day before, or a newcomer starting the 2021 demo today, must see
today's times; a mis-clicked Next must come back exactly as it was.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from conference.db import db, utcnow
from conference.events.models import Event
from conference.live.commands import run_command
from conference.live.models import LiveUpdate
from conference.live.snapshot import build_snapshot, reading_session
from tests.live.test_commands import SLUG, assert_refused, current_event, log_types, run


def fresh_snapshot() -> dict:
    with reading_session() as session:
        event = session.scalar(sa.select(Event).where(Event.slug == SLUG))
        return build_snapshot(session, event)


def cached_snapshot(client) -> dict:
    response = client.get(f"/api/v1/events/{SLUG}/state")
    assert response.status_code == 200
    return response.get_json()


def without_history(snapshot: dict, reset_item_id: int) -> dict:
    """The snapshot less the log's seq and the history of the item the undo restarted."""
    items = [
        {**item, "actual_start": None} if item["id"] == reset_item_id else item
        for item in snapshot["items"]
    ]
    return {**snapshot, "seq": None, "items": items}


def test_previous_item_restores_the_state_before_next(client, event):
    run({"type": "start_event"})
    cached_snapshot(client)  # the cache follows from here on, as a live server's does
    before = fresh_snapshot()
    first_id = before["current_item_id"]
    seq_before_next = run({"type": "next_item"})
    seq = run({"type": "previous_item"})
    assert seq == seq_before_next + 2
    assert log_types(seq_before_next) == ["item.reset", "item.started"]
    after = fresh_snapshot()
    assert after["current_item_id"] == first_id
    # Equal except the seq and the restarted item's own history (its first start is kept).
    assert without_history(after, first_id) == without_history(before, first_id)
    restarted = next(item for item in after["items"] if item["id"] == first_id)
    original = next(item for item in before["items"] if item["id"] == first_id)
    assert restarted["actual_start"] == original["actual_start"]
    assert restarted["actual_end"] is None
    # The live cache (what /state and new snapshots serve) followed the same updates.
    assert cached_snapshot(client) == {**after, "online": 0}


def test_previous_item_after_the_last_item_ended(client, event):
    run({"type": "start_event"})
    for _ in event.items:
        run({"type": "next_item"})
    assert [item.status for item in current_event().items] == ["done"] * 4
    seq = run({"type": "previous_item"})
    assert log_types(seq - 1) == ["item.started"]  # nothing was live, so nothing to reset
    last = current_event().items[-1]
    assert last.status == "live" and last.actual_end is None


def test_previous_item_goes_back_to_the_item_that_ended_last(client, event):
    """Items started out of order: undo returns to the one that really was on before."""
    run({"type": "start_event"})
    third = event.items[2].id
    run({"type": "start_item", "item_id": third})
    run({"type": "previous_item"})
    assert current_event().current_item_id == event.items[0].id


def test_previous_item_with_nothing_done_is_refused(client, event):
    run({"type": "start_event"})
    message = assert_refused({"type": "previous_item"}, "nothing_before")
    assert "earlier item" in message


def test_previous_item_needs_a_started_event(client, event):
    assert_refused({"type": "previous_item"}, "event_not_started")


def test_move_to_now_moves_every_item_keeping_lengths_and_gaps(client, event):
    items = current_event().items
    # A gap between the second and third item, so that "gaps kept" can fail.
    for item in items[2:]:
        item.planned_start += timedelta(minutes=15)
        item.planned_end += timedelta(minutes=15)
    db.session.commit()
    planned = [(item.planned_start, item.planned_end) for item in current_event().items]
    event_dates = (current_event().starts_at, current_event().ends_at)
    seq = run({"type": "start_event", "move_to_now": True})
    assert log_types() == ["schedule.shifted", "event.started", "item.started"]
    assert seq == 3
    moved = current_event()
    minute = utcnow().replace(second=0, microsecond=0)
    first_start = moved.items[0].planned_start
    assert abs(first_start - minute) <= timedelta(minutes=1), (first_start, minute)
    delta = first_start - planned[0][0]
    assert [(i.planned_start, i.planned_end) for i in moved.items] == [
        (start + delta, end + delta) for start, end in planned
    ]
    assert (moved.starts_at, moved.ends_at) == (event_dates[0] + delta, event_dates[1] + delta)
    shifted = db.session.scalar(sa.select(LiveUpdate).where(LiveUpdate.type == "schedule.shifted"))
    assert shifted.data["minutes"] == round(delta.total_seconds() / 60)
    assert len(shifted.data["items"]) == 4
    assert cached_snapshot(client) == {**fresh_snapshot(), "online": 0}


def test_start_without_move_to_now_keeps_the_planned_times(client, event):
    planned = [item.planned_start for item in current_event().items]
    run({"type": "start_event", "move_to_now": False})
    assert log_types() == ["event.started", "item.started"]
    assert [item.planned_start for item in current_event().items] == planned


def test_move_to_now_must_be_true_or_false(client, event):
    assert_refused({"type": "start_event", "move_to_now": "yes"}, "bad_argument")


def test_commands_api_takes_previous_item(client, event, moderator):
    url = f"/api/v1/events/{SLUG}/commands"
    client.post(url, json={"type": "start_event", "move_to_now": True}, headers=moderator)
    client.post(url, json={"type": "next_item"}, headers=moderator)
    response = client.post(url, json={"type": "previous_item"}, headers=moderator)
    assert response.status_code == 200, response.get_json()
    assert run_command(SLUG, {"type": "next_item"})["seq"] == response.get_json()["seq"] + 2
