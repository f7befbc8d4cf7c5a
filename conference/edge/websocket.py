"""WebSocket messages capped while they are read, not after.

gevent-websocket reads each frame whole (``raw_read(header.length)``) and joins the frames of
a message before Engine.IO compares the message with ``max_http_buffer_size``: a client that
announced a 40 MiB frame had the server buffer 40 MiB first. :class:`CappedWebSocket` checks
the running length of the message in each frame's header, before its payload is read, and
closes the connection (1009, message too big) when it passes the limit.
"""

from __future__ import annotations

from geventwebsocket.exceptions import WebSocketError
from geventwebsocket.websocket import Header, WebSocket

CLOSE_TOO_BIG = 1009


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
            payload = header.unmask_payload(payload)
        return header, payload

    def receive(self):
        try:
            return super().receive()
        except MessageTooBig:
            self.close(CLOSE_TOO_BIG)
            return None
