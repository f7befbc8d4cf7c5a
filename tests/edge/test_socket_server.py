"""Socket.IO at the edge against a real ``conference serve`` (gevent, raw WebSocket frames).

The Flask-SocketIO test client cannot send what a hostile client can: JSON nested ten
thousand deep (it would not encode it) or a frame that announces 40 MiB.
"""

from __future__ import annotations

import json
import socket
import struct

import requests
import websocket

from tests.edge.test_body_size import peak_memory_kib
from tests.events.reference_event import SLUG
from tests.live.servers import Follower


def engine_io(server) -> websocket.WebSocket:
    """A Socket.IO connection by hand: Engine.IO open, CONNECT with auth, the snapshot."""
    ws = websocket.create_connection(
        f"ws://127.0.0.1:{server.port}/socket.io/?EIO=4&transport=websocket", timeout=10
    )
    assert ws.recv().startswith("0")
    ws.send("40" + json.dumps({"event": SLUG}))
    first, second = ws.recv(), ws.recv()  # the CONNECT acknowledgement and the snapshot
    assert sorted([first[:2], second[:2]]) == ["40", "42"]
    assert '42["snapshot"' in (first[:13], second[:13])
    return ws


def ack_of(ws, ack_id: int) -> list:
    while True:
        frame = ws.recv()
        if frame == "2":
            ws.send("3")
        elif frame.startswith(f"43{ack_id}"):
            return json.loads(frame[len(f"43{ack_id}") :])


def test_deep_json_over_a_websocket_gets_an_error_ack(app, event, start_server):
    server = start_server()
    ws = engine_io(server)
    deep = "[" * 10_000 + "]" * 10_000
    ws.send(f'421["resync",{deep}]')
    (answer,) = ack_of(ws, 1)
    assert answer["error"]["code"] == "json_too_deep"
    ws.send('422["resync",{"since":"a\\ud800"}]')
    assert ack_of(ws, 2)[0]["error"]["code"] == "invalid_unicode"
    ws.send('423["clock",{}]')
    assert "now_ms" in ack_of(ws, 3)[0]
    ws.close()
    assert "Traceback" not in server.log(), server.log()
    assert requests.get(f"{server.url}/api/v1/events/{SLUG}/state", timeout=10).status_code == 200


def test_a_frame_over_the_limit_closes_that_socket_only(app, event, start_server):
    server = start_server()
    follower = Follower(server.url, SLUG).connect()
    ws = engine_io(server)
    peak_before = peak_memory_kib(server.process.pid)
    forty_mib = 40 * 1024 * 1024
    # A masked text frame that announces 40 MiB; send 4 MiB of it.
    header = bytes([0x81, 0x80 | 127]) + struct.pack("!Q", forty_mib) + b"\x00\x00\x00\x00"
    raw: socket.socket = ws.sock  # closed by ws.close() at the end
    raw.sendall(header)
    try:
        for _ in range(4):
            raw.sendall(b"a" * (1024 * 1024))
    except OSError:
        pass  # closed by the server, as it should
    received = read_until_closed(raw, "the server kept waiting for the 40 MiB frame")
    ws.close()
    assert received.startswith(b"\x88"), received[:20]  # the server's close frame, at once
    grown_mib = (peak_memory_kib(server.process.pid) - peak_before) / 1024
    # 4 MiB were sent; reading the frame whole would have needed 40 MiB. The 8 MiB bound leaves
    # room for socket buffers and the allocator.
    assert grown_mib < 8, f"peak memory grew by {grown_mib:.1f} MiB"
    state = requests.get(f"{server.url}/api/v1/events/{SLUG}/state", timeout=10)
    assert state.status_code == 200
    assert follower.client.connected
    assert Follower(server.url, SLUG).connect().wait_until(lambda f: f.snapshots)
    follower.close()


def frame(payload: bytes, opcode: int = websocket.ABNF.OPCODE_TEXT, fin: int = 1) -> bytes:
    """One masked client frame, as a browser sends it."""
    return websocket.ABNF(fin, 0, 0, 0, opcode, 1, payload).format()


def read_until_closed(raw: socket.socket, waited: str) -> bytes:
    """Everything the server sends until it closes the connection (10 s at most: ``waited``)."""
    raw.settimeout(10)
    received = b""
    try:
        while chunk := raw.recv(65536):
            received += chunk
    except TimeoutError:
        raise AssertionError(waited) from None
    except OSError:
        pass  # reset after the close frame
    return received


def closed_by_server(raw: socket.socket) -> bytes:
    """Read until the server closes; the last frame it sent (its close frame)."""
    received = read_until_closed(raw, "the server did not close the connection")
    start = received.rfind(b"\x88")
    assert start >= 0, f"no close frame from the server: {received[-40:]!r}"
    return received[start:]


def test_the_short_reader_and_the_full_one_read_the_same_messages(app, event, start_server):
    """Small whole text frames are read from the buffer in one step (conference/edge/websocket.py);
    everything else takes gevent-websocket's path. Both, mixed on one connection."""
    server = start_server()
    ws = engine_io(server)
    raw: socket.socket = ws.sock
    clock = 'ONE["clock",{"note":"ģērbtuve, ļoti ķēms žņaudz čūsku"}]'
    # Three small messages in one TCP write: all three are in the buffer at once.
    raw.sendall(b"".join(frame(clock.replace("ONE", f"42{n}").encode()) for n in (1, 2, 3)))
    assert all("now_ms" in ack_of(ws, n)[0] for n in (1, 2, 3))
    # One small frame in two writes: the first part alone is not a whole frame.
    split = frame(clock.replace("ONE", "424").encode())
    raw.sendall(split[:3])
    import time

    time.sleep(0.2)
    raw.sendall(split[3:])
    assert "now_ms" in ack_of(ws, 4)[0]
    # A message in two fragments with a ping between them, and one over 125 bytes.
    text = clock.replace("ONE", "425").encode()
    raw.sendall(
        frame(text[:10], fin=0)
        + frame(b"hi", opcode=websocket.ABNF.OPCODE_PING)
        + frame(text[10:], opcode=websocket.ABNF.OPCODE_CONT)
    )
    assert "now_ms" in ack_of(ws, 5)[0]
    long = ('426["clock",{"note":"' + "ā" * 200 + '"}]').encode()
    assert len(long) > 125
    raw.sendall(frame(long))
    assert "now_ms" in ack_of(ws, 6)[0]
    # Invalid UTF-8 in a small frame closes the connection, as gevent-websocket's own path
    # does (its close frame carries no status code: gevent-websocket 0.10.1 drops the 1007).
    raw.sendall(frame(b'427["clock",{"note":"\xc4"}]'))
    assert closed_by_server(raw) == b"\x88\x00"
    ws.close()
    assert "Traceback" not in server.log(), server.log()
