"""The reference conference (shared/seed/FACTS.md) built with the ORM, for page tests.

Independent of the demo importer, so the page tests say exactly which facts they rely on.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from conference.awards.models import Award, Contest, Entry, EntryAuthor
from conference.db import db
from conference.events.models import AgendaItem, Event, Project
from conference.people.models import Organisation, Person

SLUG = "daugavpils-2021"
ENTRY_AUTHORS = [
    [("Dmitrijs Ivčeno", "LMT-21"), ("Dmitrijs Lukins", "LMT-21"), ("Maksims Romanovs", "LMT-21")],
    [("Valerija Greibo", "LD-21")],
    [("Angelika Paškeviča", None)],
    [("Oskars Alehno", "ATS-21")],
    [("Larisa Ostapko", "KS-41")],
    [("Dmitrijs Sirotko", None)],
]
PARTNER_COUNTRIES = ["EE", "IT", "ES", "PT", "DE", "DE"]


def at(hour: int, minute: int = 0) -> datetime:
    """A moment on 15 June 2021 given in UTC (Riga is UTC+3 in summer: 11:00Z is 14:00)."""
    return datetime(2021, 6, 15, hour, minute, tzinfo=UTC)


def build_reference_event() -> Event:
    """Create and commit the event with its programme, people, partners, projects and contest."""
    event = Event(
        slug=SLUG,
        title={
            "lv": "Erasmus+ projektu rezultātu izvērtēšanas starptautiskā konference",
            "en": "International conference evaluating the results of Erasmus+ projects",
        },
        timezone="Europe/Riga",
        starts_at=at(11),
        ends_at=at(13, 15),
        languages=["lv", "en"],
        default_language="lv",
        funding_note={
            "lv": "Projektus līdzfinansē Eiropas Savienība.",
            "en": "The projects are co-funded by the European Union.",
        },
    )
    school = Organisation(name="Daugavpils tehnikums", country="LV", role="organiser", position=0)
    accenture = Organisation(
        name="Accenture Latvija", country="LV", role="associated_partner", position=7
    )
    partners = [
        Organisation(
            name=f"Partnerorganizācija {code}-{n}", country=code, role="partner", position=n
        )
        for n, code in enumerate(PARTNER_COUNTRIES, start=1)
    ]
    event.organisations = [school, *partners, accenture]
    director = Person(
        name="Ingrīda Brokāne",
        role={"lv": "direktore", "en": "director"},
        organisation=school,
        position=0,
    )
    hilcuks = Person(
        name="Staņislavs Hilčuks",
        role={"lv": "uzņēmuma pārstāvis", "en": "company representative"},
        organisation=accenture,
        position=1,
    )
    event.people = [director, hilcuks]
    programme = [
        ("talk", "Atklāšanas uzruna", "Opening address", 0, 15, [director], [school]),
        ("presentation", "Projekts „ArtIn Future”", "The project ArtIn Future", 15, 35, [], []),
        ("talk", "Mākslīgā intelekta loma", "The role of AI", 35, 55, [hilcuks], [accenture]),
        ("discussion", "Mobilitāšu pieredze", "Mobility experiences", 55, 85, [], []),
        ("greetings", "Video sveicieni", "Video greetings", 85, 105, [], partners),
        ("ceremony", "Konkursa „Mans Erasmus” apbalvošana", "Award ceremony", 105, 135, [], []),
    ]
    for position, (kind, lv, en, start, end, speakers, organisations) in enumerate(programme):
        event.items.append(
            AgendaItem(
                position=position,
                kind=kind,
                title={"lv": lv, "en": en},
                planned_start=at(11 + start // 60, start % 60),
                planned_end=at(11 + end // 60, end % 60),
                speakers=speakers,
                organisations=organisations,
            )
        )
    event.projects = [
        Project(
            position=0,
            title={
                "lv": "Kompetenču pieejā balstīts mācību saturs",
                "en": "Competence-based curriculum",
            },
            sector={"lv": "skolu sektors", "en": "school sector"},
            action="KA101",
            number="2019-1-LV01-KA101-060158",
            organisations=[school],
        ),
        Project(
            position=1,
            title={"lv": "ArtIn Future", "en": "ArtIn Future"},
            action="KA226",
            number="2020-1-DE02-KA226-VET-008138",
            starts_on=date(2021, 3, 1),
            ends_on=date(2023, 2, 28),
            organisations=[school],
        ),
    ]
    contest = Contest(title={"lv": "Mans Erasmus", "en": "My Erasmus"})
    for position, authors in enumerate(ENTRY_AUTHORS, start=1):
        entry = Entry(
            position=position, title={"lv": f"Darbs Nr. {position}", "en": f"Entry {position}"}
        )
        entry.authors = [
            EntryAuthor(name=n, group=g, position=i) for i, (n, g) in enumerate(authors)
        ]
        contest.entries.append(entry)
    contest.awards = [
        Award(kind="place", rank=1, ceremony_order=1, title={"lv": "1. vieta", "en": "1st place"}),
        Award(
            kind="audience",
            ceremony_order=2,
            title={"lv": "Skatītāju simpātija", "en": "Audience favourite"},
        ),
    ]
    event.contests = [contest]
    db.session.add(event)
    db.session.commit()
    return event
