"""Text in another language than the page's carries ``lang`` on the live pages: the screen's
second-language subtitles, and titles or announcements that fell back to another language."""

from __future__ import annotations

import re

import pytest

from conference.db import db, utcnow
from tests.live.sample_event import EVENT_TITLE, SLUG, make_sample_event
from tests.live.test_pages import json_block

pytestmark = pytest.mark.integration


@pytest.fixture
def live_event(app):
    """The sample event live at its second item, with a bilingual announcement."""
    event = make_sample_event()
    done, current = event.items[0], event.items[1]
    done.status, done.actual_start, done.actual_end = "done", utcnow(), utcnow()
    event.status, event.started_at, event.current_item_id = "live", utcnow(), current.id
    current.status, current.actual_start = "live", utcnow()
    event.announcement = {"text": {"lv": "Kafijas pauze", "en": "Coffee break"}, "at": "x"}
    event.last_seq = 3
    db.session.commit()
    return event


def tag(html: str, marker: str) -> str:
    """The opening tag of the element carrying ``marker`` (an attribute like data-now="title")."""
    match = re.search(rf"<[a-z0-9]+ [^>]*{re.escape(marker)}[^>]*>", html)
    assert match, marker
    return match.group(0)


def test_the_screens_english_subtitles_say_they_are_english(client, live_event):
    html = client.get(f"/events/{SLUG}/screen?lang=lv").get_data(as_text=True)
    assert '<html lang="lv">' in html
    assert 'lang="en"' in tag(html, 'data-now="title-alt"')
    assert 'lang="en"' in tag(html, 'data-field="announcement-alt"')
    # The main lines are in the page's language: no mark.
    assert "lang=" not in tag(html, 'data-now="title"')
    assert "lang=" not in tag(html, 'data-field="announcement-text"')
    item = json_block(html, "live-page")["items"][str(live_event.items[1].id)]
    assert item["title_alt"] == "The new KA226 project ArtIn Future"
    assert item["title_lang"] == "lv"


def test_a_title_without_english_is_marked_latvian_on_the_english_pages(client, live_event):
    current = live_event.items[1]
    current.title = {"lv": "Jaunais KA226 projekts"}
    live_event.items[2].title = {"lv": "Mākslīgais intelekts"}
    live_event.announcement = {"text": {"lv": "Kafijas pauze"}, "at": "y"}
    live_event.last_seq = 4
    db.session.commit()
    for path in (f"/events/{SLUG}?lang=en", f"/events/{SLUG}/screen?lang=en"):
        html = client.get(path).get_data(as_text=True)
        assert '<html lang="en">' in html
        assert 'lang="lv"' in tag(html, 'data-now="title"'), path
        assert 'lang="lv"' in tag(html, 'data-next="title"'), path
        assert 'lang="lv"' in tag(html, 'data-field="announcement-text"'), path
        items = json_block(html, "live-page")["items"]
        assert items[str(current.id)]["title_lang"] == "lv"
        assert items[str(live_event.items[0].id)]["title_lang"] == "en"
    # No English title: the screen has no second line rather than the Latvian one twice.
    screen = client.get(f"/events/{SLUG}/screen?lang=lv").get_data(as_text=True)
    assert json_block(screen, "live-page")["items"][str(current.id)]["title_alt"] == ""


def test_the_event_title_is_marked_where_it_fell_back(client, live_event):
    live_event.title = {"lv": EVENT_TITLE["lv"]}
    live_event.last_seq = 5
    db.session.commit()
    html = client.get(f"/events/{SLUG}?lang=en").get_data(as_text=True)
    assert re.search(
        rf'<h1 data-field="event-title" lang="lv">{re.escape(EVENT_TITLE["lv"])}</h1>', html
    )
    # The live page's heading is the title; the header does not repeat it (issue 11).
    assert html.split("<body", 1)[1].count(EVENT_TITLE["lv"] + "<") == 1
    agenda = client.get(f"/events/{SLUG}/agenda?lang=en").get_data(as_text=True)
    assert 'lang="lv"' in tag(agenda, 'class="site-title"')
    latvian = client.get(f"/events/{SLUG}?lang=lv").get_data(as_text=True)
    assert f'<h1 data-field="event-title">{EVENT_TITLE["lv"]}</h1>' in latvian
