"""The WebSocket reader in isolation (conference/edge/websocket.py): which frames take the short
path, and that both paths give what the frames carry. The real server runs it in
tests/edge/test_socket_server.py."""

from __future__ import annotations

import io
import logging
import os

import pytest
import websocket
from geventwebsocket.websocket import Stream, WebSocket

from conference.edge.websocket import CappedWebSocket, MessageTooBig, unmask


class Written(list):
    def sendall(self, data):
        self.append(bytes(data))


class Handler:
    """What the reader uses of gevent-websocket's handler: its buffered ``rfile``, its socket
    (for a pong or a close frame) and the limit."""

    def __init__(self, data: bytes, limit: int | None = None):
        self.rfile = io.BufferedReader(io.BytesIO(data), 1024)
        self.socket = Written()
        self.max_message_bytes = limit
        self.logger = logging.getLogger("tests.websocket")


def frame(payload: bytes, opcode=websocket.ABNF.OPCODE_TEXT, fin=1, mask=1) -> bytes:
    return websocket.ABNF(fin, 0, 0, 0, opcode, mask, payload).format()


def reader(data: bytes, limit=None):
    handler = Handler(data, limit)
    ws = CappedWebSocket({}, Stream(handler), handler)
    slow = []
    original = WebSocket.read_message

    def counted(self):
        slow.append(1)
        return original(self)

    return ws, slow, counted


@pytest.mark.parametrize("length", [0, 1, 3, 4, 5, 64, 125, 126, 127, 1000, 70_000])
def test_unmask_is_the_rfc_xor(length):
    mask, payload = os.urandom(4), os.urandom(length)
    assert unmask(mask, payload) == bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def test_small_whole_text_frames_take_the_short_path(monkeypatch):
    texts = ['2["react",{"kind":"heart"}]', "3", "ā" * 62, ""]
    ws, slow, counted = reader(b"".join(frame(t.encode()) for t in texts))
    monkeypatch.setattr(WebSocket, "read_message", counted)
    assert [ws.read_message() for _ in texts] == texts
    assert slow == [], "a small text frame went the long way"


@pytest.mark.parametrize(
    "data, expected",
    [
        (frame(b"x" * 126), "x" * 126),  # a 16-bit length
        (frame(b"ab", fin=0) + frame(b"cd", opcode=websocket.ABNF.OPCODE_CONT), "abcd"),
        (frame(b"p", opcode=websocket.ABNF.OPCODE_PING) + frame(b"after"), "after"),
        (frame(b"\x00\x01", opcode=websocket.ABNF.OPCODE_BINARY), bytearray(b"\x00\x01")),
        (frame(b"unmasked", mask=0), "unmasked"),
    ],
)
def test_everything_else_takes_gevent_websockets_path(monkeypatch, data, expected):
    ws, slow, counted = reader(data)
    monkeypatch.setattr(WebSocket, "read_message", counted)
    assert ws.read_message() == expected
    assert slow == [1]


def test_invalid_utf8_is_refused_on_both_paths():
    for data in (frame(b"\xc4"), frame(b"\xc4" * 200)):
        ws, _slow, _counted = reader(data)
        with pytest.raises(UnicodeError):
            ws.read_message()


def test_the_limit_holds_on_both_paths():
    for data in (frame(b"y" * 100), frame(b"y" * 300)):
        ws, _slow, _counted = reader(data, limit=50)
        with pytest.raises(MessageTooBig):
            ws.read_message()
