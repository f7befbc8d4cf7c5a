"""WebSocket messages capped while they are read, not after.

gevent-websocket reads each frame whole (``raw_read(header.length)``) and joins the frames of
a message before Engine.IO compares the message with ``max_http_buffer_size``: a client that
announced a 40 MiB frame had the server buffer 40 MiB first. :class:`CappedWebSocket` checks
the running length of the message in each frame's header, before its payload is read, and
closes the connection (1009, message too big) when it passes the limit.

It also reads the commonest message cheaply. An attendee's messages (a clap, an upvote, a
pong) are small text messages in one masked frame; during a reaction storm one process reads
10,000 of them a second, and gevent-websocket's reader spent about 30 % of the server's time
on each (docs/benchmarks.md, "Reaction storm"): three ``read`` calls through Python for the
header, mask and payload, a ``Header`` object, a per-byte Python loop to unmask and a per-byte
Python UTF-8 validator. :meth:`CappedWebSocket.read_message` looks into the connection's read
buffer first (``rfile.peek``, at most one ``recv`` as the normal path would do): when a whole
final, masked text frame of at most 125 bytes is there, it takes it in one ``read``, unmasks it
with one integer XOR and decodes it with Python's strict UTF-8 decoder. Anything else (a longer
or fragmented message, a control frame, a binary one, an unmasked one, a frame only partly
arrived, reserved bits) takes gevent-websocket's own path from the same buffer, which is
unchanged except that it unmasks with the same XOR and leaves the UTF-8 check to the strict
decode of the whole message (invalid UTF-8 still closes the connection with 1007).
"""

from __future__ import annotations

from geventwebsocket.exceptions import WebSocketError
from geventwebsocket.websocket import Header, WebSocket

CLOSE_TOO_BIG = 1009
_FIN_TEXT = 0x81  # FIN bit, no reserved bits, opcode 1 (text)


def unmask(mask: bytes, payload: bytes) -> bytes:
    """``payload`` XOR the 4-byte ``mask`` repeated (RFC 6455 5.3), as one integer operation."""
    length = len(payload)
    if not length:
        return b""
    key = (mask * (length // 4 + 1))[:length]
    return (int.from_bytes(payload, "big") ^ int.from_bytes(key, "big")).to_bytes(length, "big")


class MessageTooBig(WebSocketError):
    pass


class CappedWebSocket(WebSocket):
    """gevent-websocket's socket with a limit per message (the handler's ``max_message_bytes``)."""

    __slots__ = ()

    def read_frame(self):
        header = Header.decode_header(self.stream)
        limit = getattr(self.handler, "max_message_bytes", None)
        if limit is not None:
            if header.opcode in (self.OPCODE_TEXT, self.OPCODE_BINARY):
                self.handler.message_bytes = 0
            if header.opcode in (self.OPCODE_TEXT, self.OPCODE_BINARY, self.OPCODE_CONTINUATION):
                self.handler.message_bytes = getattr(self.handler, "message_bytes", 0)
                self.handler.message_bytes += header.length
                if self.handler.message_bytes > limit:
                    raise MessageTooBig(f"message over {limit} bytes")
        if header.flags:
            raise WebSocketError("reserved bits set")
        if not header.length:
            return header, b""
        payload = self.raw_read(header.length)
        if len(payload) != header.length:
            raise WebSocketError("Unexpected EOF reading frame payload")
        if header.mask:
            payload = unmask(header.mask, payload)
        return header, payload

    def read_message(self):
        rfile = self.handler.rfile
        data = rfile.peek(2)  # what is buffered; one recv only when nothing is
        if len(data) >= 6 and data[0] == _FIN_TEXT:
            second = data[1]
            length = second & 0x7F
            if second & 0x80 and length < 126 and len(data) >= 6 + length:
                limit = getattr(self.handler, "max_message_bytes", None)
                if limit is None or length <= limit:
                    frame = rfile.read(6 + length)
                    return unmask(frame[2:6], frame[6:]).decode("utf-8")
        return super().read_message()

    def validate_utf8(self, payload):
        """Per frame: nothing. The whole message is decoded strictly (``_decode_bytes``), which
        refuses invalid UTF-8 as gevent-websocket's pure-Python validator did, in C."""

    def receive(self):
        try:
            return super().receive()
        except MessageTooBig:
            self.close(CLOSE_TOO_BIG)
            return None
