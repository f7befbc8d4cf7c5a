"""Registering, updating, reading and erasing one's own record; the organisers' list and CSV."""

from __future__ import annotations

import csv
import io

import pytest

from conference.db import db
from tests.participants.conftest import SLUG, attendee

API = f"/api/v1/events/{SLUG}/participants"
JANIS = {
    "name": "Jānis Bērziņš",
    "organisation": "Daugavpils tehnikums",
    "country": "LV",
    "email": "janis@example.lv",
    "consent_list": True,
}
LIGA = {
    "name": "Līga Ķēniņa",
    "organisation": "Rīgas Tehniskā koledža",
    "country": "lv",
    "consent_list": True,
}


def test_registering_gives_the_participant_with_its_letters_and_organisation_kind(app, event):
    janis = attendee(app, "janis")
    answer = janis.post(API, json=JANIS)
    assert answer.status_code == 201, answer.text
    body = answer.get_json()
    assert body["name"] == "Jānis Bērziņš"
    assert body["organisation_kind"] == "organiser"
    assert body["country"] == "LV"
    assert body["email"] == "janis@example.lv"
    assert body["attendance"] == {"minutes": None, "first_seen": None, "last_seen": None}
    me = janis.get(f"{API}/me")
    assert me.status_code == 200
    assert me.get_json() == body


def test_registering_again_updates_the_same_record(app, event, organiser):
    liga = attendee(app, "liga")
    first = liga.post(API, json=LIGA).get_json()
    assert first["organisation_kind"] == "other"
    assert first["country"] == "LV"  # given in lower case, stored as the ISO code
    second = liga.post(API, json={**LIGA, "organisation": "Istituto  kārlis"})
    assert second.status_code == 201
    assert second.get_json()["id"] == first["id"]
    assert second.get_json()["organisation_kind"] == "partner"  # matched ignoring case, spaces
    listed = app.test_client().get(API, headers=organiser).get_json()
    assert [row["name"] for row in listed] == ["Līga Ķēniņa"]


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"name": "  "}, "missing_field"),
        ({"organisation": ""}, "missing_field"),
        ({"country": "XX"}, "bad_country"),
        ({"country": "Latvia"}, "bad_country"),
        ({"email": "janis at example"}, "bad_email"),
        ({"consent_list": "yes"}, "bad_argument"),
        ({"name": "Jānis\u0000"}, "control_character"),
        ({"name": "J" * 201}, "text_too_long"),
        ({"nickname": "J"}, "unknown_field"),
    ],
)
def test_a_wrong_field_is_refused_clearly_and_nothing_is_stored(app, event, change, code):
    janis = attendee(app, "janis")
    answer = janis.post(API, json={**JANIS, **change}, headers={"Accept-Language": "lv"})
    assert answer.status_code == 422
    assert answer.get_json()["error"]["code"] == code
    assert janis.get(f"{API}/me").status_code == 404


def test_an_event_without_registration_refuses_it(app, event):
    event.registration = "off"
    db.session.commit()
    answer = attendee(app, "janis").post(API, json=JANIS)
    assert answer.status_code == 422
    assert answer.get_json()["error"]["code"] == "registration_off"


def test_erasing_removes_every_personal_field_and_keeps_the_count(app, event, organiser):
    from conference.participants.models import Participant

    janis, liga = attendee(app, "janis"), attendee(app, "liga")
    janis.post(API, json=JANIS)
    liga.post(API, json=LIGA)
    assert janis.delete(f"{API}/me").status_code == 204
    assert janis.get(f"{API}/me").status_code == 404
    assert janis.delete(f"{API}/me").status_code == 204  # twice is fine
    organisers = app.test_client()
    listed = organisers.get(API, headers=organiser)
    assert "Bērziņš" not in listed.text and "janis@example.lv" not in listed.text
    assert [row["name"] for row in listed.get_json()] == ["Līga Ķēniņa"]
    table = organisers.get(f"{API}.csv", headers=organiser).data.decode("utf-8")
    assert "Bērziņš" not in table
    rows = db.session.query(Participant).order_by(Participant.id).all()
    assert len(rows) == 2  # the anonymous count stays
    erased = rows[0]
    assert (erased.name, erased.organisation, erased.country, erased.email) == (None,) * 4
    assert erased.erased_at is not None
    again = janis.post(API, json=JANIS)  # the same browser may register again
    assert again.status_code == 201
    assert again.get_json()["id"] == erased.id


def test_only_those_who_consented_are_on_the_list(app, event, organiser):
    attendee(app, "janis").post(API, json={**JANIS, "consent_list": False})
    attendee(app, "liga").post(API, json=LIGA)
    names = [row["name"] for row in app.test_client().get(API, headers=organiser).get_json()]
    assert names == ["Līga Ķēniņa"]


def test_the_csv_opens_with_csv_keeps_the_letters_and_defuses_formulas(app, event, organiser):
    attendee(app, "janis").post(API, json=JANIS)
    attendee(app, "liga").post(API, json={**LIGA, "organisation": '=HYPERLINK("x")'})
    answer = app.test_client().get(f"{API}.csv", headers=organiser)
    assert answer.status_code == 200
    assert answer.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(answer.data.decode("utf-8"))))
    assert [row["name"] for row in rows] == ["Jānis Bērziņš", "Līga Ķēniņa"]
    assert rows[0]["organisation_kind"] == "organiser"
    assert rows[1]["organisation"] == '\'=HYPERLINK("x")'
    assert rows[0]["minutes"] == ""  # not measured yet (issue 12 part 2)


@pytest.mark.parametrize("path", ["", ".csv"])
def test_only_organisers_of_this_event_reach_the_list(
    app, event, organiser, other_organiser, moderator, path
):
    attendee(app, "janis").post(API, json=JANIS)
    client = app.test_client()
    assert client.get(API + path).status_code == 401
    assert client.get(API + path, headers=other_organiser).status_code == 403
    assert client.get(API + path, headers=moderator).status_code == 403
    assert attendee(app, "janis").get(API + path).status_code == 401
    answer = client.get(API + path, headers=organiser)
    assert answer.status_code == 200
    assert "Bērziņš" in answer.data.decode("utf-8")


def test_an_organiser_sets_registration_and_certificate_minutes_through_patch(
    app, event, organiser, other_organiser
):
    client = app.test_client()
    url = f"/api/v1/events/{SLUG}"
    changed = client.patch(
        url, json={"registration": "required", "certificate_min_minutes": 45}, headers=organiser
    )
    assert changed.status_code == 200, changed.text
    assert changed.get_json()["registration"] == "required"
    assert changed.get_json()["certificate_min_minutes"] == 45
    assert client.get(url).get_json()["registration"] == "required"
    for body in (
        {"registration": "maybe"},
        {"certificate_min_minutes": -1},
        {"certificate_min_minutes": True},
    ):
        refused = client.patch(url, json=body, headers=organiser)
        assert refused.status_code == 422, body
    assert (
        client.patch(url, json={"registration": "off"}, headers=other_organiser).status_code == 403
    )
    assert client.get(url).get_json()["registration"] == "required"
