"""The command service: every transition of the agenda, and every refusal changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from conference.db import db
from conference.errors import Conflict, Invalid, NotFound, ServiceError
from conference.events.models import AgendaItem, Event
from conference.live.commands import COMMANDS, command, run_command
from conference.live.models import LiveUpdate
from tests.live.conftest import make_event

SLUG = "daugavpils-2021"


def run(body: dict) -> int:
    return run_command(SLUG, body)["seq"]


def log_types(since: int = 0) -> list[str]:
    rows = db.session.scalars(
        sa.select(LiveUpdate).where(LiveUpdate.seq > since).order_by(LiveUpdate.seq)
    )
    return [row.type for row in rows]


def current_event() -> Event:
    db.session.expire_all()
    return db.session.scalar(sa.select(Event).where(Event.slug == SLUG))


def statuses() -> list[str]:
    return [item.status for item in current_event().items]


def assert_refused(body: dict, code: str, error=Invalid) -> str:
    """The command is refused with ``code`` and neither the log nor the state changed."""
    before_event = current_event()
    seq, items = before_event.last_seq, statuses()
    with pytest.raises(error) as refusal, force_locale("en"):
        run_command(SLUG, body)
    assert refusal.value.code == code
    message = str(refusal.value.message)
    after = current_event()
    assert after.last_seq == seq and statuses() == items
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LiveUpdate)) == seq
    return message


def test_start_event_starts_the_first_item(event):
    assert run({"type": "start_event"}) == 2
    assert log_types() == ["event.started", "item.started"]
    live = current_event()
    assert live.status == "live" and live.started_at is not None
    assert statuses() == ["live", "upcoming", "upcoming", "upcoming"]
    assert live.current_item_id == live.items[0].id
    assert live.items[0].actual_start == live.started_at


def test_start_event_without_items_only_starts_the_event(app):
    make_event(slug=SLUG, item_count=0)
    assert run({"type": "start_event"}) == 1
    assert log_types() == ["event.started"]


def test_start_event_twice_is_refused(event):
    run({"type": "start_event"})
    assert "already started" in assert_refused({"type": "start_event"}, "event_started")


def test_start_item_ends_the_live_item_and_may_skip_ahead(event):
    run({"type": "start_event"})
    fourth = current_event().items[3].id
    assert run({"type": "start_item", "item_id": fourth}) == 4
    assert log_types(2) == ["item.ended", "item.started"]
    assert statuses() == ["done", "upcoming", "upcoming", "live"]
    event_now = current_event()
    assert event_now.current_item_id == fourth
    assert event_now.items[0].actual_end == event_now.items[3].actual_start


def test_start_item_refusals(event):
    items = [item.id for item in current_event().items]
    assert "Start the event first" in assert_refused(
        {"type": "start_item", "item_id": items[1]}, "event_not_started"
    )
    run({"type": "start_event"})
    assert_refused({"type": "start_item"}, "missing_argument")
    for wrong in ("2", 1.5, True, [2]):
        assert_refused({"type": "start_item", "item_id": wrong}, "bad_argument")
    assert_refused({"type": "start_item", "item_id": 999}, "unknown_item")
    other = make_event(slug="cits-pasakums")
    assert_refused({"type": "start_item", "item_id": other.items[0].id}, "unknown_item")
    message = assert_refused({"type": "start_item", "item_id": items[0]}, "item_live")
    assert "Atklāšanas uzruna" in message or "Opening address" in message
    run({"type": "next_item"})
    assert_refused({"type": "start_item", "item_id": items[0]}, "item_done")


def test_next_item_walks_the_agenda_and_ends_the_last_item(event):
    run({"type": "start_event"})
    run({"type": "next_item"})
    assert statuses() == ["done", "live", "upcoming", "upcoming"]
    run({"type": "next_item"})
    run({"type": "next_item"})
    assert statuses() == ["done", "done", "done", "live"]
    seq = run({"type": "next_item"})
    assert log_types(seq - 1) == ["item.ended"]
    assert statuses() == ["done"] * 4 and current_event().current_item_id is None
    assert "every item is over" in assert_refused({"type": "next_item"}, "nothing_upcoming")


def test_next_item_after_skipping_goes_on_then_back_to_the_skipped(event):
    run({"type": "start_event"})
    items = [item.id for item in current_event().items]
    run({"type": "start_item", "item_id": items[2]})
    run({"type": "next_item"})
    assert statuses() == ["done", "upcoming", "done", "live"]
    run({"type": "next_item"})
    assert statuses() == ["done", "live", "done", "done"]


def test_next_item_without_live_item_starts_the_first_upcoming(app):
    make_event(slug=SLUG, item_count=0)
    run({"type": "start_event"})
    live_event = current_event()
    start = live_event.starts_at
    live_event.items.append(
        AgendaItem(
            position=0,
            kind="talk",
            title={"lv": "Jauns punkts"},
            planned_start=start,
            planned_end=start + timedelta(minutes=5),
        )
    )
    db.session.commit()
    run({"type": "next_item"})
    assert statuses() == ["live"]


def test_next_item_before_the_event_is_refused(event):
    assert_refused({"type": "next_item"}, "event_not_started")


def test_end_event_ends_the_live_item_then_the_event(event):
    run({"type": "start_event"})
    seq = run({"type": "end_event"})
    assert log_types(2) == ["item.ended", "event.ended"] and seq == 4
    ended = current_event()
    assert ended.status == "ended" and ended.ended_at is not None
    assert statuses() == ["done", "upcoming", "upcoming", "upcoming"]


def test_end_event_before_start_is_refused(event):
    assert_refused({"type": "end_event"}, "event_not_started")


@pytest.mark.parametrize(
    "body",
    [
        {"type": "start_event"},
        {"type": "next_item"},
        {"type": "end_event"},
        {"type": "shift_schedule", "minutes": 5},
        {"type": "announce", "text": {"lv": "Paldies!"}},
        {"type": "clear_announcement"},
    ],
)
def test_no_command_after_the_event_ended(event, body):
    run({"type": "start_event"})
    run({"type": "end_event"})
    assert_refused(body, "event_ended")


def test_shift_schedule_moves_every_item_not_started(event):
    before = [(item.planned_start, item.planned_end) for item in current_event().items]
    run({"type": "start_event"})
    seq = run({"type": "shift_schedule", "minutes": 15})
    after = current_event().items
    assert (after[0].planned_start, after[0].planned_end) == before[0]
    for item, (start, end) in zip(after[1:], before[1:], strict=True):
        assert item.planned_start == start + timedelta(minutes=15)
        assert item.planned_end == end + timedelta(minutes=15)
    update = db.session.scalar(sa.select(LiveUpdate).where(LiveUpdate.seq == seq))
    assert update.data["minutes"] == 15
    assert [row["id"] for row in update.data["items"]] == [item.id for item in after[1:]]
    assert update.data["items"][0]["planned_start"] == "2021-06-15T11:35:00Z"
    run({"type": "shift_schedule", "minutes": -120})
    assert current_event().items[1].planned_start == before[1][0] - timedelta(minutes=105)


def test_shift_schedule_refusals(event):
    for minutes in (-121, 241):
        assert "between -120 and 240" in assert_refused(
            {"type": "shift_schedule", "minutes": minutes}, "bad_argument"
        )
    for wrong in ("10", 10.5, True, None):
        code = "missing_argument" if wrong is None else "bad_argument"
        assert_refused({"type": "shift_schedule", "minutes": wrong}, code)
    assert_refused({"type": "shift_schedule", "minutes": 0}, "zero_shift")
    run({"type": "start_event"})
    for _ in range(4):
        run({"type": "next_item"})
    assert_refused({"type": "shift_schedule", "minutes": 10}, "nothing_to_shift")


def test_announce_keeps_latvian_letters_and_drops_empty_translations(event):
    seq = run(
        {"type": "announce", "text": {"lv": "  Pārtraukums — ā č ē ģ ī ķ ļ ņ š ū ž ", "en": ""}}
    )
    shown = current_event().announcement
    assert shown["text"] == {"lv": "Pārtraukums — ā č ē ģ ī ķ ļ ņ š ū ž"}
    update = db.session.scalar(sa.select(LiveUpdate).where(LiveUpdate.seq == seq))
    assert update.type == "announcement.shown" and update.data == shown
    assert update.data["at"] == update.as_message()["at"]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (None, "missing_argument"),
        ("Sveiki", "bad_argument"),
        ({"lv": 5}, "bad_argument"),
        ({"lv": "   ", "en": ""}, "empty_text"),
        ({}, "empty_text"),
        ({"de": "Hallo"}, "bad_language"),
        ({"lv": "ā" * 1001}, "text_too_long"),
    ],
)
def test_announce_refusals(event, text, code):
    assert_refused({"type": "announce", "text": text}, code)


def test_clear_announcement(event):
    assert "no announcement" in assert_refused({"type": "clear_announcement"}, "no_announcement")
    run({"type": "announce", "text": {"en": "Lunch"}})
    seq = run({"type": "clear_announcement"})
    assert current_event().announcement is None
    assert log_types(seq - 1) == ["announcement.cleared"]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ([], "bad_body"),
        ({}, "missing_type"),
        ({"type": "dance"}, "unknown_command"),
        ({"type": "start_event", "expected_seq": "0"}, "bad_expected_seq"),
        ({"type": "start_event", "command_id": ""}, "bad_command_id"),
        ({"type": "start_event", "command_id": "x" * 65}, "bad_command_id"),
    ],
)
def test_malformed_commands(event, body, code):
    assert_refused(body, code)


def test_unknown_event(event):
    with pytest.raises(NotFound):
        run_command("nav-tada", {"type": "start_event"})


def test_stale_expected_seq_is_409_and_changes_nothing(event):
    assert run({"type": "start_event", "expected_seq": 0}) == 2
    message = assert_refused({"type": "next_item", "expected_seq": 1}, "stale_seq", Conflict)
    assert "it is at 2" in message
    assert run({"type": "next_item", "expected_seq": 2}) == 4


def test_command_id_answers_the_first_answer_again(event):
    assert run({"type": "start_event", "command_id": "c-1"}) == 2
    assert run({"type": "start_event", "command_id": "c-1"}) == 2
    assert run({"type": "next_item", "command_id": "c-2", "expected_seq": 2}) == 4
    # Also when the state moved on, and when the retry would be stale or refused now.
    run({"type": "end_event"})
    assert run({"type": "next_item", "command_id": "c-2", "expected_seq": 2}) == 4
    assert log_types() == [
        "event.started",
        "item.started",
        "item.ended",
        "item.started",
        "item.ended",
        "event.ended",
    ]


def test_a_refusal_is_remembered_under_its_command_id(event):
    assert_refused({"type": "end_event", "command_id": "r-1"}, "event_not_started")
    run({"type": "start_event"})
    # The state would allow it now, but the same command_id gets the first answer.
    assert_refused({"type": "end_event", "command_id": "r-1"}, "event_not_started", ServiceError)
    assert current_event().status == "live"


def test_a_handler_that_fails_halfway_leaves_nothing_behind(event):
    @command("test_half_applied")
    def half_applied(ctx):
        ctx.event.status = "live"
        ctx.emit("event.started", {"slug": SLUG})
        ctx.refuse("no", code="changed_my_mind")

    try:
        assert_refused({"type": "test_half_applied"}, "changed_my_mind")
        assert current_event().status == "scheduled"
    finally:
        COMMANDS.pop("test_half_applied")
