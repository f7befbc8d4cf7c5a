"""The live pages as a browser first receives them: the event home (attendee live page), the
screen view and the moderator console, in Latvian and English, with their embedded state."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from conference.awards.models import Award, AwardWinner, Contest, Entry, EntryAuthor, JuryScore
from conference.db import db, utcnow
from conference.users.services import create_user
from conference.users.sessions import SESSION_KEY, open_session
from tests.conftest import join_team
from tests.live.sample_event import EVENT_TITLE, SLUG, make_sample_event

SNAPSHOT_KEYS = {
    "seq",
    "event",
    "current_item_id",
    "items",
    "announcement",
    "greeting",
    "votes",
    "awards",
    "online",
    # The audience's part (1.1, conference/audience): attendee-visible questions only.
    "questions",
    "question_list",
    "highlighted_question",
    "polls",
}
FRAGMENT = (
    Path(__file__).resolve().parents[2] / "conference/translations/fragments/live-pages.lv.po"
)
ITEM_KEYS = {"id", "status", "planned_start", "planned_end", "actual_start", "actual_end"}


def json_block(html: str, element_id: str):
    match = re.search(
        rf'<script type="application/json" id="{element_id}">(.*?)</script>', html, re.S
    )
    assert match, f"no #{element_id} block"
    return json.loads(match.group(1))


def sign_in_as(client, role: str) -> None:
    user = create_user(f"{role}@example.org", role, "correct horse battery")
    if role != "admin":
        join_team(user.email, role)  # the test's event, "daugavpils-2021"
    with client.session_transaction() as session:
        session[SESSION_KEY] = open_session(user)


@pytest.fixture
def event(app):
    return make_sample_event()


@pytest.fixture
def latvian_pages(tmp_path, app_config):
    """The app with this area's Latvian fragment as its catalogue, as it will be once merged.

    Flask-Babel caches catalogues per language for the whole process (on the shared ``babel``
    object), so the cache is emptied before and after: no other test sees this catalogue.
    """
    from conference.extensions import babel

    folder = tmp_path / "translations" / "lv" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with FRAGMENT.open("rb") as handle:
        catalogue = read_po(handle, locale="lv")
    with (folder / "messages.mo").open("wb") as handle:
        write_mo(handle, catalogue)
    app_config["BABEL_TRANSLATION_DIRECTORIES"] = str(tmp_path / "translations")
    babel.domain_instance.cache.clear()
    yield
    babel.domain_instance.cache.clear()


@pytest.mark.parametrize(
    ("lang", "first_item", "join"),
    [("lv", "Atklāšanas uzruna", None), ("en", "Opening address", "Join the video call")],
)
def test_event_home_renders_in_the_asked_language(client, event, lang, first_item, join):
    response = client.get(f"/events/{SLUG}?lang={lang}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'<html lang="{lang}">' in html
    assert EVENT_TITLE[lang] in html
    assert first_item in html
    assert "Ingrīda Brokāne" in html
    assert 'href="https://zoom.example/j/2021"' in html
    for page in ("agenda", "speakers", "partners", "projects", "contest"):
        assert f'href="/events/{SLUG}/{page}"' in html
    assert 'aria-live="polite"' in html
    if join:
        assert join in html
    titles = {item["title"] for item in json_block(html, "live-page")["items"].values()}
    assert first_item in titles


def test_pages_of_an_unknown_event_are_404(client, event):
    for path in ("/events/nope", "/events/nope/screen"):
        assert client.get(path).status_code == 404
    sign_in_as(client, "moderator")
    assert client.get("/moderate/nope").status_code == 404


def test_initial_state_is_the_public_snapshot_and_nothing_secret(client, event):
    """Entries and award titles are public (the vote panel lists entries); who won which award,
    the jury's scores and comments are not, until a reveal puts an award into the live log."""
    contest = Contest(event=event, title={"lv": "Mans Erasmus", "en": "My Erasmus"})
    entry = Entry(contest=contest, title={"lv": "Dzeja par Erasmus"})
    entry.authors.append(EntryAuthor(name="Dmitrijs Ivčeno", group="LMT-21"))
    award = Award(contest=contest, kind="place", rank=1, title={"lv": "Pirmā vieta"})
    db.session.add_all([contest, entry, award])
    db.session.flush()
    juror = create_user("jury@example.org", "jury", "correct horse battery")
    db.session.add_all(
        [
            AwardWinner(award_id=award.id, entry_id=entry.id, decided_by="jury"),
            JuryScore(juror_id=juror.id, entry_id=entry.id, score=9, comment="Ļoti labs darbs"),
        ]
    )
    db.session.commit()

    for path in (f"/events/{SLUG}", f"/events/{SLUG}/screen"):
        html = client.get(path).get_data(as_text=True)
        snapshot = json_block(html, "initial-state")
        assert set(snapshot) == SNAPSHOT_KEYS
        assert all(set(item) == ITEM_KEYS for item in snapshot["items"])
        assert [item["id"] for item in snapshot["items"]] == [item.id for item in event.items]
        assert snapshot["event"]["slug"] == SLUG and snapshot["event"]["status"] == "scheduled"
        assert snapshot["awards"] == []
        assert snapshot["votes"] == [{"contest_id": contest.id, "status": "not_opened"}]
        assert "Dmitrijs Ivčeno" not in json.dumps(snapshot, ensure_ascii=False)
        assert "Ļoti labs darbs" not in html
        page_data = json.dumps(json_block(html, "live-page"), ensure_ascii=False)
        assert "Dmitrijs Ivčeno" not in page_data and "Pirmā vieta" not in page_data


def test_live_state_is_rendered_before_any_script_runs(client, event):
    first, second = event.items[0], event.items[1]
    now = utcnow()
    event.status, event.started_at, event.current_item_id = "live", now, second.id
    first.status, first.actual_start, first.actual_end = "done", now, now
    second.status, second.actual_start = "live", now
    event.announcement = {
        "text": {"lv": "Kafijas pauze pēc šī", "en": "Coffee after this"},
        "at": "x",
    }
    event.last_seq = 4
    db.session.commit()

    html = client.get(f"/events/{SLUG}?lang=en").get_data(as_text=True)
    now_card = html.split('data-now="title"', 1)[1].split("</p>", 1)[0]
    assert "The new KA226 project ArtIn Future" in now_card
    next_card = html.split('data-next="title"', 1)[1].split("</p>", 1)[0]
    assert "Artificial intelligence in our lives" in next_card
    assert "Coffee after this" in html
    snapshot = json_block(html, "initial-state")
    assert snapshot["seq"] == 4 and snapshot["current_item_id"] == second.id

    screen = client.get(f"/events/{SLUG}/screen?lang=lv").get_data(as_text=True)
    assert "Jaunais KA226 projekts „ArtIn Future”" in screen
    assert "Kafijas pauze pēc šī" in screen


def test_screen_view_has_the_stages_for_greetings_and_the_reveal(client, event):
    html = client.get(f"/events/{SLUG}/screen?lang=lv").get_data(as_text=True)
    assert '<html lang="lv">' in html
    assert 'id="greeting-stage"' in html and 'id="reveal-stage"' in html
    assert EVENT_TITLE["lv"] in html
    assert re.search(r'data-field="clock">\d\d:\d\d<', html)
    assert "socket.io.min.js" in html


def test_console_asks_to_sign_in(client, event):
    response = client.get(f"/moderate/{SLUG}")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_console_is_refused_to_a_juror(client, event):
    sign_in_as(client, "jury")
    assert client.get(f"/moderate/{SLUG}").status_code == 403


def test_console_for_a_moderator(client, event):
    sign_in_as(client, "moderator")
    response = client.get(f"/moderate/{SLUG}?lang=en")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.search(r'<meta name="csrf-token" content="[^"]{20,}">', html)
    for command in ("start_event", "next_item", "shift_schedule", "clear_announcement"):
        assert f'data-command="{command}"' in html
    assert 'aria-keyshortcuts="N"' in html and "<kbd>N</kbd>" in html
    assert '<dialog id="end-dialog"' in html
    assert 'name="lv"' in html and 'name="en"' in html
    assert "Atklāšanas uzruna" in html
    assert set(json_block(html, "initial-state")) == SNAPSHOT_KEYS
    phrases = json_block(html, "live-phrases")
    assert phrases["conflict"].startswith("Someone else changed the agenda just now")
    assert "{n}" in phrases["online"] and "{time}" in phrases["elapsed"]


def test_pages_speak_latvian_to_the_scripts_too(latvian_pages, client, event):
    sign_in_as(client, "moderator")
    console = client.get(f"/moderate/{SLUG}?lang=lv").get_data(as_text=True)
    assert "Moderatora pults" in console and "Beigt pasākumu?" in console
    phrases = json_block(console, "live-phrases")
    assert phrases["conflict"].startswith("Kāds cits tikko mainīja programmu")
    assert phrases["online"] == "Tiešsaistē: {n}"
    home = client.get(f"/events/{SLUG}?lang=lv").get_data(as_text=True)
    assert "Pasākums vēl nav sācies." in home and "Pievienoties videozvanam" in home
