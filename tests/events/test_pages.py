"""The public pages of the reference conference, as a visitor reads them (lv and en)."""

from __future__ import annotations

import flask_babel
import pytest
from flask import g
from lxml import html

from conference.awards.models import AwardWinner
from conference.db import db, utcnow
from conference.events.models import Event
from conference.live.models import LiveUpdate
from tests.events.reference_event import SLUG, at, build_reference_event

PAGES = ("agenda", "speakers", "partners", "projects", "contest", "results")


@pytest.fixture
def event(app):
    return build_reference_event()


def read(client, path, **headers):
    """GET a page as a fresh request would see it.

    The ``app`` fixture keeps one app context open for the whole test, and Flask reuses it for
    each request, so ``g`` (with Flask-Babel's cached locale and ``g.event``) would outlive a
    request; a real server starts every request with a fresh one.
    """
    flask_babel.refresh()
    g.pop("event", None)
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.data[:300]
    return response, html.fromstring(response.get_data(as_text=True))


def text(document) -> str:
    return " ".join(document.text_content().split())


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("lang", ["lv", "en"])
def test_every_page_has_one_h1_a_main_landmark_and_labelled_navigation(client, event, page, lang):
    _, document = read(client, f"/events/{SLUG}/{page}?lang={lang}")
    assert document.get("lang") == lang
    assert len(document.xpath("//h1")) == 1
    assert len(document.xpath("//main")) == 1
    assert all(nav.get("aria-label") for nav in document.xpath("//nav"))
    current = document.xpath("//nav//a[@aria-current='page']")
    assert [a.get("href") for a in current] == [f"/events/{SLUG}/{page}"]
    # Headings never skip a level (h1, then h2, then h3).
    levels = [int(h.tag[1]) for h in document.xpath("//main//*[self::h1 or self::h2 or self::h3]")]
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))


def test_programme_in_latvian_with_times_in_riga(client, event):
    _, document = read(client, f"/events/{SLUG}/agenda")
    page = text(document)
    assert document.get("lang") == "lv"
    assert "2021. gada 15. jūnijs" in page
    assert "Laika josla: Austrumeiropas vasaras laiks" in page
    first = document.xpath("//ol[contains(@class,'agenda')]/li")[0]
    assert first.xpath(".//time")[0].get("datetime") == "2021-06-15T11:00:00Z"
    assert [t.text for t in first.xpath(".//time")] == ["14:00", "14:15"]
    assert "Runa" in text(first) and "Atklāšanas uzruna" in text(first)
    assert "Ingrīda Brokāne, direktore, Daugavpils tehnikums" in text(first)
    titles = [text(h) for h in document.xpath("//main//h2")]
    assert titles[2] == "Mākslīgā intelekta loma" and len(titles) == 6
    assert "Staņislavs Hilčuks, uzņēmuma pārstāvis, Accenture Latvija" in page
    assert "Ceremonija" in page


def test_programme_in_english(client, event):
    _, document = read(client, f"/events/{SLUG}/agenda?lang=en")
    page = text(document)
    assert "June 15, 2021" in page and "Opening address" in page
    assert "Ingrīda Brokāne, director, Daugavpils tehnikums" in page
    assert "Talk" in page and "Eastern European Summer Time" in page


def test_speakers_with_roles_organisations_and_a_latvian_count(client, event):
    _, document = read(client, f"/events/{SLUG}/speakers")
    page = text(document)
    assert "2 runātāji" in page
    cards = [text(card) for card in document.xpath("//li[contains(@class,'speaker')]")]
    assert cards[0] == "Ingrīda Brokāne direktore Daugavpils tehnikums (Latvija)"


def test_partners_grouped_by_role_with_countries_in_the_page_language(client, event):
    _, document = read(client, f"/events/{SLUG}/partners")
    sections = {
        text(section.xpath("h2")[0]): text(section) for section in document.xpath("//main//section")
    }
    assert list(sections) == ["Organizators", "Partnerorganizācijas", "Asociētie partneri"]
    assert "Daugavpils tehnikums" in sections["Organizators"]
    assert "Ingrīda Brokāne" in sections["Organizators"]
    for country in ("Igaunija", "Itālija", "Spānija", "Portugāle", "Vācija"):
        assert country in sections["Partnerorganizācijas"]
    assert "Accenture Latvija" in sections["Asociētie partneri"]
    assert "6 partnerorganizācijas" in text(document)
    _, english = read(client, f"/events/{SLUG}/partners?lang=en")
    assert "Estonia" in text(english) and "Associated partners" in text(english)


def facts(card) -> dict[str, str]:
    """A card's label/value pairs (its ``<dt>``/``<dd>``)."""
    return {text(dt): text(dt.getnext()) for dt in card.xpath(".//dt")}


def test_projects_show_action_number_period_and_funding(client, event):
    _, document = read(client, f"/events/{SLUG}/projects")
    cards = document.xpath("//li[contains(@class,'project')]")
    assert text(cards[0].xpath("h2")[0]) == "Kompetenču pieejā balstīts mācību saturs"
    assert facts(cards[0]) == {
        "Darbība": "KA101",
        "Projekta numurs": "2019-1-LV01-KA101-060158",
        "Sektors": "skolu sektors",
        "Organizācijas": "Daugavpils tehnikums (Latvija)",
    }
    assert facts(cards[1])["Īstenošanas laiks"] == "2021. gada marts – 2023. gada februāris"
    footer = text(document.xpath("//footer")[0])
    assert "Projektus līdzfinansē Eiropas Savienība." in footer
    _, english = read(client, f"/events/{SLUG}/projects?lang=en")
    assert facts(english.xpath("//li[contains(@class,'project')]")[1])["Period"] == (
        "March 2021 – February 2023"
    )
    assert "co-funded by the European Union" in text(english.xpath("//footer")[0])


def test_contest_lists_six_entries_with_authors_and_no_winners(client, event):
    contest = event.contests[0]
    db.session.add(AwardWinner(award_id=contest.awards[0].id, entry_id=contest.entries[1].id))
    db.session.commit()
    _, document = read(client, f"/events/{SLUG}/contest")
    entries = [text(e) for e in document.xpath("//li[contains(@class,'entry')]")]
    assert len(entries) == 6
    assert "6 darbi" in text(document)
    assert (
        "Dmitrijs Ivčeno (LMT-21), Dmitrijs Lukins (LMT-21), Maksims Romanovs (LMT-21)"
        in (entries[0])
    )
    assert entries[2].endswith("Angelika Paškeviča")
    assert "vieta" not in text(document.xpath("//main")[0])


def reveal(event, award, entry) -> None:
    """Append an ``award.revealed`` update to the live log, as the ceremony does."""
    event.last_seq += 1
    data = {
        "id": award.id,
        "contest_id": award.contest_id,
        "kind": award.kind,
        "title": award.title,
        "rank": award.rank,
        "entries": [
            {
                "id": entry.id,
                "title": entry.title,
                "authors": [{"name": a.name, "group": a.group} for a in entry.authors],
            }
        ],
        "revealed_at": "2021-06-15T13:00:00Z",
    }
    db.session.add(
        LiveUpdate(
            event_id=event.id, seq=event.last_seq, type="award.revealed", at=utcnow(), data=data
        )
    )
    db.session.commit()


def test_results_show_only_revealed_awards(client, event):
    contest = event.contests[0]
    first_place, audience = contest.awards
    db.session.add(AwardWinner(award_id=first_place.id, entry_id=contest.entries[0].id))
    db.session.add(AwardWinner(award_id=audience.id, entry_id=contest.entries[5].id))
    db.session.commit()
    _, before = read(client, f"/events/{SLUG}/results")
    assert "Rezultāti šeit būs redzami pēc apbalvošanas ceremonijas." in text(before)
    assert "Ivčeno" not in text(before) and "Sirotko" not in text(before)

    reveal(event, first_place, contest.entries[0])
    _, after = read(client, f"/events/{SLUG}/results")
    awards = [text(a) for a in after.xpath("//li[contains(@class,'award')]")]
    assert len(awards) == 1
    assert awards[0].startswith("1. vieta")
    assert "Dmitrijs Ivčeno (LMT-21)" in awards[0]
    assert "Sirotko" not in text(after)
    _, english = read(client, f"/events/{SLUG}/results?lang=en")
    assert "1st place" in text(english) and "My Erasmus" in text(english)


def test_language_choice_sticks_through_the_cookie(client, event):
    response, document = read(client, f"/events/{SLUG}/speakers?lang=en")
    assert "lang=en" in response.headers["Set-Cookie"]
    assert document.get("lang") == "en"
    _, next_page = read(client, f"/events/{SLUG}/partners")
    assert next_page.get("lang") == "en" and "Organiser" in text(next_page)


def test_accept_language_then_event_default(client, event):
    _, english = read(client, f"/events/{SLUG}/agenda", **{"Accept-Language": "en-GB,en;q=0.8"})
    assert english.get("lang") == "en"
    _, latvian = read(client, f"/events/{SLUG}/agenda")
    assert latvian.get("lang") == "lv"


def test_language_links_keep_the_page_and_name_their_language(client, event):
    _, document = read(client, f"/events/{SLUG}/contest?lang=lv")
    links = document.xpath("//nav[contains(@class,'language-switch')]//a")
    assert [(a.get("href"), a.get("hreflang"), a.get("lang")) for a in links] == [
        (f"/events/{SLUG}/contest?lang=lv", "lv", "lv"),
        (f"/events/{SLUG}/contest?lang=en", "en", "en"),
    ]
    assert [a.text for a in links] == ["Latviešu", "English"]
    assert links[0].get("aria-current") == "true"


def test_times_carry_the_local_time_phrase_in_the_page_language(client, event):
    _, latvian = read(client, f"/events/{SLUG}/agenda")
    body = latvian.xpath("//body")[0]
    assert body.get("data-local-time-label") == "{time} jūsu laikā"
    assert body.get("data-event-timezone") == "Europe/Riga"
    _, english = read(client, f"/events/{SLUG}/agenda?lang=en")
    assert english.xpath("//body")[0].get("data-local-time-label") == "{time} your time"


def test_root_goes_to_the_only_event_or_lists_several(client, event):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/events/{SLUG}"
    db.session.add(
        Event(
            slug="cits-2022",
            title={"lv": "Vēl viena konference"},
            timezone="Europe/Riga",
            starts_at=at(7),
            ends_at=at(8),
            languages=["lv"],
            default_language="lv",
        )
    )
    db.session.commit()
    _, document = read(client, "/")
    assert [text(h) for h in document.xpath("//main//h2")] == [
        "Vēl viena konference",
        "Erasmus+ projektu rezultātu izvērtēšanas starptautiskā konference",
    ]


def test_unknown_event_is_a_friendly_404(client, event):
    response = client.get("/events/nav-tada/agenda")
    assert response.status_code == 404
    assert "Pasākuma nav-tada nav." in response.get_data(as_text=True)


def test_root_without_events_says_so(client):
    _, document = read(client, "/?lang=lv")
    assert text(document.xpath("//h1")[0]) == "Pasākumi"
    assert "Pasākumu vēl nav." in text(document.xpath("//main")[0])
    assert not document.xpath("//nav[contains(@class,'event-nav')]")


@pytest.mark.parametrize(
    ("lang", "subscribe", "calendar_title"),
    [
        ("lv", "Abonēt savā kalendārā", "Erasmus+ projektu rezultātu izvērtēšanas"),
        ("en", "Subscribe in your calendar", "International conference evaluating"),
    ],
)
def test_the_agenda_offers_its_calendar_feed(demo, client, lang, subscribe, calendar_title):
    from icalendar import Calendar

    page = client.get(f"/events/{demo}/agenda?lang={lang}").get_data(as_text=True)
    webcal = f"webcal://localhost/api/v1/events/{demo}/schedule.ics?lang={lang}"
    assert f'<a href="{webcal}" rel="alternate" type="text/calendar">{subscribe}</a>' in page
    feed = client.get(webcal.replace("webcal://localhost", ""), headers={"Cookie": ""})
    assert feed.status_code == 200
    assert str(Calendar.from_ical(feed.data)["X-WR-CALNAME"]).startswith(calendar_title)
