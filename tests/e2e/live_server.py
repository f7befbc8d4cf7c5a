"""A real ``conference serve`` process for browser tests, that can be killed and started again;
and a proxy in front of it that refuses WebSockets, as some networks do.

The server runs in its own process on a free port of 127.0.0.1, with a temporary instance
folder and SQLite database, exactly as an operator would start it (gevent, WebSocket). Killing
it with SIGKILL and starting it again on the same port and database is how the tests check
that pages survive a crash of the server.
"""

from __future__ import annotations

import http.client
import http.server
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 30.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ServerProcess:
    """``conference serve`` on ``port`` with the instance folder ``instance``; restartable."""

    def __init__(self, instance: Path, database_url: str, port: int | None = None):
        self.instance = instance
        self.database_url = database_url
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self.log_path = instance / "server.log"

    def environment(self) -> dict:
        env = dict(os.environ)
        env.update(
            {
                "PYTHONPATH": str(REPO_DIR) + os.pathsep + env.get("PYTHONPATH", ""),
                "CONFERENCE_SERVER_INSTANCE_DIR": str(self.instance),
                "CONFERENCE_DATABASE_URL": self.database_url,
                "CONFERENCE_SOCKETIO_MESSAGE_QUEUE": "",
                "CONFERENCE_TASKS_IN_PROCESS_WORKER": "false",
                "PYTHONUNBUFFERED": "1",
            }
        )
        return env

    def start(self) -> None:
        """Start the server and wait until it answers HTTP (at most START_TIMEOUT_S)."""
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "conference.cli", "serve", "--port", str(self.port)],
            cwd=REPO_DIR,
            env=self.environment(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.log()}")
            try:
                with urllib.request.urlopen(self.url + "/api/v1/events", timeout=2):
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"server did not answer within {START_TIMEOUT_S} s:\n{self.log()}")

    def kill(self) -> None:
        """Kill the server without warning, as a crash would (SIGKILL), and wait for it."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None

    def stop(self) -> None:
        """Stop the server politely (SIGTERM), killing it if it does not go within 10 s."""
        if self.process is None or self.process.poll() is not None:
            self.process = None
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()
        self.process = None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:] if self.log_path.exists() else ""


class NoWebSocketProxy:
    """A proxy in front of a server that refuses WebSocket upgrades with 403 and passes every
    other request through, as some school firewalls do. ``url`` is where browsers should go."""

    def __init__(self, target_url: str):
        self.target = urllib.parse.urlsplit(target_url)
        self.refused: list[str] = []
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                proxy.forward(self)

            def do_POST(self):
                proxy.forward(self)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def forward(self, request) -> None:
        if request.headers.get("Upgrade", "").lower() == "websocket":
            self.refused.append(request.path)
            request.send_response(403)
            request.send_header("Content-Length", "0")
            request.end_headers()
            return
        length = int(request.headers.get("Content-Length") or 0)
        body = request.rfile.read(length) if length else None
        # Host passes through unchanged, so the server's same-origin check sees the browser's.
        skipped = {"connection", "keep-alive", "proxy-connection", "transfer-encoding"}
        headers = {k: v for k, v in request.headers.items() if k.lower() not in skipped}
        upstream = http.client.HTTPConnection(self.target.hostname, self.target.port, timeout=60)
        try:
            upstream.request(request.command, request.path, body=body, headers=headers)
            answer = upstream.getresponse()
            data = answer.read()
        finally:
            upstream.close()
        request.send_response(answer.status)
        for key, value in answer.getheaders():
            if key.lower() not in skipped | {"content-length", "host"}:
                request.send_header(key, value)
        request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        request.wfile.write(data)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)
