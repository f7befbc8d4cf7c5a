"""The public pages of the demo in a real browser: on a phone and a desktop, in lv and en.

Screenshots of every page land in ``test-artifacts/screenshots/<page>-<lang>-<width>.png``.
"""

from __future__ import annotations

import re

import pytest
import requests
import sqlalchemy as sa

from conference.awards.models import Award
from conference.db import db
from conference.users.services import create_token_for
from tests.e2e.conftest import server_database

pytestmark = pytest.mark.e2e

SLUG = "daugavpils-2021"
PAGES = ("agenda", "speakers", "partners", "projects", "contest", "results")
VIEWPORTS = {"phone": (360, 740), "desktop": (1280, 800)}
LATVIAN_LETTERS = re.compile("[āčēģīķļņšūžĀČĒĢĪĶĻŅŠŪŽ]")


def page_facts(page) -> dict:
    """What the test checks on every page, read in one round trip."""
    return page.evaluate(
        """() => ({
            lang: document.documentElement.lang,
            h1: document.querySelectorAll("h1").length,
            main: document.querySelectorAll("main").length,
            scrollWidth: document.documentElement.scrollWidth,
            unlabelledNav: [...document.querySelectorAll("nav")]
                .filter((nav) => !nav.getAttribute("aria-label")).length,
            text: document.body.innerText,
        })"""
    )


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("lang", ["lv", "en"])
def test_every_page_reads_well_on_phone_and_desktop(
    live_server, new_context, screenshots_dir, lang, viewport
):
    width, height = VIEWPORTS[viewport]
    context = new_context(viewport={"width": width, "height": height}, timezone_id="Europe/Riga")
    page = context.new_page()
    for name in ("home", *PAGES):
        path = f"/events/{SLUG}" + ("" if name == "home" else f"/{name}")
        response = page.goto(f"{live_server.url}{path}?lang={lang}")
        assert response.status == 200, path
        facts = page_facts(page)
        page.screenshot(path=screenshots_dir / f"{name}-{lang}-{width}.png", full_page=True)
        if name == "home":
            continue  # the live page is checked by its own tests; here only photographed
        assert facts["lang"] == lang, path
        assert (facts["h1"], facts["main"], facts["unlabelledNav"]) == (1, 1, 0), path
        assert facts["scrollWidth"] <= width, f"{path} scrolls sideways at {width} px"
        assert LATVIAN_LETTERS.search(facts["text"]), path


def test_programme_content_in_latvian(live_server, new_context):
    page = new_context(timezone_id="Europe/Riga").new_page()
    page.goto(f"{live_server.url}/events/{SLUG}/agenda")
    assert page.locator("html").get_attribute("lang") == "lv"
    first = page.locator("ol.agenda > li").first
    assert first.locator("time").all_inner_texts() == ["14:00", "14:15"]
    assert "Runa" in first.inner_text()
    assert "Ingrīda Brokāne, Daugavpils tehnikuma direktore" in first.inner_text()
    assert "2021. gada 15. jūnijs" in page.locator(".page-head").inner_text()
    assert page.locator("ol.agenda > li").count() == 6


def test_contest_shows_six_entries_with_authors(live_server, new_context):
    page = new_context().new_page()
    page.goto(f"{live_server.url}/events/{SLUG}/contest")
    entries = page.locator(".gallery > li")
    assert entries.count() == 6
    assert "Dmitrijs Ivčeno (LMT-21)" in entries.nth(0).inner_text()
    assert entries.nth(2).locator(".author").all_inner_texts() == ["Angelika Paškeviča"]
    assert "6 darbi" in page.locator("main").inner_text()


def test_english_with_one_click_and_it_sticks(live_server, new_context):
    page = new_context().new_page()
    page.goto(f"{live_server.url}/events/{SLUG}/agenda")
    assert page.locator("html").get_attribute("lang") == "lv"
    page.get_by_role("link", name="English").click()
    page.wait_for_url(re.compile(r"/agenda\?lang=en$"))
    assert page.locator("h1").inner_text() == "Programme"
    page.get_by_role("navigation", name="Event pages").get_by_role("link", name="Partners").click()
    page.wait_for_url(re.compile(r"/partners$"))
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Associated partners").is_visible()
    assert "Estonia" in page.locator("main").inner_text()


def test_viewer_in_lisbon_sees_own_time_beside_the_event_time(live_server, new_context):
    page = new_context(timezone_id="Europe/Lisbon").new_page()
    page.goto(f"{live_server.url}/events/{SLUG}/agenda")
    first = page.locator("ol.agenda > li").first
    assert first.locator("time").first.inner_text() == "14:00"
    assert first.locator(".local-time").inner_text() == "12:00–12:15 jūsu laikā"
    page.goto(f"{live_server.url}/events/{SLUG}/agenda?lang=en")
    first = page.locator("ol.agenda > li").first
    assert first.locator(".local-time").inner_text() == "12:00–12:15 your time"


@pytest.mark.parametrize("zone", ["Europe/Riga", "Europe/Vilnius"])
def test_viewer_on_event_time_sees_no_second_time(live_server, new_context, zone):
    page = new_context(timezone_id=zone).new_page()
    page.goto(f"{live_server.url}/events/{SLUG}/agenda")
    page.locator("ol.agenda > li").first.wait_for()
    page.wait_for_load_state("load")
    assert page.locator(".local-time").count() == 0


def test_keyboard_user_can_skip_to_content_and_sees_focus(live_server, new_context):
    page = new_context().new_page()
    page.goto(f"{live_server.url}/events/{SLUG}/speakers")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Pāriet uz saturu")
    assert skip.evaluate("(link) => link === document.activeElement")
    box = skip.bounding_box()
    assert box is not None and box["y"] >= 0, "the skip link must show when focused"
    outline = skip.evaluate("(link) => getComputedStyle(link).outlineStyle")
    assert outline == "solid"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


# WCAG 2.1 contrast of every visible text against the background it sits on.
CONTRAST_SCRIPT = """() => {
    const rgba = (value) => {
        const parts = value.match(/[\\d.]+/g).map(Number);
        return { r: parts[0], g: parts[1], b: parts[2], a: parts.length > 3 ? parts[3] : 1 };
    };
    const luminance = ({ r, g, b }) => {
        const channel = (c) => {
            c /= 255;
            return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
        };
        return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    };
    const background = (element) => {
        for (let node = element; node; node = node.parentElement) {
            const colour = rgba(getComputedStyle(node).backgroundColor);
            if (colour.a > 0) return colour;
        }
        return { r: 255, g: 255, b: 255, a: 1 };
    };
    const failures = [];
    for (const element of document.body.querySelectorAll("*")) {
        const ownText = [...element.childNodes]
            .filter((node) => node.nodeType === Node.TEXT_NODE)
            .map((node) => node.textContent.trim())
            .join("");
        if (!ownText || element.offsetWidth <= 1 || element.offsetHeight <= 1) continue;
        const style = getComputedStyle(element);
        if (style.visibility === "hidden" || element.closest("[aria-hidden=true]")) continue;
        const fg = luminance(rgba(style.color));
        const bg = luminance(background(element));
        const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
        const size = parseFloat(style.fontSize);
        const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
        if (ratio < (large ? 3 : 4.5)) failures.push(`${ownText.slice(0, 40)}: ${ratio.toFixed(2)}`);
    }
    return failures;
}"""


@pytest.mark.parametrize("lang", ["lv", "en"])
def test_text_contrast_meets_wcag_aa(live_server, new_context, lang):
    page = new_context(viewport={"width": 1280, "height": 800}).new_page()
    for name in PAGES:
        page.goto(f"{live_server.url}/events/{SLUG}/{name}?lang={lang}")
        assert page.evaluate(CONTRAST_SCRIPT) == [], name


def test_results_show_an_award_once_the_moderator_reveals_it(
    start_demo_server, new_context, screenshots_dir
):
    """A fresh server: the ceremony reveals the 1st place through the API; nothing else shows."""
    server = start_demo_server()
    with server_database(server.instance, server.database_url):
        token = create_token_for("admin@demo.invalid")
        first_place = db.session.scalar(sa.select(Award.id).where(Award.rank == 1))
    page = new_context(viewport={"width": 360, "height": 740}).new_page()
    page.goto(f"{server.url}/events/{SLUG}/results")
    assert "Rezultāti šeit būs redzami pēc apbalvošanas ceremonijas." in page.inner_text("main")

    answer = requests.post(
        f"{server.url}/api/v1/events/{SLUG}/commands",
        json={"type": "reveal_award", "award_id": first_place},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    page.goto(f"{server.url}/events/{SLUG}/results")
    awards = page.locator("li.award")
    assert awards.count() == 1
    assert awards.first.locator("h3").inner_text() == "1. vieta"
    assert "Dmitrijs Ivčeno (LMT-21), Dmitrijs Lukins (LMT-21), Maksims Romanovs (LMT-21)" in (
        awards.first.inner_text()
    )
    assert "Greibo" not in page.inner_text("main")
    page.screenshot(path=screenshots_dir / "results-revealed-lv-360.png", full_page=True)


def test_viewer_past_midnight_sees_the_day_too(live_server, new_context):
    """In Auckland the ceremony (15:55 in Riga) is already the next morning."""
    page = new_context(timezone_id="Pacific/Auckland").new_page()
    page.goto(f"{live_server.url}/events/{SLUG}/agenda")
    items = page.locator("ol.agenda > li")
    assert items.first.locator(".local-time").inner_text() == "23:00–23:15 jūsu laikā"
    assert items.last.locator(".local-time").inner_text() == "16. jūn. 00:55–01:20 jūsu laikā"
