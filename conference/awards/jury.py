"""The jury: scores 1-10 per entry, places from the mean score, ties flagged, the decision locked.

A juror sees only their own scores until an admin closes the jury. Places follow from the mean
score; when two entries share a mean across a place boundary the tie is flagged and the admin
decides. The admin may also set places directly (the demo does). Before the ceremony starts the
decision is locked and places can no longer change.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from conference.audit.log import SYSTEM, Actor
from conference.awards import winners
from conference.awards.models import Award, AwardWinner, Contest, Entry, JuryScore
from conference.db import db
from conference.errors import Forbidden, Invalid, NotFound
from conference.i18n import translate
from conference.live.change import live_change
from conference.users.access import may_in
from conference.users.models import User


def _entry(contest: Contest, entry_id: int) -> Entry:
    entry = db.session.get(Entry, entry_id)
    if entry is None or entry.contest_id != contest.id:
        raise NotFound(_("There is no such entry in this contest."), code="unknown_entry")
    return entry


def set_score(
    juror: User, contest: Contest, entry_id: int, score, comment: str | None
) -> JuryScore:
    """Record or change a juror's score of an entry; refused once the jury is closed.

    One change of the event (:func:`conference.live.change.live_change`): the jury's closing
    takes the same lock, so a score never lands after the jury closed; audited as
    ``jury_score.created`` / ``jury_score.changed`` with the juror (the scores are the jury's
    and the organisers', never the attendees': nothing is appended to the live log).
    """
    if not may_in(juror, contest.event, "jury"):
        raise Forbidden(_("Only jurors score entries."))
    if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 10:
        raise Invalid(_("A score is a whole number from 1 to 10."), code="bad_score")
    comment = (comment or "").strip() or None
    contest_id, juror_id = contest.id, juror.id
    with live_change(contest.event.slug, Actor.of(juror), diff=False) as change:
        contest = db.session.get(Contest, contest_id)
        if contest.jury_closed:
            raise Invalid(_("The jury is closed; scores can no longer change."), code="jury_closed")
        entry = _entry(contest, entry_id)
        row = db.session.get(JuryScore, (juror_id, entry.id))
        before = None if row is None else {"score": row.score, "comment": row.comment}
        if row is None:
            row = JuryScore(juror_id=juror_id, entry_id=entry.id, score=score)
            db.session.add(row)
        row.score = score
        row.comment = comment
        row.updated_at = change.now
        change.audit_edit(
            "jury_score",
            entry.id,
            translate(entry.title, fallback=change.event.default_language),
            before,
            {"score": score, "comment": comment},
        )
    return row


def own_scores(juror: User, contest: Contest) -> dict[int, JuryScore]:
    """The juror's own scores in this contest, by entry id."""
    rows = db.session.scalars(
        sa.select(JuryScore)
        .join(Entry, Entry.id == JuryScore.entry_id)
        .where(JuryScore.juror_id == juror.id, Entry.contest_id == contest.id)
    )
    return {row.entry_id: row for row in rows}


@dataclass
class Standing:
    entry_id: int
    mean: float | None
    count: int


def standings(contest: Contest) -> list[Standing]:
    """Every entry with its mean score, best first (entries without scores last)."""
    rows = dict(
        (entry_id, (mean, count))
        for entry_id, mean, count in db.session.execute(
            sa.select(JuryScore.entry_id, sa.func.avg(JuryScore.score), sa.func.count())
            .join(Entry, Entry.id == JuryScore.entry_id)
            .where(Entry.contest_id == contest.id)
            .group_by(JuryScore.entry_id)
        )
    )
    result = [
        Standing(
            entry.id,
            float(rows[entry.id][0]) if entry.id in rows else None,
            rows.get(entry.id, (None, 0))[1],
        )
        for entry in contest.entries
    ]
    result.sort(key=lambda s: (s.mean is None, -(s.mean or 0)))
    return result


def place_awards(contest: Contest) -> list[Award]:
    return sorted((a for a in contest.awards if a.kind == "place"), key=lambda a: a.rank or 0)


def proposed_places(contest: Contest) -> tuple[dict[int, int], list[list[int]]]:
    """Places from the mean scores: ``({rank: entry_id}, ties)``.

    A tie is a group of entries with the same mean that straddles a place boundary or shares a
    place; the admin decides those.
    """
    ranks = [award.rank for award in place_awards(contest) if award.rank]
    scored = [s for s in standings(contest) if s.mean is not None]
    places: dict[int, int] = {}
    ties: list[list[int]] = []
    for index, rank in enumerate(sorted(ranks)):
        if index >= len(scored):
            break
        places[rank] = scored[index].entry_id
    by_mean: dict[float, list[int]] = {}
    for standing in scored:
        by_mean.setdefault(round(standing.mean, 6), []).append(standing.entry_id)
    placed = set(places.values())
    for group in by_mean.values():
        if len(group) > 1 and placed.intersection(group):
            ties.append(group)
    return places, ties


def close_jury(contest: Contest, actor: Actor = SYSTEM) -> None:
    """Admin: jurors can no longer change scores; all scores become visible to the admin."""
    with live_change(contest.event.slug, actor) as change:
        if not contest.jury_closed:
            contest.jury_closed = True
            change.audit("contest.jury_closed", "contest", contest.id, _label(change, contest))


def set_winners(
    award: Award, entry_ids: list[int], decided_by: str = "admin", actor: Actor = SYSTEM
) -> None:
    """Set who wins ``award`` (places, director's pick, mentions, or the audience award by hand),
    through the one writer (:func:`conference.awards.winners.set_winners`) in a change of its
    own. Refused once the award is revealed, and for places once the decision is locked."""
    with live_change(award.contest.event.slug, actor) as change:
        winners.set_winners(change, award, entry_ids, decided_by)


def apply_proposed_places(contest: Contest, actor: Actor = SYSTEM) -> list[list[int]]:
    """Admin: take the places from the mean scores, unless there is a tie (returned instead)."""
    if not contest.jury_closed:
        raise Invalid(_("Close the jury before taking its places."), code="jury_open")
    places, ties = proposed_places(contest)
    if ties:
        return ties
    with live_change(contest.event.slug, actor) as change:
        for award in place_awards(contest):
            if award.rank in places:
                winners.set_winners(change, award, [places[award.rank]], decided_by="jury")
    return []


def lock_decision(contest: Contest, actor: Actor = SYSTEM) -> None:
    """Admin: the places can no longer change (done before the ceremony starts; the first
    reveal of the contest locks it too)."""
    with live_change(contest.event.slug, actor) as change:
        if not contest.decision_locked:
            contest.decision_locked = True
            change.audit("contest.decision_locked", "contest", contest.id, _label(change, contest))


def _label(change, contest: Contest) -> str:
    return translate(contest.title, fallback=change.event.default_language)


def winners_of(award: Award) -> list[Entry]:
    """Secret: the entries that won ``award``, in entry order. Never for attendee-facing code."""
    return list(
        db.session.scalars(
            sa.select(Entry)
            .join(AwardWinner, AwardWinner.entry_id == Entry.id)
            .where(AwardWinner.award_id == award.id)
            .order_by(Entry.position, Entry.id)
        )
    )


def get_contest(contest_id) -> Contest:
    contest = db.session.get(Contest, contest_id) if isinstance(contest_id, int) else None
    if contest is None:
        raise NotFound(_("There is no such contest."), code="unknown_contest")
    return contest
