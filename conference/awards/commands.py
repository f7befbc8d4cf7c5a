"""The ceremony's moderator commands: ``open_vote``, ``close_vote``, ``reveal_award``.

Each runs inside the command service's transaction (see :mod:`conference.live.commands`):
validate, change state, append the update. A refusal is a 422 with a message in the
moderator's language, and nothing is applied.

Decisions (also in docs/protocol.md):
- A vote goes ``not_opened`` -> ``open`` -> ``closed`` once. A closed vote does not open again:
  the audience award may already be decided from it, and attendees were told it closed.
- ``close_vote`` gives the contest's audience award(s) to the entry with the most votes; on a
  tie or without votes it sets nothing, and the ceremony page asks the moderator to decide.
  ``vote.closed`` carries ``{contest_id, status}`` only: never a count.
- ``reveal_award`` refuses an award without a winner ("no winner yet"), an award revealed
  already, an audience award whose vote is still open, and an award of another event. The
  first reveal of a contest locks its jury decision, so places cannot change mid-ceremony.
- ``close_vote`` and ``reveal_award`` are accepted after ``end_event`` (a vote left open is
  closed, results may be announced after the call); ``open_vote`` is not.
"""

from __future__ import annotations

from flask_babel import gettext as _

from conference.awards.ceremony import give_audience_award, revealed_award, winners_in
from conference.awards.models import Award, Contest
from conference.i18n import translate
from conference.live.commands import CommandContext, command
from conference.live.schemas import id_argument, vote_state


def _contest(ctx: CommandContext) -> Contest:
    contest_id = id_argument(ctx.args, "contest_id")
    contest = ctx.session.get(Contest, contest_id)
    if contest is None or contest.event_id != ctx.event.id:
        ctx.refuse(_("This event has no contest %(id)s.", id=contest_id), code="unknown_contest")
    return contest


def _title(ctx: CommandContext, texts: dict) -> str:
    return translate(texts, fallback=ctx.event.default_language)


@command("open_vote")
def open_vote(ctx: CommandContext) -> None:
    """Open the audience vote of ``contest_id``: ``vote.opened`` ``{contest_id, status}``."""
    contest = _contest(ctx)
    if contest.vote_status == "open":
        ctx.refuse(_("The vote is open already."), code="vote_open")
    if contest.vote_status == "closed":
        ctx.refuse(_("The vote has closed; it does not open again."), code="vote_closed")
    if not contest.entries:
        ctx.refuse(_("The contest has no entries to vote for."), code="no_entries")
    contest.vote_status = "open"
    ctx.append("vote.opened", vote_state(contest))


@command("close_vote", after_end=True)
def close_vote(ctx: CommandContext) -> None:
    """Close the vote of ``contest_id``; the leader gets the audience award: ``vote.closed``."""
    contest = _contest(ctx)
    if contest.vote_status == "not_opened":
        ctx.refuse(_("The vote has not opened yet."), code="vote_not_open")
    if contest.vote_status == "closed":
        ctx.refuse(_("The vote is closed already."), code="vote_closed")
    contest.vote_status = "closed"
    # Written before counting: a vote still in flight either committed before this update
    # (and is counted) or waits for it and then finds the vote closed.
    ctx.session.flush()
    give_audience_award(ctx, contest)
    ctx.append("vote.closed", vote_state(contest))


@command("reveal_award", after_end=True)
def reveal_award(ctx: CommandContext) -> None:
    """Reveal ``award_id`` with its winners to everyone: ``award.revealed`` (the revealed award)."""
    award_id = id_argument(ctx.args, "award_id")
    award = ctx.session.get(Award, award_id)
    if award is None or award.contest.event_id != ctx.event.id:
        ctx.refuse(_("This event has no award %(id)s.", id=award_id), code="unknown_award")
    title = _title(ctx, award.title)
    if award.revealed_at is not None:
        ctx.refuse(
            _("“%(title)s” has been revealed already.", title=title), code="already_revealed"
        )
    if award.kind == "audience" and award.contest.vote_status == "open":
        ctx.refuse(
            _("“%(title)s”: the vote is still open. Close the vote first.", title=title),
            code="vote_open",
        )
    winners = winners_in(ctx.session, award)
    if not winners:
        ctx.refuse(_("“%(title)s” has no winner yet.", title=title), code="no_winner")
    award.revealed_at = ctx.now
    award.contest.decision_locked = True
    ctx.append("award.revealed", revealed_award(award, winners))
