"""play_greeting / stop_greeting through the live command API, and the automatic stop."""

from __future__ import annotations

import time

import pytest

from conference.db import db
from conference.events.models import Event
from conference.greetings.commands import end_greeting_if_over

from .factories import make_greeting

pytestmark = pytest.mark.integration

COMMANDS = "/api/v1/events/daugavpils-2021/commands"
STATE = "/api/v1/events/daugavpils-2021/state"


def command(client, moderator, **body):
    return client.post(COMMANDS, json=body, headers=moderator)


def test_playing_an_approved_greeting_starts_it_everywhere(client, event, partner, moderator):
    greeting = make_greeting(event, partner, review="approved")
    answer = command(client, moderator, type="play_greeting", greeting_id=greeting.id)
    assert answer.status_code == 200, answer.get_json()
    playing = client.get(STATE).get_json()["greeting"]
    assert playing["id"] == greeting.id
    assert playing["video_url"] == f"/media/{greeting.video_file}"
    assert playing["poster_url"] == f"/media/{greeting.poster_file}"
    assert playing["duration_s"] == 12.5
    assert playing["started_at"].endswith("Z")
    db.session.expire_all()
    assert db.session.get(Event, event.id).greeting_playing == playing


@pytest.mark.parametrize(
    ("status", "review", "code"),
    [
        ("ready", "pending", "greeting_not_playable"),
        ("failed", "rejected", "greeting_not_playable"),
    ],
)
def test_only_approved_ready_greetings_play(
    client, event, partner, moderator, status, review, code
):
    greeting = make_greeting(event, partner, status=status, review=review)
    before = client.get(STATE).get_json()["seq"]
    answer = command(client, moderator, type="play_greeting", greeting_id=greeting.id)
    assert answer.status_code == 422
    assert answer.get_json()["error"]["code"] == code
    after = client.get(STATE).get_json()
    assert (after["seq"], after["greeting"]) == (before, None)


def test_an_unknown_greeting_is_refused(client, event, moderator):
    answer = command(client, moderator, type="play_greeting", greeting_id=999)
    assert answer.status_code == 422
    assert answer.get_json()["error"]["code"] == "unknown_greeting"
    answer = command(client, moderator, type="play_greeting")
    assert answer.status_code == 422


def test_stop_greeting_stops_it_and_needs_one_playing(client, event, partner, moderator):
    greeting = make_greeting(event, partner, review="approved")
    assert command(client, moderator, type="stop_greeting").status_code == 422
    command(client, moderator, type="play_greeting", greeting_id=greeting.id)
    answer = command(client, moderator, type="stop_greeting")
    assert answer.status_code == 200
    assert client.get(STATE).get_json()["greeting"] is None


def test_the_automatic_end_stops_only_the_same_playing(client, event, partner, moderator):
    first = make_greeting(event, partner, review="approved")
    second = make_greeting(event, partner, review="approved")
    command(client, moderator, type="play_greeting", greeting_id=first.id)
    first_start = client.get(STATE).get_json()["greeting"]["started_at"]
    command(client, moderator, type="play_greeting", greeting_id=second.id)
    assert end_greeting_if_over(event.id, first.id, first_start) is False
    assert client.get(STATE).get_json()["greeting"]["id"] == second.id
    second_start = client.get(STATE).get_json()["greeting"]["started_at"]
    assert end_greeting_if_over(event.id, second.id, second_start) is True
    assert client.get(STATE).get_json()["greeting"] is None


def test_a_greeting_stops_by_itself_when_its_time_is_over(
    client, event, partner, moderator, consumer
):
    greeting = make_greeting(event, partner, review="approved")
    greeting.duration_s = 0.5
    db.session.commit()
    command(client, moderator, type="play_greeting", greeting_id=greeting.id)
    started = time.monotonic()
    assert client.get(STATE).get_json()["greeting"] is not None
    while client.get(STATE).get_json()["greeting"] is not None:
        assert time.monotonic() - started < 10, "the greeting was never stopped"
        time.sleep(0.1)
    assert time.monotonic() - started >= 1.4  # its half second and the grace second
