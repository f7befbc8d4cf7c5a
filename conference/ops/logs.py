"""Log lines for whoever runs the server: one per request, one per command, text or JSON.

A line names the event (its slug), the actor (a user id, never an e-mail, a name or a token)
and the time taken. Requests are logged by their route (``/partner/<token>``), never by their
path, because paths and query strings carry secrets (invite tokens, upload keys); no header,
cookie, body or form field is ever logged. ``[logging] format = "json"`` writes one JSON
object per line (for Loki, Elasticsearch, journald's JSON export); ``"text"`` (default) writes
``time level logger message key=value …``.
"""

from __future__ import annotations

import json
import logging
import sys
import time

import sqlalchemy as sa
from flask import g, request

request_log = logging.getLogger("conference.requests")

# Attributes every LogRecord has; anything else on a record came from ``extra`` (our fields).
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


def log_line(logger: logging.Logger, message: str, level: int = logging.INFO, **fields) -> None:
    """Log ``message key=value …``; the fields also travel as attributes for the JSON format."""
    if not logger.isEnabledFor(level):
        return
    text = " ".join(f"{key}={_text(value)}" for key, value in fields.items())
    logger.log(level, f"{message} {text}" if text else message, extra={"fields": fields})


def _text(value) -> str:
    if value is None:
        return "-"
    text = str(value)
    return json.dumps(text, ensure_ascii=False) if (" " in text or not text) else text


class SecondsFormatter(logging.Formatter):
    """A formatter in UTC that formats the date and time once a second, not once a line (the
    server writes a line per request; ``time.strftime`` was a tenth of the line's cost)."""

    converter = time.gmtime
    _second: tuple | None = None

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        key = (int(record.created), datefmt)
        cached = self._second
        if cached is None or cached[0] != key:
            seconds = time.strftime(datefmt or self.default_time_format, self.converter(key[0]))
            cached = self._second = (key, seconds)
        if datefmt:
            return cached[1]
        return self.default_msec_format % (cached[1], record.msecs)


class JSONFormatter(SecondsFormatter):
    """One JSON object per record: time, level, logger, message, and the record's fields."""

    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        data.update(getattr(record, "fields", {}) or {})
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False, default=str)


def configure_logging(settings: dict) -> None:
    """The root logger for ``serve`` and ``worker``: level and format from ``[logging]``."""
    handler = logging.StreamHandler(sys.stderr)
    if settings.get("format") == "json":
        handler.setFormatter(JSONFormatter())
    else:
        formatter = SecondsFormatter("%(asctime)s %(levelname)s %(name)s %(message)s")
        formatter.default_msec_format = "%s.%03dZ"
        handler.setFormatter(formatter)
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(str(settings.get("level", "info")).upper())
    # Neither format shows where in the code a line was logged, nor the thread or process
    # (one per line of a log collector anyway): the logging HOWTO's "Optimization" switches
    # spare each record a walk up the stack and the lookups (under gevent, of the greenlet
    # "thread"). About 40 % of the request log line's cost, on every request.
    logging._srcfile = None
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    # gevent-websocket logs every request at INFO, with its path; ours says what matters.
    logging.getLogger("geventwebsocket.handler").setLevel(logging.WARNING)
    # huey logs each task with its arguments at INFO; the arguments are ids and upload keys.
    logging.getLogger("huey").setLevel(logging.WARNING)


QUIET_ROUTES = ("/health", "/metrics")


def start_request_timer() -> None:
    g._request_started = time.perf_counter()


def log_request(response):
    """After each request: one line with method, route, status, event, actor, milliseconds."""
    started = g.pop("_request_started", None)
    rule = request.url_rule.rule if request.url_rule is not None else "-"
    if started is None or rule in QUIET_ROUTES or rule.startswith("/static/"):
        return response
    request_line(
        request.method,
        rule,
        response.status_code,
        (request.view_args or {}).get("slug"),
        _actor_id(),
        started,
    )
    return response


def request_line(
    method: str, route: str, status: int, slug: str | None, actor: int | None, started: float
) -> None:
    """The request's line (``started``: its ``time.perf_counter()``); also written by the fast
    route (conference/live/fast_pages.py) for the answers it gives without Flask."""
    log_line(
        request_log,
        "request",
        method=method,
        route=route,
        status=status,
        event=slug,
        actor=actor,
        ms=round((time.perf_counter() - started) * 1000, 1),
    )


def _actor_id() -> int | None:
    """The user id this request acted as, if it was looked up anyway (no query of our own)."""
    from conference.users.auth import API_USER_CACHE, SESSION_USER_CACHE

    user = request.environ.get(API_USER_CACHE) or request.environ.get(SESSION_USER_CACHE)
    if user is None:
        return None
    # The identity map's key, not ``user.id``: after the request's commit every attribute is
    # expired, and reading one would reload the user with a SELECT (~5 % of a moderator
    # command's CPU, bench/fanout/profile.py).
    identity = getattr(sa.inspect(user, raiseerr=False), "identity", None)
    return identity[0] if identity else getattr(user, "id", None)


class RepeatedFailure:
    """A background loop's failure logged with its traceback once, then one line a minute.

    A loop that runs every second (presence, the audience ticker) and depends on Redis would
    otherwise write a traceback every second for as long as Redis is down, drowning the log
    line that says what is wrong. The first failure is logged in full; while it goes on, one
    warning every ``every_s`` seconds counts the failures since; the first success after a
    failure logs that it recovered.
    """

    def __init__(self, logger: logging.Logger, what: str, every_s: float = 60.0) -> None:
        self.logger, self.what, self.every_s = logger, what, every_s
        self.failures = 0
        self._last_logged = 0.0

    def failed(self) -> None:
        """Call from an ``except`` block."""
        now = time.monotonic()
        self.failures += 1
        if self.failures == 1:
            self.logger.warning("%s failed", self.what, exc_info=True)
            self._last_logged = now
        elif now - self._last_logged >= self.every_s:
            error = sys.exc_info()[1]
            self.logger.warning(
                "%s still failing (%d times so far): %r", self.what, self.failures, error
            )
            self._last_logged = now

    def succeeded(self) -> None:
        if self.failures:
            self.logger.warning("%s works again after %d failures", self.what, self.failures)
            self.failures = 0
