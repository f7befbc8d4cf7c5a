"""open_vote, close_vote and reveal_award through the commands API, as a ceremony script sends them."""

from __future__ import annotations

import sqlalchemy as sa

from conference.awards import jury
from conference.awards.models import AwardWinner
from conference.awards.votes import cast_vote
from conference.db import db
from conference.events.models import Event
from conference.live.models import LiveUpdate
from tests.conftest import join_team

SLUG = "daugavpils-2021"
COMMANDS = f"/api/v1/events/{SLUG}/commands"


def send(client, moderator, body, lang="en"):
    return client.post(f"{COMMANDS}?lang={lang}", json=body, headers=moderator)


def updates(kind):
    return [
        row.data
        for row in db.session.scalars(
            sa.select(LiveUpdate).where(LiveUpdate.type == kind).order_by(LiveUpdate.seq)
        )
    ]


def award_of(contest, kind, rank=None):
    return next(a for a in contest.awards if a.kind == kind and a.rank == rank)


def state(client):
    return client.get(f"/api/v1/events/{SLUG}/state").get_json()


def test_a_vote_opens_once_and_closes_once(client, moderator, contest):
    assert (
        send(client, moderator, {"type": "open_vote", "contest_id": contest.id}).status_code == 200
    )
    assert state(client)["votes"] == [{"contest_id": contest.id, "status": "open"}]
    again = send(client, moderator, {"type": "open_vote", "contest_id": contest.id})
    assert again.status_code == 422 and again.get_json()["error"]["code"] == "vote_open"
    assert (
        send(client, moderator, {"type": "close_vote", "contest_id": contest.id}).status_code == 200
    )
    reopen = send(client, moderator, {"type": "open_vote", "contest_id": contest.id}, lang="lv")
    assert reopen.status_code == 422
    assert reopen.get_json()["error"]["code"] == "vote_closed"
    assert updates("vote.opened") == [{"contest_id": contest.id, "status": "open"}]
    assert updates("vote.closed") == [{"contest_id": contest.id, "status": "closed"}]
    assert state(client)["votes"] == [{"contest_id": contest.id, "status": "closed"}]


def test_closing_gives_the_audience_award_to_the_leader_and_says_no_count(
    client, moderator, contest
):
    send(client, moderator, {"type": "open_vote", "contest_id": contest.id})
    sirotko, greibo = contest.entries[5], contest.entries[1]
    for n in range(5):
        cast_vote(contest.event, f"attendee-{n}", sirotko.id)
    cast_vote(contest.event, "attendee-9", greibo.id)
    response = send(client, moderator, {"type": "close_vote", "contest_id": contest.id})
    assert response.status_code == 200
    audience = award_of(contest, "audience")
    winner = db.session.get(AwardWinner, (audience.id, sirotko.id))
    assert winner is not None and winner.decided_by == "vote"
    closed = updates("vote.closed")[0]
    assert closed == {"contest_id": contest.id, "status": "closed"}
    refused = client.post(f"/api/v1/events/{SLUG}/votes", json={"entry_id": greibo.id})
    assert refused.status_code == 422 and refused.get_json()["error"]["code"] == "vote_closed"


def test_a_tied_vote_decides_nothing_until_the_moderator_picks(client, moderator, contest):
    send(client, moderator, {"type": "open_vote", "contest_id": contest.id})
    cast_vote(contest.event, "a", contest.entries[0].id)
    cast_vote(contest.event, "b", contest.entries[5].id)
    send(client, moderator, {"type": "close_vote", "contest_id": contest.id})
    audience = award_of(contest, "audience")
    assert jury.winners_of(audience) == []
    refused = send(client, moderator, {"type": "reveal_award", "award_id": audience.id})
    assert refused.status_code == 422
    assert "no winner yet" in refused.get_json()["error"]["message"]
    jury.set_winners(audience, [contest.entries[5].id], decided_by="moderator")
    revealed = send(client, moderator, {"type": "reveal_award", "award_id": audience.id})
    assert revealed.status_code == 200
    assert [e["id"] for e in state(client)["awards"][0]["entries"]] == [contest.entries[5].id]


def test_reveal_publishes_the_award_with_its_winners_once(client, moderator, contest):
    second = award_of(contest, "place", 2)
    jury.set_winners(second, [contest.entries[1].id], decided_by="jury")
    response = send(client, moderator, {"type": "reveal_award", "award_id": second.id})
    assert response.status_code == 200
    revealed = state(client)["awards"]
    assert len(revealed) == 1
    award = revealed[0]
    assert set(award) == {"id", "contest_id", "kind", "title", "rank", "entries", "revealed_at"}
    assert award["kind"] == "place" and award["rank"] == 2
    assert award["title"] == {"lv": "2. vieta", "en": "2nd place"}
    assert award["entries"] == [
        {
            "id": contest.entries[1].id,
            "title": {"lv": "Darbs 2"},
            "authors": [{"name": "Valerija Greibo", "group": "LD-21"}],
        }
    ]
    assert award["revealed_at"].endswith("Z")
    assert updates("award.revealed") == revealed
    twice = send(client, moderator, {"type": "reveal_award", "award_id": second.id}, lang="lv")
    assert twice.status_code == 422
    assert twice.get_json()["error"]["code"] == "already_revealed"
    assert "2. vieta" in twice.get_json()["error"]["message"]
    assert len(updates("award.revealed")) == 1


def test_the_first_reveal_locks_the_places(client, moderator, contest):
    thanks = award_of(contest, "mention")
    jury.set_winners(thanks, [e.id for e in contest.entries[3:]])
    send(client, moderator, {"type": "reveal_award", "award_id": thanks.id})
    db.session.expire_all()
    assert contest.decision_locked
    first = award_of(contest, "place", 1)
    try:
        jury.set_winners(first, [contest.entries[0].id], decided_by="jury")
    except Exception as refusal:  # noqa: BLE001
        assert getattr(refusal, "code", "") == "decision_locked"
    else:
        raise AssertionError("places changed after the ceremony began")


def test_unknown_awards_and_awards_of_another_event_are_refused(client, moderator, contest):
    other = Event(
        slug="cita-konference",
        title={"lv": "Cita"},
        timezone="Europe/Riga",
        starts_at=contest.event.starts_at,
        ends_at=contest.event.ends_at,
        languages=["lv"],
        default_language="lv",
    )
    db.session.add(other)
    db.session.commit()
    award = award_of(contest, "place", 1)
    jury.set_winners(award, [contest.entries[0].id])
    for body in (
        {"type": "reveal_award", "award_id": 999_999},
        {"type": "reveal_award"},
        {"type": "reveal_award", "award_id": "1"},
        {"type": "open_vote", "contest_id": 999_999},
    ):
        response = send(client, moderator, body)
        assert response.status_code == 422, body

    def stranger():
        return client.post(
            "/api/v1/events/cita-konference/commands",
            json={"type": "reveal_award", "award_id": award.id},
            headers=moderator,
        )

    assert stranger().status_code == 403  # no role in the other event
    join_team("moderatore@example.org", "moderator", "cita-konference")
    refused = stranger()
    assert refused.status_code == 422
    assert refused.get_json()["error"]["code"] == "unknown_award"
    assert updates("award.revealed") == []


def test_an_open_vote_keeps_its_audience_award_hidden(client, moderator, contest):
    send(client, moderator, {"type": "open_vote", "contest_id": contest.id})
    audience = award_of(contest, "audience")
    jury.set_winners(audience, [contest.entries[0].id])
    refused = send(client, moderator, {"type": "reveal_award", "award_id": audience.id})
    assert refused.status_code == 422
    assert refused.get_json()["error"]["code"] == "vote_open"


def test_attendees_may_not_run_the_ceremony(client, contest):
    award = award_of(contest, "place", 1)
    jury.set_winners(award, [contest.entries[0].id])
    response = client.post(COMMANDS, json={"type": "reveal_award", "award_id": award.id})
    assert response.status_code == 401
    assert updates("award.revealed") == []
