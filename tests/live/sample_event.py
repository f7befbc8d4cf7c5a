"""A small copy of the reference event (shared/seed/FACTS.md) for the live pages' tests.

Built with the ORM so the tests need nothing but the models; titles keep their Latvian letters
so every path (database, HTML, JSON, Socket.IO) is checked for them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from conference.db import db
from conference.events.models import AgendaItem, Event
from conference.people.models import Organisation, Person

SLUG = "daugavpils-2021"
EVENT_TITLE = {
    "lv": "Erasmus+ projektu rezultātu izvērtēšanas starptautiskā konference",
    "en": "International conference evaluating the results of Erasmus+ projects",
}
# (kind, minutes, lv title, en title, speaker index or None)
PROGRAMME = (
    ("talk", 10, "Atklāšanas uzruna", "Opening address", 0),
    (
        "presentation",
        15,
        "Jaunais KA226 projekts „ArtIn Future”",
        "The new KA226 project ArtIn Future",
        None,
    ),
    ("talk", 20, "Mākslīgais intelekts mūsu dzīvē", "Artificial intelligence in our lives", 1),
    ("discussion", 30, "Mobilitāšu pieredze", "Experience of mobilities", None),
    ("greetings", 15, "Partneru video sveicieni", "Video greetings from partners", None),
    (
        "ceremony",
        20,
        "Konkursa „Mans Erasmus” apbalvošana",
        "Award ceremony of “Mans Erasmus”",
        None,
    ),
)


def make_sample_event(starts_at: datetime | None = None) -> Event:
    """Create the event with its six items, two speakers and the organiser; commit; return it."""
    starts_at = starts_at or datetime(2021, 6, 15, 11, 0, tzinfo=UTC)
    school = Organisation(name="Daugavpils tehnikums", country="LV", role="organiser", position=0)
    accenture = Organisation(
        name="Accenture Latvija", country="LV", role="associated_partner", position=1
    )
    speakers = [
        Person(
            name="Ingrīda Brokāne",
            role={"lv": "Daugavpils tehnikuma direktore", "en": "director of Daugavpils tehnikums"},
            organisation=school,
            position=0,
        ),
        Person(
            name="Staņislavs Hilčuks",
            role={"lv": "eksperts", "en": "expert"},
            organisation=accenture,
            position=1,
        ),
    ]
    event = Event(
        slug=SLUG,
        title=EVENT_TITLE,
        description={
            "lv": "Divu Erasmus+ KA1 projektu noslēgums: fiziskās un virtuālās mobilitātes.",
            "en": "Wrapping up two Erasmus+ KA1 projects: physical and virtual mobilities.",
        },
        timezone="Europe/Riga",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=sum(row[1] for row in PROGRAMME)),
        languages=["lv", "en"],
        default_language="lv",
        online_url="https://zoom.example/j/2021",
        organisations=[school, accenture],
        people=speakers,
    )
    moment = starts_at
    for position, (kind, minutes, title_lv, title_en, speaker) in enumerate(PROGRAMME):
        item = AgendaItem(
            position=position,
            kind=kind,
            title={"lv": title_lv, "en": title_en},
            planned_start=moment,
            planned_end=moment + timedelta(minutes=minutes),
        )
        if speaker is not None:
            item.speakers.append(speakers[speaker])
        event.items.append(item)
        moment += timedelta(minutes=minutes)
    db.session.add(event)
    db.session.commit()
    return event
