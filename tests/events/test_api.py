"""The events JSON API: the protocol's shapes, Latvian letters intact, no winner ever."""

from __future__ import annotations

import json

import sqlalchemy as sa

from conference.awards.models import AwardWinner
from conference.db import db

DETAIL_KEYS = {
    "slug",
    "title",
    "description",
    "timezone",
    "starts_at",
    "ends_at",
    "languages",
    "default_language",
    "online_url",
    "logo",
    "banner",
    "accent_color",
    "agenda",
    "speakers",
    "organisations",
    "projects",
    "contests",
    "questions",  # 1.1
    "polls",  # 1.1
    "registration",  # 1.1
    "certificate_min_minutes",  # 1.1
}


def test_list_of_events(demo, client):
    response = client.get("/api/v1/events")
    assert response.status_code == 200
    assert response.get_json() == [
        {
            "slug": "daugavpils-2021",
            "title": {
                "lv": "Erasmus+ projektu rezultātu izvērtēšanas starptautiskā konference",
                "en": "International conference evaluating the results of Erasmus+ projects",
            },
            "starts_at": "2021-06-15T11:00:00Z",
            "ends_at": "2021-06-15T13:30:00Z",
            "timezone": "Europe/Riga",
            "status": "scheduled",
        }
    ]


def test_detail_has_the_protocol_shapes(demo, client):
    answer = client.get(f"/api/v1/events/{demo}").get_json()
    assert set(answer) == DETAIL_KEYS
    assert answer["languages"] == ["lv", "en"] and answer["default_language"] == "lv"
    assert answer["online_url"] is None
    item = answer["agenda"][0]
    assert set(item) == {
        "id",
        "kind",
        "title",
        "planned_start",
        "planned_end",
        "speaker_ids",
        "organisation_ids",
    }
    speaker = next(p for p in answer["speakers"] if p["id"] in item["speaker_ids"])
    assert speaker["name"] == "Ingrīda Brokāne"
    assert set(speaker) == {"id", "name", "role", "organisation_id", "photo"}
    organisation = next(o for o in answer["organisations"] if o["id"] == speaker["organisation_id"])
    assert organisation == {
        "id": organisation["id"],
        "name": "Daugavpils tehnikums",
        "country": "LV",
        "role": "organiser",
        "website": None,
        "logo": None,
    }
    artin = next(p for p in answer["projects"] if p["action"] == "KA226")
    assert artin["starts_on"] == "2021-03-01" and artin["ends_on"] == "2023-02-28"
    assert artin["number"] == "2020-1-DE02-KA226-VET-008138"
    assert set(artin) == {
        "id",
        "title",
        "action",
        "number",
        "starts_on",
        "ends_on",
        "organisation_ids",
    }
    (contest,) = answer["contests"]
    assert set(contest) == {"id", "title", "entries", "awards"}
    assert all(set(award) == {"id", "title", "kind", "rank"} for award in contest["awards"])
    assert all(set(entry) == {"id", "title", "authors"} for entry in contest["entries"])


def test_latvian_letters_survive_into_the_json_text(demo, client):
    text = client.get(f"/api/v1/events/{demo}").get_data(as_text=True)
    for words in ("Ivčeno", "Paškeviča", "Staņislavs Hilčuks", "rezultātu izvērtēšanas"):
        assert words in text


def test_the_api_never_names_a_winner(demo, client):
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AwardWinner)) == 7
    for path in ("/api/v1/events", f"/api/v1/events/{demo}"):
        text = client.get(path).get_data(as_text=True)
        assert "winner" not in text.lower()
    answer = json.loads(text)
    for award in answer["contests"][0]["awards"]:
        # An award carries its id, title, kind and rank: no entry, no author, no link to either.
        assert set(award) == {"id", "title", "kind", "rank"}
        assert not any(isinstance(value, list) for value in award.values())


def test_a_missing_translation_is_absent_not_empty(app, client, demo_text):
    from conference.events.exchange import import_event

    import_event(demo_text.replace('en = "Opening address"', 'en = ""'))
    item = client.get("/api/v1/events/daugavpils-2021").get_json()["agenda"][0]
    assert item["title"] == {"lv": "Atklāšanas uzruna"}


def test_an_unknown_event_is_a_json_404(app, client):
    for suffix in ("", "/schedule.ics", "/schedule.json", "/schedule.xml"):
        response = client.get(f"/api/v1/events/no-such-event{suffix}")
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "unknown_event"


def test_answers_revalidate_cheaply(demo, client):
    first = client.get(f"/api/v1/events/{demo}")
    assert first.headers["Cache-Control"] == "no-cache" and first.headers["ETag"]
    again = client.get(f"/api/v1/events/{demo}", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
