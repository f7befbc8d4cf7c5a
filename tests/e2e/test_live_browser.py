"""The live pages in real Chromium against a real ``conference serve`` process.

A moderator signs in and runs the event from the console; two attendees follow it (Latvian on a
desktop in Riga, English on a phone in Lisbon). What they must notice: Next on the console
changes both attendee pages within a second without a reload; a shift moves the times; an
announcement shows in each one's language; and when the server crashes and comes back, the page
says it is reconnecting, then shows what it missed, applied once.

Screenshots go to ``test-artifacts/screenshots/`` for a person to look at.
"""

from __future__ import annotations

import json
import re
import urllib.request
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.conftest import join_team
from tests.e2e.conftest import server_database
from tests.e2e.live_server import NoWebSocketProxy, ServerProcess
from tests.live.sample_event import PROGRAMME, SLUG

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

EMAIL, PASSWORD = "moderatore@example.org", "correct horse battery"
TITLES = {"lv": [row[2] for row in PROGRAMME], "en": [row[3] for row in PROGRAMME]}
NOW_TITLE = '[data-now="title"]'
CONNECTED = '[data-live-page][data-connection="live"]'


# Each agenda row's status class (is-done, is-live, is-upcoming); is-next marks the next item.
ROW_STATUSES = """rows => rows.map(row => [...row.classList]
    .find(name => name.startsWith('is-') && name !== 'is-next').slice(3))"""


def prepare_database(instance, database_url: str) -> str:
    """Schema, the sample event (starting a few minutes ago) and a moderator; returns a token.

    The event's times are today's, so the pictures show realistic clocks, not 2021's.
    """
    from conference.db import db
    from conference.users.services import create_token_for, create_user
    from tests.live.sample_event import make_sample_event

    with server_database(instance, database_url):
        db.create_all()
        start = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=3)
        make_sample_event(starts_at=start)
        create_user(EMAIL, "moderator", PASSWORD)
        join_team(EMAIL, "moderator")  # roles are held per event
        return create_token_for(EMAIL)


@pytest.fixture
def server(tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir()
    database_url = f"sqlite:///{instance / 'conference.db'}"
    token = prepare_database(instance, database_url)
    process = ServerProcess(instance, database_url)
    process.token = token
    process.start()
    yield process
    process.stop()


def open_page(new_context, url: str, **context_options):
    """A page at ``url`` in its own context (own cookies); script errors and console lines are
    kept on the page for the assertions."""
    page = new_context(**context_options).new_page()
    page.errors, page.logs = [], []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("console", lambda line: page.logs.append(f"{line.type}: {line.text}"))
    page.goto(url)
    return page


def command(server, body: dict) -> dict:
    """Send a moderator command with the API token, as a script would."""
    request = urllib.request.Request(
        f"{server.url}/api/v1/events/{SLUG}/commands",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {server.token}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def server_state(server) -> dict:
    with urllib.request.urlopen(f"{server.url}/api/v1/events/{SLUG}/state", timeout=10) as answer:
        return json.load(answer)


def sign_in_to_console(new_context, server):
    page = open_page(
        new_context,
        f"{server.url}/moderate/{SLUG}?lang=lv",
        viewport={"width": 1366, "height": 900},
    )
    page.fill('input[name="email"]', EMAIL)
    page.fill('input[name="password"]', PASSWORD)
    page.click('button[type="submit"]')
    page.wait_for_url(f"**/moderate/{SLUG}**")
    expect(page.locator('[data-field="connection"]')).not_to_have_text("", timeout=5000)
    return page


def watch_now_title(page, expected: str) -> None:
    """Remember (in the page, which a reload would forget) when the now card shows ``expected``."""
    page.evaluate(
        """(expected) => {
            window.__shownAt = null;
            const title = document.querySelector('[data-now="title"]');
            new MutationObserver(() => {
                if (!window.__shownAt && title.textContent === expected) window.__shownAt = Date.now();
            }).observe(title, {childList: true, characterData: true, subtree: true});
        }""",
        expected,
    )


@pytest.fixture
def shot(screenshots_dir):
    def take(page, name: str, full_page: bool = True) -> None:
        page.screenshot(path=str(screenshots_dir / name), full_page=full_page)

    return take


def test_console_drives_both_attendee_pages_live(new_context, server, shot):
    console = sign_in_to_console(new_context, server)
    latvian = open_page(
        new_context,
        f"{server.url}/events/{SLUG}?lang=lv",
        viewport={"width": 1280, "height": 900},
        timezone_id="Europe/Riga",
    )
    phone = open_page(
        new_context,
        f"{server.url}/events/{SLUG}?lang=en",
        viewport={"width": 390, "height": 844},
        timezone_id="Europe/Lisbon",
        is_mobile=True,
        has_touch=True,
    )
    for page in (console, latvian, phone):
        expect(page.locator(CONNECTED)).to_be_attached()

    console.click('button[data-command="start_event"]')
    expect(latvian.locator(NOW_TITLE)).to_have_text(TITLES["lv"][0], timeout=3000)
    expect(phone.locator(NOW_TITLE)).to_have_text(TITLES["en"][0], timeout=3000)
    expect(console.locator('button[data-command="next_item"]')).to_be_enabled(timeout=3000)

    watch_now_title(latvian, TITLES["lv"][1])
    watch_now_title(phone, TITLES["en"][1])
    console.locator("body").click(position={"x": 5, "y": 400})  # focus the page, not a field
    pressed_at = console.evaluate("Date.now()")
    console.keyboard.press("n")  # the console's shortcut for Next
    for page, lang in ((latvian, "lv"), (phone, "en")):
        expect(page.locator(NOW_TITLE)).to_have_text(TITLES[lang][1], timeout=3000)
        shown_at = page.evaluate("window.__shownAt")
        assert shown_at is not None, "the page was reloaded instead of updated"
        assert shown_at - pressed_at < 1000, f"{lang} page took {shown_at - pressed_at} ms"
        print(f"Next reached the {lang} page in {shown_at - pressed_at} ms")
    first_row = latvian.locator(f'[data-item-id="{server_state(server)["items"][0]["id"]}"]')
    expect(first_row).to_have_class("live-agenda__item is-done")
    expect(latvian.locator("#live-announcer")).to_contain_text(TITLES["lv"][1])

    last_start = latvian.locator('.live-agenda__item:last-child [data-field="start"]')
    before = last_start.inner_text()
    console.click('button[data-command="shift_schedule"][data-minutes="10"]')
    expect(last_start).not_to_have_text(before, timeout=3000)
    moved = datetime.strptime(last_start.inner_text(), "%H:%M") - datetime.strptime(before, "%H:%M")
    assert moved == timedelta(minutes=10)

    console.fill("#announce-lv", "Kafijas pauze pēc šī punkta — ņemiet līdzi ūdeni!")
    console.fill("#announce-en", "Coffee break after this item — bring water!")
    console.click('form[data-form="announce"] button[type="submit"]')
    expect(latvian.locator("#live-announcement")).to_contain_text(
        "ņemiet līdzi ūdeni", timeout=3000
    )
    expect(phone.locator("#live-announcement")).to_contain_text("bring water", timeout=3000)
    expect(phone.locator("#live-announcer")).to_contain_text("bring water")
    expect(console.locator("#console-message")).to_be_visible()

    screen = open_page(
        new_context,
        f"{server.url}/events/{SLUG}/screen?lang=lv",
        viewport={"width": 1920, "height": 1080},
    )
    expect(screen.locator(NOW_TITLE)).to_have_text(TITLES["lv"][1])
    assert screen.evaluate("document.documentElement.scrollHeight") <= 1080
    expect(phone.locator(".live-local").first).not_to_be_empty()  # Lisbon is an hour behind Riga
    latvian.wait_for_timeout(1200)  # let the elapsed clock tick once for the pictures
    shot(console, "console.png")
    shot(latvian, "attendee-lv.png")
    shot(phone, "attendee-en-phone.png")
    shot(screen, "screen.png", full_page=False)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    for page in (console, latvian, phone, screen):
        assert page.errors == []


def test_attendee_page_survives_a_server_restart(new_context, server, shot):
    command(server, {"type": "start_event"})
    page = open_page(new_context, f"{server.url}/events/{SLUG}?lang=lv", timezone_id="Europe/Riga")
    expect(page.locator(CONNECTED)).to_be_attached()
    expect(page.locator(NOW_TITLE)).to_have_text(TITLES["lv"][0], timeout=3000)
    page.evaluate("window.__sameDocument = true")

    server.kill()
    banner = page.locator("#live-connection")
    try:
        expect(banner).to_be_visible(timeout=10_000)
    except AssertionError as error:
        logs = "\n".join(page.logs)
        raise AssertionError(f"no reconnecting state; page console:\n{logs}") from error
    expect(banner).not_to_be_empty()
    shot(page, "attendee-reconnecting.png", full_page=False)

    server.start()
    answer = command(server, {"type": "next_item"})  # sent before the page is back: it missed it
    expect(page.locator(NOW_TITLE)).to_have_text(TITLES["lv"][1], timeout=15_000)
    expect(banner).to_be_hidden()
    assert page.evaluate("window.__sameDocument") is True
    state = server_state(server)
    assert state["seq"] == answer["seq"]
    assert page.locator("[data-live-page]").get_attribute("data-seq") == str(answer["seq"])
    statuses = page.eval_on_selector_all(".live-agenda__item", ROW_STATUSES)
    assert statuses == [item["status"] for item in state["items"]]
    assert page.errors == []


class HeldSocket:
    """Holds the Socket.IO events the server sends to one page over its WebSocket, as a slow
    network would, until released; everything else (handshake, pings) passes through."""

    def __init__(self, page):
        self.holding = False
        self.held: list = []
        self.routes: list = []
        page.route_web_socket(re.compile(r"/socket\.io/"), self.route)

    def route(self, socket) -> None:
        server = socket.connect_to_server()
        socket.on_message(lambda message: server.send(message))
        server.on_message(lambda message: self.deliver(socket, message))
        self.routes.append(socket)

    def deliver(self, socket, message) -> None:
        is_event = isinstance(message, str) and message.startswith(("42", "43"))
        if self.holding and is_event:
            self.held.append((socket, message))
        else:
            socket.send(message)

    def release(self) -> None:
        self.holding = False
        for socket, message in self.held:
            socket.send(message)
        self.held.clear()


def test_a_click_on_a_stale_console_is_refused_and_explained(new_context, server, shot):
    with server_database(server.instance, server.database_url):
        from conference.users.services import create_user

        create_user("otrs.moderators@example.org", "moderator", PASSWORD)
        join_team("otrs.moderators@example.org", "moderator")  # roles are held per event
    command(server, {"type": "start_event"})
    first = sign_in_to_console(new_context, server)
    second = new_context(viewport={"width": 1366, "height": 900}).new_page()
    slow = HeldSocket(second)
    second.goto(f"{server.url}/moderate/{SLUG}?lang=en")
    second.fill('input[name="email"]', "otrs.moderators@example.org")
    second.fill('input[name="password"]', PASSWORD)
    second.click('button[type="submit"]')
    expect(second.locator(NOW_TITLE)).to_have_text(TITLES["en"][0])
    expect(second.locator(CONNECTED)).to_be_attached()
    expect(second.locator('[data-field="connection"]')).to_have_text("Connected")
    assert slow.routes, "the console did not use a WebSocket"

    slow.holding = True
    first.click('button[data-command="next_item"]')
    expect(first.locator(NOW_TITLE)).to_have_text(TITLES["lv"][1])
    seq_after_first = server_state(server)["seq"]
    expect(second.locator(NOW_TITLE)).to_have_text(TITLES["en"][0])  # its view is stale

    second.click('button[data-command="next_item"]')
    message = second.locator("#console-message")
    expect(message).to_contain_text("Someone else changed the agenda just now")
    shot(second, "console-conflict.png", full_page=False)
    slow.release()
    expect(second.locator(NOW_TITLE)).to_have_text(TITLES["en"][1])
    state = server_state(server)
    assert state["seq"] == seq_after_first, "the stale click was applied"
    assert [item["status"] for item in state["items"][:3]] == ["done", "live", "upcoming"]

    second.click('[data-action="confirm-end"]')
    dialog = second.locator("#end-dialog")
    expect(dialog).to_be_visible()
    dialog.locator('button[value="cancel"]').click()
    expect(dialog).to_be_hidden()
    assert server_state(server)["event"]["status"] == "live"
    second.click('[data-action="confirm-end"]')
    dialog.locator('button[value="end"]').click()
    for console in (first, second):
        expect(console.locator('[data-field="event-status"]')).to_have_attribute(
            "data-status", "ended"
        )
    assert server_state(server)["event"]["status"] == "ended"


class LossySocket:
    """Between the server and one page: loses the first ``update`` event, and delivers the one
    after it twice, as a flaky network or a proxy replaying a frame might."""

    def __init__(self, page):
        self.lost: list[str] = []
        self.doubled: list[str] = []
        self.sent_by_page: list[str] = []
        page.route_web_socket(re.compile(r"/socket\.io/"), self.route)

    def route(self, socket) -> None:
        server = socket.connect_to_server()
        socket.on_message(lambda message: self.upstream(server, message))
        server.on_message(lambda message: self.deliver(socket, message))

    def upstream(self, server, message) -> None:
        self.sent_by_page.append(message)
        server.send(message)

    def deliver(self, socket, message) -> None:
        if isinstance(message, str) and message.startswith('42["update"'):
            if not self.lost:
                self.lost.append(message)
                return
            if not self.doubled:
                self.doubled.append(message)
                socket.send(message)
        socket.send(message)


def test_a_lost_update_is_noticed_by_its_seq_and_fetched_again(new_context, server):
    command(server, {"type": "start_event"})
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    wire = LossySocket(page)
    page.goto(f"{server.url}/events/{SLUG}?lang=en")
    expect(page.locator(CONNECTED)).to_be_attached()
    expect(page.locator(NOW_TITLE)).to_have_text(TITLES["en"][0])

    answer = command(server, {"type": "next_item"})  # item.ended (lost), item.started (twice)
    expect(page.locator(NOW_TITLE)).to_have_text(TITLES["en"][1], timeout=5000)
    expect(page.locator("[data-live-page]")).to_have_attribute("data-seq", str(answer["seq"]))
    assert wire.lost and wire.doubled, "the test's network did not lose and double a frame"
    assert any('"resync"' in str(message) for message in wire.sent_by_page)
    statuses = page.eval_on_selector_all(".live-agenda__item", ROW_STATUSES)
    assert statuses == [item["status"] for item in server_state(server)["items"]]


def test_without_websockets_the_page_falls_back_to_long_polling(new_context, server):
    """Some school networks refuse WebSockets; the page must still follow the event, live."""
    command(server, {"type": "start_event"})
    proxy = NoWebSocketProxy(server.url)
    proxy.start()
    try:
        page = open_page(new_context, f"{proxy.url}/events/{SLUG}?lang=lv")
        expect(page.locator(CONNECTED)).to_be_attached()
        expect(page.locator(NOW_TITLE)).to_have_text(TITLES["lv"][0])
        command(server, {"type": "next_item"})
        expect(page.locator(NOW_TITLE)).to_have_text(TITLES["lv"][1], timeout=5000)
        expect(page.locator("#live-connection")).to_be_hidden()
        assert proxy.refused, "the page never tried a WebSocket"
        assert page.errors == []
    finally:
        proxy.stop()
