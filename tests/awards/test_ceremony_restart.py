"""A crash in the middle of the ceremony: the real server (``conference serve``) is killed with
SIGKILL after three reveals and started again; what was revealed stays revealed, what was hidden
stays hidden, and the ceremony carries on."""

from __future__ import annotations

import requests
import sqlalchemy as sa

from conference.awards.ceremony import ceremony_awards
from conference.db import db
from conference.events.models import Event
from tests.live.conftest import start_server  # noqa: F401  (the real-server fixture)
from tests.live.servers import Follower, send_command

SLUG = "daugavpils-2021"


def state_of(server) -> dict:
    return requests.get(f"{server.url}/api/v1/events/{SLUG}/state", timeout=10).json()


def test_a_restart_mid_ceremony_keeps_revealed_revealed_and_hidden_hidden(
    demo,
    moderator,
    start_server,  # noqa: F811
):
    token = moderator["Authorization"].removeprefix("Bearer ")
    event = db.session.scalar(sa.select(Event).where(Event.slug == SLUG))
    contest_id = event.contests[0].id
    award_ids = [award.id for award in ceremony_awards(event)]
    favourite = next(e.id for e in event.contests[0].entries if e.key == "entry-6")
    db.session.remove()  # the server process writes next; this test only reads through HTTP
    server = start_server()

    opened = send_command(server.url, SLUG, token, {"type": "open_vote", "contest_id": contest_id})
    assert opened.status_code == 200
    for _ in range(3):
        browser = requests.Session()
        browser.get(f"{server.url}/events/{SLUG}", timeout=10)
        vote = browser.post(
            f"{server.url}/api/v1/events/{SLUG}/votes", json={"entry_id": favourite}, timeout=10
        )
        assert vote.status_code == 200, vote.text
    closed = send_command(server.url, SLUG, token, {"type": "close_vote", "contest_id": contest_id})
    assert closed.status_code == 200
    for award_id in award_ids[:3]:
        answer = send_command(
            server.url, SLUG, token, {"type": "reveal_award", "award_id": award_id}
        )
        assert answer.status_code == 200, answer.text
    before = state_of(server)
    assert [award["id"] for award in before["awards"]] == award_ids[:3]

    server.kill()
    restarted = start_server()
    after = state_of(restarted)
    assert after["seq"] == before["seq"]
    assert after["awards"] == before["awards"]
    follower = Follower(restarted.url, SLUG).connect()
    try:
        assert follower.wait_until(lambda f: f.snapshots)
        assert follower.snapshots[0]["awards"] == before["awards"]
        again = send_command(
            restarted.url, SLUG, token, {"type": "reveal_award", "award_id": award_ids[2]}
        )
        assert again.status_code == 422
        assert again.json()["error"]["code"] == "already_revealed"
        for award_id in award_ids[3:]:
            answer = send_command(
                restarted.url, SLUG, token, {"type": "reveal_award", "award_id": award_id}
            )
            assert answer.status_code == 200, answer.text
        assert follower.wait_until(lambda f: len(f.updates) == 3)
        assert [u["type"] for u in follower.updates] == ["award.revealed"] * 3
        assert [u["data"]["id"] for u in follower.updates] == award_ids[3:]
        assert follower.seqs() == [before["seq"] + 1, before["seq"] + 2, before["seq"] + 3]
    finally:
        follower.close()
    final = state_of(restarted)
    assert [award["id"] for award in final["awards"]] == award_ids
    audience = next(award for award in final["awards"] if award["kind"] == "audience")
    assert [entry["id"] for entry in audience["entries"]] == [favourite]
