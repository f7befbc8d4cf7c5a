"""``conference import --replace`` in a process of its own that adds a poll: every server's
cached snapshot (``/state``) and every connected follower follow it (a refresh through Redis:
polls are outside the live log). Two servers sharing Redis, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
import requests
import sqlalchemy as sa

from conference.db import db
from conference.demo import install_demo
from conference.events.exchange import export_event
from tests.live.servers import Follower
from tests.live.test_write_path_servers import fresh_snapshot, import_in_another_process

pytestmark = [pytest.mark.integration, pytest.mark.slow]

SLUG = "daugavpils-2021"
LUNCH_POLL = """
[[polls]]
key = "pusdienas"
question = { lv = "Ko ēdīsim pusdienās?", en = "What is for lunch?" }
options = [{ lv = "Zivis", en = "Fish" }, { lv = "Šķiņķis", en = "Ham" }]

"""


def test_a_cli_import_that_adds_a_poll_reaches_every_server_and_follower(
    app, start_server, redis_url, tmp_path
):
    install_demo()
    file_text = export_event(SLUG)
    settings = {"socketio_message_queue": redis_url}
    servers = [start_server(**settings) for _ in range(2)]
    followers = [Follower(servers[n % 2].url, SLUG).connect() for n in range(4)]
    for follower in followers:
        assert follower.wait_until(lambda f: f.snapshots, 10)
        assert len(follower.snapshots[-1]["polls"]) == 1

    head, tail = file_text.split("# =====", 1)
    path = tmp_path / "with-lunch.toml"
    path.write_text(head + LUNCH_POLL + "# =====" + tail, encoding="utf-8")
    import_in_another_process(servers[0], path, **settings)

    with app.app_context():
        db.session.remove()
        fresh = fresh_snapshot()
        assert db.session.scalar(sa.text("select count(*) from polls")) == 2
    assert len(fresh["polls"]) == 2
    for follower in followers:
        # 15 s: a refresh is delivered at once through Redis; the rest absorbs a busy machine.
        assert follower.wait_until(lambda f: len(f.snapshots[-1]["polls"]) == 2, 15), (
            f"follower of {follower.url} still has {len(follower.snapshots[-1]['polls'])} polls"
        )
        assert follower.snapshots[-1]["polls"] == fresh["polls"]
    for server in servers:
        state = requests.get(f"{server.url}/api/v1/events/{SLUG}/state", timeout=10).json()
        assert state["polls"] == fresh["polls"]
    for follower in followers:
        follower.close()
