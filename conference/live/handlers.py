"""The agenda's commands: start and end the event, move through the items, shift the schedule,
announce. Each handler validates first, then changes state and appends its updates (see
:mod:`conference.live.commands`); a refusal is a 422 with a message in the moderator's language.

Decisions (also in docs/protocol.md):
- ``start_item`` and ``next_item`` need a live event: "start the event first".
- ``next_item`` ends the live item and starts the first upcoming item after it in the agenda;
  when the moderator skipped items and none is left after it, the earliest skipped one. With no
  upcoming item it only ends the live item; with neither: 422.
- ``shift_schedule`` moves every item that has not started (upcoming ones, also skipped ones);
  0 minutes is refused, as is a schedule with nothing left to move.
- ``clear_announcement`` without an announcement is refused.
- ``start_event`` with ``move_to_now: true`` first moves every item by the same whole minutes so
  that the first item starts at the command's minute (lengths and gaps kept), and the event's
  own start and end with them: ``schedule.shifted`` before ``event.started``. A rehearsal the
  day before, or the demo years after its date, then runs on today's clock.
- ``previous_item`` undoes a ``next_item`` (or a ``start_item``) made by mistake: the live item
  goes back to upcoming with its actual times cleared (``item.reset``), and the item that ended
  last is live again with its first start kept (``item.started``). With no item done: 422.
"""

from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _

from conference.db import iso
from conference.i18n import translate
from conference.live.commands import CommandContext, command
from conference.live.schemas import (
    boolean_argument,
    event_state,
    id_argument,
    integer_argument,
    item_state,
    translated_argument,
)

SHIFT_MIN_MINUTES = -120
SHIFT_MAX_MINUTES = 240


def _title(ctx: CommandContext, item) -> str:
    return translate(item.title, fallback=ctx.event.default_language)


def _live_item(ctx: CommandContext):
    return next((item for item in ctx.event.items if item.status == "live"), None)


def _require_live_event(ctx: CommandContext) -> None:
    if ctx.event.status == "scheduled":
        ctx.refuse(
            _("The event has not started yet. Start the event first."), code="event_not_started"
        )


def _start(ctx: CommandContext, item) -> None:
    item.status = "live"
    item.actual_start = ctx.now
    item.actual_end = None
    ctx.event.current_item_id = item.id
    ctx.append("item.started", item_state(item))


def _end(ctx: CommandContext, item) -> None:
    item.status = "done"
    item.actual_end = ctx.now
    if ctx.event.current_item_id == item.id:
        ctx.event.current_item_id = None
    ctx.append("item.ended", item_state(item))


@command("start_event")
def start_event(ctx: CommandContext) -> None:
    """Scheduled -> live: (with ``move_to_now``: ``schedule.shifted``), ``event.started``, then
    ``item.started`` for the first upcoming item."""
    move_to_now = boolean_argument(ctx.args, "move_to_now")
    if ctx.event.status != "scheduled":
        ctx.refuse(_("The event has already started."), code="event_started")
    if move_to_now:
        _move_programme_to_now(ctx)
    ctx.event.status = "live"
    ctx.event.started_at = ctx.now
    ctx.append("event.started", event_state(ctx.event))
    first = next((item for item in ctx.event.items if item.status == "upcoming"), None)
    if first is not None:
        _start(ctx, first)


@command("start_item")
def start_item(ctx: CommandContext) -> None:
    """``item.ended`` for the live item (if any), then ``item.started`` for ``item_id``."""
    item_id = id_argument(ctx.args, "item_id")
    _require_live_event(ctx)
    item = next((item for item in ctx.event.items if item.id == item_id), None)
    if item is None:
        ctx.refuse(_("This event has no item %(id)s.", id=item_id), code="unknown_item")
    if item.status == "done":
        ctx.refuse(_("“%(title)s” is over already.", title=_title(ctx, item)), code="item_done")
    if item.status == "live":
        ctx.refuse(_("“%(title)s” is live already.", title=_title(ctx, item)), code="item_live")
    live = _live_item(ctx)
    if live is not None:
        _end(ctx, live)
    _start(ctx, item)


@command("next_item")
def next_item(ctx: CommandContext) -> None:
    """``item.ended`` for the live item, then ``item.started`` for the next upcoming one."""
    _require_live_event(ctx)
    live = _live_item(ctx)
    upcoming = [item for item in ctx.event.items if item.status == "upcoming"]
    if live is None and not upcoming:
        ctx.refuse(_("There is no next item: every item is over."), code="nothing_upcoming")
    following = None
    if live is not None:
        following = next((item for item in upcoming if item.position > live.position), None)
        _end(ctx, live)
    following = following or (upcoming[0] if upcoming else None)
    if following is not None:
        _start(ctx, following)


def _move_programme_to_now(ctx: CommandContext) -> None:
    """Shift every item (and the event's dates) so that the first item starts at this minute."""
    items = sorted(ctx.event.items, key=lambda item: (item.planned_start, item.position))
    if not items:
        return
    minute = ctx.now.replace(second=0, microsecond=0)
    delta = minute - items[0].planned_start
    minutes = round(delta.total_seconds() / 60)
    if minutes == 0:
        return
    delta = timedelta(minutes=minutes)
    for item in ctx.event.items:
        item.planned_start += delta
        item.planned_end += delta
    ctx.event.starts_at += delta
    ctx.event.ends_at += delta
    ctx.emit(
        "schedule.shifted",
        {"minutes": minutes, "items": [item_state(item) for item in ctx.event.items]},
    )


@command("previous_item")
def previous_item(ctx: CommandContext) -> None:
    """Undo a ``next_item``: ``item.reset`` for the live item (if any), then ``item.started``
    for the item that ended last (its first ``actual_start`` kept)."""
    _require_live_event(ctx)
    done = [item for item in ctx.event.items if item.status == "done"]
    if not done:
        ctx.refuse(_("There is no earlier item to go back to."), code="nothing_before")
    last = max(done, key=lambda item: (item.actual_end, item.position))
    live = _live_item(ctx)
    if live is not None:
        live.status = "upcoming"
        live.actual_start = None
        live.actual_end = None
        ctx.event.current_item_id = None
        ctx.emit("item.reset", item_state(live))
    last.status = "live"
    last.actual_end = None
    ctx.event.current_item_id = last.id
    ctx.emit("item.started", item_state(last))


@command("end_event")
def end_event(ctx: CommandContext) -> None:
    """Live -> ended: ``item.ended`` for the live item (if any), then ``event.ended``."""
    _require_live_event(ctx)
    live = _live_item(ctx)
    if live is not None:
        _end(ctx, live)
    ctx.event.status = "ended"
    ctx.event.ended_at = ctx.now
    ctx.append("event.ended", event_state(ctx.event))


@command("shift_schedule")
def shift_schedule(ctx: CommandContext) -> None:
    """Move the planned times of every item not yet started: ``schedule.shifted``."""
    minutes = integer_argument(ctx.args, "minutes", SHIFT_MIN_MINUTES, SHIFT_MAX_MINUTES)
    if minutes == 0:
        ctx.refuse(_("Shift the schedule by at least one minute."), code="zero_shift")
    upcoming = [item for item in ctx.event.items if item.status == "upcoming"]
    if not upcoming:
        ctx.refuse(_("Nothing is left to shift: every item has started."), code="nothing_to_shift")
    delta = timedelta(minutes=minutes)
    for item in upcoming:
        item.planned_start += delta
        item.planned_end += delta
    ctx.append("schedule.shifted", {"minutes": minutes, "items": [item_state(i) for i in upcoming]})


@command("announce")
def announce(ctx: CommandContext) -> None:
    """Show ``text`` (per language) to everybody: ``announcement.shown`` ``{text, at}``."""
    text = translated_argument(ctx.args, "text", list(ctx.event.languages))
    ctx.event.announcement = {"text": text, "at": iso(ctx.now)}
    ctx.append("announcement.shown", ctx.event.announcement)


@command("clear_announcement")
def clear_announcement(ctx: CommandContext) -> None:
    """Take the announcement down: ``announcement.cleared`` ``{}``."""
    if ctx.event.announcement is None:
        ctx.refuse(_("There is no announcement to clear."), code="no_announcement")
    ctx.event.announcement = None
    ctx.append("announcement.cleared", {})
