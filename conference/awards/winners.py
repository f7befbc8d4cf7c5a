"""Who wins which award: the one writer, and the locks every writer of awards honours.

:func:`set_winners` is the only code that writes ``award_winners``. The admin's award form,
the jury decision (places from the scores), the ceremony page (the director's pick, mentions,
an audience tie), the close of the vote (the audience award) and the event import all call it,
inside the one pass of a change (:func:`conference.live.change.live_change`), so every change
of winners is checked the same way and lands in the event's audit log. Its side effects:

- replaces the award's winners with exactly the entries given (none: no winner);
- records ``award.winners`` ``{entry_ids}`` before -> after in the audit log (read by the
  event's organisers and admins only: winners are secret until revealed);
- refuses (422, nothing written): entries of another contest; any change to an award that
  has been revealed (``award_revealed``); any change to a place once the contest's decision
  is locked (``decision_locked``: locked by the admin, or by the contest's first reveal).

The other locks: a revealed award keeps its title, kind and rank and cannot be deleted
(:func:`check_award_edit`, :func:`check_award_removal`); a contest with a revealed award or
an open vote, and an entry that won a revealed award, cannot be deleted.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from conference.audit.log import WINNERS_ACTION
from conference.awards.models import Award, AwardWinner, Contest, Entry
from conference.errors import Conflict, Invalid
from conference.i18n import translate


def winner_ids(session, award: Award) -> list[int]:
    """The ids of the entries that won ``award``, ascending (secret: admins and moderators)."""
    return list(
        session.scalars(
            sa.select(AwardWinner.entry_id)
            .where(AwardWinner.award_id == award.id)
            .order_by(AwardWinner.entry_id)
        )
    )


def set_winners(change, award: Award, entry_ids, decided_by: str = "admin") -> bool:
    """Make exactly ``entry_ids`` the winners of ``award`` (see the module docstring).

    ``change`` is the :class:`~conference.live.change.Change` the caller runs in. Returns
    whether anything changed; an unchanged set is no change (and never refused).
    """
    session = change.session
    current = winner_ids(session, award)
    wanted = sorted(set(entry_ids))
    if wanted == current:
        return False
    contest = award.contest
    if not set(wanted) <= {entry.id for entry in contest.entries}:
        raise Invalid(
            _("Choose from this contest's entries."), code="not_of_contest", field="winners"
        )
    if award.revealed_at is not None:
        raise Invalid(
            _("This award has been revealed; its winners can no longer change."),
            code="award_revealed",
            field="winners",
        )
    if award.kind == "place" and contest.decision_locked:
        raise Invalid(
            _(
                "The jury's decision is locked (the ceremony has begun): places can no longer change."
            ),
            code="decision_locked",
            field="winners",
        )
    session.execute(sa.delete(AwardWinner).where(AwardWinner.award_id == award.id))
    for entry_id in wanted:
        session.add(AwardWinner(award_id=award.id, entry_id=entry_id, decided_by=decided_by))
    session.flush()
    change.audit(
        WINNERS_ACTION,
        "award",
        award.id,
        translate(award.title, fallback=change.event.default_language),
        before={"entry_ids": current},
        after={"entry_ids": wanted, "decided_by": decided_by},
    )
    return True


def check_award_edit(award: Award, kind: str, rank, title: dict) -> None:
    """A revealed award keeps its title, kind and rank (attendees have seen them)."""
    if award.revealed_at is None:
        return
    if (award.kind, award.rank, award.title) != (kind, rank, title):
        raise Invalid(
            _("This award has been revealed; its title, kind and rank can no longer change."),
            code="award_revealed",
            field="title",
        )


def check_award_removal(award: Award) -> None:
    if award.revealed_at is not None:
        raise Conflict(
            _("This award has been revealed; it cannot be deleted."), code="award_revealed"
        )


def check_contest_removal(contest: Contest) -> None:
    """Not while its vote is open, nor once one of its awards has been revealed."""
    if contest.vote_status == "open":
        raise Conflict(_("The vote is open; close it first."), code="vote_open")
    if any(award.revealed_at is not None for award in contest.awards):
        raise Conflict(
            _("An award of this contest has been revealed; the contest cannot be deleted."),
            code="award_revealed",
        )


def check_entry_removal(session, entry: Entry) -> None:
    """Not while the vote is open, nor when it won an award that has been revealed."""
    if entry.contest.vote_status == "open":
        raise Conflict(_("The vote is open; close it first."), code="vote_open")
    revealed_win = session.scalar(
        sa.select(AwardWinner.award_id)
        .join(Award, Award.id == AwardWinner.award_id)
        .where(AwardWinner.entry_id == entry.id, Award.revealed_at.is_not(None))
        .limit(1)
    )
    if revealed_win is not None:
        raise Conflict(
            _("This entry won an award that has been revealed; it cannot be deleted."),
            code="award_revealed",
        )
