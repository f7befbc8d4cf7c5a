"""The award ceremony in real Chromium against a real ``conference serve`` with the demo event.

An attendee votes on the live page; the moderator closes the vote and reveals the six awards
(five through the API as a ceremony script would, the last with "Reveal next" on the ceremony
page); two attendee pages and the screen view show each reveal as a moment: the award's title
first, the winners after the pause. A page opened after the ceremony shows every result at once.

Screenshots go to ``test-artifacts/screenshots/ceremony-*.png`` for a person to look at.
"""

from __future__ import annotations

import json
import time
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.conftest import join_team
from tests.e2e.conftest import server_database

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SLUG = "daugavpils-2021"
EMAIL, PASSWORD = "moderatore@example.org", "moderatores parole ļoti droša"
PAUSE_S = 3.0  # [ceremony] reveal_pause_s, the default
FIRST_PLACE_LV = "1. vieta: Dmitrijs Ivčeno, Dmitrijs Lukins, Maksims Romanovs (LMT-21)"


@pytest.fixture
def server(start_demo_server):
    """A fresh demo server and a moderator with a password and an API token."""
    from conference.users.services import create_token_for, create_user

    process = start_demo_server()
    with server_database(process.instance, process.database_url):
        create_user(EMAIL, "moderator", PASSWORD)
        join_team(EMAIL, "moderator")  # roles are held per event
        process.token = create_token_for(EMAIL)
    return process


def call(server, path: str, body: dict | None = None) -> dict:
    request = urllib.request.Request(
        f"{server.url}{path}",
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {server.token}", "Content-Type": "application/json"},
        method="POST" if body is not None else "GET",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def command(server, **body) -> dict:
    return call(server, f"/api/v1/events/{SLUG}/commands", body)


def open_page(new_context, url: str, **options):
    page = new_context(**options).new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.goto(url)
    return page


def moment(page, award_id: int):
    return page.locator(f'[data-reveal="moment"] .reveal-card[data-award-id="{award_id}"]')


def stage(screen, award_id: int):
    return screen.locator(f'#reveal-stage .screen-reveal[data-award-id="{award_id}"]')


def test_vote_and_reveal_on_two_attendee_pages_and_the_screen(new_context, server, screenshots_dir):
    def shot(page, name, full_page=True):
        page.screenshot(path=str(screenshots_dir / f"ceremony-{name}.png"), full_page=full_page)

    event = call(server, f"/api/v1/events/{SLUG}")
    contest = event["contests"][0]
    awards = contest["awards"]  # in ceremony order
    sirotko = next(e for e in contest["entries"] if e["authors"][0]["name"] == "Dmitrijs Sirotko")
    ceremony_item = next(item for item in event["agenda"] if item["kind"] == "ceremony")
    command(server, type="start_event")
    command(server, type="start_item", item_id=ceremony_item["id"])

    latvian = open_page(new_context, f"{server.url}/events/{SLUG}?lang=lv")
    english = open_page(
        new_context,
        f"{server.url}/events/{SLUG}?lang=en",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        reduced_motion="reduce",
    )
    screen = open_page(
        new_context,
        f"{server.url}/events/{SLUG}/screen?lang=lv",
        viewport={"width": 1280, "height": 720},
    )
    for page in (latvian, english):
        expect(page.locator("#vote-panel")).to_be_hidden()

    command(server, type="open_vote", contest_id=contest["id"])
    panel = latvian.locator("#vote-panel")
    expect(panel).to_be_visible(timeout=3000)
    expect(latvian.locator(".vote-card")).to_have_count(6)
    latvian.locator("#vote-panel .vote-form__submit").click()
    expect(panel.locator('[data-vote="status"]')).to_have_class("vote-status vote-status--error")
    latvian.locator(".vote-card", has_text="Dmitrijs Sirotko").click()
    shot(latvian, "vote-chosen-lv")
    latvian.locator("#vote-panel .vote-form__submit").click()
    expect(panel.locator('[data-vote="status"]')).to_contain_text(sirotko["title"]["lv"])
    english.locator(".vote-card", has_text="Valerija Greibo").click()
    english.locator("#vote-panel .vote-form__submit").click()
    expect(english.locator('[data-vote="status"]')).to_contain_text("you can change it")
    english.locator(".vote-card", has_text="Dmitrijs Sirotko").click()  # changes their mind
    english.locator("#vote-panel .vote-form__submit").click()
    expect(english.locator('[data-vote="status"]')).to_contain_text("Sirotko")
    shot(english, "vote-sent-en-phone")
    tally = call(server, f"/api/v1/events/{SLUG}/contests/{contest['id']}/tally")
    assert tally["total"] == 2
    assert {"entry_id": sirotko["id"], "votes": 2} in tally["entries"]

    latvian.reload()  # the choice is remembered in this browser
    expect(
        latvian.locator(".vote-card", has_text="Dmitrijs Sirotko").locator("input")
    ).to_be_checked()
    command(server, type="close_vote", contest_id=contest["id"])
    expect(latvian.locator(".vote-form")).to_be_hidden(timeout=3000)
    expect(latvian.locator('[data-vote="closed"]')).to_be_visible()

    first_places = []
    for index, award in enumerate(awards[:5]):
        sent = time.monotonic()
        command(server, type="reveal_award", award_id=award["id"])
        for page in (latvian, english):
            expect(moment(page, award["id"])).to_have_attribute("data-phase", "title", timeout=3000)
        expect(stage(screen, award["id"])).to_have_attribute("data-phase", "title", timeout=3000)
        title_seen = time.monotonic() - sent
        assert screen.locator("#reveal-stage .screen-reveal__names").count() == 0
        if index == 0:
            # The Latvian screen's second line is English, and says so (screen readers).
            alt = stage(screen, award["id"]).locator(".screen-reveal__title-alt")
            expect(alt).to_have_text(award["title"]["en"])
            expect(alt).to_have_attribute("lang", "en")
            screen.wait_for_timeout(900)  # the title's entrance, still inside the pause
            shot(screen, "screen-title", full_page=False)
            shot(latvian, "attendee-title-lv", full_page=False)
        for page in (latvian, english):
            expect(moment(page, award["id"])).to_have_attribute(
                "data-phase", "winners", timeout=6000
            )
        expect(stage(screen, award["id"])).to_have_attribute("data-phase", "winners", timeout=6000)
        assert time.monotonic() - sent >= PAUSE_S - 0.3, "the winners came without the pause"
        assert title_seen < PAUSE_S
        if award["kind"] == "place" and award["rank"] == 1:
            first_places.append(award["id"])
            screen.wait_for_timeout(1200)  # the entries' entrance animation
            shot(screen, "screen-first-place", full_page=False)
            expect(latvian.locator('[data-reveal="announcer"]')).to_have_text(FIRST_PLACE_LV)
        if index == 0:
            screen.wait_for_timeout(1200)
            shot(screen, "screen-thanks", full_page=False)
    assert first_places, "the 1st place is among the first five awards of the demo"

    # Reduced motion: the winners simply appear.
    animation = english.eval_on_selector(
        '[data-reveal="moment"] .reveal-card__entry', "node => getComputedStyle(node).animationName"
    )
    assert animation == "none"
    assert (
        latvian.eval_on_selector(
            '[data-reveal="moment"] .reveal-card__entry',
            "node => getComputedStyle(node).animationName",
        )
        == "reveal-rise"
    )

    # The last one with the ceremony page's "Reveal next", as the moderator would.
    console = open_page(new_context, f"{server.url}/moderate/{SLUG}/ceremony?lang=en")
    console.fill('input[name="email"]', EMAIL)
    console.fill('input[name="password"]', PASSWORD)
    console.click('button[type="submit"]')
    console.wait_for_url(f"**/moderate/{SLUG}/ceremony**")
    expect(console.locator(".ceremony-next__title")).to_contain_text("Audience favourite")
    expect(console.locator(".ceremony-next__winners")).to_contain_text("Dmitrijs Sirotko")
    shot(console, "moderator-before-last")
    console.get_by_role("button", name="Reveal next").click()
    expect(console.locator(".ceremony-next__title")).to_contain_text(
        "Every award has been revealed"
    )
    last = awards[5]["id"]
    for page in (latvian, english):
        expect(moment(page, last)).to_have_attribute("data-phase", "winners", timeout=8000)
    expect(stage(screen, last)).to_contain_text("Dmitrijs Sirotko", timeout=8000)
    expect(latvian.locator("#ceremony .reveal-card")).to_have_count(6)
    shot(latvian, "attendee-all-lv")
    shot(english, "attendee-all-en-phone")
    shot(screen, "screen-audience", full_page=False)

    later = open_page(new_context, f"{server.url}/events/{SLUG}?lang=lv")
    expect(later.locator("#ceremony .reveal-card")).to_have_count(6)
    expect(moment(later, last)).to_contain_text("Dmitrijs Sirotko")  # at once, no pause
    assert later.locator(".reveal-card__pending").count() == 0
    expect(later.locator("#ceremony")).to_contain_text("Dmitrijs Ivčeno, Dmitrijs Lukins")
    later_screen = open_page(
        new_context,
        f"{server.url}/events/{SLUG}/screen?lang=en",
        viewport={"width": 1280, "height": 720},
    )  # during the ceremony item: the latest award stays up, at once
    expect(stage(later_screen, last)).to_contain_text("Dmitrijs Sirotko")
    expect(stage(later_screen, last)).to_contain_text("Audience favourite")
    results = open_page(new_context, f"{server.url}/events/{SLUG}/results?lang=lv")
    expect(results.locator(".results-summary li").first).to_have_text(FIRST_PLACE_LV)
    expect(results.locator(".results-summary li")).to_have_count(6)
    shot(results, "results-lv")
    for page in (latvian, english, screen, console, later, later_screen, results):
        assert page.errors == [], page.errors
