"""The relay: updates reach followers in seq order even when they arrive out of order.

Two hubs on one app stand for two server processes: commands applied through the other hub
are committed but never relayed here, like updates still on their way from another process.
"""

from __future__ import annotations

from conference.extensions import socketio
from conference.live.commands import run_command
from conference.live.publish import LiveHub, catch_up, live_hub, relay

SLUG = "daugavpils-2021"


def commands_elsewhere(app, bodies: list[dict]) -> list[dict]:
    """Apply ``bodies`` as another process would; returns their updates as posted."""
    here = app.extensions["live"]
    app.extensions["live"] = LiveHub(app)
    try:
        for body in bodies:
            run_command(SLUG, body)
    finally:
        app.extensions["live"] = here
    with here.cache.lock:
        return here.cache.missed_updates(here.cache.peek(SLUG))


def test_an_update_that_overtook_an_earlier_one_waits_for_it(app, event):
    follower = socketio.test_client(app, auth={"event": SLUG})
    follower.get_received()
    posted = commands_elsewhere(app, [{"type": "start_event"}, {"type": "next_item"}])
    assert [update["seq"] for update in posted] == [1, 2, 3, 4]

    relay(live_hub(), SLUG, [posted[3]])  # 4 arrives first: 1-3 are read from the database
    relay(live_hub(), SLUG, posted[:3])  # then the late ones, already delivered
    updates = [m["args"][0] for m in follower.get_received() if m["name"] == "update"]
    assert [update["seq"] for update in updates] == [1, 2, 3, 4]
    assert updates == posted
    assert live_hub().cache.peek(SLUG).snapshot["current_item_id"] == event.items[1].id


def test_a_process_that_was_not_listening_catches_up(app, event):
    follower = socketio.test_client(app, auth={"event": SLUG})
    follower.get_received()
    commands_elsewhere(app, [{"type": "announce", "text": {"lv": "Ziņa, kas nāca bez Redis"}}])
    catch_up(live_hub())
    updates = [m["args"][0] for m in follower.get_received() if m["name"] == "update"]
    assert [(u["seq"], u["type"]) for u in updates] == [(1, "announcement.shown")]
    answer = follower.emit("resync", {"since": 0}, callback=True)
    assert answer["updates"] == updates


def test_the_snapshot_packet_is_encoded_once_per_change(app, event, monkeypatch):
    from conference.live import publish

    encodings = []
    real = publish._snapshot_packet

    def counting(snapshot):
        encodings.append(snapshot["seq"])
        return real(snapshot)

    monkeypatch.setattr(publish, "_snapshot_packet", counting)
    first, second = (socketio.test_client(app, auth={"event": SLUG}) for _ in range(2))
    snapshots = [
        [m["args"][0] for m in client.get_received() if m["name"] == "snapshot"]
        for client in (first, second)
    ]
    cached = live_hub().cache.peek(SLUG).snapshot
    assert snapshots == [[cached], [cached]]
    assert encodings == [0]
    # The packet on the wire is what python-socketio's emit would have sent.
    from socketio import packet

    emitted = packet.Packet(packet.EVENT, data=["snapshot", cached], namespace="/").encode()
    assert real(cached) == emitted and emitted.startswith('2["snapshot",{')

    run_command(SLUG, {"type": "announce", "text": {"lv": "Jauna ziņa ar garumzīmēm: ā č ē"}})
    late = socketio.test_client(app, auth={"event": SLUG})
    snapshot = next(m["args"][0] for m in late.get_received() if m["name"] == "snapshot")
    assert snapshot["seq"] == 1
    assert snapshot["announcement"]["text"]["lv"] == "Jauna ziņa ar garumzīmēm: ā č ē"
    assert encodings == [0, 1]
