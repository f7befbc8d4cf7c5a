"""``GET /health``: can this process serve? (PROTOCOL.md, "Operations (1.1)").

Cheap enough for a load balancer to ask every second: the checks run at most once per
``[health] cache_seconds`` per process (one asker runs them, the others get the last answer
meanwhile), each bounded by ``[health] timeout_seconds``, and no request session, cookie or
ORM object is involved.

- ``database``: a new connection (never one from the pool, which could be a socket opened
  before the database went away) runs one query. SQLite opens the file read-write without
  creating it, so a file that was moved away or cannot be read fails; PostgreSQL gets a
  connect timeout and a statement timeout.
- ``message_queue``: a Redis ``PING`` when ``socketio.message_queue`` is set, else ``off``.
- ``worker``: the task worker inside this process (``tasks.in_process_worker``) is running;
  ``off`` when this process runs none (a ``conference worker`` does the work).

A check that changes from passing to failing (or back) is logged once, with its reason; the
server keeps running and answers 503 naming the check until it passes again.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from dataclasses import dataclass, field

from conference.ops import metrics

log = logging.getLogger(__name__)

OK, OFF = "ok", "off"


@dataclass
class HealthMonitor:
    """The last result of the checks in this process, and who is running them now."""

    app: object
    checked_at: float = float("-inf")
    checks: dict = field(default_factory=dict)
    reasons: dict = field(default_factory=dict)
    _running: threading.Lock = field(default_factory=threading.Lock)

    @property
    def settings(self) -> dict:
        return self.app.config["SETTINGS"]["health"]

    def current(self) -> tuple[dict, dict]:
        """``(checks, reasons)``, run again when older than ``cache_seconds``."""
        fresh = time.monotonic() - self.checked_at < float(self.settings["cache_seconds"])
        if fresh and self.checks:
            return self.checks, self.reasons
        # One asker runs the checks; the others answer with the last result meanwhile (the
        # very first askers wait for it, there being none yet).
        if self._running.acquire(blocking=not self.checks):
            try:
                self._run()
            finally:
                self._running.release()
        return self.checks, self.reasons

    def _run(self) -> None:
        timeout = float(self.settings["timeout_seconds"])
        results = {
            "database": _guard(check_database, self.app.config["DATABASE_URL"], timeout),
            "message_queue": _guard(
                check_message_queue, self.app.config["SETTINGS"]["socketio"], timeout
            ),
            "worker": _guard(check_worker, self.app),
        }
        checks = {name: status for name, (status, _reason) in results.items()}
        reasons = {name: reason for name, (_status, reason) in results.items() if reason}
        for name, status in checks.items():
            failing = status not in (OK, OFF)
            was_failing = self.checks.get(name, OK) not in (OK, OFF)
            if failing and not was_failing:
                log.error("health: %s failing: %s", name, reasons.get(name, status))
            elif was_failing and not failing:
                log.warning("health: %s ok again", name)
            metrics.HEALTH_FAILING.labels(name).set(1 if failing else 0)
        self.checks, self.reasons = checks, reasons
        self.checked_at = time.monotonic()


def _guard(check, *args) -> tuple[str, str | None]:
    """Run one check; any exception is that check failing, with the exception's first line."""
    try:
        return check(*args), None
    except Exception as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        return "failing", (reason[0] if reason else type(exc).__name__)[:200]


def check_database(url: str, timeout: float) -> str:
    if url.startswith("sqlite"):
        return _check_sqlite(url, timeout)
    import sqlalchemy as sa
    from sqlalchemy.pool import NullPool

    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    engine = sa.create_engine(
        url,
        poolclass=NullPool,
        connect_args={
            "connect_timeout": max(1, round(timeout)),
            "options": f"-c statement_timeout={int(timeout * 1000)}",
        },
    )
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    finally:
        engine.dispose()
    return OK


def _check_sqlite(url: str, timeout: float) -> str:
    path = url.split(":///", 1)[1] if ":///" in url else ""
    if not path or path == ":memory:":
        return OK
    # mode=rw: a missing file is an error, not a new empty database.
    connection = sqlite3.connect(f"file:{path}?mode=rw", uri=True, timeout=timeout)
    try:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    finally:
        connection.close()
    return OK


def check_message_queue(settings: dict, timeout: float) -> str:
    url = settings.get("message_queue")
    if not url:
        return OFF
    import redis

    client = redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
    try:
        client.ping()
    finally:
        client.close()
    return OK


def check_worker(app) -> str:
    if not app.config.get("TASKS_IN_PROCESS_WORKER"):
        return OFF
    consumer = app.extensions.get("greetings_consumer")
    if consumer is None:
        return OFF  # not serving (tests, CLI commands): no worker started in this process
    if consumer.stop_flag.is_set():
        raise RuntimeError("the in-process task worker has stopped")
    return OK


def health_answer(app, with_reasons: bool = False) -> tuple[dict, int]:
    """The protocol's body and status. The failing checks' reasons (error messages that name
    hosts and files) only ``with_reasons``: for the addresses allowed to read metrics."""
    monitor = app.extensions["health"]
    checks, reasons = monitor.current()
    failing = [name for name, status in checks.items() if status not in (OK, OFF)]
    if not failing:
        return {"status": "ok", "checks": checks}, 200
    body = {"status": "failing", "checks": checks, "failing": failing}
    if with_reasons:
        body["reasons"] = {name: reasons[name] for name in failing if name in reasons}
    return body, 503
