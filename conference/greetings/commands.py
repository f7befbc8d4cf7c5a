"""The live commands ``play_greeting`` and ``stop_greeting`` (PROTOCOL.md, moderator commands).

``play_greeting {greeting_id}`` puts an approved, ready greeting on every screen:
``event.greeting_playing`` becomes the snapshot's ``greeting`` object
``{id, started_at, video_url, poster_url, duration_s}`` and ``greeting.started`` carries it.
``started_at`` is the command's server time; clients seek to ``now - started_at`` and stop at
``started_at + duration_s``. Playing another greeting while one plays simply replaces it.

``stop_greeting`` clears it (``greeting.stopped {id}``). Its optional ``greeting_id`` and
``started_at`` (an addition to the protocol) make it stop only that very playing; the server
itself sends such a stop when a greeting's time is over: :func:`schedule_end` queues a task
for ``started_at + duration_s``, so late joiners and the console see the truth even when
nobody presses stop. A greeting replaced or stopped in the meantime is left alone.
"""

from __future__ import annotations

import logging

from flask_babel import gettext as _

from conference.errors import Invalid
from conference.greetings.models import Greeting
from conference.greetings.schemas import playing_json
from conference.live.commands import command, run_command
from conference.live.schemas import id_argument

log = logging.getLogger(__name__)
# The scheduled stop comes a little after the end, so that no screen is cut short.
END_GRACE_S = 1.0


@command("play_greeting")
def play_greeting(ctx) -> None:
    """``greeting_id`` (an approved, ready greeting of this event) -> ``greeting.started``."""
    greeting_id = id_argument(ctx.args, "greeting_id")
    greeting = ctx.session.get(Greeting, greeting_id)
    if greeting is None or greeting.event_id != ctx.event.id:
        ctx.refuse(
            _("There is no greeting %(id)s in this event.", id=greeting_id), code="unknown_greeting"
        )
    if not greeting.is_public:
        ctx.refuse(
            _("Only an approved greeting whose video is ready can be played."),
            code="greeting_not_playable",
        )
    playing = playing_json(greeting, ctx.now)
    ctx.event.greeting_playing = playing
    ctx.append("greeting.started", playing)
    schedule_end(ctx.event.id, greeting.id, playing["started_at"], greeting.duration_s or 0)


@command("stop_greeting", after_end=True)
def stop_greeting(ctx) -> None:
    """Stop the playing greeting everywhere -> ``greeting.stopped {id}``."""
    playing = ctx.event.greeting_playing
    if not playing:
        ctx.refuse(_("No greeting is playing."), code="no_greeting_playing")
    wanted_id = ctx.args.get("greeting_id")
    wanted_start = ctx.args.get("started_at")
    if (wanted_id is not None and wanted_id != playing["id"]) or (
        wanted_start is not None and wanted_start != playing["started_at"]
    ):
        ctx.refuse(_("That greeting is no longer playing."), code="greeting_not_playing")
    ctx.event.greeting_playing = None
    ctx.append("greeting.stopped", {"id": playing["id"]})


def schedule_end(event_id: int, greeting_id: int, started_at: str, duration_s: float) -> None:
    """Queue the automatic stop; a queue that cannot be reached only loses this convenience."""
    from conference.greetings.tasks import tasks

    try:
        tasks().end_greeting.schedule(
            args=(event_id, greeting_id, started_at), delay=duration_s + END_GRACE_S
        )
    except Exception:
        log.exception("could not schedule the end of greeting %s", greeting_id)


def end_greeting_if_over(event_id: int, greeting_id: int, started_at: str) -> bool:
    """The scheduled task: stop this playing of the greeting if it is still on. True if stopped."""
    from conference.db import db
    from conference.events.models import Event

    event = db.session.get(Event, event_id)
    playing = event.greeting_playing if event is not None else None
    if not playing or playing["id"] != greeting_id or playing["started_at"] != started_at:
        return False
    try:
        run_command(
            event.slug,
            {"type": "stop_greeting", "greeting_id": greeting_id, "started_at": started_at},
        )
    except Invalid:
        return False  # replaced or stopped in the very same moment
    return True
