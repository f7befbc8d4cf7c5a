"""The jury's pages and the vote API, through HTTP as a browser or a script would."""

import re

import sqlalchemy as sa

from conference.awards.models import JuryScore
from conference.db import db
from conference.users.services import create_token_for, create_user
from conference.users.sessions import SESSION_KEY, open_session
from tests.conftest import join_team


def signed_in(client, user):
    with client.session_transaction() as session:
        session[SESSION_KEY] = open_session(user)
    return client


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_a_juror_scores_an_entry_and_sees_only_their_own(client, contest, juror_factory):
    anna, boris = juror_factory("anna@example.org"), juror_factory("boris@example.org")
    signed_in(client, anna)
    page = client.get("/jury/daugavpils-2021?lang=lv").get_data(as_text=True)
    assert "Dmitrijs Ivčeno (LMT-21)" in page
    entry = contest.entries[1]
    response = client.post(
        f"/jury/daugavpils-2021/contests/{contest.id}/entries/{entry.id}?lang=lv",
        data={"csrf_token": csrf_of(page), "score": "8", "comment": "Ļoti radoši"},
    )
    assert response.status_code == 302
    assert db.session.get(JuryScore, (anna.id, entry.id)).comment == "Ļoti radoši"
    signed_in(client, boris)
    assert "Ļoti radoši" not in client.get("/jury/daugavpils-2021").get_data(as_text=True)


def test_a_bad_score_is_refused_with_a_message_and_nothing_stored(client, contest, juror_factory):
    signed_in(client, juror_factory("anna@example.org"))
    page = client.get("/jury/daugavpils-2021?lang=en").get_data(as_text=True)
    entry = contest.entries[0]
    response = client.post(
        f"/jury/daugavpils-2021/contests/{contest.id}/entries/{entry.id}",
        data={"csrf_token": csrf_of(page), "score": "11"},
        follow_redirects=True,
    )
    assert "whole number from 1 to 10" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(JuryScore)) == 0


def test_jury_pages_are_for_jurors_and_decision_for_admins(client, contest, juror_factory):
    assert client.get("/jury/daugavpils-2021").status_code == 302
    moderator = create_user("mod@example.org", "moderator", "moderatora parole")
    join_team(moderator.email, "moderator")
    signed_in(client, moderator)
    assert client.get("/jury/daugavpils-2021").status_code == 403
    signed_in(client, juror_factory("anna@example.org"))
    assert client.get("/jury/daugavpils-2021/decision").status_code == 403


def test_attendees_vote_through_the_api_once_each(client, contest):
    entry = contest.entries[5]
    refused = client.post(
        "/api/v1/events/daugavpils-2021/votes?lang=lv", json={"entry_id": entry.id}
    )
    assert refused.status_code == 422
    assert refused.get_json()["error"]["code"] == "vote_not_open"
    contest.vote_status = "open"
    db.session.commit()
    for _ in range(3):
        assert (
            client.post(
                "/api/v1/events/daugavpils-2021/votes", json={"entry_id": entry.id}
            ).status_code
            == 200
        )
    other = client.application.test_client()
    assert (
        other.post("/api/v1/events/daugavpils-2021/votes", json={"entry_id": entry.id}).status_code
        == 200
    )
    assert (
        client.get(f"/api/v1/events/daugavpils-2021/contests/{contest.id}/tally").status_code == 401
    )
    moderator = create_user("mod@example.org", "moderator", "moderatora parole")
    join_team(moderator.email, "moderator")
    token = create_token_for(moderator.email)
    tally = client.get(
        f"/api/v1/events/daugavpils-2021/contests/{contest.id}/tally",
        headers={"Authorization": f"Bearer {token}"},
    ).get_json()
    assert tally["total"] == 2
    assert {"entry_id": entry.id, "votes": 2} in tally["entries"]


def test_a_bad_vote_body_is_a_clear_422(client, contest):
    contest.vote_status = "open"
    db.session.commit()
    for body in ({}, {"entry_id": "x"}, [1]):
        response = client.post("/api/v1/events/daugavpils-2021/votes", json=body)
        assert response.status_code == 422
        assert response.get_json()["error"]["message"]
    assert client.post("/api/v1/events/nope/votes", json={"entry_id": 1}).status_code == 404


def test_a_room_behind_one_address_can_all_vote(app, contest):
    contest.vote_status = "open"
    db.session.commit()
    statuses = set()
    for n in range(40):
        browser = app.test_client()
        response = browser.post(
            "/api/v1/events/daugavpils-2021/votes",
            json={"entry_id": contest.entries[n % 6].id},
            environ_base={"REMOTE_ADDR": "192.0.2.10"},
        )
        statuses.add(response.status_code)
    assert statuses == {200}


def test_one_attendee_hammering_the_vote_is_limited(client, contest):
    contest.vote_status = "open"
    db.session.commit()
    codes = [
        client.post(
            "/api/v1/events/daugavpils-2021/votes", json={"entry_id": contest.entries[0].id}
        ).status_code
        for _ in range(40)
    ]
    assert codes.count(200) == 30 and codes[-1] == 429
