"""``react`` counted in the connection's reader (conference/audience/fast_react.py).

The fast path must count exactly what the normal handler counts (same cap, same key, same
acknowledgement) and leave every other message to python-socketio. These tests also check the
two things of python-socketio it relies on, so that an upgrade that moves them fails here.
"""

from __future__ import annotations

import threading
import time

import pytest
import socketio as socketio_client

from conference.audience.ticker import audience_ticker
from conference.extensions import socketio
from tests.audience.conftest import SLUG, attendee_headers

WAIT_S = 15  # generous for a loaded 2-core CI machine; nothing here depends on it being short


def follow(app, attendee_id=None, viewer=None):
    headers = attendee_headers(app, attendee_id) if attendee_id else {}
    auth = {"event": SLUG, **({"viewer": viewer} if viewer else {})}
    return socketio.test_client(app, auth=auth, headers=headers)


def test_python_socketio_still_offers_what_the_fast_path_uses(app, event):
    """The message handler takes ``(eio_sid, data)``; ``sid_from_eio_sid`` maps sessions."""
    server = socketio.server
    assert server.eio.handlers["message"].__name__ == "on_message"
    client = follow(app, "ilze")
    sid = server.manager.sid_from_eio_sid(client.eio_sid, "/")
    assert sid is not None and server.manager.is_connected(sid, "/")


def test_react_is_counted_without_python_socketio_and_the_rest_passes(app, event, monkeypatch):
    server = socketio.server
    handler = server.eio.handlers["message"]
    passed: list[str] = []
    ilze, watcher = follow(app, "ilze"), follow(app, "jānis")
    console = follow(app, "anna", viewer="console")
    original = handler.passes_to
    monkeypatch.setattr(
        handler, "passes_to", lambda sid, data: passed.append(data) or original(sid, data)
    )
    ticker = audience_ticker()
    ticker.send_reactions()  # nothing pending before
    for _ in range(5):
        handler(ilze.eio_sid, '2["react",{"kind":"applause"}]')
    handler(watcher.eio_sid, '2["react",{"kind":"heart"}]')
    # Not a react the fast path takes: these reach python-socketio as they came.
    others = [
        '2["react",{"kind":"boo"}]',
        '2["react",{"kind":"heart","x":1}]',
        '2["react","heart"]',
        '2/other,["react",{"kind":"heart"}]',
        '2["resync",{"since":0}]',
        '2["react",{"kind":"heart"}' + " " * 80 + "]",
    ]
    for data in others:
        handler(ilze.eio_sid, data)
    handler(console.eio_sid, '2["react",{"kind":"wow"}]')  # a console: the normal handler
    assert passed == [*others, '2["react",{"kind":"wow"}]']
    # Capped at 3 a second per attendee like the normal handler, with its key: ilze's fast
    # claps and the normal path's long-padded heart share one count.
    counted = ticker.send_reactions()[SLUG]
    assert counted["applause"] == 3
    assert counted["wow"] == 1
    assert counted["heart"] in (1, 2)  # the padded one counts only if the second turned


@pytest.mark.integration
@pytest.mark.parametrize("fast", ["true", "false"], ids=["fast", "normal"])
def test_acknowledged_react_through_a_real_server(event, moderator_token, start_server, fast):
    """A python-socketio client asks for acknowledgements; claps reach a watcher summed; the
    same answers with the fast path on and off."""
    server = start_server(socketio_fast_react=fast)
    clapper = socketio_client.Client(reconnection=False)
    watcher = socketio_client.Client(reconnection=False)
    sums: list[dict] = []
    got = threading.Event()

    def on_reactions(message):
        sums.append(message["counts"])
        got.set()

    watcher.on("reactions", on_reactions)
    try:
        for client in (watcher, clapper):
            client.connect(
                server.url, auth={"event": SLUG}, transports=["websocket"], wait_timeout=WAIT_S
            )
        answers = [clapper.call("react", {"kind": "applause"}, timeout=WAIT_S) for _ in range(5)]
        # Five within one second of the server's clock allow three; five straddling two
        # seconds allow up to five. Either way the sum the watcher sees is what was ok.
        ok = sum(1 for answer in answers if answer == {"ok": True})
        assert all(answer in ({"ok": True}, {"ok": False}) for answer in answers), answers
        assert 3 <= ok <= 5, answers
        assert clapper.call("react", {"kind": "boo"}, timeout=WAIT_S) == {"ok": False}
        deadline = time.monotonic() + WAIT_S
        while sum(s.get("applause", 0) for s in sums) < ok and time.monotonic() < deadline:
            got.wait(0.2)
        assert sum(s.get("applause", 0) for s in sums) == ok, f"watcher saw {sums}, ok {ok}"
    finally:
        for client in (clapper, watcher):
            if client.connected:
                client.disconnect()
