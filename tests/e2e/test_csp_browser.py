"""Every kind of page under the Content-Security-Policy in real Chromium, in Latvian and English.

The live page, the screen, the console, the ceremony, the jury and its decision, the greeting
moderation, the admin, the partner's upload page and the public pages are opened signed in as
whoever may see them; a ``securitypolicyviolation`` event, a console error or a script error
on any of them fails the test. And the pages must still work under the policy: an
announcement arrives live over the WebSocket, the greeting player plays, a vote is sent and
drawn in the ceremony's tally, the partner uploads a video through the page (tus).

Screenshots: ``test-artifacts/screenshots/csp-<page>-<lang>.png``.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import join_team
from tests.e2e.conftest import server_database
from tests.e2e.greeting_playback import (
    EMAIL,
    PASSWORD,
    PLAYER,
    SLUG,
    api,
    command,
    publish_greeting,
    start_server,
)
from tests.greetings.media_samples import write_video

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ADMIN, JUROR = "administratore@example.org", "zurija@example.org"
CONNECTED = '[data-live-page][data-connection="live"]'
ANNOUNCEMENT = {
    "lv": "Sākam pēc piecām minūtēm — ņemiet kafiju!",
    "en": "We start in five minutes!",
}
# Collects the browser's report of everything the policy blocked, before any script of the page.
WATCH_POLICY = """
window.policyViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.policyViolations.push(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} ` +
    `at ${event.sourceFile}:${event.lineNumber}`);
});
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The demo event, live at its greetings item, an approved greeting, a vote open; a
    moderator, an admin and a juror with passwords."""
    process = start_server(tmp_path_factory.mktemp("instance"))
    try:
        process.greeting_id = publish_greeting(process, tmp_path_factory.mktemp("clip"))
        with server_database(process.instance, process.database_url):
            from conference.users.services import create_user

            create_user(ADMIN, "admin", PASSWORD)
            create_user(JUROR, "jury", PASSWORD)
            join_team(JUROR, "jury")  # roles are held per event
        event = api(process, f"/api/v1/events/{SLUG}")
        process.contest_id = event["contests"][0]["id"]
        command(process, {"type": "start_event"})
        command(process, {"type": "start_item", "item_id": process.greetings_item})
        command(process, {"type": "open_vote", "contest_id": process.contest_id})
        yield process
    finally:
        process.stop()


def watched_page(new_context, **options):
    """A page in its own context whose policy violations, console errors and script errors are
    kept for :func:`assert_clean`."""
    context = new_context(**options)
    context.add_init_script(WATCH_POLICY)
    page = context.new_page()
    page.problems = []
    page.on("pageerror", lambda error: page.problems.append(f"script error: {error}"))

    def console(message):
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            page.problems.append(f"console: {message.text}")

    page.on("console", console)
    return page


def assert_clean(page, name: str, lang: str, screenshots_dir) -> None:
    """No violation on the page as it is now; then its picture."""
    page.wait_for_load_state("load")
    violations = page.evaluate("window.policyViolations")
    assert violations == [], f"{name} ({lang}): {violations}"
    assert page.problems == [], f"{name} ({lang}): {page.problems}"
    page.screenshot(path=str(screenshots_dir / f"csp-{name}-{lang}.png"), full_page=True)


def sign_in(page, server, email: str, path: str) -> None:
    page.goto(f"{server.url}{path}")
    page.fill('input[name="email"]', email)
    page.fill('input[name="password"]', PASSWORD)
    page.click('button[type="submit"]')
    page.wait_for_url(re.compile(re.escape(path.split("?")[0])))


def test_the_watcher_sees_a_violation(server, new_context):
    """The detector itself works: an inline style set as an attribute is reported."""
    page = watched_page(new_context)
    page.goto(f"{server.url}/events/{SLUG}/agenda")
    page.evaluate("document.body.setAttribute('style', 'color: red')")
    page.wait_for_function("window.policyViolations.length > 0")
    assert "style-src" in page.evaluate("window.policyViolations")[0]


@pytest.mark.parametrize("lang", ["lv", "en"])
def test_live_screen_and_greeting_player(server, new_context, screenshots_dir, lang):
    attendee = watched_page(new_context, viewport={"width": 390, "height": 844})
    attendee.goto(f"{server.url}/events/{SLUG}?lang={lang}")
    screen = watched_page(new_context, viewport={"width": 1280, "height": 720})
    screen.goto(f"{server.url}/events/{SLUG}/screen?lang={lang}")
    for page in (attendee, screen):
        expect(page.locator(CONNECTED)).to_be_attached()
    command(server, {"type": "announce", "text": ANNOUNCEMENT})
    expect(attendee.locator("#live-announcement")).to_contain_text(ANNOUNCEMENT[lang])
    expect(screen.locator('[data-field="announcement-text"]')).to_contain_text(ANNOUNCEMENT[lang])
    command(server, {"type": "play_greeting", "greeting_id": server.greeting_id})
    for page in (attendee, screen):
        expect(page.locator(PLAYER)).to_have_attribute("data-state", "playing", timeout=10_000)
        page.wait_for_function(
            "() => document.querySelector('#greeting-player video').currentTime > 0.5"
        )
    assert_clean(attendee, "live", lang, screenshots_dir)
    assert_clean(screen, "screen", lang, screenshots_dir)
    command(server, {"type": "stop_greeting"})
    command(server, {"type": "clear_announcement"})


@pytest.mark.parametrize("lang", ["lv", "en"])
def test_moderator_pages(server, new_context, screenshots_dir, lang):
    voter = watched_page(new_context)
    voter.goto(f"{server.url}/events/{SLUG}?lang={lang}")
    voter.locator(".vote-card").first.click()
    voter.locator("#vote-panel .vote-form__submit").click()
    expect(voter.locator('[data-vote="status"]')).to_have_class(re.compile("vote-status--success"))
    assert_clean(voter, "vote", lang, screenshots_dir)

    page = watched_page(new_context, viewport={"width": 1366, "height": 900})
    sign_in(page, server, EMAIL, f"/moderate/{SLUG}?lang={lang}")
    expect(page.locator(CONNECTED)).to_be_attached()
    assert_clean(page, "console", lang, screenshots_dir)

    page.goto(f"{server.url}/moderate/{SLUG}/ceremony?lang={lang}")
    expect(page.locator('[data-tally="total"]').first).not_to_have_text("0")
    # The tally bars are drawn by the script (their length may not be an inline style).
    page.wait_for_function(
        "() => [...document.querySelectorAll('.ceremony-tally__bar span')]"
        ".some((bar) => bar.getBoundingClientRect().width > 0)"
    )
    assert_clean(page, "ceremony", lang, screenshots_dir)

    for name, path in (
        ("greetings", f"/moderate/{SLUG}/greetings"),
        ("join-codes", f"/moderate/{SLUG}/join-codes"),
    ):
        assert page.goto(f"{server.url}{path}?lang={lang}").status == 200
        assert_clean(page, name, lang, screenshots_dir)


@pytest.mark.parametrize("lang", ["lv", "en"])
def test_jury_admin_and_public_pages(server, new_context, screenshots_dir, lang):
    juror = watched_page(new_context)
    sign_in(juror, server, JUROR, f"/jury/{SLUG}?lang={lang}")
    expect(juror.locator("main form").first).to_be_visible()
    assert_clean(juror, "jury", lang, screenshots_dir)

    admin = watched_page(new_context, viewport={"width": 1366, "height": 900})
    sign_in(admin, server, ADMIN, f"/admin/?lang={lang}")
    for name, path in (
        ("admin", "/admin/"),
        ("admin-users", "/admin/users/"),
        ("admin-event", f"/admin/events/{SLUG}/"),
        ("admin-items", f"/admin/events/{SLUG}/items/"),
        ("decision", f"/jury/{SLUG}/decision"),
        ("invites", f"/moderate/{SLUG}/invites"),
    ):
        assert admin.goto(f"{server.url}{path}?lang={lang}").status == 200, path
        assert_clean(admin, name, lang, screenshots_dir)
    # A new upload link selects itself when focused (the handler left the HTML for a file).
    admin.click('form.card[method="post"] button[type="submit"]')
    link = admin.locator("#new-link")
    link.focus()
    assert link.evaluate("(field) => field.selectionEnd - field.selectionStart") > 40
    assert_clean(admin, "invite-new", lang, screenshots_dir)

    visitor = watched_page(new_context)
    for name in ("agenda", "speakers", "partners", "projects", "contest", "results"):
        assert visitor.goto(f"{server.url}/events/{SLUG}/{name}?lang={lang}").status == 200
        assert_clean(visitor, name, lang, screenshots_dir)
    visitor.goto(f"{server.url}/login?lang={lang}")
    assert_clean(visitor, "login", lang, screenshots_dir)


@pytest.mark.parametrize("lang", ["lv", "en"])
def test_partner_uploads_through_the_page(server, new_context, screenshots_dir, tmp_path, lang):
    clip = write_video(tmp_path / "sveiciens.mp4", size=(320, 180), duration_s=2.0)
    page = watched_page(new_context)
    page.goto(f"{server.url}/partner/{server.invite_token}?lang={lang}")
    greetings = page.locator("#greeting-list li")
    before = greetings.count()
    page.set_input_files("#video-file", str(clip))
    page.fill("#video-title", f"Sveiciens ({lang})")
    page.click('[data-action="start"]')
    expect(greetings).to_have_count(before + 1, timeout=30_000)
    expect(greetings.filter(has_text=f"Sveiciens ({lang})")).to_have_count(1)
    assert_clean(page, "partner", lang, screenshots_dir)
