"""``conference backup`` while the event is live, ``conference restore`` into an empty place,
and a server on the restored place that serves the same event: seq, state, revealed award,
greeting media, and the sessions signed before the backup. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
import shutil
import tarfile

import pytest
import requests

from conference.demo import DEMO_SLUG
from conference.migrations import head_revision
from tests.live.servers import Follower
from tests.ops.event_day import prepare, run_event_day
from tests.ops.places import Place

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ENGINES = ["sqlite", "postgresql"]


@pytest.fixture(params=ENGINES)
def kind(request):
    if request.param == "postgresql":
        request.getfixturevalue("postgres_url")  # skips (or fails under CI) without PostgreSQL
        if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
            pytest.skip("pg_dump / pg_restore not installed")
    return request.param


@pytest.fixture
def places(tmp_path, kind):
    made = []

    def make(name: str, secret_key: str = "") -> Place:
        place = Place(kind, tmp_path / name, secret_key)
        made.append(place)
        return place

    yield make
    for place in made:
        place.close()


def state_of(url: str) -> dict:
    state = requests.get(f"{url}/api/v1/events/{DEMO_SLUG}/state", timeout=10).json()
    state.pop("online", None)  # who is connected now, not what happened
    return state


def test_backup_of_a_live_event_restores_into_an_empty_place(places, tmp_path):
    source = places("source", secret_key="")  # the key the server made itself, in instance/
    source.token, source.invite_token = prepare(source)
    server = source.serve()
    day = run_event_day(source, server, tmp_path)
    before = state_of(server.url)
    assert before["event"]["status"] == "live" and before["awards"] and before["greeting"]

    archive = tmp_path / "event-day.tar"
    # While the server runs and its followers are connected.
    done = source.run("backup", "-o", str(archive))
    assert done.returncode == 0, done.stderr
    assert server.process.poll() is None
    # The greeting (1 s) stops by itself a grace period later; on a busy machine that can fall
    # while the backup runs, and then the archive holds the state after the stop.
    moved_on = state_of(server.url)
    assert all(not follower.dropped.is_set() for follower in day.followers)
    with tarfile.open(archive) as opened:
        manifest = json.load(opened.extractfile("manifest.json"))
        names = set(opened.getnames())
    assert manifest["database"]["dialect"] == source.kind
    assert manifest["database"]["schema_revision"] == head_revision()
    assert manifest["database"]["counts"]["events"] == 1
    assert manifest["database"]["counts"]["greetings"] == 1
    assert {"secret_key", manifest["database"]["file"]} <= names
    assert sum(name.startswith("media/greetings/") for name in names) == 2  # video and poster
    assert set(manifest["files"]) == names - {"manifest.json"}
    assert archive.stat().st_mode & 0o077 == 0, "the archive holds the secret key: owner only"

    # The event goes on after the backup; the restored copy is the moment of the backup.
    for follower in day.followers:
        follower.close()
    server.stop()

    target = places("target", secret_key="")
    done = target.run("restore", str(archive))
    assert done.returncode == 0, done.stderr
    assert "restored" in done.stdout
    restored = target.serve()
    after = state_of(restored.url)
    assert after in (before, moved_on), (
        f"restored at seq {after['seq']}; the source was at {before['seq']} before the backup"
        f" and {moved_on['seq']} after it"
    )

    # The greeting's video, byte for byte as the source served it.
    video_url = before["greeting"]["video_url"]
    served = requests.get(restored.url + video_url, timeout=10)
    assert served.status_code == 200
    source_file = next((source.instance / "media" / "greetings").glob("*.mp4"))
    assert served.content == source_file.read_bytes()

    # The results page shows the revealed award.
    award_title = after["awards"][0]["title"]["lv"]
    results = requests.get(f"{restored.url}/events/{DEMO_SLUG}/results?lang=lv", timeout=10)
    assert award_title in results.text

    # The admin's browser session from before the backup still works (same key, same rows).
    console = day.session.get(
        f"{restored.url}/moderate/{DEMO_SLUG}", allow_redirects=False, timeout=10
    )
    assert console.status_code == 200, console.headers.get("Location")
    # The attendee cookie signed before the backup is accepted: no new identity handed out.
    assert "attendee" in day.session.cookies
    page = day.session.get(f"{restored.url}/events/{DEMO_SLUG}", timeout=10)
    assert "attendee=" not in page.headers.get("Set-Cookie", "")

    # Followers of the restored server get the same snapshot, then new updates in order.
    follower = Follower(restored.url, DEMO_SLUG).connect()
    try:
        assert follower.wait_until(lambda f: f.snapshots)
        assert follower.snapshots[0]["seq"] == before["seq"]
    finally:
        follower.close()

    # A second restore into the now filled place is refused, and changes nothing.
    again = target.run("restore", str(archive))
    assert again.returncode != 0
    assert again.stderr.count("\n") == 1 and "not empty" in again.stderr
    assert state_of(restored.url)["seq"] == before["seq"]
