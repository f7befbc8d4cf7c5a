"""A polling request for an Engine.IO session that just closed answers 400, not 500.

python-engineio 4.15 checks ``sid in self.sockets`` and then calls ``_get_socket(sid)``, which
raises ``KeyError("Session is disconnected")`` when the session closed in between (a polling
attendee whose ping timed out while its next POST was on the way). Nothing catches it, so the
server answered 500 with a traceback in its log. This WSGI layer, around Flask-SocketIO's, turns
exactly that error on a Socket.IO path, before any answer started, into the ``400 Invalid
session`` that engineio gives a session it does not know: the client opens a new one.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)

GONE = ("Session is disconnected", "Session not found")


class GoneSessionIsBadRequest:
    def __init__(self, app, socketio_path: str = "/socket.io") -> None:
        self.app = app
        self.prefix = "/" + socketio_path.strip("/")

    def __call__(self, environ, start_response):
        if not environ.get("PATH_INFO", "").startswith(self.prefix):
            return self.app(environ, start_response)
        started = []

        def remember(status, headers, exc_info=None):
            started.append(status)
            return start_response(status, headers, exc_info)

        try:
            return self.app(environ, remember)
        except KeyError as error:
            if started or not error.args or error.args[0] not in GONE:
                raise
            log.info("engine.io request for a closed session answered 400")
            body = b'"Invalid session"'
            start_response(
                "400 BAD REQUEST",
                [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
            )
            return [body]
