"""Socket.IO handlers of the live log (namespace ``/``).

- ``connect`` with ``auth={"event": SLUG}``: right after the CONNECT acknowledgement the client
  joins the event's room and receives ``snapshot`` (:mod:`.acknowledged` says how); an unknown
  or missing slug is refused (``connect_error`` with a message).
  Our addition: ``auth["viewer"]`` = ``"console"`` or ``"screen"`` follows the event without
  counting as an attendee in ``presence`` (default ``"attendee"``).
- ``resync`` ``{"since": SEQ}``: acknowledged with ``{"updates": [...]}`` or ``{"snapshot": …}``.
- ``disconnect``: the client no longer counts for ``presence``.
  An attendee's connect and disconnect are also told to the attendance recorder
  (:mod:`conference.participants.attendance_recorder`: memory only, written in batches).
- ``clock``: acknowledged with ``{"now_ms": …}``, the server's time in milliseconds since the
  epoch, so that a page can estimate its clock offset NTP-style (the greeting player plays a
  video from the same moment on every screen; see docs/protocol.md).
Updates and presence are emitted by :mod:`conference.live.publish`, never from here. Every
client event passes :func:`conference.edge.sockets.socket_event` (rate per socket, the text
rule, refusals as acks); ``auth`` follows the text rule too.
"""

from __future__ import annotations

import time

from flask import current_app, request
from flask_babel import gettext as _
from flask_socketio import ConnectionRefusedError

from conference.attendees import ATTENDEE_COOKIE, read_attendee_id
from conference.edge import sockets as edge
from conference.edge.text import TextRefused, clean_strings
from conference.extensions import socketio
from conference.live import publish
from conference.live.schemas import unknown_event
from conference.participants.attendance_recorder import attendance_recorder

NOT_ATTENDEES = ("console", "screen")


def on_connect(auth=None):
    """The client names the event it follows; it gets the snapshot, then every update."""
    try:
        auth = clean_strings(auth, "auth")
    except TextRefused as refusal:
        raise ConnectionRefusedError(refusal.message, {"code": refusal.code}) from None
    slug = auth.get("event") if isinstance(auth, dict) else None
    if not isinstance(slug, str) or not slug:
        raise ConnectionRefusedError(
            _('Say which event to follow: connect with auth {"event": SLUG}.'),
            {"code": "missing_event"},
        )
    hub = publish.live_hub()
    entry = hub.cache.get(slug)
    if entry is None:
        refusal = unknown_event(slug)
        raise ConnectionRefusedError(refusal.message, {"code": refusal.code})
    attendee_id = read_attendee_id(request.cookies.get(ATTENDEE_COOKIE))
    counts = auth.get("viewer", "attendee") not in NOT_ATTENDEES
    hub.presence.joined(request.sid, slug, attendee_id, counts=counts)
    if counts:
        attendance_recorder().joined(request.sid, entry.event_id, attendee_id)
    app, sid = current_app._get_current_object(), request.sid

    def follow_after_acknowledgement():
        with app.app_context():
            publish.follow(hub, sid, slug)

    socketio.server.manager.after_connect(sid, publish.NAMESPACE, follow_after_acknowledgement)


def on_resync(data=None):
    """``{"since": SEQ}`` -> the acknowledgement ``{"updates": [...]}`` or ``{"snapshot": …}``."""
    hub = publish.live_hub()
    slug = hub.presence.event_of(request.sid)
    since = data.get("since") if isinstance(data, dict) else None
    return publish.resync_answer(hub, slug, since)


def on_clock(data=None):
    """``clock`` -> ``{"now_ms": server time}``; the asker times the round trip itself.

    Read as late as possible, just before the answer leaves, so that the time sits in the
    middle of the round trip the client measures.
    """
    return {"now_ms": round(time.time() * 1000, 1)}


def on_disconnect(reason=None):
    publish.live_hub().presence.left(request.sid)
    attendance_recorder().left(request.sid)
    edge.forget_socket(request.sid)


def init_app(app) -> None:
    """Register the handlers on this app's Socket.IO server."""
    socketio.on_event("connect", on_connect)
    socketio.on_event("resync", edge.socket_event(on_resync))
    socketio.on_event("clock", edge.socket_event(on_clock))
    socketio.on_event(edge.REFUSED, edge.socket_event(edge.on_refused))
    socketio.on_event("disconnect", on_disconnect)
