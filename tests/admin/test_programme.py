"""The programme in the admin: agenda items (and their order), people, organisations, projects."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from conference.db import db
from conference.events.models import AgendaItem, Project
from conference.people.models import Organisation, Person
from tests.admin.browser import post_form
from tests.events.reference_event import SLUG, build_reference_event

BASE = f"/admin/events/{SLUG}"


def item_titles() -> list[str]:
    db.session.expire_all()
    items = db.session.scalars(sa.select(AgendaItem).order_by(AgendaItem.position))
    return [item.title["lv"] for item in items]


def test_new_item_in_the_events_time_zone_with_speakers(app, admin_client):
    build_reference_event()
    brokane = db.session.scalar(sa.select(Person).where(Person.name == "Ingrīda Brokāne"))
    response = post_form(
        admin_client,
        f"{BASE}/items/new",
        {
            "kind": "discussion",
            "title-lv": "Noslēguma diskusija: ko mācījāmies ārzemēs",
            "title-en": "Closing discussion",
            "planned_start": "2021-06-15T16:15",
            "planned_end": "2021-06-15T16:45",
            "speakers": [str(brokane.id)],
        },
    )
    assert response.status_code == 302
    item = db.session.scalar(sa.select(AgendaItem).order_by(AgendaItem.id.desc()).limit(1))
    assert item.planned_start == datetime(2021, 6, 15, 13, 15, tzinfo=UTC)
    assert [person.name for person in item.speakers] == ["Ingrīda Brokāne"]
    assert item_titles()[-1] == "Noslēguma diskusija: ko mācījāmies ārzemēs"
    listing = admin_client.get(f"{BASE}/items/?lang=lv")
    assert "16:15–16:45" in listing.text
    assert "Noslēguma diskusija: ko mācījāmies ārzemēs" in listing.text


def test_item_without_latvian_title_is_refused_in_latvian(app, admin_client):
    build_reference_event()
    before = item_titles()
    response = post_form(
        admin_client,
        f"{BASE}/items/new?lang=lv",
        {
            "kind": "talk",
            "title-en": "Only English",
            "planned_start": "2021-06-15T16:15",
            "planned_end": "2021-06-15T16:00",
        },
    )
    assert response.status_code == 422
    assert "Šis lauks ir obligāts." in response.text
    assert 'id="title-lv"' in response.text and 'aria-invalid="true"' in response.text
    assert item_titles() == before


def test_reorder_items_with_up_and_down(app, admin_client):
    build_reference_event()
    before = item_titles()
    second = db.session.scalar(sa.select(AgendaItem).where(AgendaItem.position == 1))
    listing = admin_client.get(f"{BASE}/items/")
    assert f'action="{BASE}/items/{second.id}/move"' in listing.text
    response = post_form(
        admin_client, f"{BASE}/items/", {"direction": "up"}, action=f"{BASE}/items/{second.id}/move"
    )
    assert response.status_code == 302
    assert response.location.endswith(f"/items/#items-{second.id}")
    after = item_titles()
    assert after == [before[1], before[0], *before[2:]]
    post_form(
        admin_client,
        f"{BASE}/items/",
        {"direction": "down"},
        action=f"{BASE}/items/{second.id}/move",
    )
    post_form(
        admin_client,
        f"{BASE}/items/",
        {"direction": "down"},
        action=f"{BASE}/items/{second.id}/move",
    )
    assert item_titles() == [before[0], before[2], before[1], *before[3:]]
    # The page lists them in the new order, top item's "up" disabled.
    page = admin_client.get(f"{BASE}/items/?lang=lv").text
    positions = [page.index(title) for title in item_titles()[:3]]
    assert positions == sorted(positions)
    assert "Pārvietot uz augšu:" in page


def test_move_without_csrf_changes_nothing(app, admin_client):
    build_reference_event()
    before = item_titles()
    second = db.session.scalar(sa.select(AgendaItem).where(AgendaItem.position == 1))
    response = admin_client.post(f"{BASE}/items/{second.id}/move", data={"direction": "up"})
    assert response.status_code == 400
    assert item_titles() == before


def test_delete_item(app, admin_client):
    build_reference_event()
    before = item_titles()
    last = db.session.scalar(sa.select(AgendaItem).order_by(AgendaItem.position.desc()).limit(1))
    response = post_form(
        admin_client, f"{BASE}/items/", {}, action=f"{BASE}/items/{last.id}/delete"
    )
    assert response.status_code == 302
    assert item_titles() == before[:-1]


def test_person_with_role_per_language_and_organisation(app, admin_client):
    build_reference_event()
    accenture = db.session.scalar(
        sa.select(Organisation).where(Organisation.name.like("Accenture%"))
    )
    response = post_form(
        admin_client,
        f"{BASE}/people/new",
        {
            "name": "Staņislavs Hilčuks",
            "role-lv": "mākslīgā intelekta eksperts",
            "role-en": "artificial intelligence expert",
            "organisation": str(accenture.id),
        },
    )
    assert response.status_code == 302
    person = db.session.scalar(
        sa.select(Person).where(Person.name == "Staņislavs Hilčuks").order_by(Person.id.desc())
    )
    assert person.role == {
        "lv": "mākslīgā intelekta eksperts",
        "en": "artificial intelligence expert",
    }
    assert person.organisation_id == accenture.id


def test_organisation_country_must_be_an_iso_code(app, admin_client):
    build_reference_event()
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Organisation))
    fields = {"name": "Tallinna Ülikool", "role": "partner", "website": "https://www.tlu.ee/"}
    refused = post_form(
        admin_client, f"{BASE}/organisations/new?lang=lv", {**fields, "country": "XX"}
    )
    assert refused.status_code == 422
    assert "Nederīga izvēle." in refused.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Organisation)) == count
    page = admin_client.get(f"{BASE}/organisations/new?lang=lv").text
    assert "Igaunija (EE)" in page  # countries named in the admin's language
    accepted = post_form(admin_client, f"{BASE}/organisations/new", {**fields, "country": "EE"})
    assert accepted.status_code == 302
    stored = db.session.scalar(
        sa.select(Organisation).where(Organisation.name == "Tallinna Ülikool")
    )
    assert (stored.country, stored.website) == ("EE", "https://www.tlu.ee/")


def test_project_with_dates_and_organisations(app, admin_client):
    build_reference_event()
    school = db.session.scalar(sa.select(Organisation).where(Organisation.role == "organiser"))
    fields = {
        "title-lv": "ArtIn Future",
        "action": "KA226",
        "number": "2020-1-DE02-KA226-VET-999999",
        "sector-lv": "profesionālā izglītība",
        "starts_on": "2021-03-01",
        "ends_on": "2023-02-28",
        "organisations": [str(school.id)],
    }
    refused = post_form(
        admin_client, f"{BASE}/projects/new?lang=lv", {**fields, "ends_on": "2020-01-01"}
    )
    assert refused.status_code == 422
    assert "Beigu datums nedrīkst būt pirms sākuma datuma." in refused.text
    assert post_form(admin_client, f"{BASE}/projects/new", fields).status_code == 302
    project = db.session.scalar(sa.select(Project).where(Project.number.endswith("999999")))
    assert project.sector == {"lv": "profesionālā izglītība"}
    assert [organisation.name for organisation in project.organisations] == [school.name]


def test_parts_of_another_event_are_not_reachable(app, admin_client):
    build_reference_event()
    item = db.session.scalar(sa.select(AgendaItem).limit(1))
    assert admin_client.get(f"/admin/events/{SLUG}/items/{item.id + 1000}/edit").status_code == 404
    assert admin_client.get(f"/admin/events/nav-tada/items/{item.id}/edit").status_code == 404
