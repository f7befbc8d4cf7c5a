"""The audience in real Chromium: an attendee asks and upvotes on a phone, the moderator
approves and highlights it from the console, and the screen shows it (and, before, the QR code).

What they must notice: in moderated mode the phone says the question waits for a moderator;
once approved it appears on the phone without a reload; the upvote counts once and shows as
pressed; the console's shortcut S puts it on the screen; the screen's join panel has the QR
code. axe finds no serious or critical violation on the phone's page or the screen.
"""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import join_team
from tests.e2e.conftest import server_database
from tests.e2e.live_server import ServerProcess
from tests.e2e.test_every_page_looked_at import AXE, AXE_RUN
from tests.e2e.test_live_browser import CONNECTED, EMAIL, PASSWORD, open_page, sign_in_to_console
from tests.live.sample_event import SLUG

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

QUESTION = "Vai mobilitātē uz Itāliju var braukt arī otrā kursa audzēkņi? Paldies, Jānis Ķiršs"
POLL = {
    "key": "mobility-country",
    "question": {"lv": "Kurā partnervalstī jūs vēlētos doties?", "en": "Which partner country?"},
    "options": [{"lv": "Itālija", "en": "Italy"}, {"lv": "Spānija", "en": "Spain"}],
    "multiple": False,
}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def server(tmp_path):
    from conference.audience.polls import set_poll
    from conference.audience.questions import set_questions_mode
    from conference.db import db
    from conference.users.services import create_user
    from tests.live.sample_event import make_sample_event

    instance = tmp_path / "instance"
    instance.mkdir()
    database_url = f"sqlite:///{instance / 'conference.db'}"
    with server_database(instance, database_url):
        db.create_all()
        event = make_sample_event()
        set_questions_mode(db.session, event, "moderated")
        set_poll(db.session, event, None, POLL)
        db.session.commit()
        create_user(EMAIL, "moderator", PASSWORD)
        join_team(EMAIL, "moderator")  # roles are held per event
    process = ServerProcess(instance, database_url)
    process.start()
    yield process
    process.stop()


def test_ask_upvote_approve_and_highlight(new_context, server, screenshots_dir: Path):
    phone = open_page(new_context, f"{server.url}/events/{SLUG}/questions?lang=lv", **PHONE)
    screen = open_page(
        new_context,
        f"{server.url}/events/{SLUG}/screen?lang=lv",
        viewport={"width": 1280, "height": 720},
    )
    console = sign_in_to_console(new_context, server)
    for page in (phone, screen, console):
        expect(page.locator(CONNECTED)).to_be_attached()
    expect(screen.locator('[data-audience="join"] svg')).to_be_visible()
    expect(screen.locator('[data-audience="join"]')).to_contain_text(f"/events/{SLUG}")
    screen.screenshot(path=str(screenshots_dir / "audience-screen-join-qr.png"))

    phone.fill("#question-text", QUESTION)
    phone.fill("#question-name", "Jānis")
    phone.click('form[data-audience="ask"] button[type="submit"]')
    expect(phone.locator('[data-audience="ask-status"]')).to_contain_text(
        "moderators", timeout=5000
    )
    expect(phone.locator('[data-audience="list"]')).not_to_contain_text(QUESTION)
    phone.screenshot(
        path=str(screenshots_dir / "audience-phone-asked-pending-lv.png"), full_page=True
    )

    pending = console.locator("#console-questions .console-question.is-pending")
    expect(pending).to_contain_text(QUESTION, timeout=8000)
    console.screenshot(
        path=str(screenshots_dir / "audience-console-pending-lv.png"), full_page=True
    )
    pending.locator('button[data-command="approve_question"]').click()

    row = phone.locator('[data-audience="list"] .audience-question', has_text=QUESTION)
    expect(row).to_be_visible(timeout=5000)
    upvote = row.locator("[data-upvote]")
    upvote.click()
    expect(upvote).to_have_attribute("aria-pressed", "true")
    expect(upvote.locator('[data-field="upvotes"]')).to_have_text("1")
    # Another attendee (a script without a cookie: a new identity) upvotes: the phone's count
    # moves through question.votes, sent by the server's once-a-second ticker.
    question_id = row.get_attribute("data-question-id")
    request = urllib.request.Request(
        f"{server.url}/api/v1/events/{SLUG}/questions/{question_id}/upvote", method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert json.load(answer)["upvotes"] == 2
    expect(upvote.locator('[data-field="upvotes"]')).to_have_text("2", timeout=5000)
    phone.screenshot(path=str(screenshots_dir / "audience-phone-upvoted-lv.png"), full_page=True)
    scroll_width = phone.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 390, f"the questions page is {scroll_width} px wide on a 390 px phone"

    # The keyboard: J chooses the first question, S shows it on the screen.
    console.locator("body").click(position={"x": 5, "y": 400})
    console.keyboard.press("j")
    console.keyboard.press("s")
    highlighted = screen.locator('[data-audience="highlighted"]')
    expect(highlighted).to_be_visible(timeout=5000)
    expect(highlighted).to_contain_text(QUESTION)
    expect(screen.locator('[data-audience="join"]')).to_be_hidden()
    expect(row).to_have_class("audience-question is-highlighted", timeout=5000)
    expect(console.locator("#console-questions")).to_contain_text("Uz ekrāna", timeout=5000)
    screen.screenshot(path=str(screenshots_dir / "audience-screen-highlighted-lv.png"))
    console.screenshot(
        path=str(screenshots_dir / "audience-console-highlighted-lv.png"), full_page=True
    )

    # axe is injected as a script, which the pages' own CSP rightly refuses: fresh pages in
    # contexts that bypass it, showing the same state (the question listed and on screen).
    problems = {}
    for name, path, options in (
        ("phone", "/questions", PHONE),
        ("live-phone", "", PHONE),
        ("screen", "/screen", {"viewport": {"width": 1280, "height": 720}}),
    ):
        page = open_page(
            new_context, f"{server.url}/events/{SLUG}{path}?lang=lv", bypass_csp=True, **options
        )
        expect(page.locator(CONNECTED)).to_be_attached()
        page.add_script_tag(path=str(AXE))
        problems[name] = page.evaluate(AXE_RUN)
    assert problems == {"phone": [], "live-phone": [], "screen": []}, problems
    for page in (phone, screen, console):
        assert not page.errors, page.errors


def test_a_poll_is_answered_on_a_phone_and_its_results_shown_when_the_moderator_says(
    new_context, server, screenshots_dir: Path
):
    phone = open_page(new_context, f"{server.url}/events/{SLUG}?lang=en", **PHONE)
    screen = open_page(
        new_context,
        f"{server.url}/events/{SLUG}/screen?lang=lv",
        viewport={"width": 1280, "height": 720},
    )
    console = sign_in_to_console(new_context, server)
    for page in (phone, screen, console):
        expect(page.locator(CONNECTED)).to_be_attached()
    polls = console.locator("#console-polls")
    expect(phone.locator("#audience-polls")).to_be_hidden()
    polls.locator('button[data-command="open_poll"]').click()
    form = phone.locator("#audience-polls form")
    expect(form).to_be_visible(timeout=5000)
    expect(screen.locator('[data-audience="join"]')).to_contain_text("Aptauja atvērta")
    form.get_by_label("Spain").check()
    form.locator('button[type="submit"]').click()
    expect(form.locator('[role="status"]')).to_contain_text("counted", timeout=5000)
    phone.screenshot(
        path=str(screenshots_dir / "audience-phone-poll-answered-en.png"), full_page=True
    )
    # The console sees the count live; the phone and the screen see no result yet.
    expect(polls.locator("table")).to_contain_text("Spānija", timeout=6000)
    expect(polls.locator("tbody tr").nth(1).locator("td").first).to_have_text("1")
    expect(phone.locator("#audience-polls table")).to_have_count(0)
    expect(screen.locator('[data-audience="poll"]')).to_be_hidden()

    polls.locator('button[data-command="close_poll"]').click()
    expect(form).to_have_count(0, timeout=5000)
    polls.locator('button[data-command="show_poll_results"]').click()
    table = phone.locator("#audience-polls table")
    expect(table).to_be_visible(timeout=5000)
    expect(table.locator("caption")).to_contain_text("1 answered")
    expect(table.locator("tbody tr").nth(1)).to_contain_text("100 %")
    shown = screen.locator('[data-audience="poll"]')
    expect(shown).to_be_visible(timeout=5000)
    expect(shown).to_contain_text("Spānija")
    phone.screenshot(
        path=str(screenshots_dir / "audience-phone-poll-results-en.png"), full_page=True
    )
    screen.screenshot(path=str(screenshots_dir / "audience-screen-poll-results-lv.png"))
    console.screenshot(path=str(screenshots_dir / "audience-console-poll-lv.png"), full_page=True)
    for page in (phone, screen, console):
        assert not page.errors, page.errors
