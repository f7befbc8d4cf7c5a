"""The partner's page in a partner's language shows the event's own texts in English where the
organisers wrote none in that language (never in Latvian), marked with ``lang``; its deadline
reads right in Latvian ("līdz 2027. gada 2. janvārim")."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from conference.db import db
from conference.greetings.models import Invite

pytestmark = pytest.mark.integration

TITLE = {"lv": "Erasmus+ projektu rezultātu konference", "en": "Erasmus+ results conference"}
FUNDING = {
    "lv": "Projektu līdzfinansē Eiropas Savienība.",
    "en": "The projects are co-funded by the European Union.",
}
ORGANISER = {"lv": "Sagatavoja Daugavpils tehnikums", "en": "Prepared by Daugavpils tehnikums"}


@pytest.fixture
def texts(event):
    event.title, event.funding_note, event.organiser_note = TITLE, FUNDING, ORGANISER
    db.session.commit()
    return event


def element(html: str, css_class: str) -> str:
    """The opening tag and text of the first element with ``css_class``."""
    match = re.search(rf'<(\w+) class="{css_class}"([^>]*)>(.*?)</\1>', html, re.S)
    assert match, f"no .{css_class}"
    return match.group(0)


def visible(html: str) -> str:
    """The page without its script blocks (the page's JSON data holds every language)."""
    return re.sub(r"<script[^>]*>.*?</script>", "", html, flags=re.S)


def body_of(page) -> str:
    html = page.get_data(as_text=True)
    return html[html.index("<body") :]


@pytest.mark.parametrize("lang", ["et", "pt", "it", "es", "de"])
def test_partner_languages_show_english_event_text_not_latvian(client, texts, invite_token, lang):
    page = client.get(f"/partner/{invite_token}?lang={lang}")
    html = visible(page.get_data(as_text=True))
    assert f'<html lang="{lang}">' in html
    assert TITLE["lv"] not in html and FUNDING["lv"] not in html and ORGANISER["lv"] not in html
    assert TITLE["en"] in html.split("</title>")[0]
    title = element(html, "site-title")
    assert TITLE["en"] in title and 'lang="en"' in title
    assert re.search(rf'<p lang="en">{re.escape(FUNDING["en"])}</p>', html)
    assert re.search(rf'<p class="organiser-note" lang="en">{ORGANISER["en"]}</p>', html)


@pytest.mark.parametrize(("lang", "shown"), [("lv", "lv"), ("en", "en")])
def test_the_events_own_languages_need_no_lang_mark(client, texts, invite_token, lang, shown):
    body = body_of(client.get(f"/partner/{invite_token}?lang={lang}"))
    title = element(body, "site-title")
    assert TITLE[shown] in title and "lang=" not in title
    assert f"<p>{FUNDING[shown]}</p>" in body


def test_text_written_in_the_partners_language_is_shown_as_is(client, texts, invite_token):
    texts.title = {**TITLE, "et": "Erasmus+ tulemuste konverents"}
    db.session.commit()
    title = element(body_of(client.get(f"/partner/{invite_token}?lang=et")), "site-title")
    assert "Erasmus+ tulemuste konverents" in title and "lang=" not in title


def test_without_english_the_events_language_comes_marked(client, texts, invite_token):
    texts.funding_note = {"lv": FUNDING["lv"]}
    db.session.commit()
    body = body_of(client.get(f"/partner/{invite_token}?lang=pt"))
    assert f'<p lang="lv">{FUNDING["lv"]}</p>' in body


def test_the_deadline_follows_until_in_each_language(client, event, invite_token):
    invite = db.session.query(Invite).one()
    invite.expires_at = datetime(2027, 1, 2, 12, 0, tzinfo=UTC)  # 14:00 in Riga
    db.session.commit()
    latvian = client.get(f"/partner/{invite_token}?lang=lv").get_data(as_text=True)
    assert "līdz <time" in latvian
    assert ">2027. gada 2. janvārim, 14:00</time>" in latvian
    assert "janvāris" not in latvian
    english = client.get(f"/partner/{invite_token}?lang=en").get_data(as_text=True)
    assert ">January 2, 2027, 14:00</time>" in english
