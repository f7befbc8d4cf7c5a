"""Prometheus metrics: what the event day looks like from the server (``GET /metrics``).

The metric objects live here, at module level, so that the code that counts (the command
service, the publisher, presence, the error handlers) only imports them; nothing here imports
those domains back. Values that already live elsewhere (the task queue's length, greetings per
status) are read at scrape time by :class:`StateCollector`, so they are right whichever process
changed them.

Several processes on one machine (``conference serve`` on three ports, ``conference worker``):
set the environment variable ``PROMETHEUS_MULTIPROC_DIR`` to one empty folder for all of them
(emptied before they start); every process then writes its counters there and ``/metrics`` of
any one of them answers for all (prometheus-client's multi-process mode: counters and histograms
summed, ``conference_followers`` summed over live processes). Without it each process answers
for itself and Prometheus scrapes each.
"""

from __future__ import annotations

import ipaddress
import logging
import os
from pathlib import Path

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily

log = logging.getLogger(__name__)

MULTIPROCESS = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))

FOLLOWERS = Gauge(
    "conference_followers",
    "Socket.IO connections following the event now (attendees, consoles and screens).",
    ["event"],
    multiprocess_mode="livesum",
)
COMMANDS = Counter(
    "conference_commands_total",
    "Moderator commands by event, type and outcome (applied, repeated, conflict, refused, error).",
    ["event", "type", "status"],
)
# Commit to emit: most updates leave within a few milliseconds; a busy process or a Redis hop
# adds tens; the protocol's promise is 2 s.
DELIVERY = Histogram(
    "conference_update_delivery_seconds",
    "Time from an update's commit to its emit to this process's followers.",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0),
)
# Packets of room broadcasts by how they left (conference.live.fastpath): "fast", one frame
# written from the broadcast loop; "normal", through the connection's Engine.IO queue (polling,
# packets already queued, a full socket buffer, or the fast path switched off).
FANOUT = Counter(
    "conference_fanout_packets_total",
    "Broadcast packets handed to connections, by path (fast, normal).",
    ["path"],
)
HTTP_REQUESTS = Counter(
    "conference_http_requests_total", "HTTP requests answered, by status.", ["status"]
)
GREETING_FAILURES = Counter(
    "conference_greeting_processing_failures_total",
    "Greetings whose video processing failed (the partner sees the reason).",
)
UPLOADS_IN_PROGRESS = Gauge(
    "conference_uploads_in_progress",
    "tus PATCH requests receiving a greeting's bytes right now.",
    multiprocess_mode="livesum",
)
LIMIT_REFUSALS = Counter(
    "conference_rate_limit_refusals_total",
    "Requests refused with 429 by a rate limit, by endpoint.",
    ["endpoint"],
)
HEALTH_FAILING = Gauge(
    "conference_health_failing",
    "1 while the named health check fails in this process.",
    ["check"],
    multiprocess_mode="livemax",
)
# One flush of the attendance recorder (conference/participants/attendance_recorder.py): a
# statement per 900 open stretches (an INSERT per 1,000 new ones), never one per attendee.
ATTENDANCE_FLUSH = Histogram(
    "conference_attendance_flush_seconds",
    "Time of one attendance flush (one transaction writing the intervals of this process).",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
ATTENDANCE_FLUSH_FAILURES = Counter(
    "conference_attendance_flush_failures_total",
    "Attendance flushes that failed (the database away); the next one writes what they had.",
)

# Label values we never want to grow without bound: an unknown command type is "unknown".
UNKNOWN = "unknown"


class StateCollector:
    """Values read when scraped: the task queue's length and the greetings per status."""

    def __init__(self, app) -> None:
        self.app = app

    def collect(self):
        queue = GaugeMetricFamily(
            "conference_task_queue_length",
            "Tasks waiting in the task queue (greeting processing, greeting ends, cleanups).",
        )
        tasks = self.app.extensions.get("greetings_tasks")
        if tasks is not None:
            try:
                queue.add_metric([], tasks.huey.pending_count())
            except Exception as exc:  # the queue's storage is away: leave the value out
                log.warning("metrics: cannot read the task queue's length: %s", _first_line(exc))
        yield queue
        greetings = GaugeMetricFamily(
            "conference_greetings",
            "Greetings by processing status (uploading, processing, ready, failed).",
            labels=["status"],
        )
        try:
            for status, count in self._greeting_counts():
                greetings.add_metric([status], count)
        except Exception as exc:
            log.warning("metrics: cannot count greetings: %s", _first_line(exc))
        yield greetings

    def _greeting_counts(self):
        import sqlalchemy as sa
        from sqlalchemy.orm import Session

        from conference.db import db
        from conference.greetings.models import Greeting

        with Session(db.engine) as session:
            return session.execute(
                sa.select(Greeting.status, sa.func.count()).group_by(Greeting.status)
            ).all()


def _first_line(exc: Exception) -> str:
    lines = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def metrics_text(app) -> bytes:
    """The exposition of every metric (this process's, or every process's in multi-process mode)."""
    registry = CollectorRegistry()
    if MULTIPROCESS:
        from prometheus_client import multiprocess

        forget_dead_processes(os.environ["PROMETHEUS_MULTIPROC_DIR"])
        multiprocess.MultiProcessCollector(registry)
    else:
        from prometheus_client import REGISTRY

        for collector in (
            FOLLOWERS,
            COMMANDS,
            DELIVERY,
            FANOUT,
            HTTP_REQUESTS,
            GREETING_FAILURES,
            UPLOADS_IN_PROGRESS,
            LIMIT_REFUSALS,
            HEALTH_FAILING,
            ATTENDANCE_FLUSH,
            ATTENDANCE_FLUSH_FAILURES,
        ):
            registry.register(collector)
        del REGISTRY  # the default registry's process metrics are not ours to expose twice
    registry.register(StateCollector(app))
    return generate_latest(registry)


CONTENT_TYPE = CONTENT_TYPE_LATEST


def forget_dead_processes(folder: str) -> None:
    """Drop the live gauges (followers, uploads) of processes that ended, however they ended
    (neither a SIGKILL nor the clean stop of a SIGTERM marks a process dead): their files stay
    in the shared folder, and the sum would count a dead process's followers for ever. The
    processes share one machine, so a process id that answers no signal is gone."""
    from prometheus_client import multiprocess

    pids = set()
    for path in Path(folder).glob("gauge_live*_*.db"):
        pid = path.stem.rsplit("_", 1)[-1]
        if pid.isdigit():
            pids.add(int(pid))
    for pid in pids:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            multiprocess.mark_process_dead(pid, folder)
        except PermissionError:
            pass  # alive, another user's


def parse_allowed(entries) -> list:
    """``[metrics] allow``: addresses or networks (``10.0.0.0/8``); a bad entry raises ValueError."""
    return [ipaddress.ip_network(str(entry), strict=False) for entry in entries]


def address_allowed(address: str | None, networks: list) -> bool:
    try:
        parsed = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    if parsed.version == 6 and parsed.ipv4_mapped is not None:
        parsed = parsed.ipv4_mapped
    return any(parsed in network for network in networks)
