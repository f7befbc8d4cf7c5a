"""The snapshot: its shape is the protocol's, and the cache always equals a rebuild from the DB."""

from __future__ import annotations

import sqlalchemy as sa

from conference.awards.models import Contest
from conference.db import db, iso
from conference.events.models import Event
from conference.live.commands import COMMANDS, command, run_command
from conference.live.publish import live_hub
from conference.live.snapshot import build_snapshot, reading_session

SLUG = "daugavpils-2021"


def fresh_snapshot() -> dict:
    with reading_session() as session:
        event = session.scalar(sa.select(Event).where(Event.slug == SLUG))
        return build_snapshot(session, event)


def cached_snapshot(client) -> dict:
    return client.get(f"/api/v1/events/{SLUG}/state").get_json()


def test_snapshot_has_the_protocols_shape(client, event):
    snapshot = cached_snapshot(client)
    assert list(snapshot) == [
        "seq", "event", "current_item_id", "items", "announcement", "greeting", "votes",
        "awards", "online", "questions", "question_list", "highlighted_question",
        "polls",
    ]  # fmt: skip
    assert snapshot["event"] == {
        "slug": SLUG, "status": "scheduled", "started_at": None, "ended_at": None
    }  # fmt: skip
    assert snapshot["items"][0] == {
        "id": event.items[0].id,
        "status": "upcoming",
        "planned_start": "2021-06-15T11:00:00Z",
        "planned_end": "2021-06-15T11:20:00Z",
        "actual_start": None,
        "actual_end": None,
    }
    assert snapshot["votes"] == [{"contest_id": event.contests[0].id, "status": "not_opened"}]
    assert (snapshot["seq"], snapshot["announcement"], snapshot["greeting"]) == (0, None, None)
    assert snapshot["awards"] == [] and snapshot["online"] == 0


def test_cache_follows_every_agenda_command(client, event):
    cached_snapshot(client)  # load the cache before anything happens
    bodies = [
        {"type": "announce", "text": {"lv": "Drīz sāksim", "en": "Starting soon"}},
        {"type": "shift_schedule", "minutes": 10},
        {"type": "start_event"},
        {"type": "next_item"},
        {"type": "start_item", "item_id": event.items[3].id},
        {"type": "clear_announcement"},
        {"type": "shift_schedule", "minutes": -5},
        {"type": "next_item"},
        {"type": "end_event"},
    ]
    for body in bodies:
        seq = run_command(SLUG, body)["seq"]
        assert cached_snapshot(client) == fresh_snapshot()
        assert cached_snapshot(client)["seq"] == seq
    final = cached_snapshot(client)
    assert final["event"]["status"] == "ended" and final["current_item_id"] is None
    assert [item["status"] for item in final["items"]] == ["done"] * 4


def test_cache_follows_updates_of_other_domains(client, event):
    """Greetings and awards register their commands; their updates keep the cache exact too."""

    @command("test_open_vote")
    def open_vote(ctx):
        contest = ctx.session.get(Contest, ctx.args["contest_id"])
        contest.vote_status = "open"
        ctx.emit("vote.opened", {"contest_id": contest.id, "status": "open"})

    @command("test_play_greeting")
    def play_greeting(ctx):
        ctx.event.greeting_playing = {
            "id": 7, "started_at": iso(ctx.now), "video_url": "/media/7.mp4",
            "poster_url": "/media/7.jpg", "duration_s": 42.5,
        }  # fmt: skip
        ctx.emit("greeting.started", ctx.event.greeting_playing)

    @command("test_reveal")
    def reveal(ctx):
        ctx.emit(
            "award.revealed",
            {
                "id": 1, "contest_id": event.contests[0].id, "kind": "place",
                "title": {"lv": "1. vieta"}, "rank": 1, "revealed_at": iso(ctx.now),
                "entries": [{"id": 1, "title": {"lv": "Darbs"},
                             "authors": [{"name": "Dmitrijs Ivčeno", "group": "LMT-21"}]}],
            },
        )  # fmt: skip

    try:
        cached_snapshot(client)
        run_command(SLUG, {"type": "test_open_vote", "contest_id": event.contests[0].id})
        run_command(SLUG, {"type": "test_play_greeting"})
        run_command(SLUG, {"type": "test_reveal"})
        cached = cached_snapshot(client)
        assert cached == fresh_snapshot()
        assert cached["votes"][0]["status"] == "open"
        assert cached["greeting"]["duration_s"] == 42.5
        assert cached["awards"][0]["entries"][0]["authors"][0]["name"] == "Dmitrijs Ivčeno"
    finally:
        for name in ("test_open_vote", "test_play_greeting", "test_reveal"):
            COMMANDS.pop(name)


def test_a_new_process_builds_the_same_snapshot(app, client, event):
    run_command(SLUG, {"type": "start_event"})
    run_command(SLUG, {"type": "announce", "text": {"lv": "Ā Č Ē Ģ Ī Ķ Ļ Ņ Š Ū Ž"}})
    before = cached_snapshot(client)
    live_hub().cache.forget(SLUG)
    assert cached_snapshot(client) == before
    db.session.remove()
