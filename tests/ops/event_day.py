"""A scripted event day on a real server: the demo event imported, an admin who signs in, a
partner's greeting uploaded over tus and processed by the server's own worker, approved and
played, the event started, an announcement in Latvian, an award revealed, followers connected.
Used by the backup and the log tests."""

from __future__ import annotations

import io
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests
from tusclient import client as tus_client

from conference.demo import DEMO_SLUG
from tests.greetings.media_samples import write_video
from tests.live.servers import Follower, send_command

DEMO_FILE = Path(__file__).resolve().parents[2] / "conference/demo/daugavpils-2021.toml"
ADMIN_EMAIL = "operatore.ieva@example.lv"
ADMIN_NAME = "Ieva Bērziņa-Ozoliņa"
PASSWORD = "slepenā parole ķēve 42"
ANNOUNCEMENT = {"lv": "Kafijas pauze — ēdnīcā", "en": "Coffee break in the canteen"}
PARTNER = "Partnerorganizācija Igaunijā / Partner organisation in Estonia"
GREETING_TITLE = "Tervitused Tartust, Mari Maasikas"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


@dataclass
class EventDay:
    server_url: str
    token: str
    invite_token: str
    session: requests.Session
    followers: list = field(default_factory=list)
    video: bytes = b""


def prepare(place) -> tuple[str, str]:
    """Schema, the demo event, an admin with an API token, a partner's upload link."""
    place.check("db", "upgrade")
    place.check("import", str(DEMO_FILE))
    place.check(
        "user", "add", ADMIN_EMAIL, "--role", "admin", "--name", ADMIN_NAME, "--password-stdin",
        stdin=PASSWORD + "\n",
    )  # fmt: skip
    token = place.check("token", "create", ADMIN_EMAIL).strip()
    link = place.check("invite", "create", DEMO_SLUG, PARTNER).strip()
    return token, link.rsplit("/", 1)[1]


def sign_in(server_url: str) -> requests.Session:
    browser = requests.Session()
    page = browser.get(f"{server_url}/login", timeout=10)
    match = CSRF.search(page.text)
    answer = browser.post(
        f"{server_url}/login",
        data={"email": ADMIN_EMAIL, "password": PASSWORD, "csrf_token": match.group(1) or match.group(2)},
        headers={"Referer": f"{server_url}/login"},
        allow_redirects=False,
        timeout=10,
    )  # fmt: skip
    assert answer.status_code == 302, answer.text[:300]
    return browser


def upload_greeting(server_url: str, invite_token: str, folder: Path) -> bytes:
    data = write_video(folder / "greeting.mp4", duration_s=1.0).read_bytes()
    tus_client.TusClient(f"{server_url}/api/v1/invites/{invite_token}/uploads").uploader(
        file_stream=io.BytesIO(data),
        chunk_size=64 * 1024,
        metadata={"filename": "sveiciens.mp4", "title": GREETING_TITLE},
    ).upload()
    return data


def wait_for(condition, what: str, timeout: float = 90.0):
    """Poll ``condition`` until it returns something true; fail naming ``what``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"{what}: not within {timeout} s")


def greetings_of(server_url: str, token: str) -> list[dict]:
    answer = requests.get(
        f"{server_url}/api/v1/events/{DEMO_SLUG}/greetings",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    return answer.json()


def run_event_day(place, server, folder: Path, followers: int = 3) -> EventDay:
    """Everything up to the middle of the ceremony; returns what the checks need."""
    token, invite_token = place.token, place.invite_token
    url = server.url
    day = EventDay(url, token, invite_token, sign_in(url))
    day.video = upload_greeting(url, invite_token, folder)
    ready = wait_for(
        lambda: [g for g in greetings_of(url, token) if g["status"] == "ready"],
        "the server's worker processed the greeting",
    )
    greeting_id = ready[0]["id"]
    review = requests.post(
        f"{url}/api/v1/greetings/{greeting_id}/review",
        json={"decision": "approve"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert review.status_code == 200, review.text
    day.followers = [Follower(url, DEMO_SLUG).connect() for _ in range(followers)]
    state = requests.get(f"{url}/api/v1/events/{DEMO_SLUG}/state", timeout=10).json()
    award_id = _first_award_id(url)
    for body in (
        {"type": "start_event"},
        {"type": "next_item"},
        {"type": "announce", "text": ANNOUNCEMENT},
        {"type": "play_greeting", "greeting_id": greeting_id},
        {"type": "reveal_award", "award_id": award_id},
    ):
        answer = send_command(url, DEMO_SLUG, token, body)
        assert answer.status_code == 200, (body, answer.text)
    last = answer.json()["seq"]
    for follower in day.followers:
        assert follower.wait_until(lambda f: f.updates and f.updates[-1]["seq"] == last), (
            f"a follower has seq {follower.seqs()[-1:]} instead of {last}"
        )
    assert last > state["seq"]
    return day


def _first_award_id(url: str) -> int:
    event = requests.get(f"{url}/api/v1/events/{DEMO_SLUG}", timeout=10).json()
    awards = event["contests"][0]["awards"]
    thanks = [award for award in awards if award["kind"] == "mention"]
    return (thanks or awards)[0]["id"]
