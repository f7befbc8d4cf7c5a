"""``conference import --replace`` that changes the polls: the cached snapshot and the connected
followers follow (polls are not in the live log's diff; every process reloads the snapshot)."""

from __future__ import annotations

from conference.events.exchange import export_event, import_event
from conference.extensions import socketio
from tests.audience.conftest import SLUG
from tests.audience.test_polls import make_poll

SECOND_POLL = """
[[polls]]
key = "pusdienas"
question = { lv = "Ko ēdīsim pusdienās?", en = "What is for lunch?" }
options = [{ lv = "Zivis", en = "Fish" }, { lv = "Šķiņķis", en = "Ham" }]
"""


def snapshots(follower) -> list[dict]:
    return [m["args"][0] for m in follower.get_received() if m["name"] == "snapshot"]


def test_an_import_that_changes_the_polls_refreshes_the_followers(app, event):
    make_poll(event)
    follower = socketio.test_client(app, auth={"event": SLUG})
    [first] = snapshots(follower)
    assert len(first["polls"]) == 1
    exported = export_event(SLUG)

    # The same file: nothing of the audience changes, no snapshot goes out again.
    import_event(exported, replace=True)
    assert snapshots(follower) == []

    head, tail = exported.split("# =====", 1)
    import_event(head + SECOND_POLL + "\n# =====" + tail, replace=True)
    [again] = snapshots(follower)
    assert [poll["status"] for poll in again["polls"]] == ["not_opened", "not_opened"]
    state = app.test_client().get(f"/api/v1/events/{SLUG}/state").get_json()
    assert state["polls"] == again["polls"]
    detail = app.test_client().get(f"/api/v1/events/{SLUG}").get_json()
    assert detail["polls"][1]["question"]["lv"] == "Ko ēdīsim pusdienās?"

    # And back: the poll the file no longer has leaves the snapshot too.
    import_event(exported, replace=True)
    [last] = snapshots(follower)
    assert len(last["polls"]) == 1
    follower.disconnect()
