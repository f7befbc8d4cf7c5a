"""A rehearsal reset made from a shell (``conference rehearsal reset``) reaches the followers of
a real ``conference serve`` that runs without Redis: its log follower notices that the event it
keeps is gone under its id and sends the fresh run's snapshot (conference.live.publish)."""

from __future__ import annotations

from conference.events.rehearsal import make_rehearsal, reset_rehearsal
from conference.live.commands import run_command
from tests.live.servers import Follower

SLUG = "daugavpils-2021"
REHEARSAL = f"{SLUG}-rehearsal"


def test_a_reset_from_a_shell_reaches_a_servers_followers(start_server, event):
    make_rehearsal(SLUG)
    server = start_server()
    follower = Follower(server.url, REHEARSAL).connect()
    try:
        assert follower.wait_until(lambda f: f.snapshots), follower.errors
        first = follower.snapshots[0]
        run_command(REHEARSAL, {"type": "start_event"})  # committed here, not by the server
        assert follower.wait_until(lambda f: f.updates), "the server's log follower sent nothing"
        started = follower.updates[-1]["seq"]
        reset_rehearsal(SLUG)  # this process's hub has no followers: the server must notice
        assert follower.wait_until(
            lambda f: len(f.snapshots) > 1 and f.snapshots[-1]["seq"] == 0
        ), f"no fresh snapshot after the reset: {[s['seq'] for s in follower.snapshots]}"
        fresh = follower.snapshots[-1]
        assert fresh["event"]["status"] == "scheduled" and started >= 1
        old_ids = {item["id"] for item in first["items"]}
        assert old_ids and not old_ids & {item["id"] for item in fresh["items"]}
    finally:
        follower.close()
