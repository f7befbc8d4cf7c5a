"""PROTOCOL 1.1 in Chromium: the vendored socket.io-client fires ``connect`` before ``snapshot``.

socket.io-client keeps events that arrive before the CONNECT packet and hands them out just
before its own ``connect`` event; so before 1.1 a page saw ``snapshot`` first.
"""

from __future__ import annotations

import pytest

SLUG = "daugavpils-2021"

ORDER_SCRIPT = """async ([slug, transports]) => {
  const order = [];
  const socket = io({auth: {event: slug}, transports, reconnection: false});
  socket.on("connect", () => order.push("connect"));
  const snapshot = await new Promise((resolve, reject) => {
    socket.on("snapshot", (data) => { order.push("snapshot"); resolve(data); });
    socket.on("connect_error", (err) => reject(String(err)));
  });
  const answer = await socket.timeout(10000).emitWithAck("resync", {since: snapshot.seq});
  socket.disconnect();
  return {order, seq: snapshot.seq, answer};
}"""


@pytest.mark.parametrize("transports", [["websocket"], ["polling"]])
def test_connect_fires_before_the_snapshot(new_context, live_server, transports):
    page = new_context().new_page()
    page.goto(f"{live_server.url}/events/{SLUG}?lang=en")
    result = page.evaluate(ORDER_SCRIPT, [SLUG, transports])
    assert result["order"] == ["connect", "snapshot"]
    assert result["answer"] == {"updates": []}
