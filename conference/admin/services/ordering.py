"""Order of things in lists: agenda items, people, entries... kept as 0, 1, 2, ... positions."""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import gettext as _

from conference.audit.log import SYSTEM, Actor
from conference.errors import Invalid
from conference.events.agenda import next_position
from conference.live.change import live_change

__all__ = ["move", "move_in_event", "next_position"]

# The audit log's name of each kind of thing that can be moved.
KINDS = {
    "AgendaItem": "item",
    "Person": "person",
    "Organisation": "organisation",
    "Project": "project",
    "Contest": "contest",
    "Entry": "entry",
    "Award": "award",
}


def move(siblings: list, thing, direction: str, attribute: str = "position") -> bool:
    """Swap ``thing`` with its neighbour above (``"up"``) or below (``"down"``); no commit.

    Positions are renumbered 0, 1, 2, ... on the way, so gaps and ties left by earlier edits or
    imports cannot make a move look like it did nothing. At the top (or bottom) it stays put
    (returns False).
    """
    if direction not in ("up", "down"):
        raise Invalid(_("Move up or down."), code="bad_direction")
    ordered = sorted(siblings, key=lambda sibling: (getattr(sibling, attribute), sibling.id))
    index = ordered.index(thing)
    other = index - 1 if direction == "up" else index + 1
    moved = 0 <= other < len(ordered)
    if moved:
        ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, sibling in enumerate(ordered):
        setattr(sibling, attribute, position)
    # The loaded collection keeps its old order until reloaded; sorting is no change to save.
    siblings.sort(key=lambda sibling: getattr(sibling, attribute))
    return moved


def move_in_event(
    event,
    siblings: Callable[[], list],
    thing,
    direction: str,
    actor: Actor = SYSTEM,
    attribute: str = "position",
) -> None:
    """:func:`move` as one change of ``event``: audited, and followers see the new order
    (``agenda.reordered`` for items, ``contest.changed`` for entries and awards, …)."""
    with live_change(event.slug, actor) as change:
        if move(siblings(), thing, direction, attribute):
            kind = KINDS.get(type(thing).__name__, type(thing).__name__.lower())
            change.audit(f"{kind}.moved", kind, thing.id, None, after={"direction": direction})
