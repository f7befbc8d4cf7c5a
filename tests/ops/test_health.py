"""``GET /health``: 200 while the process can serve; 503 naming the database while it cannot
(a PostgreSQL database that refuses connections, one that hangs, an SQLite file that is gone or
unreadable), and 200 again when it is back; the change is logged once."""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import time
import uuid
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from conference.app import create_app
from conference.db import Base, db, make_engine
from tests.conftest import PG_ADMIN_URL
from tests.live.servers import ServerProcess

pytestmark = pytest.mark.integration

FAILING_LOG = "health: database failing"
OK_AGAIN_LOG = "health: database ok again"


def make_app(tmp_path: Path, url: str, **health):
    app = create_app(
        test_config={
            "TESTING": True,
            "INSTANCE_DIR": str(tmp_path / "instance"),
            "DATABASE_URL": url,
            "SECRET_KEY": "test-" + uuid.uuid4().hex,
        },
        async_mode="threading",
    )
    # No reuse of the last answer: each request runs the checks (the cache has its own test).
    app.config["SETTINGS"]["health"].update({"cache_seconds": 0.0, **health})
    return app


def sqlite_url(tmp_path: Path) -> tuple[str, Path]:
    path = tmp_path / "conference.db"
    engine = make_engine(f"sqlite:///{path}")
    import conference.models  # noqa: F401

    Base.metadata.create_all(engine)
    engine.dispose()
    return f"sqlite:///{path}", path


def health(client) -> tuple[int, dict]:
    response = client.get("/health")
    assert response.headers.get("Set-Cookie") is None, "a health check gets no cookie"
    return response.status_code, response.get_json()


def test_ok_names_every_check(tmp_path):
    url, _ = sqlite_url(tmp_path)
    app = make_app(tmp_path, url)
    status, body = health(app.test_client())
    assert status == 200
    assert body == {
        "status": "ok",
        "checks": {"database": "ok", "message_queue": "off", "worker": "off"},
    }


def test_sqlite_file_moved_away_then_back(tmp_path, caplog):
    url, path = sqlite_url(tmp_path)
    app = make_app(tmp_path, url)
    client = app.test_client()
    assert health(client)[0] == 200
    moved = path.with_suffix(".away")
    caplog.set_level(logging.INFO, logger="conference.ops.health")
    path.rename(moved)
    try:
        for _ in range(3):
            status, body = health(client)
            assert status == 503
            assert body["failing"] == ["database"]
            assert body["checks"]["database"] == "failing"
        # The test client's address is loopback, allowed to read the reason.
        assert "unable to open database file" in body["reasons"]["database"]
        assert not path.exists(), "the check must not create an empty database in its place"
    finally:
        moved.rename(path)
    assert health(client)[0] == 200
    messages = [record.getMessage() for record in caplog.records]
    assert sum(FAILING_LOG in message for message in messages) == 1, messages
    assert sum(OK_AGAIN_LOG in message for message in messages) == 1, messages


def test_reasons_only_for_addresses_that_may_read_metrics(tmp_path):
    url, path = sqlite_url(tmp_path)
    app = make_app(tmp_path, url)
    path.unlink()
    response = app.test_client().get("/health", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert response.status_code == 503
    assert response.get_json()["failing"] == ["database"]
    assert "reasons" not in response.get_json()


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a file whatever its mode")
def test_sqlite_file_unreadable_then_readable(tmp_path):
    url, path = sqlite_url(tmp_path)
    app = make_app(tmp_path, url)
    client = app.test_client()
    path.chmod(0)
    try:
        assert health(client)[0] == 503
    finally:
        path.chmod(0o644)
    assert health(client)[0] == 200


def test_sqlite_file_garbled_then_repaired(tmp_path):
    """Root can read any file, so "unreadable" here is a file SQLite cannot read as a database."""
    url, path = sqlite_url(tmp_path)
    app = make_app(tmp_path, url)
    client = app.test_client()
    original = path.read_bytes()
    path.write_bytes(b"not a database " * 512)
    try:
        status, body = health(client)
        assert status == 503 and body["failing"] == ["database"]
    finally:
        path.write_bytes(original)
    assert health(client)[0] == 200


def test_the_answer_is_reused_for_cache_seconds(tmp_path):
    url, path = sqlite_url(tmp_path)
    app = make_app(tmp_path, url, cache_seconds=3600.0)
    client = app.test_client()
    assert health(client)[0] == 200
    path.unlink()
    # Within the hour the last answer stands: a balancer asking every second costs nothing.
    assert health(client)[0] == 200
    app.extensions["health"].checked_at = float("-inf")  # the hour is over
    assert health(client)[0] == 503


@pytest.fixture
def own_postgres_database(postgres_url):
    """A PostgreSQL database of this test, which the test may close to connections."""
    name = f"conference_health_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = make_engine(PG_ADMIN_URL).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE template0'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name

    def allow(allowed: bool) -> None:
        with admin.connect() as connection:
            connection.execute(
                sa.text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(allowed).lower()}')
            )
            if not allowed:
                connection.execute(
                    sa.text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = :name"
                    ),
                    {"name": name},
                )

    yield url, allow
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_postgres_database_closed_to_connections_then_open(tmp_path, own_postgres_database, caplog):
    url, allow = own_postgres_database
    app = make_app(tmp_path, url)
    client = app.test_client()
    try:
        assert health(client)[0] == 200
        caplog.set_level(logging.INFO, logger="conference.ops.health")
        allow(False)
        status, body = health(client)
        assert status == 503 and body["failing"] == ["database"]
        assert "not currently accepting connections" in body["reasons"]["database"]
        allow(True)
        assert health(client)[0] == 200
        messages = [record.getMessage() for record in caplog.records]
        assert sum(FAILING_LOG in m for m in messages) == 1, messages
    finally:
        allow(True)
        db.engine.dispose()


class StalledProxy:
    """A TCP listener that accepts connections and never answers: a database host that hangs."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.held: list[socket.socket] = []
        self.stopping = False
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while not self.stopping:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.held.append(connection)

    def close(self) -> None:
        self.stopping = True
        self.listener.close()
        for connection in self.held:
            with contextlib.suppress(OSError):
                connection.close()


def test_a_database_that_hangs_fails_within_the_timeout(tmp_path, postgres_url):
    proxy = StalledProxy()
    try:
        url = f"postgresql://postgres@127.0.0.1:{proxy.port}/nothing"
        app = make_app(tmp_path, url, timeout_seconds=2.0)
        started = time.monotonic()
        status, body = health(app.test_client())
        took = time.monotonic() - started
        assert status == 503 and body["failing"] == ["database"]
        # The check gives up after timeout_seconds (2 s); 6 s leaves room for a loaded 2-core
        # machine while still catching a check that waits for the kernel's TCP timeout (minutes).
        assert took < 6.0, f"the check took {took:.1f} s, {took - 6.0:.1f} s over 6 s"
    finally:
        proxy.close()


def test_a_running_server_answers_and_logs_the_change_once(tmp_path):
    url, path = sqlite_url(tmp_path)
    server = ServerProcess(
        url, tmp_path / "server", "k-" + uuid.uuid4().hex, health_cache_seconds=0
    )
    server.start()
    try:
        answer = requests.get(server.url + "/health", timeout=10)
        assert answer.status_code == 200 and answer.json()["checks"]["worker"] == "ok"
        assert "Set-Cookie" not in answer.headers
        moved = path.with_suffix(".away")
        path.rename(moved)
        try:
            for _ in range(3):
                answer = requests.get(server.url + "/health", timeout=10)
                assert answer.status_code == 503, answer.text
                assert answer.json()["failing"] == ["database"]
        finally:
            moved.rename(path)
        assert requests.get(server.url + "/health", timeout=10).status_code == 200
        assert server.process.poll() is None
        log = server.log()
        assert log.count(FAILING_LOG) == 1, log
        assert log.count(OK_AGAIN_LOG) == 1, log
    finally:
        server.stop()


GEVENT_EXPERIMENT = """
from gevent import monkey; monkey.patch_all()
import socket, sys, time
import gevent
from conference.ops.health import _guard, check_database

listener = socket.create_server(("127.0.0.1", 0))
held = []
gevent.spawn(lambda: [held.append(listener.accept()[0]) for _ in iter(int, 1)])
ticks = []

def tick():
    end = time.monotonic() + 2.0
    while time.monotonic() < end:
        ticks.append(1)
        gevent.sleep(0.01)

ticker = gevent.spawn(tick)
port = listener.getsockname()[1]
status, _ = _guard(check_database, f"postgresql://postgres@127.0.0.1:{port}/x", 2.0)
ticker.join()
print(status, len(ticks))
"""


def test_under_gevent_a_hanging_check_does_not_stop_the_server(postgres_url):
    """The real server is one gevent process: while a check waits for a database that hangs,
    every other greenlet (every attendee's connection) must go on."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", GEVENT_EXPERIMENT], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    status, ticks = done.stdout.split()
    assert status == "failing"
    # 2 s of 10 ms sleeps is about 200 ticks; a check that blocked the loop leaves almost none.
    assert int(ticks) > 100, f"only {ticks} of about 200 ticks while the check waited"


def test_message_queue_ok_then_unreachable(tmp_path, redis_url):
    url, _ = sqlite_url(tmp_path)
    app = make_app(tmp_path, url)
    client = app.test_client()
    # The check reads the setting each time; changed after start so no listener is started.
    settings = app.config["SETTINGS"]["socketio"]
    settings["message_queue"] = redis_url
    status, body = health(client)
    assert status == 200 and body["checks"]["message_queue"] == "ok"
    with socket.create_server(("127.0.0.1", 0)) as closed:
        port = closed.getsockname()[1]
    settings["message_queue"] = f"redis://127.0.0.1:{port}/0"  # nothing listens there now
    status, body = health(client)
    assert status == 503 and body["failing"] == ["message_queue"]
    assert body["checks"]["database"] == "ok"
