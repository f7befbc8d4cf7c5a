"""Reactions: at most 3 a second per attendee identity, summed per event across processes,
sent as ``reactions`` only when some count is not zero."""

from __future__ import annotations

import pytest

from conference.audience.ticker import AudienceTicker, audience_ticker
from conference.extensions import socketio
from conference.live.publish import live_hub
from tests.audience.conftest import SLUG, attendee_headers
from tests.conftest import REDIS_URL, service_missing


def received(client, name: str) -> list:
    return [message["args"][0] for message in client.get_received() if message["name"] == name]


def follow(app, attendee_id=None):
    headers = attendee_headers(app, attendee_id) if attendee_id else {}
    return socketio.test_client(app, auth={"event": SLUG}, headers=headers)


def test_react_is_capped_per_attendee_and_sent_once_per_tick(app, event):
    ilze, janis, watcher = follow(app, "ilze"), follow(app, "jānis"), follow(app)
    ticker = audience_ticker()
    # The cap is per second of the server's clock: pin the second so the test cannot straddle
    # two of them, through the same counting the socket handler uses.
    answers = [ticker.react(SLUG, "attendee:ilze", "applause", now=50.2) for _ in range(5)]
    assert answers == [True, True, True, False, False]
    assert ticker.react(SLUG, "attendee:ilze", "applause", now=51.0) is True  # a new second
    for kind in ("heart", "wow"):
        assert janis.emit("react", {"kind": kind}, callback=True) == {"ok": True}
    assert ilze.emit("react", {"kind": "boo"}, callback=True) == {"ok": False}
    assert ilze.emit("react", "applause", callback=True) == {"ok": False}
    received(watcher, "reactions")
    assert ticker.send_reactions() == {SLUG: {"applause": 4, "heart": 1, "wow": 1}}
    assert received(watcher, "reactions") == [
        {"counts": {"applause": 4, "heart": 1, "wow": 1}, "window_ms": 1000}
    ]
    assert ticker.send_reactions() == {}
    assert received(watcher, "reactions") == []  # nothing counted: nothing sent


def test_reactions_are_summed_across_processes_through_redis(app, event):
    import redis

    hub = live_hub()
    try:
        hub.redis = redis.Redis.from_url(REDIS_URL)
        hub.redis.ping()
    except redis.RedisError as exc:
        service_missing("Redis", str(exc))
    watcher = follow(app)
    here = audience_ticker()
    there = AudienceTicker(hub)  # another server process: its own counts, the same Redis
    for _ in range(5):
        here.react(SLUG, "attendee:ilze", "applause", now=7.1)
    for _ in range(2):
        there.react(SLUG, "attendee:jānis", "applause", now=7.3)
    there.react(SLUG, "attendee:jānis", "heart", now=7.3)
    for number in range(40):  # a room of 40: each counts
        there.react(SLUG, f"attendee:room-{number}", "thumbs_up", now=7.4)
    # Both write into second 1000; it is read once every process has had time to write it.
    assert here.send_reactions(now=1000.2) == {}
    assert there.send_reactions(now=1000.4) == {}
    received(watcher, "reactions")
    expected = {"applause": 5, "heart": 1, "thumbs_up": 40}
    assert here.send_reactions(now=1002.6) == {SLUG: expected}
    [message] = received(watcher, "reactions")
    assert message["counts"] == expected
    assert there.send_reactions(now=1002.7) == {SLUG: expected}  # the other process's followers
    assert here.send_reactions(now=1003.6) == {}  # each second is read once
    hub.redis.close()
    hub.redis = None


@pytest.mark.parametrize("kind", ["applause", "heart", "laugh", "wow", "thumbs_up"])
def test_the_five_kinds_are_taken(app, event, kind):
    client = follow(app, "ilze")
    assert client.emit("react", {"kind": kind}, callback=True) == {"ok": True}
    assert audience_ticker().send_reactions() == {SLUG: {kind: 1}}


def test_a_late_tick_is_not_followed_by_a_second_reactions_within_a_second(app, event, monkeypatch):
    """Server side, two ``reactions`` of one event leave at least a second apart, even when the
    first tick ran late and the next one on time."""
    import time

    watcher = follow(app)
    ticker = audience_ticker()
    sent: list[float] = []
    from conference.live import fastpath

    original_broadcast = fastpath.broadcast
    monkeypatch.setattr(
        fastpath,
        "broadcast",
        lambda server, name, *a, **k: (
            (sent.append(time.monotonic()) if name == "reactions" else None)
            or original_broadcast(server, name, *a, **k)
        ),
    )
    for _ in range(2):
        assert ticker.react(SLUG, "attendee:ilze", "heart")
        assert ticker.send_reactions() == {SLUG: {"heart": 1}}
    assert len(sent) == 2
    assert sent[1] - sent[0] >= 1.0, f"second reactions {sent[1] - sent[0]:.3f} s after the first"
    assert len(received(watcher, "reactions")) == 2
