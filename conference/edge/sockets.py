"""Socket.IO at the edge: packet JSON, payload text, and a per-socket event rate.

- Packets are parsed by :class:`SocketJSON` (the server's ``json``): UTF-8 out, and in, the
  same depth and number limits as HTTP bodies (:func:`conference.edge.bodies.load_json`). A
  packet over a limit, or not JSON at all, is not dropped silently: it arrives as the event
  :data:`REFUSED` with the refusal's code, whose handler acknowledges it with the error.
- Frames over ``[socketio] max_message_bytes`` (64 KiB) are refused by Engine.IO itself
  (``max_http_buffer_size``): the connection is closed, others are unaffected.
- :func:`socket_event` wraps every handler of a client event: at most
  ``[socketio] events_per_second`` per socket (bursts of ``events_burst``); more are not
  handled and get the ack ``{"error": {"code": "rate_limited", …}}``. Arguments follow the text
  rule; a refusal is the ack ``{"error": {code, message}}``, never an exception.
"""

from __future__ import annotations

import functools
import json
import threading
import time

from flask import current_app, request
from flask_babel import gettext as _

from conference.edge.bodies import JSONRefused, load_json, out_of_range, too_deep
from conference.edge.text import TextRefused, clean_strings
from conference.errors import ServiceError, error_body

REFUSED = "edge.refused"


class SocketJSON:
    """The JSON of Socket.IO packets: UTF-8 text, as the JSON API answers.

    Python's default escapes every non-ASCII letter (ā is six bytes, ``\\u0101``, instead of
    two); an update with a Latvian announcement was 363 bytes on the wire where Node's
    socket.io sends 319. Reading applies the edge's depth and number limits; the text rule is
    :func:`socket_event`'s, which runs in the request's language.
    """

    @staticmethod
    def dumps(obj, **kwargs):
        return json.dumps(obj, ensure_ascii=False, **kwargs)

    @staticmethod
    def loads(text, **kwargs):
        try:
            return load_json(text, text_rule=False)
        except JSONRefused as refusal:
            return [REFUSED, {"code": refusal.code, **refusal.extra}]
        except ValueError:
            # Not JSON at all (also what python-socketio makes of a CONNECT packet whose
            # auth is a bare number: its digits are read as an ack id, the rest as JSON).
            return [REFUSED, {"code": "bad_json"}]


class EventRate:
    """A token bucket per socket: ``rate`` events a second, ``burst`` at once."""

    def __init__(self, rate: float, burst: int):
        self.rate, self.burst = rate, burst
        self.buckets: dict[str, tuple[float, float]] = {}
        self.lock = threading.Lock()

    def allow(self, sid: str) -> bool:
        now = time.monotonic()
        with self.lock:
            tokens, then = self.buckets.get(sid, (self.burst, now))
            tokens = min(self.burst, tokens + (now - then) * self.rate)
            if tokens < 1:
                self.buckets[sid] = (tokens, now)
                return False
            self.buckets[sid] = (tokens - 1, now)
            return True

    def forget(self, sid: str) -> None:
        with self.lock:
            self.buckets.pop(sid, None)


def event_rate() -> EventRate:
    """This app's :class:`EventRate` (one per app and process)."""
    rate = current_app.extensions.get("edge.event_rate")
    if rate is None:
        settings = current_app.config["SETTINGS"]["socketio"]
        rate = EventRate(float(settings["events_per_second"]), int(settings["events_burst"]))
        current_app.extensions["edge.event_rate"] = rate
    return rate


def refusal_ack(error: ServiceError) -> dict:
    return error_body(error.code, error.message)


def socket_event(handler):
    """Wrap a client event's handler: rate per socket, the text rule, refusals as acks."""

    @functools.wraps(handler)
    def wrapped(*args):
        if not event_rate().allow(request.sid):
            return error_body(
                "rate_limited",
                _("Too many messages from this connection; this one was not handled."),
            )
        try:
            return handler(*clean_strings(list(args), "data"))
        except (TextRefused, ServiceError) as refusal:
            return refusal_ack(refusal)

    return wrapped


def on_refused(details=None, *rest):
    """The stand-in for a packet over the limits (see :class:`SocketJSON`): its error as ack."""
    code = details.get("code") if isinstance(details, dict) else None
    if code == "json_too_deep":
        error = too_deep()
    elif code == "bad_json":
        error = JSONRefused(_("The message is not valid JSON."), code="bad_json")
    else:
        error = out_of_range(str(details.get("number", "")) if isinstance(details, dict) else "")
    return refusal_ack(error)


def forget_socket(sid: str) -> None:
    """A closed socket's bucket goes with it."""
    event_rate().forget(sid)
