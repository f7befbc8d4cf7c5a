"""Real server processes (``conference serve``) on loopback, and real Socket.IO clients.

:class:`ServerProcess` starts the console script as a subprocess configured by environment
variables only, waits until it answers HTTP, and stops it (or kills it with SIGKILL) within
bounded time. :class:`Follower` is the python-socketio client of an attendee, recording what it
receives. Other test packages may use both.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests
import socketio

START_TIMEOUT_S = 30.0
FAST_PATH_SWITCH = "CONFERENCE_SOCKETIO_FAST_PATH"
STOP_TIMEOUT_S = 10.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def conference_command() -> list[str]:
    script = Path(sys.executable).parent / "conference"
    return [str(script)] if script.exists() else [sys.executable, "-m", "conference.cli"]


class ServerProcess:
    """One ``conference serve`` process; its output goes to ``<instance>/server.log``."""

    def __init__(self, database_url: str, instance_dir: Path, secret_key: str, **settings):
        self.instance_dir = Path(instance_dir)
        self.instance_dir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("CONFERENCE_")},
            # The one setting the suite passes through: CONFERENCE_SOCKETIO_FAST_PATH=false runs
            # every real server of the suite without the broadcast fast path.
            **{k: v for k, v in os.environ.items() if k == FAST_PATH_SWITCH},
            "CONFERENCE_DATABASE_URL": database_url,
            "CONFERENCE_SERVER_INSTANCE_DIR": str(self.instance_dir),
            "CONFERENCE_SERVER_SECRET_KEY": secret_key,
        }
        for key, value in settings.items():
            self.env[f"CONFERENCE_{key.upper()}"] = str(value)
        self.process: subprocess.Popen | None = None
        self.log_path = self.instance_dir / "server.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, *args: str) -> ServerProcess:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [
                *conference_command(),
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                *args,
            ],
            env=self.env,
            cwd=self.instance_dir,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}:\n{self.log()}")
            try:
                requests.get(self.url + "/api/v1/events/-/state", timeout=1)
                return self
            except requests.ConnectionError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"server did not answer within {START_TIMEOUT_S} s:\n{self.log()}")

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, as in a crash."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=STOP_TIMEOUT_S)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.kill()

    def log(self) -> str:
        with contextlib.suppress(OSError):
            return self.log_path.read_text(errors="replace")[-4000:]
        return ""


class Follower:
    """An attendee's Socket.IO client that records snapshots, updates and presence."""

    def __init__(self, url: str, slug: str):
        self.url, self.slug = url, slug
        self.client = socketio.Client(reconnection=False)
        self.snapshots: list[dict] = []
        self.updates: list[dict] = []
        self.presence: list[dict] = []
        self.errors: list = []
        self.dropped = threading.Event()
        self.client.on("snapshot", self.snapshots.append)
        self.client.on("update", self.updates.append)
        self.client.on("presence", self.presence.append)
        self.client.on("connect_error", self.errors.append)
        self.client.on("disconnect", lambda *reason: self.dropped.set())

    def connect(self) -> Follower:
        self.dropped.clear()
        self.client.connect(
            self.url, auth={"event": self.slug}, transports=["websocket"], wait_timeout=10
        )
        return self

    def seqs(self) -> list[int]:
        return [update["seq"] for update in self.updates]

    def wait_until(self, condition, timeout: float = 15.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition(self):
                return True
            time.sleep(0.02)
        return condition(self)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.client.disconnect()


def send_command(server_url: str, slug: str, token: str, body: dict) -> requests.Response:
    return requests.post(
        f"{server_url}/api/v1/events/{slug}/commands",
        json=body,
        headers={"Authorization": f"Bearer {token}"},
        timeout=15,
    )
