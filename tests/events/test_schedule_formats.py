"""The agenda as schedule.ics, schedule.json and schedule.xml: valid, in the reader's language,
with the Latvian letters intact."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
from icalendar import Calendar
from lxml import etree

FORMATS = Path(__file__).with_name("formats")


def test_schedule_json_validates_against_the_c3voc_schema(demo, client):
    response = client.get(f"/api/v1/events/{demo}/schedule.json")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    assert "max-age" in response.headers["Cache-Control"]
    document = response.get_json()
    schema = json.loads((FORMATS / "c3voc-schedule.schema.json").read_text())
    validator = jsonschema.Draft6Validator(schema, format_checker=jsonschema.FormatChecker())
    assert [error.message for error in validator.iter_errors(document)] == []

    (day,) = document["schedule"]["conference"]["days"]
    (talks,) = day["rooms"].values()
    assert [talk["start"] for talk in talks] == [
        "14:00",
        "14:15",
        "14:35",
        "14:55",
        "15:35",
        "15:55",
    ]
    assert talks[0]["title"] == "Atklāšanas uzruna"
    assert talks[2]["persons"][0]["name"] == "Staņislavs Hilčuks"
    # The format checker needs extra packages for date-time; check the offsets ourselves.
    for talk in talks:
        assert datetime.fromisoformat(talk["date"]).utcoffset() is not None
    assert len({talk["guid"] for talk in talks}) == 6


def test_schedule_json_follows_the_requested_language(demo, client):
    document = client.get(f"/api/v1/events/{demo}/schedule.json?lang=en").get_json()
    conference = document["schedule"]["conference"]
    assert conference["title"].startswith("International conference")
    (talks,) = conference["days"][0]["rooms"].values()
    assert talks[0]["title"] == "Opening address"


def test_schedule_xml_validates_against_the_frab_schema(demo, client):
    response = client.get(f"/api/v1/events/{demo}/schedule.xml")
    assert response.status_code == 200
    schema = etree.XMLSchema(etree.parse(str(FORMATS / "frab-schedule.xml.xsd")))
    document = etree.fromstring(response.data)
    assert schema.validate(document), schema.error_log
    assert document.findall(".//event/title")[0].text == "Atklāšanas uzruna"
    assert "Paškeviča" not in response.data.decode("utf-8")  # entries are not agenda items
    assert "Staņislavs Hilčuks" in response.data.decode("utf-8")


def test_schedule_ics_is_rfc5545_with_latvian_letters(demo, client):
    response = client.get(f"/api/v1/events/{demo}/schedule.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    raw = response.data
    text = raw.decode("utf-8")  # strict: a fold never splits a letter such as ā
    lines = raw.split(b"\r\n")
    assert lines[-1] == b"" and all(len(line) <= 75 for line in lines)

    calendar = Calendar.from_ical(raw)
    events = calendar.walk("VEVENT")
    assert len(events) == 6
    for event in events:
        for name in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"):
            assert name in event
    first = events[0]
    assert first.decoded("DTSTART") == datetime(2021, 6, 15, 11, 0, tzinfo=UTC)
    assert first.decoded("DTEND") == datetime(2021, 6, 15, 11, 15, tzinfo=UTC)
    assert str(first["SUMMARY"]) == "Atklāšanas uzruna"
    assert "Staņislavs Hilčuks" in str(events[2]["DESCRIPTION"])
    assert str(first["URL"]).endswith(
        f"/events/{demo}/agenda#item-{1 if '#item-1' in text else ''}"
    )
    assert len({str(event["UID"]) for event in events}) == 6


def test_schedule_ics_in_english_on_request(demo, client):
    raw = client.get(f"/api/v1/events/{demo}/schedule.ics?lang=en").data
    events = Calendar.from_ical(raw).walk("VEVENT")
    assert str(events[0]["SUMMARY"]) == "Opening address"
    assert str(events[5]["SUMMARY"]) == 'Award ceremony of the creative-work contest "My Erasmus"'
