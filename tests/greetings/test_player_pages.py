"""The greeting player and the console's greeting card as the live pages render them, in
Latvian and English; their scripts and styles are served. (The playing itself is tested in
Chromium: tests/e2e/test_greeting_playback_browser.py.)"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from flask_babel import force_locale, gettext

from tests.conftest import compile_fragment

from .test_pages import sign_in_as

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
FRAGMENT = REPO / "conference/translations/fragments/greeting-player.lv.po"
TEMPLATES = [REPO / "templates/greetings/_player.html", REPO / "templates/greetings/_console.html"]
SLUG = "daugavpils-2021"


@pytest.fixture(scope="module")
def player_catalogue(tmp_path_factory):
    """This part's Latvian fragment compiled on its own (the i18n tool merges it later)."""
    folder = tmp_path_factory.mktemp("player-translations")
    return compile_fragment(FRAGMENT, folder)


@pytest.fixture
def app_config(app_config, player_catalogue):
    """Our fragment before the others. Flask-Babel caches catalogues in its one domain object
    for every app of the process, so the cache is emptied before and after this test."""
    from conference.extensions import babel

    directories = app_config["BABEL_TRANSLATION_DIRECTORIES"]
    app_config["BABEL_TRANSLATION_DIRECTORIES"] = f"{player_catalogue};{directories}"
    babel.domain_instance.cache.clear()
    yield app_config
    babel.domain_instance.cache.clear()


def json_block(html: str, block_id: str) -> dict:
    match = re.search(
        rf'<script type="application/json" id="{block_id}">(.*?)</script>', html, re.S
    )
    return json.loads(match.group(1))


def test_the_attendee_page_has_a_hidden_player_with_latvian_words(client, event):
    html = client.get(f"/events/{SLUG}?lang=lv").get_data(as_text=True)
    player = re.search(r'<section id="greeting-player"[^>]*>', html).group(0)
    assert "greeting-player--attendee" in player and " hidden" in player
    assert "Pieskarieties, lai ieslēgtu skaņu" in html
    assert "Izslēgt skaņu" in html and "Skaļums" in html
    assert 'aria-live="polite"' in html.split('id="greeting-player-announcer"')[1][:80]
    # No native controls: nobody seeks or pauses the shared playback.
    video = re.search(r"<video[^>]*>", html).group(0)
    assert "controls" not in video and "muted" in video and "playsinline" in video
    data = json_block(html, "greeting-player-data")
    assert data["greetings_url"] == f"/api/v1/events/{SLUG}/greetings"
    assert data["phrases"]["playing"] == "Tiek rādīts video sveiciens: {organisation}"
    assert "Istituto Tecnico Leonardo da Vinci" in data["organisations"].values()
    assert "/static/js/greetings/player.js" in html
    assert "/static/css/greetings.css" in html


def test_the_attendee_page_in_english(client, event):
    html = client.get(f"/events/{SLUG}?lang=en").get_data(as_text=True)
    assert "Tap for sound" in html
    data = json_block(html, "greeting-player-data")
    assert data["phrases"]["playing"] == "Video greeting from {organisation} is playing"


def test_the_screen_view_gets_the_player_for_its_stage(client, event):
    html = client.get(f"/events/{SLUG}/screen?lang=lv").get_data(as_text=True)
    assert 'id="greeting-stage"' in html
    assert "greeting-player--screen" in html
    assert "/static/js/greetings/player.js" in html


def test_the_console_has_a_greeting_card_with_play_and_stop(client, event):
    sign_in_as(client, "moderator")
    html = client.get(f"/moderate/{SLUG}?lang=lv").get_data(as_text=True)
    card = html.split('id="console-greeting"')[1].split("</section>")[0]
    assert 'data-command="play_greeting"' in card and "Atskaņot visos ekrānos" in card
    assert 'data-command="stop_greeting"' in card and "Apturēt visos ekrānos" in card
    assert f'href="/moderate/{SLUG}/greetings"' in card
    assert "Pārskatīt sveicienus un mainīt secību" in card
    phrases = json_block(html, "greeting-console-data")["phrases"]
    assert phrases["next"] == "Nākamais sveiciens: {title} ({organisation})"
    assert phrases["now_playing"] == "Tagad skan: {title} ({organisation})"
    assert "/static/js/greetings/console.js" in html


def test_every_player_and_card_string_has_latvian(app):
    msgids = set()
    for template in TEMPLATES:
        msgids |= set(re.findall(r'_\("([^"]+)"', template.read_text()))
    assert len(msgids) >= 12
    with force_locale("lv"):
        untranslated = sorted(msgid for msgid in msgids if gettext(msgid) == msgid)
    assert untranslated == []


@pytest.mark.parametrize(
    "path",
    [
        "js/greetings/player.js",
        "js/greetings/clock.js",
        "js/greetings/sound.js",
        "js/greetings/console.js",
        "css/greetings.css",
    ],
)
def test_the_scripts_and_styles_are_served(client, path):
    response = client.get(f"/static/{path}")
    assert response.status_code == 200
    response.close()
