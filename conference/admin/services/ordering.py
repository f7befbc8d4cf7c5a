"""Order of things in lists: agenda items, people, entries... kept as 0, 1, 2, ... positions."""

from __future__ import annotations

from flask_babel import gettext as _

from conference.db import db
from conference.errors import Invalid


def next_position(siblings, attribute: str = "position") -> int:
    """The position after the last of ``siblings``."""
    return max((getattr(sibling, attribute) for sibling in siblings), default=-1) + 1


def move(siblings: list, thing, direction: str, attribute: str = "position") -> None:
    """Swap ``thing`` with its neighbour above (``"up"``) or below (``"down"``); commits.

    Positions are renumbered 0, 1, 2, ... on the way, so gaps and ties left by earlier edits or
    imports cannot make a move look like it did nothing. At the top (or bottom) it stays put.
    """
    if direction not in ("up", "down"):
        raise Invalid(_("Move up or down."), code="bad_direction")
    ordered = sorted(siblings, key=lambda sibling: (getattr(sibling, attribute), sibling.id))
    index = ordered.index(thing)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(ordered):
        ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, sibling in enumerate(ordered):
        setattr(sibling, attribute, position)
    db.session.commit()
    # The loaded collection keeps its old order until reloaded; sorting is no change to save.
    siblings.sort(key=lambda sibling: getattr(sibling, attribute))
