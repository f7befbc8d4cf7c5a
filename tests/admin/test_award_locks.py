"""The admin's award form honours the locks of the one writer of winners: no new places once
the ceremony began (the first reveal locks the decision), nothing of a revealed award changes."""

from __future__ import annotations

import sqlalchemy as sa

from conference.awards.models import Award, AwardWinner, Contest, Entry
from conference.db import db
from conference.live.commands import run_command
from tests.admin.browser import post_form
from tests.events.reference_event import SLUG, build_reference_event

BASE = f"/admin/events/{SLUG}"


def winners_of(award_id: int) -> list[int]:
    return list(
        db.session.scalars(
            sa.select(AwardWinner.entry_id)
            .where(AwardWinner.award_id == award_id)
            .order_by(AwardWinner.entry_id)
        )
    )


def ceremony_begun():
    """The reference event with a second place and a mention; the mention is revealed."""
    build_reference_event()
    contest = db.session.scalar(sa.select(Contest))
    entries = db.session.scalars(sa.select(Entry).order_by(Entry.position)).all()
    second = Award(kind="place", rank=2, ceremony_order=3, title={"lv": "2. vieta"})
    mention = Award(kind="mention", ceremony_order=0, title={"lv": "Atzinība"})
    contest.awards.extend([second, mention])
    db.session.flush()
    db.session.add(AwardWinner(award_id=second.id, entry_id=entries[1].id))
    db.session.add(AwardWinner(award_id=mention.id, entry_id=entries[2].id))
    db.session.commit()
    run_command(SLUG, {"type": "reveal_award", "award_id": mention.id})
    db.session.expire_all()
    return contest, entries, second, mention


def test_places_no_longer_change_once_the_first_award_is_revealed(app, admin_client):
    contest, entries, second, _mention = ceremony_begun()
    assert contest.decision_locked
    url = f"{BASE}/contests/{contest.id}/awards/{second.id}/edit?lang=en"
    fields = {"kind": "place", "rank": "2", "title-lv": "2. vieta", "ceremony_order": "3"}
    refused = post_form(admin_client, url, {**fields, "winners": [str(entries[4].id)]})
    assert refused.status_code == 422
    assert "decision is locked (the ceremony has begun)" in refused.text
    assert winners_of(second.id) == [entries[1].id]
    # The same winners with another title is no change of places: allowed.
    renamed = post_form(
        admin_client, url, {**fields, "title-lv": "Otrā vieta", "winners": [str(entries[1].id)]}
    )
    assert renamed.status_code == 302


def test_a_revealed_award_is_neither_edited_nor_deleted(app, admin_client):
    contest, entries, _second, mention = ceremony_begun()
    url = f"{BASE}/contests/{contest.id}/awards/{mention.id}/edit?lang=en"
    fields = {"kind": "mention", "title-lv": "Atzinība", "ceremony_order": "0"}
    same_winners = {"winners": [str(entries[2].id)]}
    for change in ({"title-lv": "Pateicība"}, {"kind": "director"}):
        refused = post_form(admin_client, url, {**fields, **same_winners, **change})
        assert refused.status_code == 422
        assert "its title, kind and rank can no longer change" in refused.text
    new_winner = post_form(admin_client, url, {**fields, "winners": [str(entries[3].id)]})
    assert "its winners can no longer change" in new_winner.text
    deleted = post_form(
        admin_client,
        f"{BASE}/contests/{contest.id}/?lang=en",
        {},
        action=f"{BASE}/contests/{contest.id}/awards/{mention.id}/delete",
        follow_redirects=True,
    )
    assert "it cannot be deleted" in deleted.text
    db.session.expire_all()
    award = db.session.get(Award, mention.id)
    assert (award.kind, award.title) == ("mention", {"lv": "Atzinība"})
    assert winners_of(mention.id) == [entries[2].id]
    contest_gone = post_form(
        admin_client,
        f"{BASE}/contests/?lang=en",
        {},
        action=f"{BASE}/contests/{contest.id}/delete",
        follow_redirects=True,
    )
    assert "the contest cannot be deleted" in contest_gone.text
    assert db.session.get(Contest, contest.id) is not None
