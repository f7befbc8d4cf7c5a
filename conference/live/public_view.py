"""What attendees can read of an event besides its live state, and the updates that carry a change.

A writer that is not a live command (the admin, the API, an import) changes rows that pages
and the API show: the event's title, its agenda items, its contests. :func:`public_view` reads
them in the writer's transaction before and after the change; :func:`public_changes` turns the
difference into updates for the live log, in this order:

- ``event.changed``: the event's public fields (``slug, title, description, timezone,
  starts_at, ends_at, languages, default_language, online_url``) when any changed;
- ``item.removed`` ``{id}`` for each item that is gone;
- ``item.changed`` for each new or changed item, in agenda order: the API's ``item`` shape plus
  the snapshot's ``status``, ``actual_start``, ``actual_end`` (PROTOCOL 1.1); a new item goes
  to the end of the agenda;
- ``agenda.reordered`` ``{item_ids}`` when the agenda's order is not what the updates before it
  leave (an item moved, or a new one placed before the end);
- ``contest.removed`` ``{id}``, ``contest.changed`` (the API's ``contest`` shape plus the
  vote's ``status``) and ``contests.reordered`` ``{contest_ids}``, the same way.

Applying them to a snapshot (``conference.live.snapshot``) gives what a rebuild from the
database gives. Nothing secret is read: the API's shapes never carry award winners.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from conference.events.models import Event
from conference.events.schemas import contest_json, detail_loading, event_fields, item_json
from conference.live.schemas import item_state
from conference.live.snapshot import applies, replace_by_key


def item_public(item) -> dict:
    """``item.changed``'s data: the API's item plus the snapshot's status and actual times."""
    return {**item_json(item), **item_state(item)}


def contest_public(contest) -> dict:
    """``contest.changed``'s data: the API's contest (never a winner) plus the vote's status."""
    return {**contest_json(contest), "status": contest.vote_status}


@dataclass
class PublicView:
    event: dict
    items: list[dict]
    contests: list[dict]


def public_view(session: Session, event: Event) -> PublicView:
    """The event's public parts as the database holds them in this transaction (flushed)."""
    loaded = session.scalar(
        sa.select(Event)
        .where(Event.id == event.id)
        .options(*detail_loading())
        .execution_options(populate_existing=True)
    )
    return PublicView(
        event=event_fields(loaded),
        items=[item_public(item) for item in loaded.items],
        contests=[contest_public(contest) for contest in loaded.contests],
    )


def _list_changes(before: list[dict], after: list[dict], name: str, order_key: str):
    old = {row["id"]: row for row in before}
    new_ids = [row["id"] for row in after]
    present = set(new_ids)
    expected = [row["id"] for row in before if row["id"] in present]
    for row in before:
        if row["id"] not in present:
            yield f"{name}.removed", {"id": row["id"]}
    for row in after:
        if row["id"] not in old:
            expected.append(row["id"])
            yield f"{name}.changed", row
        elif old[row["id"]] != row:
            yield f"{name}.changed", row
    if expected != new_ids:
        yield order_key, {f"{name}_ids": new_ids}


def public_changes(before: PublicView, after: PublicView) -> list[tuple[str, dict]]:
    """The updates (``(type, data)``, in order) that take followers from ``before`` to ``after``."""
    changes: list[tuple[str, dict]] = []
    if before.event != after.event:
        changes.append(("event.changed", after.event))
    changes += _list_changes(before.items, after.items, "item", "agenda.reordered")
    changes += _list_changes(before.contests, after.contests, "contest", "contests.reordered")
    return changes


# How the updates above change a snapshot (its items and votes hold no titles: only ids,
# status and times, so most of an item.changed is for the pages, not the snapshot).
SNAPSHOT_ITEM_KEYS = ("id", "status", "planned_start", "planned_end", "actual_start", "actual_end")


def _in_order(rows: list[dict], ids: list, key: str) -> list[dict]:
    rank = {row_id: index for index, row_id in enumerate(ids)}
    return sorted(rows, key=lambda row: rank.get(row[key], len(rank)))


@applies("event.changed")
def _event_changed(snapshot, data):
    return {"event": {**snapshot["event"], "slug": data["slug"]}}


@applies("item.changed")
def _item_changed(snapshot, data):
    item = {key: data[key] for key in SNAPSHOT_ITEM_KEYS}
    return {"items": replace_by_key(snapshot["items"], [item], "id")}


@applies("item.removed")
def _item_removed(snapshot, data):
    current = snapshot["current_item_id"]
    return {
        "items": [item for item in snapshot["items"] if item["id"] != data["id"]],
        "current_item_id": None if current == data["id"] else current,
    }


@applies("agenda.reordered")
def _agenda_reordered(snapshot, data):
    return {"items": _in_order(snapshot["items"], data["item_ids"], "id")}


@applies("contest.changed")
def _contest_changed(snapshot, data):
    vote = {"contest_id": data["id"], "status": data["status"]}
    return {"votes": replace_by_key(snapshot["votes"], [vote], "contest_id")}


@applies("contest.removed")
def _contest_removed(snapshot, data):
    return {"votes": [vote for vote in snapshot["votes"] if vote["contest_id"] != data["id"]]}


@applies("contests.reordered")
def _contests_reordered(snapshot, data):
    return {"votes": _in_order(snapshot["votes"], data["contest_ids"], "contest_id")}
