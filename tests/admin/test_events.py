"""Creating and editing an event in the browser: Latvian letters, the event's zone, refusals."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from conference.db import db
from conference.events.models import Event
from tests.admin.browser import post_form

TITLE_LV = (
    "Erasmus+ projektu rezultātu izvērtēšanas starptautiskā konference — ā č ē ģ ī ķ ļ ņ š ū ž"
)


def event_fields(**changes) -> dict:
    fields = {
        "slug": "daugavpils-2021",
        "title-lv": TITLE_LV,
        "title-en": "International conference evaluating the results of Erasmus+ projects",
        "description-lv": "Pieredzes apmaiņa par fiziskajām un virtuālajām mobilitātēm.",
        "languages": ["lv", "en"],
        "default_language": "lv",
        "timezone": "Europe/Riga",
        "starts_at": "2021-06-15T14:00",
        "ends_at": "2021-06-15T16:15",
        "venue-lv": "Daugavpils tehnikums un Zoom",
        "online_url": "https://zoom.us/j/123456789",
        "funding_note-lv": "Projektus līdzfinansē Eiropas Savienība.",
        "funding_note-en": "The projects are co-funded by the European Union.",
    }
    fields.update(changes)
    return {key: value for key, value in fields.items() if value is not None}


def stored_event(slug="daugavpils-2021") -> Event | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(Event).where(Event.slug == slug))


def test_create_event_keeps_latvian_letters_and_local_time(app, admin_client):
    response = post_form(admin_client, "/admin/events/new", event_fields())
    assert response.status_code == 302
    assert response.location == "/admin/events/daugavpils-2021/"
    event = stored_event()
    assert event.title["lv"] == TITLE_LV
    assert event.languages == ["lv", "en"]
    # 14:00 in Riga in June is 11:00 UTC.
    assert event.starts_at == datetime(2021, 6, 15, 11, 0, tzinfo=UTC)
    assert event.online_url == "https://zoom.us/j/123456789"
    assert "en" not in event.venue  # left empty: absent, never ""
    page = admin_client.get(response.location + "?lang=lv")
    assert TITLE_LV in page.text
    # The Latvian medium date ("2021. gada 15. jūn."), not the English order ("15 jūn. 2021").
    assert "2021. gada 15. jūn. 14:00 – 2021. gada 15. jūn. 16:15" in page.text
    assert "15 jūn. 2021" not in page.text
    assert "2021. gada 15. jūn. 14:00" in admin_client.get("/admin/?lang=lv").text
    assert "Jun 15, 2021, 14:00" in admin_client.get(response.location + "?lang=en").text


def test_edit_event_shows_stored_values_and_saves_changes(app, admin_client):
    post_form(admin_client, "/admin/events/new", event_fields())
    form = admin_client.get("/admin/events/daugavpils-2021/edit")
    assert 'value="2021-06-15T14:00"' in form.text
    assert TITLE_LV in form.text
    response = post_form(
        admin_client,
        "/admin/events/daugavpils-2021/edit",
        event_fields(**{"title-en": "Erasmus+ results conference", "ends_at": "2021-06-15T17:00"}),
    )
    assert response.status_code == 302
    event = stored_event()
    assert event.title["en"] == "Erasmus+ results conference"
    assert event.ends_at == datetime(2021, 6, 15, 14, 0, tzinfo=UTC)


def test_refused_event_changes_nothing_and_keeps_what_was_typed(app, admin_client):
    response = post_form(
        admin_client,
        "/admin/events/new",
        event_fields(**{"ends_at": "2021-06-15T13:00", "title-en": "Žūrijas ēka"}),
    )
    assert response.status_code == 422
    assert stored_event() is None
    assert "Žūrijas ēka" in response.text  # the admin's input is still there
    assert 'aria-invalid="true"' in response.text
    assert 'aria-describedby="ends_at-errors"' in response.text


def test_validation_messages_are_in_latvian(app, admin_client):
    response = post_form(
        admin_client,
        "/admin/events/new?lang=lv",
        event_fields(slug="", starts_at="rīt", online_url="nav adrese"),
    )
    assert response.status_code == 422
    assert '<html lang="lv">' in response.text
    assert "Šis lauks ir obligāts." in response.text  # the empty slug
    assert "Nederīga datuma un laika vērtība." in response.text  # "rīt" is no time
    assert "Nederīgs URL." in response.text


def test_service_refusals_are_in_latvian_beside_their_field(app, admin_client):
    post_form(admin_client, "/admin/events/new", event_fields())
    response = post_form(
        admin_client,
        "/admin/events/new?lang=lv",
        event_fields(**{"slug": "cits", "languages": ["en"], "default_language": "lv"}),
    )
    assert response.status_code == 422
    assert "Noklusējuma valodai jābūt vienai no pasākuma valodām." in response.text
    assert 'id="default_language-errors"' in response.text
    other = post_form(admin_client, "/admin/events/new?lang=lv", event_fields())
    assert "Citam pasākumam jau ir īsais nosaukums daugavpils-2021." in other.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Event)) == 1


def test_texts_of_languages_the_event_does_not_have_are_dropped(app, admin_client):
    post_form(
        admin_client,
        "/admin/events/new",
        event_fields(**{"languages": ["lv"], "title-de": "Konferenz"}),
    )
    event = stored_event()
    assert event.languages == ["lv"]
    assert set(event.title) == {"lv"}


def test_the_event_form_sets_registration_and_certificate_minutes(app, admin_client):
    post_form(admin_client, "/admin/events/new", event_fields())
    assert stored_event().registration == "off"
    form = admin_client.get("/admin/events/daugavpils-2021/edit")
    assert 'name="registration"' in form.text and 'name="certificate_min_minutes"' in form.text
    changes = {"registration": "required", "certificate_min_minutes": "45"}
    response = post_form(
        admin_client, "/admin/events/daugavpils-2021/edit", event_fields(**changes)
    )
    assert response.status_code == 302
    event = stored_event()
    assert (event.registration, event.certificate_min_minutes) == ("required", 45)
    refused = post_form(
        admin_client,
        "/admin/events/daugavpils-2021/edit",
        event_fields(registration="sometimes", certificate_min_minutes="-5"),
    )
    assert refused.status_code == 422
    assert stored_event().registration == "required"


def test_the_event_form_sets_the_certificate_signer_and_the_retention(app, admin_client):
    post_form(admin_client, "/admin/events/new", event_fields())
    assert stored_event().participants_retention_days == 365  # the default
    changes = {
        "certificate_signer_name": "Ingrīda Brokāne",
        "certificate_signer_role-lv": "direktore",
        "certificate_signer_role-en": "Director",
        "participants_retention_days": "1826",
    }
    response = post_form(
        admin_client, "/admin/events/daugavpils-2021/edit", event_fields(**changes)
    )
    assert response.status_code == 302
    event = stored_event()
    assert event.certificate_signer_name == "Ingrīda Brokāne"
    assert event.certificate_signer_role == {"lv": "direktore", "en": "Director"}
    assert event.participants_retention_days == 1826
    form = admin_client.get("/admin/events/daugavpils-2021/edit")
    assert 'value="Ingrīda Brokāne"' in form.text and 'value="1826"' in form.text
    refused = post_form(
        admin_client,
        "/admin/events/daugavpils-2021/edit",
        event_fields(participants_retention_days="4000"),
    )
    assert refused.status_code == 422
    assert stored_event().participants_retention_days == 1826
