"""Lean attendees for many-connection tests: raw Engine.IO 4 / Socket.IO 5 over a plain socket
(WebSocket) or HTTP long-polling, one thread each, recording every ``snapshot`` and ``update``.

python-socketio's client costs two or three threads and a queue per connection; these cost one
thread, so a test can hold a few hundred. Each records ``("snapshot", seq)`` and
``("update", seq)`` in arrival order; a new connection starts with its snapshot.
"""

from __future__ import annotations

import json
import os
import socket
import struct
import threading
import time

import requests

from conference.live.fastpath_check import websocket_upgrade_request

IO_TIMEOUT_S = 1.0  # a read that waits longer checks whether the test is over
MAX_CONNECTS = 8  # planned reconnects plus those after the server closed the connection


class WebSocketAttendee(threading.Thread):
    """``reconnect_at``: seqs after which it drops the connection and connects again.
    ``pause``: an Event; when set the attendee stops reading until ``resume`` is set (its
    receive buffer is then made small, so the server's socket fills)."""

    def __init__(self, port, slug, stop, reconnect_at=(), pause=None, resume=None, small=False):
        super().__init__(daemon=True)
        self.port, self.slug, self.stop = port, slug, stop
        self.reconnect_at = set(reconnect_at)
        self.pause, self.resume, self.small = pause, resume, small
        self.records: list[tuple[str, int]] = []
        self.connects = 0
        self.paused_at = self.resumed_at = None
        self.error: str | None = None

    def run(self):
        try:
            while not self.stop.is_set():
                if not self._connection():
                    return
        except Exception as exc:  # recorded, and the test reports it
            self.error = f"{type(exc).__name__}: {exc}"

    def _connection(self) -> bool:
        """One connection; True: connect again."""
        conn = socket.socket()
        if self.small:
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        conn.settimeout(IO_TIMEOUT_S * 10)
        conn.connect(("127.0.0.1", self.port))
        self.connects += 1
        conn.sendall(websocket_upgrade_request())
        buffer = bytearray()
        while b"\r\n\r\n" not in buffer:
            chunk = conn.recv(4096)
            if not chunk:
                raise EOFError("closed during the handshake")
            buffer += chunk
        end = buffer.index(b"\r\n\r\n") + 4
        if b" 101 " not in bytes(buffer[:end]).split(b"\r\n")[0]:
            raise RuntimeError(bytes(buffer[:80]))
        del buffer[:end]
        conn.settimeout(IO_TIMEOUT_S)

        def send(text: str) -> None:
            data = text.encode()
            mask = os.urandom(4)
            body = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
            if len(data) < 126:
                head = bytes([0x81, 0x80 | len(data)])
            else:
                head = bytes([0x81, 0x80 | 126]) + struct.pack("!H", len(data))
            conn.sendall(head + mask + body)

        def read(n: int) -> bytes:
            while len(buffer) < n:
                if self.stop.is_set():
                    raise EOFError("stopped")
                try:
                    chunk = conn.recv(65536)
                except TimeoutError:
                    continue
                if not chunk:
                    raise EOFError("closed by the server")
                buffer.extend(chunk)
            out = bytes(buffer[:n])
            del buffer[:n]
            return out

        try:
            while True:
                if self.pause is not None and self.pause.is_set() and self.resumed_at is None:
                    self.paused_at = time.monotonic()
                    while not self.resume.wait(0.1):
                        if self.stop.is_set():
                            return False
                    self.resumed_at = time.monotonic()
                first, second = read(2)
                if first == 0x88:
                    # The server closed the connection (a late pong on a starved machine): a
                    # page connects again and gets a fresh snapshot; so does this attendee.
                    return self._again()
                if first != 0x81 or second & 0x80:
                    raise RuntimeError(f"unexpected frame header {first:#x} {second:#x}")
                length = second & 0x7F
                if length == 126:
                    (length,) = struct.unpack("!H", read(2))
                elif length == 127:
                    (length,) = struct.unpack("!Q", read(8))
                text = read(length).decode("utf-8")
                if text.startswith("0"):
                    send("40" + json.dumps({"event": self.slug}))
                elif text == "2":
                    send("3")
                elif self._record(text):
                    return True
        except EOFError:
            return False
        finally:
            conn.close()

    def _again(self) -> bool:
        if self.connects >= MAX_CONNECTS:
            raise RuntimeError(f"closed by the server {self.connects} times")
        return True

    def _record(self, text: str) -> bool:
        """Record a Socket.IO event; True: drop this connection now."""
        if not text.startswith("42["):
            return False
        name, data = json.loads(text[2:])[:2]
        if name in ("snapshot", "update"):
            self.records.append((name, data["seq"]))
            if name == "update" and data["seq"] in self.reconnect_at:
                self.reconnect_at.discard(data["seq"])
                return True
        return False


class PollingAttendee(threading.Thread):
    def __init__(self, port, slug, stop):
        super().__init__(daemon=True)
        self.port, self.slug, self.stop = port, slug, stop
        self.records: list[tuple[str, int]] = []
        self.connects = 1
        self.error: str | None = None

    def run(self):
        self.connects = 0
        try:
            while not self.stop.is_set() and self._session():
                if self.connects >= MAX_CONNECTS:
                    raise RuntimeError(f"closed by the server {self.connects} times")
        except Exception as exc:
            if not self.stop.is_set():
                self.error = f"{type(exc).__name__}: {exc}"

    def _session(self) -> bool:
        """One Engine.IO session; True: the server ended it (a late pong), connect again."""
        base = f"http://127.0.0.1:{self.port}/socket.io/?EIO=4&transport=polling"
        session = requests.Session()
        opened = session.get(base, timeout=10).text
        self.connects += 1
        url = f"{base}&sid={json.loads(opened[1:])['sid']}"
        session.post(url, data="40" + json.dumps({"event": self.slug}), timeout=10)
        while not self.stop.is_set():
            answer = session.get(url, timeout=60)
            if answer.status_code == 400:
                return True  # "Session is disconnected"
            for text in answer.text.split("\x1e"):
                if text == "2":
                    session.post(url, data="3", timeout=10)
                elif text.startswith("42["):
                    name, data = json.loads(text[2:])[:2]
                    if name in ("snapshot", "update"):
                        self.records.append((name, data["seq"]))
                elif text.startswith("1"):
                    return True
        return False


def wait_for(condition, seconds: float, step: float = 0.05) -> bool:
    """Poll ``condition`` until it holds or ``seconds`` pass; its last answer."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


def last_seq(attendee) -> int | None:
    return attendee.records[-1][1] if attendee.records else None


def order_problems(records: list[tuple[str, int]], final: int, connects: int) -> list[str]:
    """Every connection: its snapshot, then every update after it once, in order; and the last
    connection reaches ``final``."""
    problems = []
    snapshots = [i for i, (name, _seq) in enumerate(records) if name == "snapshot"]
    if len(snapshots) != connects:
        problems.append(f"{len(snapshots)} snapshots for {connects} connections")
    if not snapshots or snapshots[0] != 0:
        return [*problems, "the first message is not a snapshot"]
    for start, end in zip(snapshots, [*snapshots[1:], len(records)], strict=True):
        expected = records[start][1]
        for name, seq in records[start + 1 : end]:
            if seq != expected + 1:
                problems.append(f"{name} {seq} after {expected}")
                break
            expected = seq
    if records[-1][1] != final:
        problems.append(f"ends at seq {records[-1][1]}, not {final}")
    return problems
