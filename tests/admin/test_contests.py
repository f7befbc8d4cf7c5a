"""Contests, entries with their authors, awards and their secret winners."""

from __future__ import annotations

import sqlalchemy as sa

from conference.awards.models import Award, AwardWinner, Contest, Entry
from conference.db import db, utcnow
from tests.admin.browser import post_form
from tests.events.reference_event import SLUG, build_reference_event

BASE = f"/admin/events/{SLUG}"


def contest_id() -> int:
    return db.session.scalar(sa.select(Contest.id))


def test_new_contest(app, admin_client):
    build_reference_event()
    response = post_form(
        admin_client,
        f"{BASE}/contests/new",
        {"title-lv": "Labākā fotogrāfija", "title-en": "Best photo", "vote_mode": "join_code"},
    )
    assert response.status_code == 302
    contest = db.session.scalar(sa.select(Contest).order_by(Contest.id.desc()).limit(1))
    assert contest.title == {"lv": "Labākā fotogrāfija", "en": "Best photo"}
    assert contest.vote_mode == "join_code"
    assert "Labākā fotogrāfija" in admin_client.get(f"{BASE}/contests/").text


def test_entry_with_authors_in_order(app, admin_client):
    build_reference_event()
    url = f"{BASE}/contests/{contest_id()}/entries/new"
    form = admin_client.get(url).text
    assert 'name="authors-0-name"' in form and 'name="authors-1-group"' in form
    response = post_form(
        admin_client,
        url,
        {
            "title-lv": "Mana prakse Spānijā",
            "authors-0-name": "Žanete Ķīķēna",
            "authors-0-group": "LMT-21",
            "authors-1-name": "",
            "authors-1-group": "",
            "authors-2-name": "Ēriks Ņikitins",
            "media_kind": "video",
            "media_url": "https://example.org/prakse.mp4",
        },
    )
    assert response.status_code == 302
    entry = db.session.scalar(sa.select(Entry).order_by(Entry.id.desc()).limit(1))
    assert [(a.name, a.group) for a in entry.authors] == [
        ("Žanete Ķīķēna", "LMT-21"),
        ("Ēriks Ņikitins", None),
    ]
    edit = admin_client.get(f"{BASE}/contests/{contest_id()}/entries/{entry.id}/edit").text
    assert 'value="Žanete Ķīķēna"' in edit
    assert 'name="authors-3-name"' in edit  # two spare rows after the two authors


def test_entry_refusals(app, admin_client):
    build_reference_event()
    url = f"{BASE}/contests/{contest_id()}/entries/new?lang=lv"
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Entry))
    no_author = post_form(admin_client, url, {"title-lv": "Bez autora"})
    assert no_author.status_code == 422
    assert "Norādiet vismaz vienu autoru." in no_author.text
    no_kind = post_form(
        admin_client,
        url,
        {"title-lv": "Darbs", "authors-0-name": "Anna", "media_url": "https://example.org/a.pdf"},
    )
    assert "Norādiet gan pielikuma veidu, gan adresi, vai nevienu no tiem." in no_kind.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Entry)) == count


def award_fields(**changes) -> dict:
    fields = {"kind": "place", "rank": "2", "title-lv": "2. vieta", "title-en": "2nd place"}
    fields.update(changes)
    return fields


def test_award_with_winners_is_secret_outside_the_admin(app, admin_client, client):
    build_reference_event()
    entries = db.session.scalars(sa.select(Entry).order_by(Entry.position)).all()
    greibo = entries[1]
    url = f"{BASE}/contests/{contest_id()}/awards/new"
    response = post_form(admin_client, url, award_fields(winners=[str(greibo.id)]))
    assert response.status_code == 302
    award = db.session.scalar(sa.select(Award).where(Award.rank == 2))
    winners = db.session.scalars(
        sa.select(AwardWinner.entry_id).where(AwardWinner.award_id == award.id)
    )
    assert list(winners) == [greibo.id]
    admin_page = admin_client.get(f"{BASE}/contests/{contest_id()}/").text
    assert "Darbs Nr. 2" in admin_page.split('id="awards-heading"')[1]  # the winner, in the admin
    # Nobody else learns it: not the API, not the public pages.
    api = client.get(f"/api/v1/events/{SLUG}")
    if api.status_code == 200:
        assert "winner" not in api.text
        for contest in api.get_json()["contests"]:
            for shown in contest["awards"]:
                assert set(shown) <= {"id", "title", "kind", "rank"}
    results = client.get(f"/events/{SLUG}/results?lang=lv")
    assert results.status_code == 200
    assert "2. vieta" not in results.text  # not revealed, so not on the results page


def test_rank_only_for_places(app, admin_client):
    build_reference_event()
    url = f"{BASE}/contests/{contest_id()}/awards/new?lang=lv"
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Award))
    no_rank = post_form(admin_client, url, award_fields(rank=""))
    assert no_rank.status_code == 422
    assert "Vietai jānorāda tās numurs: 1, 2 vai 3." in no_rank.text
    assert 'id="rank-errors"' in no_rank.text
    rank_on_mention = post_form(admin_client, url, award_fields(kind="mention", rank="1"))
    assert "Numurs ir tikai vietām." in rank_on_mention.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Award)) == count


def test_revealed_award_keeps_its_winners(app, admin_client):
    build_reference_event()
    entries = db.session.scalars(sa.select(Entry).order_by(Entry.position)).all()
    award = db.session.scalar(sa.select(Award).where(Award.rank == 1))
    db.session.add(AwardWinner(award_id=award.id, entry_id=entries[0].id))
    award.revealed_at = utcnow()
    db.session.commit()
    url = f"{BASE}/contests/{contest_id()}/awards/{award.id}/edit?lang=lv"
    response = post_form(
        admin_client,
        url,
        award_fields(rank="1", **{"title-lv": "1. vieta"}, winners=[str(entries[5].id)]),
    )
    assert response.status_code == 422
    assert "Šī balva jau ir paziņota; tās uzvarētājus vairs nevar mainīt." in response.text
    winners = db.session.scalars(
        sa.select(AwardWinner.entry_id).where(AwardWinner.award_id == award.id)
    )
    assert list(winners) == [entries[0].id]


def test_awards_reorder_in_ceremony_order(app, admin_client):
    build_reference_event()
    contest_url = f"{BASE}/contests/{contest_id()}/"
    second = db.session.scalar(sa.select(Award).where(Award.kind == "audience"))
    response = post_form(
        admin_client,
        contest_url,
        {"direction": "up"},
        action=f"{BASE}/contests/{contest_id()}/awards/{second.id}/move",
    )
    assert response.status_code == 302
    db.session.expire_all()
    order = db.session.scalars(sa.select(Award.kind).order_by(Award.ceremony_order)).all()
    assert order == ["audience", "place"]
