"""The audience vote: one vote per attendee identity and contest; a new vote replaces the old one.

Votes are secret until the audience award is revealed: only moderators read the tally. The
vote is stored with an upsert keyed by (contest, attendee), so 200 attendees voting at once, or
one attendee voting 50 times, are counted exactly, on SQLite and on PostgreSQL alike.

The attendee cookie is free to drop: a script that forgets it is a new attendee with every
vote. In the open mode, first votes in a contest are therefore counted per address
(``security.vote_new_voters_address``): enough for a room behind one router, few enough that
stuffing the ballot by dropping the cookie needs many addresses (docs/ceremony.md). Changing
one's vote is never limited by it; the join-code mode needs no such limit.
"""

from __future__ import annotations

import hashlib

import limits
import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.dialects import postgresql, sqlite

from conference.awards.models import Contest, Entry, JoinCode, Vote
from conference.db import db, utcnow
from conference.edge.bodies import ID_MAX
from conference.errors import Forbidden, Invalid, NotFound, TooManyRequests
from conference.events.models import Event
from conference.extensions import limiter
from conference.ratelimit import address_block


def hash_join_code(code: str) -> str:
    """The stored hash of a join code; case, spaces and dashes do not matter when typing it."""
    letters = "".join(char for char in code.upper() if char.isalnum())
    return hashlib.sha256(letters.encode()).hexdigest()


def _entry_of_event(event: Event, entry_id) -> Entry:
    if not isinstance(entry_id, int) or isinstance(entry_id, bool):
        raise Invalid(_("Choose an entry to vote for."), code="entry_required")
    entry = db.session.get(Entry, entry_id) if 0 < entry_id <= ID_MAX else None
    if entry is None or entry.contest.event_id != event.id:
        raise NotFound(_("There is no such entry in this event."), code="unknown_entry")
    return entry


def cast_vote(
    event: Event,
    attendee_id: str,
    entry_id,
    join_code: str | None = None,
    address: str | None = None,
) -> Vote:
    """Record the attendee's vote for ``entry_id``, replacing their earlier vote in that contest.

    Refused (422) when the contest's vote is not open; in the stricter mode (403) without a
    valid personal join code; in the open mode (429) when ``address`` (the voter's, when the
    vote comes from outside) brought too many new voters to this contest lately. Changes
    nothing on refusal. Broadcasts nothing: the tally is secret until the audience award is
    revealed.
    """
    entry = _entry_of_event(event, entry_id)
    contest: Contest = entry.contest
    if contest.vote_status == "not_opened":
        raise Invalid(_("The vote has not opened yet."), code="vote_not_open")
    if contest.vote_status == "closed":
        raise Invalid(_("The vote is closed."), code="vote_closed")
    if contest.vote_mode == "join_code":
        attendee_id = _attendee_by_join_code(event, attendee_id, join_code)
    elif address is not None and db.session.get(Vote, (contest.id, attendee_id)) is None:
        _admit_new_voter(contest, address)
    table = Vote.__table__
    values = {
        "contest_id": contest.id,
        "attendee_id": attendee_id,
        "entry_id": entry.id,
        "cast_at": utcnow(),
    }
    dialect = db.session.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table).values(values)
    insert = insert.on_conflict_do_update(
        index_elements=[table.c.contest_id, table.c.attendee_id],
        set_={"entry_id": insert.excluded.entry_id, "cast_at": insert.excluded.cast_at},
    )
    # The status is read again under a shared lock inside the writing transaction: votes run
    # side by side, while close_vote's update waits for them, so a vote racing the close is
    # counted before it or refused, never counted after it.
    still_open = db.session.scalar(
        sa.select(Contest.vote_status).where(Contest.id == contest.id).with_for_update(read=True)
    )
    if still_open != "open":
        db.session.rollback()
        raise Invalid(_("The vote is closed."), code="vote_closed")
    db.session.execute(insert)
    db.session.commit()
    return db.session.get(Vote, (contest.id, attendee_id))


def _admit_new_voter(contest: Contest, address: str) -> None:
    """Count a first vote in ``contest`` from ``address``; 429 (nothing counted) over the limit."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return
    setting = current_app.config["SETTINGS"]["security"]["vote_new_voters_address"]
    key = ("new-voters", str(contest.id), address_block(address))
    strategy = limiter.limiter
    items = limits.parse_many(setting)
    if not all(strategy.test(item, *key) for item in items):
        raise TooManyRequests(
            _(
                "Too many people have voted from your network just now. Please try again in a minute."
            ),
            code="too_many_new_voters",
        )
    for item in items:
        strategy.hit(item, *key)


def _attendee_by_join_code(event: Event, attendee_id: str, join_code: str | None) -> str:
    """In join-code mode a vote belongs to the code, whoever's browser sends it."""
    if not isinstance(join_code, str) or not join_code.strip():
        raise Forbidden(_("This vote needs your personal join code."), code="join_code_required")
    code = db.session.scalar(
        sa.select(JoinCode).where(
            JoinCode.event_id == event.id, JoinCode.code_hash == hash_join_code(join_code)
        )
    )
    if code is None:
        raise Forbidden(_("This join code is not valid."), code="join_code_invalid")
    return f"code:{code.id}"


def tally(contest: Contest) -> dict[int, int]:
    """Votes per entry id (every entry present, zero included). Moderators only."""
    counts = dict.fromkeys((entry.id for entry in contest.entries), 0)
    rows = db.session.execute(
        sa.select(Vote.entry_id, sa.func.count())
        .where(Vote.contest_id == contest.id)
        .group_by(Vote.entry_id)
    )
    for entry_id, count in rows:
        counts[entry_id] = count
    return counts


def leaders(contest: Contest) -> list[int]:
    """The entry ids with the most votes (several on a tie; none when nobody voted)."""
    counts = tally(contest)
    top = max(counts.values(), default=0)
    if top == 0:
        return []
    return [entry_id for entry_id, count in counts.items() if count == top]
