"""Video greetings in real Chromium against a real ``conference serve`` (gevent, the in-process
Huey worker): a partner in Tallinn uploads through their page in Estonian; the server crashes
in the middle of the upload and comes back, and the upload continues where it stopped; the
video is processed by the server; a moderator approves it and plays it on every screen; the
partner sees the decision.

Screenshots go to ``test-artifacts/screenshots/``.
"""

from __future__ import annotations

import json
import re
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.conftest import join_team
from tests.e2e.conftest import create_demo_database, server_database
from tests.e2e.live_server import ServerProcess
from tests.greetings.media_samples import write_video

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SLUG = "daugavpils-2021"
EMAIL, PASSWORD = "moderatore@example.org", "correct horse battery"
TITLE = "Tervitus Tartust — ā č ē ģ ī ķ ļ ņ š ū ž"


class GreetingsServer(ServerProcess):
    """The server with its task worker inside, as the single-process default runs."""

    def environment(self) -> dict:
        env = super().environment()
        env["CONFERENCE_TASKS_IN_PROCESS_WORKER"] = "true"
        return env


@pytest.fixture
def server(tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir()
    database_url = f"sqlite:///{instance / 'conference.db'}"
    create_demo_database(instance, database_url)
    with server_database(instance, database_url):
        from conference.events.services import find_event
        from conference.greetings.invites import create_invite
        from conference.users.services import create_user

        event = find_event(SLUG)
        estonian = next(o for o in event.organisations if o.country == "EE")
        token = create_invite(event, estonian)[1]
        create_user(EMAIL, "moderator", PASSWORD)
        join_team(EMAIL, "moderator")  # roles are held per event
    process = GreetingsServer(instance, database_url)
    process.token = token
    process.start()
    yield process
    process.stop()


def state(server) -> dict:
    with urllib.request.urlopen(f"{server.url}/api/v1/events/{SLUG}/state", timeout=10) as answer:
        return json.load(answer)


def throttle_upload(page, bytes_per_second: int) -> object:
    """Slow the page's uploads down (Chromium's network emulation), so a cut comes mid-way."""
    session = page.context.new_cdp_session(page)
    session.send("Network.enable")
    session.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": 20,
            "downloadThroughput": -1,
            "uploadThroughput": bytes_per_second,
        },
    )
    return session


def test_a_partner_uploads_through_the_page_and_the_moderator_plays_it(
    server, new_context, tmp_path, screenshots_dir
):
    clip = write_video(
        tmp_path / "tervitus.mp4",
        size=(640, 360),
        duration_s=4.0,
        rate=25,
        video_options={"crf": "12"},
    )
    size = clip.stat().st_size
    assert size > 400_000

    partner = new_context(locale="et-EE", timezone_id="Europe/Tallinn")
    page = partner.new_page()
    page.goto(f"{server.url}/partner/{server.token}")
    expect(page.locator("html")).to_have_attribute("lang", "et")
    expect(page.locator("h1")).to_contain_text("Videotervitus")
    page.set_input_files("#video-file", str(clip))
    page.fill("#video-title", TITLE)
    page.fill("#video-message", "Aitäh, Daugavpils!\nNägemiseni.")
    throttle_upload(page, 150_000)
    page.click('[data-action="start"]')

    # The line goes dead a third of the way in, then comes back: the upload goes on.
    expect(page.locator("#upload-progress progress")).to_have_attribute(
        "value", re.compile(r"^[1-9]\d?$")
    )
    page.wait_for_function(
        "() => document.querySelector('#upload-progress progress').value >= 30", timeout=20_000
    )
    expect(page.locator('[data-action="start"]')).to_be_hidden()
    expect(page.locator('[data-action="pause"]')).to_be_visible()
    expect(page.locator('[data-field="speed"]')).to_contain_text("/s")
    expect(page.locator('[data-field="remaining"]')).not_to_be_empty()
    page.screenshot(
        path=str(screenshots_dir / "greetings-partner-uploading-et.png"), full_page=True
    )
    server.kill()  # the server crashes in the middle of the upload…
    expect(page.locator("#upload-status")).to_contain_text("Ühendus katkes")
    cut_at = page.evaluate("() => document.querySelector('#upload-progress progress').value")
    assert 30 <= cut_at < 100
    server.start()  # …and comes back: the page's retries continue from the server's offset
    expect(page.locator("#upload-status")).to_contain_text("Üles laaditud", timeout=60_000)
    expect(page.locator('[data-action="pause"]')).to_be_hidden()
    expect(page.locator('[data-action="start"]')).to_be_visible()

    # The in-process worker processes it; the partner's list follows without a reload.
    item = page.locator("#greeting-list li").first
    expect(item).to_contain_text(TITLE)
    expect(item.locator("[data-status]")).to_have_text("Töödeldud", timeout=60_000)
    expect(item).to_contain_text("Ootab korraldajate ülevaatust")
    expect(item.locator("img")).to_have_attribute("src", re.compile(r"/media/greetings/"))
    page.screenshot(
        path=str(screenshots_dir / "greetings-partner-processed-et.png"), full_page=True
    )

    moderator = new_context(viewport={"width": 1366, "height": 900})
    console = moderator.new_page()
    console.goto(f"{server.url}/moderate/{SLUG}/greetings?lang=lv")
    console.fill('input[name="email"]', EMAIL)
    console.fill('input[name="password"]', PASSWORD)
    console.click('button[type="submit"]')
    console.wait_for_url(f"**/moderate/{SLUG}/greetings**")
    card = console.locator("article.greeting-card").first
    expect(card).to_contain_text(TITLE)
    expect(card).to_contain_text("Aitäh, Daugavpils!")
    expect(card).to_contain_text("Garums 0:04")
    preview = card.locator("video")
    preview.evaluate("video => { video.muted = true; return video.play(); }")
    console.wait_for_function(
        "() => document.querySelector('article.greeting-card video').currentTime > 0.5",
        timeout=15_000,
    )
    card.get_by_role("button", name="Apstiprināt").click()
    expect(console.locator(".alert-success")).to_contain_text("Apstiprināts")
    console.get_by_role("button", name="Atskaņot visos ekrānos").click()
    expect(console.locator('[data-field="now-playing"]')).to_contain_text(TITLE)
    console.screenshot(path=str(screenshots_dir / "greetings-moderation-lv.png"), full_page=True)

    playing = state(server)["greeting"]
    assert playing["duration_s"] == pytest.approx(4.0, abs=0.1)
    with urllib.request.urlopen(server.url + playing["video_url"], timeout=10) as video:
        assert video.headers["Content-Type"] == "video/mp4"
        assert "immutable" in video.headers["Cache-Control"]

    page.reload()
    expect(page.locator("#greeting-list li").first).to_contain_text(
        "Kinnitatud: seda näidatakse konverentsil"
    )


def test_an_upload_continues_after_the_page_is_reloaded(server, new_context, tmp_path):
    """The partner closes the page mid-way (or the browser crashes), opens it again and
    chooses the same file: the upload continues, it does not start a second greeting."""
    clip = write_video(
        tmp_path / "video.mp4", size=(640, 360), duration_s=3.0, video_options={"crf": "12"}
    )
    partner = new_context(locale="pt-PT", timezone_id="Europe/Lisbon")
    page = partner.new_page()
    page.goto(f"{server.url}/partner/{server.token}?lang=pt")
    throttle_upload(page, 150_000)
    page.set_input_files("#video-file", str(clip))
    page.click('[data-action="start"]')
    page.wait_for_function(
        "() => document.querySelector('#upload-progress progress').value >= 25", timeout=20_000
    )
    page.reload()
    page.set_input_files("#video-file", str(clip))
    page.click('[data-action="start"]')
    expect(page.locator("#upload-status")).to_contain_text(
        "A continuar o envio anterior deste ficheiro"
    )
    expect(page.locator("#upload-status")).to_contain_text("Enviado.", timeout=60_000)
    expect(page.locator("#greeting-list li")).to_have_count(1)
    with urllib.request.urlopen(
        f"{server.url}/api/v1/invites/{server.token}", timeout=10
    ) as answer:
        greetings = json.load(answer)["greetings"]
    assert len(greetings) == 1
    assert greetings[0]["status"] in ("processing", "ready")
