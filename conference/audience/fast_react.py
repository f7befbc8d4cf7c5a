"""``react`` without the per-event machinery: counted in the connection's own reader.

A clap is the commonest message an attendee sends (5 a second each during applause) and the
cheapest to handle: check the kind, count it. Through python-socketio's normal path each one
costs a Socket.IO packet decode with our JSON depth check, a new greenlet
(``async_handlers``) and a Flask request context, about 250 µs of one core in all, of which the
count is 2 % (docs/benchmarks.md, "Reaction storm"). One process then tops out near 4,000
messages a second, and a backlog delays every moderator command behind it.

This layer sits in front of python-socketio's Engine.IO ``message`` handler (its public
``engineio.Server.on("message", …)`` registration) and takes only messages that are exactly a
``react`` event of the default namespace, short, from a connection that follows an event as an
attendee::

    2["react",{"kind":"applause"}]        (no acknowledgement wanted)
    2417["react",{"kind":"heart"}]        (acknowledgement 417: answered 3417[{"ok":true}])

Those are counted by :meth:`AudienceTicker.react` with the same key as the normal handler
(:func:`conference.audience.sockets.on_react`), so the 3-a-second cap per attendee identity is
the same. Anything else (another event, a namespace, a binary packet, a kind we do not know,
more than :data:`MAX_CHARS` characters, a console or screen connection, a socket not yet
following) goes to python-socketio unchanged, which answers it as before. It relies on two
things of python-socketio (checked by ``tests/audience/test_fast_react.py`` against the
installed version): the handler it registers for Engine.IO ``message`` takes ``(eio_sid,
data)``, and ``manager.sid_from_eio_sid(eio_sid, "/")`` maps the Engine.IO session to the
Socket.IO one. ``[socketio] fast_react = false`` turns the layer off.
"""

from __future__ import annotations

import json
import logging
import re

log = logging.getLogger(__name__)

# Longer than any well-formed react; a longer message takes the normal path with its checks.
MAX_CHARS = 64
_REACT = re.compile(r'2(\d{0,9})\["react",')
OK = '[{"ok":true}]'
REFUSED = '[{"ok":false}]'


def install(server, hub, ticker) -> None:
    """Put the fast path in front of ``server``'s (a ``socketio.Server``) message handler."""
    from conference.audience.ticker import REACTION_KINDS
    from conference.live import fastpath

    eio = server.eio
    original = eio.handlers["message"]
    kinds = frozenset(REACTION_KINDS)

    def on_message(eio_sid, data):
        if isinstance(data, str) and len(data) <= MAX_CHARS:
            match = _REACT.match(data)
            if match is not None and _counted(eio_sid, data, match):
                return None
        return on_message.passes_to(eio_sid, data)

    def _counted(eio_sid, data, match) -> bool:
        """True when the message was a react and is answered here; False: not ours."""
        try:
            payload = json.loads(data[match.end(1) :])
        except ValueError:
            return False
        if (
            not isinstance(payload, list)
            or len(payload) != 2
            or not isinstance(payload[1], dict)
            or len(payload[1]) != 1
            or payload[1].get("kind") not in kinds
        ):
            return False
        sid = server.manager.sid_from_eio_sid(eio_sid, "/")
        if sid is None:
            return False
        following = hub.presence.attendee_key(sid)
        if following is None:
            return False
        slug, key = following
        ok = ticker.react(slug, key, payload[1]["kind"])
        ack = match.group(1)
        if ack:
            fastpath.of(server).send_message(eio_sid, f"3{ack}{OK if ok else REFUSED}")
        return True

    on_message.passes_to = original  # what is not ours (tests put a spy here)
    eio.on("message", on_message)
