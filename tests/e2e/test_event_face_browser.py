"""The event's face in Chromium: the demo's pictures on the live page, the agenda, the screen
and the partner pages, in lv and en, on a 1366 px desktop and a 390 px phone.

The event is started and moved on one item first, so the pages show a finished item, the one
on now and the next. For each page: a full-page screenshot in
``test-artifacts/screenshots/face/`` (looked at by a person before this test was accepted),
every picture loaded (``naturalWidth`` > 0) from a rendition of its ``srcset``, the accent
colour's stylesheet applied, no sideways scrolling, no script error.
"""

from __future__ import annotations

import json
import re
import urllib.request

import pytest
from playwright.sync_api import expect

from conference.users.services import create_token_for, create_user
from tests.e2e.conftest import server_database

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SLUG = "daugavpils-2021"
VIEWPORTS = {"desktop": (1366, 768), "phone": (390, 844)}

# Lazy pictures below the fold load when scrolled to; the check wants them all, so load them.
LOAD_ALL = """async () => { await Promise.all([...document.images].map((img) => {
    img.loading = "eager"; return img.decode().catch(() => null); })); }"""
PICTURES = """() => [...document.images].map((img) => ({
    src: img.currentSrc || img.src, loaded: img.complete && img.naturalWidth > 0,
    srcset: img.getAttribute("srcset") || "", shown: img.getBoundingClientRect().width}))"""


def command(server, token: str, body: dict) -> dict:
    request = urllib.request.Request(
        f"{server.url}/api/v1/events/{SLUG}/commands",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read())


@pytest.fixture(scope="module")
def face_server(start_demo_server):
    server = start_demo_server()
    with server_database(server.instance, server.database_url):
        from conference.events.services import find_event
        from conference.greetings.invites import create_invite

        create_user("face@example.org", "admin", "a face for the event ā")
        token = create_token_for("face@example.org")
        event = find_event(SLUG)
        estonia = next(o for o in event.organisations if o.country == "EE")
        server.invite = create_invite(event, estonia)[1]
    command(server, token, {"type": "start_event"})
    command(server, token, {"type": "next_item"})
    return server


@pytest.mark.parametrize("device", VIEWPORTS)
@pytest.mark.parametrize("lang", ["lv", "en"])
def test_the_event_looks_like_itself(face_server, new_context, screenshots_dir, lang, device):
    server = face_server
    width, height = VIEWPORTS[device]
    folder = screenshots_dir / "face"
    folder.mkdir(exist_ok=True)
    context = new_context(
        viewport={"width": width, "height": height},
        is_mobile=device == "phone",
        has_touch=device == "phone",
    )
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pages = {
        "live": f"/events/{SLUG}",
        "agenda": f"/events/{SLUG}/agenda",
        "speakers": f"/events/{SLUG}/speakers",
        "partners": f"/events/{SLUG}/partners",
        "screen": f"/events/{SLUG}/screen",
        "partner-upload": f"/partner/{server.invite}",
    }
    problems = []
    for name, path in pages.items():
        response = page.goto(f"{server.url}{path}?lang={lang}")
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
        if name == "live":
            expect(page.locator('[data-live-page][data-connection="live"]')).to_be_visible()
        page.evaluate(LOAD_ALL)
        for picture in page.evaluate(PICTURES):
            if not picture["loaded"]:
                problems.append(f"{name}: {picture['src']} did not load")
            elif (
                "/media/images/" in picture["src"]
                and picture["src"].split("/")[-1] not in picture["srcset"]
            ):
                problems.append(f"{name}: {picture['src']} is not one of its srcset")
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > width:
            problems.append(f"{name}: {scroll_width} px wide on a {width} px {device}")
        page.screenshot(
            path=str(folder / f"{name}-{lang}-{device}.png"), full_page=name != "screen"
        )
        if name in ("live", "agenda", "speakers", "partners"):
            brand = page.evaluate(
                "getComputedStyle(document.documentElement).getPropertyValue('--event-accent').trim()"
            )
            assert brand == "#00778a", f"{name}: the accent colour's stylesheet is not applied"
    assert not problems, "\n".join(problems)
    assert not errors, errors

    page.goto(f"{server.url}/events/{SLUG}?lang={lang}")
    marks = page.locator(".live-agenda__item")
    expect(marks.nth(0)).to_have_class(re.compile(r"\bis-done\b"))
    expect(marks.nth(1)).to_have_class(re.compile(r"\bis-live\b"))
    expect(marks.nth(2)).to_have_class(re.compile(r"\bis-upcoming is-next\b"))
    expect(marks.nth(3)).not_to_have_class(re.compile(r"\bis-next\b"))
    decoration = page.locator(".live-agenda__item.is-done .live-agenda__title").evaluate(
        "(el) => getComputedStyle(el).textDecorationLine"
    )
    assert decoration == "none", "a finished item is not struck through"
    logo = page.locator(".site-logo")
    expect(logo).to_be_visible()
    photos = page.goto(f"{server.url}/events/{SLUG}/speakers?lang={lang}")
    assert photos.status == 200
    chosen = page.locator(".speaker__photo").first.evaluate("(img) => img.currentSrc")
    # 6rem = 96 CSS px: the 160 px rendition at 1x; Chromium may take a larger one when cached.
    assert chosen.rsplit("-", 1)[1].split(".")[0] in ("160", "320"), chosen


ACCENT = "getComputedStyle(document.documentElement).getPropertyValue('--event-accent').trim()"


def test_a_new_accent_colour_reaches_an_open_live_page(start_demo_server, new_context):
    """The admin's look change goes through the one pass: followers get ``event.changed`` and
    the open page swaps its theme stylesheet without a reload."""
    server = start_demo_server()
    page = new_context().new_page()
    page.goto(f"{server.url}/events/{SLUG}?lang=en")
    expect(page.locator('[data-live-page][data-connection="live"]')).to_be_visible()
    assert page.evaluate(ACCENT) == "#00778a"
    page.evaluate("window.notReloaded = true")
    with server_database(server.instance, server.database_url):
        from conference.images.services import save_look

        save_look(SLUG, "#c8102e", {})
    page.wait_for_function(f"() => {ACCENT} === '#c8102e'", timeout=10_000)
    assert page.evaluate("window.notReloaded") is True
    brand = page.evaluate(
        "getComputedStyle(document.documentElement).getPropertyValue('--brand').trim()"
    )
    assert brand != "#0b4aa2", "the darkened accent replaces the site's own blue"
