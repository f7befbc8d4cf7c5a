"""The moderator's ceremony page and the join codes, through their forms as a browser sends them."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from conference.audit.log import entries_of
from conference.awards import jury
from conference.awards.ceremony import ceremony_awards, next_to_reveal
from conference.awards.models import Award, AwardWinner, Contest
from conference.awards.votes import cast_vote, tally
from conference.db import db
from conference.live.commands import run_command
from conference.live.models import LiveUpdate
from conference.users.services import create_user
from conference.users.sessions import SESSION_KEY, open_session
from tests.conftest import join_team

SLUG = "daugavpils-2021"
PAGE = f"/moderate/{SLUG}/ceremony"


@pytest.fixture
def moderator_browser(client, demo):
    user = create_user("moderatore@example.org", "moderator", "moderatores parole")
    join_team(user.email, "moderator", SLUG)
    with client.session_transaction() as session:
        session[SESSION_KEY] = open_session(user)
    return client


def form_fields(html: str, form_marker: str) -> dict:
    """The hidden fields of the first form that contains ``form_marker``."""
    for form in re.findall(r"<form.*?</form>", html, re.S):
        if form_marker in form:
            return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
    raise AssertionError(f"no form with {form_marker!r}")


def reveals() -> list[int]:
    rows = db.session.scalars(sa.select(LiveUpdate).where(LiveUpdate.type == "award.revealed"))
    return [row.data["id"] for row in rows]


def test_attendees_and_jurors_do_not_see_the_ceremony_page(client, demo):
    assert client.get(PAGE).status_code == 302  # to the sign-in page
    juror = create_user("anna@example.org", "jury", "žūrijas parole")
    join_team(juror.email, "jury", SLUG)  # a juror of this very event
    with client.session_transaction() as session:
        session[SESSION_KEY] = open_session(juror)
    assert client.get(PAGE).status_code == 403
    assert client.get(f"/moderate/{SLUG}/join-codes").status_code == 403


def test_reveal_next_from_the_page_once_even_when_clicked_twice(moderator_browser, demo):
    html = moderator_browser.get(f"{PAGE}?lang=en").get_data(as_text=True)
    assert "Oskars Alehno" in html and "Hidden from attendees" in html
    fields = form_fields(html, 'value="reveal_award"')
    first = next_to_reveal(demo)
    assert fields["award_id"] == str(first.id)
    for _ in range(2):  # a double click sends the same form twice
        answer = moderator_browser.post(f"{PAGE}/commands", data=fields)
        assert answer.status_code == 302
    assert reveals() == [first.id]
    db.session.expire_all()
    after = moderator_browser.get(f"{PAGE}?lang=en").get_data(as_text=True)
    assert form_fields(after, 'value="reveal_award"')["award_id"] == str(next_to_reveal(demo).id)


def test_a_stale_page_is_told_and_applies_nothing(moderator_browser, demo):
    html = moderator_browser.get(f"{PAGE}?lang=en").get_data(as_text=True)
    fields = form_fields(html, 'value="reveal_award"')
    run_command(SLUG, {"type": "open_vote", "contest_id": demo.contests[0].id})  # elsewhere
    answer = moderator_browser.post(f"{PAGE}/commands", data=fields, follow_redirects=True)
    assert "changed in the meantime" in answer.get_data(as_text=True)
    assert reveals() == []


def test_an_award_without_a_winner_cannot_be_revealed_from_the_page(moderator_browser, demo):
    audience = next(a for a in ceremony_awards(demo) if a.kind == "audience")
    html = moderator_browser.get(f"{PAGE}?lang=en").get_data(as_text=True)
    fields = {**form_fields(html, 'value="reveal_award"'), "award_id": str(audience.id)}
    fields["command_id"] = "a-new-click"
    answer = moderator_browser.post(f"{PAGE}/commands", data=fields, follow_redirects=True)
    assert "has no winner yet" in answer.get_data(as_text=True)
    assert reveals() == []


def test_the_director_picks_and_mentions_are_set_before_the_reveal(moderator_browser, demo):
    contest = demo.contests[0]
    director = next(a for a in contest.awards if a.kind == "director")
    mention = next(a for a in contest.awards if a.kind == "mention")
    html = moderator_browser.get(PAGE).get_data(as_text=True)
    token = form_fields(html, f"/awards/{director.id}")["csrf_token"]
    first, second = contest.entries[0].id, contest.entries[1].id
    moderator_browser.post(
        f"{PAGE}/awards/{director.id}", data={"csrf_token": token, "entry_id": str(first)}
    )
    assert [e.id for e in jury.winners_of(director)] == [first]
    refused = moderator_browser.post(
        f"{PAGE}/awards/{director.id}?lang=en",
        data={"csrf_token": token, "entry_id": [str(first), str(second)]},
        follow_redirects=True,
    )
    assert "Choose one entry for this award." in refused.get_data(as_text=True)
    moderator_browser.post(
        f"{PAGE}/awards/{mention.id}",
        data={"csrf_token": token, "entry_id": [str(first), str(second)]},
    )
    assert [e.id for e in jury.winners_of(mention)] == [first, second]
    place = next(a for a in contest.awards if a.kind == "place")
    moderator_browser.post(f"{PAGE}/awards/{place.id}", data={"csrf_token": token, "entry_id": "1"})
    assert db.session.get(AwardWinner, (place.id, 1)) is None  # places are the jury's

    run_command(SLUG, {"type": "reveal_award", "award_id": director.id})
    late = moderator_browser.post(
        f"{PAGE}/awards/{director.id}?lang=en",
        data={"csrf_token": token, "entry_id": str(second)},
        follow_redirects=True,
    )
    assert "has been revealed; its winners can no longer change" in late.get_data(as_text=True)
    assert [e.id for e in jury.winners_of(director)] == [first]


def test_a_tied_vote_is_shown_and_the_moderator_decides(moderator_browser, demo):
    contest = demo.contests[0]
    audience = next(a for a in contest.awards if a.kind == "audience")
    run_command(SLUG, {"type": "open_vote", "contest_id": contest.id})
    cast_vote(demo, "a", contest.entries[2].id)
    cast_vote(demo, "b", contest.entries[5].id)
    run_command(SLUG, {"type": "close_vote", "contest_id": contest.id})
    html = moderator_browser.get(f"{PAGE}?lang=en").get_data(as_text=True)
    assert "The vote is tied" in html
    pick = re.search(rf'action="{PAGE}/awards/{audience.id}".*?</form>', html, re.S).group(0)
    offered = {int(v) for v in re.findall(r'name="entry_id" value="(\d+)"', pick)}
    assert offered == {contest.entries[2].id, contest.entries[5].id}
    token = form_fields(html, f"/awards/{audience.id}")["csrf_token"]
    moderator_browser.post(
        f"{PAGE}/awards/{audience.id}",
        data={"csrf_token": token, "entry_id": str(contest.entries[5].id)},
    )
    assert [e.id for e in jury.winners_of(audience)] == [contest.entries[5].id]
    run_command(SLUG, {"type": "reveal_award", "award_id": audience.id})
    assert reveals() == [audience.id]


def test_join_code_mode_one_code_one_vote(app, moderator_browser, demo):
    contest = demo.contests[0]
    html = moderator_browser.get(f"/moderate/{SLUG}/join-codes").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    moderator_browser.post(
        f"/moderate/{SLUG}/join-codes",
        data={"csrf_token": token, "names": "Anna Bērziņa\nJānis Ozoliņš\n"},
    )
    printed = moderator_browser.get(f"/moderate/{SLUG}/join-codes").get_data(as_text=True)
    assert "Anna Bērziņa" in printed and printed.count('class="segno"') == 2
    issued = [e for e in entries_of(db.session, demo.id) if e.action == "join_codes.issued"]
    assert [(e.actor_label, e.after["count"]) for e in issued] == [("moderatore@example.org", 2)]
    assert "Anna" not in str(issued[0].after)  # the audit keeps counts, not the names
    codes = re.findall(r"<code>([A-Z0-9]{5}-[A-Z0-9]{5})</code>", printed)
    assert len(codes) == 2
    assert f"/events/{SLUG}?code={codes[0].replace('-', '')}" in printed
    moderator_browser.post(
        f"{PAGE}/contests/{contest.id}/vote-mode",
        data={"csrf_token": token, "vote_mode": "join_code"},
    )
    db.session.expire_all()
    assert db.session.get(Contest, contest.id).vote_mode == "join_code"
    run_command(SLUG, {"type": "open_vote", "contest_id": contest.id})
    vote_url = f"/api/v1/events/{SLUG}/votes"
    entry = contest.entries[5].id
    without = app.test_client().post(vote_url, json={"entry_id": entry})
    assert without.status_code == 403
    assert without.get_json()["error"]["code"] == "join_code_required"
    wrong = app.test_client().post(vote_url, json={"entry_id": entry, "join_code": "AAAAA-AAAAA"})
    assert wrong.get_json()["error"]["code"] == "join_code_invalid"
    typed = codes[0].lower().replace("-", " ")  # as typed on a phone
    for browser in (app.test_client(), app.test_client()):  # the same code from two browsers
        assert (
            browser.post(vote_url, json={"entry_id": entry, "join_code": typed}).status_code == 200
        )
    run_command(SLUG, {"type": "close_vote", "contest_id": contest.id})
    audience = db.session.scalar(sa.select(Award).where(Award.kind == "audience"))
    assert [e.id for e in jury.winners_of(audience)] == [entry]
    assert sum(tally(db.session.get(Contest, contest.id)).values()) == 1
