"""What the greeting playback browser tests share: a server with its worker, the partner's
greeting uploaded the real way, and pages. How positions of several pages are compared, and
explained when they differ, is in :mod:`tests.e2e.greeting_sync`.
"""

from __future__ import annotations

import json
import time
import urllib.request
from datetime import datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect
from tusclient import client as tus_client

from tests.conftest import join_team
from tests.e2e.conftest import create_demo_database, server_database
from tests.e2e.greeting_sync import describe_player
from tests.e2e.live_server import ServerProcess
from tests.greetings.media_samples import write_video

SLUG = "daugavpils-2021"
EMAIL, PASSWORD = "moderatore@example.org", "correct horse battery"
TITLE = "Saluti da Firenze — ā č ē ģ ī ķ ļ ņ š ū ž"
MESSAGE = "Sveicieni Daugavpilij!\nA presto."
ORGANISATION = "Partnerorganizācija Itālijā / Partner organisation in Italy"
# Long enough that the pages are measured while it plays on a busy machine: at 12 s, a late
# page that took 5 s to open left the last samples after the end (every page idle at 0 s, which
# read as "12 s behind").
DURATION_S = 20.0
SHIFT_MS = 7 * 60 * 1000 + 1234
PLAYER = "#greeting-player"
UNMUTE = '#greeting-player [data-action="unmute"]'
MUTE = '#greeting-player [data-action="mute"]'
WATCH_HIDING = """() => {
    const player = document.querySelector('#greeting-player');
    new MutationObserver(() => {
        if (player.hidden && !window.hiddenAt) window.hiddenAt = Date.now();
    }).observe(player, {attributes: true, attributeFilter: ['hidden']});
}"""
# A phone whose wall clock is 7 minutes and a bit fast: only the server's clock may count.
WRONG_CLOCK = f"""(() => {{
    const shift = {SHIFT_MS}, RealDate = Date;
    class ShiftedDate extends RealDate {{
        constructor(...args) {{ if (args.length) super(...args); else super(RealDate.now() + shift); }}
        static now() {{ return RealDate.now() + shift; }}
    }}
    window.Date = ShiftedDate;
}})();"""


class GreetingsServer(ServerProcess):
    """The server with its task worker inside, as the single-process default runs."""

    def environment(self) -> dict:
        env = super().environment()
        env["CONFERENCE_TASKS_IN_PROCESS_WORKER"] = "true"
        return env


def start_server(instance: Path) -> GreetingsServer:
    """The demo event with an upload link for the Italian partner, a moderator and a token."""
    database_url = f"sqlite:///{instance / 'conference.db'}"
    create_demo_database(instance, database_url)
    with server_database(instance, database_url):
        from conference.events.services import find_event
        from conference.greetings.invites import create_invite
        from conference.users.services import create_token_for, create_user

        event = find_event(SLUG)
        italy = next(o for o in event.organisations if o.country == "IT")
        invite_token = create_invite(event, italy)[1]
        greetings_item = next(item.id for item in event.items if item.kind == "greetings")
        create_user(EMAIL, "moderator", PASSWORD)
        join_team(EMAIL, "moderator")  # roles are held per event
        api_token = create_token_for(EMAIL)
    process = GreetingsServer(instance, database_url)
    process.invite_token, process.api_token = invite_token, api_token
    process.greetings_item = greetings_item
    process.start()
    return process


def api(server, path: str, body: dict | None = None) -> dict:
    request = urllib.request.Request(
        server.url + path,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {server.api_token}", "Content-Type": "application/json"},
        method="GET" if body is None else "POST",
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.load(answer)


def command(server, body: dict) -> dict:
    return api(server, f"/api/v1/events/{SLUG}/commands", body)


def playing_since_ms(server) -> float:
    """The server's start time of the playing greeting, in ms since the epoch."""
    started_at = api(server, f"/api/v1/events/{SLUG}/state")["greeting"]["started_at"]
    return datetime.fromisoformat(started_at.replace("Z", "+00:00")).timestamp() * 1000


def publish_greeting(server, folder: Path) -> int:
    """A clip with a running clock in the picture, uploaded as the partner (tus), processed by
    the server's worker and approved by the moderator (the review API): the greeting's id."""
    clip = write_video(folder / "saluti.mp4", size=(640, 360), duration_s=DURATION_S, rate=25)
    endpoint = f"{server.url}/api/v1/invites/{server.invite_token}/uploads"
    with clip.open("rb") as stream:
        uploader = tus_client.TusClient(endpoint).uploader(
            file_stream=stream,
            chunk_size=256 * 1024,
            metadata={"filename": clip.name, "title": TITLE, "message": MESSAGE},
        )
        uploader.upload()
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        greeting = api(server, f"/api/v1/invites/{server.invite_token}")["greetings"][0]
        if greeting["status"] in ("ready", "failed"):
            break
        time.sleep(0.5)
    assert greeting["status"] == "ready", greeting
    assert greeting["duration_s"] == pytest.approx(DURATION_S, abs=0.1)
    approved = api(server, f"/api/v1/greetings/{greeting['id']}/review", {"decision": "approve"})
    assert approved["review"] == "approved"
    return greeting["id"]


def open_page(new_context, url: str, init_script: str | None = None, live=True, **options):
    context = new_context(**options)
    if init_script:
        context.add_init_script(init_script)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.failed = []
    page.on("response", lambda answer: answer.status >= 400 and page.failed.append(answer.url))
    page.goto(url)
    if live:
        expect(page.locator('[data-live-page][data-connection="live"]')).to_be_attached()
    return page


def sign_in_to_console(new_context, server):
    page = open_page(
        new_context,
        f"{server.url}/moderate/{SLUG}?lang=lv",
        live=False,
        viewport={"width": 1366, "height": 900},
    )
    page.fill('input[name="email"]', EMAIL)
    page.fill('input[name="password"]', PASSWORD)
    page.click('button[type="submit"]')
    page.wait_for_url(f"**/moderate/{SLUG}**")
    expect(page.locator('[data-live-page][data-connection="live"]')).to_be_attached()
    return page


def playing(page, timeout: float = 10_000) -> None:
    """Wait until the page's player has aligned and started; else fail saying where it is."""
    try:
        expect(page.locator(PLAYER)).to_have_attribute("data-state", "playing", timeout=timeout)
    except AssertionError:
        raise AssertionError(
            f"{page.url} not playing after {timeout / 1000:g} s: {describe_player(page)}"
        ) from None


def assert_no_errors(*pages) -> None:
    """No script error and no failed request (a missing favicon aside) on any of the pages."""
    for page in pages:
        assert page.errors == [], page.url
        assert [url for url in page.failed if not url.endswith("/favicon.ico")] == [], page.url
