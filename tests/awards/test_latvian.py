"""The contest speaks Latvian: every string of this area has a Latvian translation, refusals
come in the asker's language, and the Latvian plural forms are right at 1, 2 and 10."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from conference.awards.ceremony import next_to_reveal
from conference.translations.tool import FRAGMENTS_DIR, extract
from conference.users.services import create_user
from conference.users.sessions import SESSION_KEY, open_session
from tests.conftest import compile_fragment, join_team

PACKAGE_DIR = Path(__file__).resolve().parents[2] / "conference"
FRAGMENT = FRAGMENTS_DIR / "awards.lv.po"
AREA = ("conference/awards/", "templates/awards/", "static/js/awards/")
SLUG = "daugavpils-2021"


@pytest.fixture(scope="module")
def latvian_catalogue(tmp_path_factory):
    """This area's fragment compiled on its own, as the app will find it once merged."""
    folder = tmp_path_factory.mktemp("translations")
    return compile_fragment(FRAGMENT, folder)


@pytest.fixture
def app_config(app_config, latvian_catalogue):
    # Last, so that it wins over a package catalogue that lists these strings untranslated
    # (an untranslated plural is still written into a .mo, as three empty forms).
    app_config["BABEL_TRANSLATION_DIRECTORIES"] = (
        f"{PACKAGE_DIR / 'translations'};{latvian_catalogue}"
    )
    return app_config


def test_every_string_of_the_contest_has_a_latvian_translation():
    translated = set()
    for fragment in FRAGMENTS_DIR.glob("*.lv.po"):
        with fragment.open("rb") as handle:
            for message in read_po(handle, locale="lv"):
                if message.id and all(message.string if message.pluralizable else [message.string]):
                    translated.add(message.id if isinstance(message.id, str) else message.id[0])
    missing = [
        message.id
        for message in extract()
        if message.id
        and any(path.startswith(AREA) for path, _ in message.locations)
        and (message.id if isinstance(message.id, str) else message.id[0]) not in translated
    ]
    assert missing == []


def test_refusals_come_in_latvian(client, demo, moderator):
    entry = demo.contests[0].entries[0]
    vote = client.post(f"/api/v1/events/{SLUG}/votes?lang=lv", json={"entry_id": entry.id})
    assert vote.get_json()["error"]["message"] == "Balsošana vēl nav sākusies."
    close = client.post(
        f"/api/v1/events/{SLUG}/commands?lang=lv",
        json={"type": "close_vote", "contest_id": demo.contests[0].id},
        headers=moderator,
    )
    assert close.get_json()["error"]["message"] == "Balsošana vēl nav sākusies."


def test_the_ceremony_page_and_the_code_count_in_latvian(client, demo):
    user = create_user("moderatore@example.org", "moderator", "moderatores parole")
    join_team(user.email, "moderator", SLUG)
    with client.session_transaction() as session:
        session[SESSION_KEY] = open_session(user)
    page = client.get(f"/moderate/{SLUG}/ceremony?lang=lv").get_data(as_text=True)
    assert "Paziņot nākamo" in page and "Apbalvošanas ceremonija" in page
    assert "Pateicība par dalību" in page  # the first award of the ceremony
    assert next_to_reveal(demo).title["lv"] == "Pateicība par dalību"
    codes_page = client.get(f"/moderate/{SLUG}/join-codes").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', codes_page).group(1)
    said = []
    for count in (1, 2, 10):
        answer = client.post(
            f"/moderate/{SLUG}/join-codes",
            data={"csrf_token": token, "count": str(count)},
            follow_redirects=True,
        )
        said.append(re.search(r"Izsniegt\w* \d+ kod\w*", answer.get_data(as_text=True)).group(0))
    assert said == ["Izsniegts 1 kods", "Izsniegti 2 kodi", "Izsniegts 10 kodu"]
