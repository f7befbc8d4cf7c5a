"""Open-mode votes from one address: a room of 40 all vote; a script that drops its attendee
cookie to vote again and again is stopped at ``security.vote_new_voters_address``."""

from __future__ import annotations

from conference.awards.votes import tally
from conference.db import db

VOTES = "/api/v1/events/daugavpils-2021/votes"
SCHOOL = {"REMOTE_ADDR": "192.0.2.10"}
NEW_VOTERS_PER_MINUTE = 60  # config.toml: "60 per minute; 150 per hour"


def open_vote(contest):
    contest.vote_status = "open"
    db.session.commit()


def test_forty_browsers_behind_one_address_all_vote(app, contest):
    open_vote(contest)
    statuses = []
    for n in range(40):
        browser = app.test_client()
        # A phone opens the live page first and gets its attendee cookie there.
        assert browser.get("/events/daugavpils-2021", environ_base=SCHOOL).status_code == 200
        assert browser.get_cookie("attendee") is not None
        answer = browser.post(
            VOTES, json={"entry_id": contest.entries[n % 6].id}, environ_base=SCHOOL
        )
        statuses.append(answer.status_code)
    assert statuses == [200] * 40
    assert sum(tally(contest).values()) == 40


def test_a_script_dropping_its_cookie_is_capped(app, contest):
    open_vote(contest)
    favourite = contest.entries[2].id
    answers = [
        # A new client each time: no cookie, so a new attendee identity with every vote.
        app.test_client().post(VOTES, json={"entry_id": favourite}, environ_base=SCHOOL)
        for _ in range(NEW_VOTERS_PER_MINUTE + 25)
    ]
    statuses = [answer.status_code for answer in answers]
    assert statuses.count(200) == NEW_VOTERS_PER_MINUTE
    assert statuses[NEW_VOTERS_PER_MINUTE:] == [429] * 25
    refusal = answers[-1].get_json()["error"]
    assert refusal["code"] == "too_many_new_voters"
    db.session.expire_all()
    assert tally(contest)[favourite] == NEW_VOTERS_PER_MINUTE
    # Someone on another network is not held back by it.
    elsewhere = app.test_client().post(
        VOTES, json={"entry_id": favourite}, environ_base={"REMOTE_ADDR": "198.51.100.4"}
    )
    assert elsewhere.status_code == 200


def test_the_refusal_is_in_latvian_and_voters_may_still_change_their_vote(app, contest):
    open_vote(contest)
    early = app.test_client()
    assert (
        early.post(VOTES, json={"entry_id": contest.entries[0].id}, environ_base=SCHOOL).status_code
        == 200
    )
    for _ in range(NEW_VOTERS_PER_MINUTE - 1):
        app.test_client().post(VOTES, json={"entry_id": contest.entries[1].id}, environ_base=SCHOOL)
    late = app.test_client().post(
        VOTES + "?lang=lv", json={"entry_id": contest.entries[1].id}, environ_base=SCHOOL
    )
    assert late.status_code == 429
    assert late.get_json()["error"]["message"] == (
        "No jūsu tīkla tikko nobalsojuši pārāk daudzi. Lūdzu, mēģiniet vēlreiz pēc minūtes."
    )
    # Who voted already is no new voter: changing one's mind is never refused by this limit.
    change = early.post(VOTES, json={"entry_id": contest.entries[5].id}, environ_base=SCHOOL)
    assert change.status_code == 200
    db.session.expire_all()
    assert tally(contest)[contest.entries[5].id] == 1


def test_ipv6_addresses_of_one_subscriber_share_the_cap(app, contest):
    """A home or school gets a whole /64: hopping between its addresses changes nothing."""
    open_vote(contest)
    statuses = [
        app.test_client()
        .post(
            VOTES,
            json={"entry_id": contest.entries[3].id},
            environ_base={"REMOTE_ADDR": f"2001:db8:5:7::{n:x}"},
        )
        .status_code
        for n in range(1, NEW_VOTERS_PER_MINUTE + 6)
    ]
    assert statuses.count(200) == NEW_VOTERS_PER_MINUTE
    assert statuses[-1] == 429
