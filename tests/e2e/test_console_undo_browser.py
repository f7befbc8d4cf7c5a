"""A newcomer rehearses the 2021 programme today from the console, and undoes a wrong Next.

What they must notice: Start offers to move the programme to now (with the planned date
named); once moved, no page shows a lateness of millions of minutes; after Next the console
says what it did and offers Undo, and Undo (or the P key) brings the previous item back on the
attendee's page.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from tests.conftest import join_team
from tests.e2e.conftest import server_database
from tests.e2e.live_server import ServerProcess
from tests.e2e.test_live_browser import (
    CONNECTED,
    EMAIL,
    NOW_TITLE,
    PASSWORD,
    TITLES,
    open_page,
    server_state,
    sign_in_to_console,
)
from tests.live.sample_event import SLUG

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture
def server_2021(tmp_path):
    """A server whose event is planned for 15 June 2021, as the demo is."""
    from conference.db import db
    from conference.users.services import create_user
    from tests.live.sample_event import make_sample_event

    instance = tmp_path / "instance"
    instance.mkdir()
    database_url = f"sqlite:///{instance / 'conference.db'}"
    with server_database(instance, database_url):
        db.create_all()
        make_sample_event(starts_at=datetime(2021, 6, 15, 8, 0, tzinfo=UTC))
        create_user(EMAIL, "moderator", PASSWORD)
        join_team(EMAIL, "moderator")  # roles are held per event
    process = ServerProcess(instance, database_url)
    process.start()
    yield process
    process.stop()


def test_rehearse_today_and_undo_a_wrong_next(new_context, server_2021, screenshots_dir):
    server = server_2021
    console = sign_in_to_console(new_context, server)
    phone = open_page(
        new_context,
        f"{server.url}/events/{SLUG}?lang=en",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    for page in (console, phone):
        expect(page.locator(CONNECTED)).to_be_attached()

    console.click('button[data-command="start_event"]')
    dialog = console.locator("#start-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator('[data-field="planned-start"]')).to_contain_text("2021")
    console.screenshot(path=str(screenshots_dir / "console-start-on-another-day-lv.png"))
    dialog.locator('button[value="move"]').click()
    expect(phone.locator(NOW_TITLE)).to_have_text(TITLES["en"][0], timeout=5000)

    state = server_state(server)
    first = min(item["planned_start"] for item in state["items"])
    today = datetime.now(UTC).date().isoformat()
    assert first.startswith(today), f"the programme was not moved to today: starts {first}"
    # No absurd lateness anywhere: at most a few minutes, in words.
    for page in (console, phone):
        text = page.locator("body").inner_text()
        assert "2876" not in text and "Planned for" not in text and "Plānots:" not in text, text

    console.locator("body").click(position={"x": 5, "y": 400})
    console.keyboard.press("n")
    expect(phone.locator(NOW_TITLE)).to_have_text(TITLES["en"][1], timeout=5000)
    message = console.locator("#console-message")
    expect(message).to_contain_text(TITLES["lv"][1])
    undo = message.locator("button")
    expect(undo).to_have_text("Atsaukt")
    console.screenshot(path=str(screenshots_dir / "console-undo-offered-lv.png"))
    undo.click()
    expect(phone.locator(NOW_TITLE)).to_have_text(TITLES["en"][0], timeout=5000)
    after = server_state(server)
    assert after["items"][1]["status"] == "upcoming" and after["items"][1]["actual_start"] is None

    # The keyboard way back: N, then P.
    console.locator("body").click(position={"x": 5, "y": 400})
    console.keyboard.press("n")
    expect(phone.locator(NOW_TITLE)).to_have_text(TITLES["en"][1], timeout=5000)
    expect(console.locator('button[data-command="previous_item"]')).to_be_enabled()
    console.locator("body").click(position={"x": 5, "y": 400})
    console.keyboard.press("p")
    expect(phone.locator(NOW_TITLE)).to_have_text(TITLES["en"][0], timeout=5000)
    assert not console.errors and not phone.errors, (console.errors, phone.errors)


def test_a_programme_years_late_shows_its_planned_date_not_minutes(
    new_context, server_2021, screenshots_dir
):
    """Started without moving: lateness of years reads as the planned date."""
    server = server_2021
    console = sign_in_to_console(new_context, server)
    expect(console.locator(CONNECTED)).to_be_attached()
    console.click('button[data-command="start_event"]')
    console.locator('#start-dialog button[value="keep"]').click()
    phone = open_page(
        new_context, f"{server.url}/events/{SLUG}?lang=lv", viewport={"width": 390, "height": 844}
    )
    expect(phone.locator(NOW_TITLE)).to_have_text(TITLES["lv"][0], timeout=5000)
    remaining = phone.locator('[data-now="remaining"]')
    expect(remaining).to_contain_text("Plānots:", timeout=3000)
    expect(remaining).to_contain_text("2021")
    expect(console.locator('[data-field="plan"]')).to_contain_text("2021", timeout=3000)
    for page in (console, phone):
        assert "min" not in page.locator('[data-now="remaining"]').inner_text()
    phone.screenshot(path=str(screenshots_dir / "attendee-years-late-lv.png"))
    console.screenshot(path=str(screenshots_dir / "console-years-late-lv.png"))


def test_console_fits_a_phone_and_has_its_shortcuts_sheet(
    new_context, server_2021, screenshots_dir
):
    """The moderator in the room runs the event with one thumb on a 390 px phone."""
    server = server_2021
    phone = open_page(
        new_context,
        f"{server.url}/moderate/{SLUG}?lang=lv",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    phone.fill('input[name="email"]', EMAIL)
    phone.fill('input[name="password"]', PASSWORD)
    phone.click('button[type="submit"]')
    phone.wait_for_url(f"**/moderate/{SLUG}**")
    expect(phone.locator(CONNECTED)).to_be_attached()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the console is {width} px wide on a 390 px phone"
    for button in phone.locator(".console-controls__buttons button").all():
        edge = button.bounding_box()
        assert edge["x"] >= 0 and edge["x"] + edge["width"] <= 390, (button.inner_text(), edge)
    # Next is at the bottom of the screen, in reach of the thumb, without scrolling.
    box = phone.locator('button[data-command="next_item"]').bounding_box()
    assert box["y"] + box["height"] <= 844 and box["y"] > 844 / 2, box
    # The public navigation is gone; sign-out is there.
    assert phone.locator(".event-nav").count() == 0
    expect(phone.get_by_role("button", name="Iziet")).to_be_attached()
    phone.screenshot(path=str(screenshots_dir / "console-phone-lv.png"), full_page=True)
    phone.screenshot(path=str(screenshots_dir / "console-phone-viewport-lv.png"))

    desktop = sign_in_to_console(new_context, server)
    desktop.locator("body").click(position={"x": 5, "y": 400})
    desktop.keyboard.press("?")
    sheet = desktop.locator("#shortcuts-dialog")
    expect(sheet).to_be_visible()
    expect(sheet).to_contain_text("Nākamais punkts")
    desktop.screenshot(path=str(screenshots_dir / "console-shortcuts-lv.png"))
    desktop.keyboard.press("Escape")
    expect(sheet).to_be_hidden()
    # Few tab stops before Start: the staff header has no public navigation.
    desktop.reload()
    expect(desktop.locator(CONNECTED)).to_be_attached()
    stops = 0
    while desktop.evaluate("document.activeElement.dataset.command") != "start_event":
        assert stops < 30, "Start was not reached with Tab"
        desktop.keyboard.press("Tab")
        stops += 1
    print(f"\nconsole: {stops} tab stops before Start")
    assert stops <= 12, f"{stops} tab stops before Start"
