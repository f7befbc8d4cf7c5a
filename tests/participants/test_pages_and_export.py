"""The register page (lv and en, errors beside fields, erasing), the live page's registration
gate, and the event file: participants only with --with-personal-data."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from conference.db import db
from conference.events.models import Event
from conference.participants.models import Participant
from tests.participants.conftest import SLUG, attendee

PAGE = f"/events/{SLUG}/register"
API = f"/api/v1/events/{SLUG}/participants"


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def form_post(client, data: dict, lang: str = "lv"):
    page = client.get(f"{PAGE}?lang={lang}")
    return client.post(f"{PAGE}?lang={lang}", data={**data, "csrf_token": csrf_of(page.text)})


@pytest.mark.parametrize(
    ("lang", "heading", "privacy"),
    [
        ("lv", "Reģistrēties kā dalībniekam", "Privātuma paziņojums"),
        ("en", "Register as a participant", "Privacy notice"),
    ],
)
def test_the_register_page_speaks_the_language_and_offers_the_event_organisations(
    app, event, lang, heading, privacy
):
    page = attendee(app, "janis").get(f"{PAGE}?lang={lang}")
    assert page.status_code == 200
    assert heading in page.text and privacy in page.text
    assert '<option value="Istituto Kārlis">' in page.text  # typed or chosen from the list
    assert '<option value="LV"' in page.text
    assert "<script>" not in page.text and "style=" not in page.text  # CSP: nothing inline


def test_registering_on_the_page_then_updating_then_erasing(app, event):
    janis = attendee(app, "janis")
    data = {"name": "Jānis Bērziņš", "organisation": "Daugavpils tehnikums", "country": "LV"}
    saved = form_post(janis, {**data, "consent_list": "yes", "action": "save"})
    assert saved.status_code == 303
    page = janis.get(saved.location)
    assert "Paldies! Jūs esat reģistrēts." in page.text
    assert 'value="Jānis Bērziņš"' in page.text
    form_post(janis, {**data, "name": "Jānis Bērziņš-Ozols", "action": "save"})
    assert janis.get(f"{API}/me").get_json()["name"] == "Jānis Bērziņš-Ozols"
    erased = form_post(janis, {"action": "erase"})
    assert erased.status_code == 303
    assert janis.get(f"{API}/me").status_code == 404
    assert "Bērziņš" not in janis.get(PAGE).text


def test_errors_are_shown_beside_their_fields_and_nothing_is_stored(app, event):
    liga = attendee(app, "liga")
    answer = form_post(liga, {"name": "Līga Ķēniņa", "organisation": "", "country": "ZZ"}, "en")
    assert answer.status_code == 422
    assert 'id="organisation-error"' in answer.text or 'id="country-error"' in answer.text
    assert 'aria-invalid="true"' in answer.text
    assert 'value="Līga Ķēniņa"' in answer.text  # what was typed stays
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Participant)) == 0


def test_no_register_page_where_registration_is_off_but_for_erasing(app, event):
    janis = attendee(app, "janis")
    janis.post(API, json={"name": "Jānis Bērziņš", "organisation": "X", "country": "LV"})
    event.registration = "off"
    db.session.commit()
    assert attendee(app, "liga").get(PAGE).status_code == 404
    assert janis.get(PAGE).status_code == 200  # who registered may still erase
    assert form_post(janis, {"action": "erase"}).status_code == 303
    assert janis.get(f"{API}/me").status_code == 404


def test_the_live_page_offers_registration_when_optional(app, event):
    page = attendee(app, "janis").get(f"/events/{SLUG}?lang=en")
    assert page.status_code == 200
    assert f'href="{PAGE}"' in page.text and "Register as a participant" in page.text


def test_the_live_page_asks_first_when_required_and_lets_the_registered_in(app, event):
    event.registration = "required"
    db.session.commit()
    janis = attendee(app, "janis")
    first = janis.get(f"/events/{SLUG}")
    assert first.status_code == 303 and first.location.endswith(PAGE)
    assert "Organizatori lūdz" in janis.get(PAGE).text
    janis.post(API, json={"name": "Jānis Bērziņš", "organisation": "X", "country": "LV"})
    assert janis.get(f"/events/{SLUG}").status_code == 200
    assert attendee(app, "liga").get(f"/events/{SLUG}").status_code == 303  # still asked
    janis.delete(f"{API}/me")
    assert janis.get(f"/events/{SLUG}").status_code == 303  # erased: asked again


def test_the_event_file_carries_participants_only_with_personal_data(app, event, conference):
    event.certificate_min_minutes = 30
    db.session.commit()
    attendee(app, "janis").post(
        API,
        json={
            "name": "Jānis Bērziņš",
            "organisation": "Daugavpils tehnikums",
            "country": "LV",
            "email": "janis@example.lv",
            "consent_list": True,
        },
    )
    attendee(app, "liga").post(
        API, json={"name": "Līga Ķēniņa", "organisation": "X", "country": "EE"}
    )
    attendee(app, "liga").delete(f"{API}/me")
    db.session.remove()
    db.engine.dispose()
    plain = conference("export", SLUG)
    assert plain.exit_code == 0, plain.output
    assert "Bērziņš" not in plain.stdout and "janis@example.lv" not in plain.stdout
    assert "Personal data (participants): none." in plain.stdout
    assert 'registration = "optional"' in plain.stdout
    assert "certificate_min_minutes = 30" in plain.stdout
    full = conference("export", SLUG, "--with-personal-data")
    assert full.exit_code == 0, full.output
    assert "Jānis Bērziņš" in full.stdout and "janis@example.lv" in full.stdout
    assert "Ķēniņa" not in full.stdout  # erased: in no export

    # Export then import gives the same participants; a file without them keeps them.
    db.session.execute(sa.delete(Participant))
    db.session.commit()
    db.session.remove()
    db.engine.dispose()
    replaced = conference("import", "-", "--replace", stdin=full.stdout)
    assert replaced.exit_code == 0, replaced.output
    names = db.session.scalars(sa.select(Participant.name)).all()
    assert names == ["Jānis Bērziņš"]
    db.session.remove()
    db.engine.dispose()
    again = conference("import", "-", "--replace", stdin=plain.stdout)
    assert again.exit_code == 0, again.output
    assert db.session.scalars(sa.select(Participant.name)).all() == ["Jānis Bērziņš"]
    event = db.session.scalar(sa.select(Event).where(Event.slug == SLUG))
    assert (event.registration, event.certificate_min_minutes) == ("optional", 30)


def test_the_live_page_follows_a_patched_registration_mode(app, event, organiser):
    janis = attendee(app, "janis")
    assert janis.get(f"/events/{SLUG}").status_code == 200  # optional: remembered
    api = app.test_client()
    api.patch(f"/api/v1/events/{SLUG}", json={"registration": "required"}, headers=organiser)
    assert janis.get(f"/events/{SLUG}").status_code == 303
    api.patch(f"/api/v1/events/{SLUG}", json={"registration": "off"}, headers=organiser)
    page = janis.get(f"/events/{SLUG}?lang=en")
    assert page.status_code == 200 and "Register as a participant" not in page.text
