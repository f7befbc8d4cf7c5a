"""The award ceremony: the awards in ceremony order, what a reveal publishes, the audience winner.

Reading winners here is allowed because everything that leaves this module for attendees goes
through :func:`revealed_award`, and that is only called by the ``reveal_award`` command, which
copies the award with its winners into the live log at the moment of the reveal. The moderator
overview (:func:`ceremony_overview`) shows hidden winners and is for moderator pages only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from conference.audit.log import SYSTEM
from conference.awards import jury, winners
from conference.awards.models import VOTE_MODES, Award, AwardWinner, Contest, Entry
from conference.awards.votes import leaders, tally
from conference.db import db, iso
from conference.errors import Invalid
from conference.events.models import Event
from conference.events.schemas import entry_json, translated
from conference.i18n import translate
from conference.live.change import live_change

# The order of the article's results list: places by rank, the thanks, then the favourites.
RESULTS_KIND_ORDER = {"place": 0, "mention": 1, "audience": 2, "director": 3}


def winners_in(session: Session, award: Award) -> list[Entry]:
    """Secret: the entries that won ``award``, in entry order (read in ``session``)."""
    return list(
        session.scalars(
            sa.select(Entry)
            .join(AwardWinner, AwardWinner.entry_id == Entry.id)
            .where(AwardWinner.award_id == award.id)
            .order_by(Entry.position, Entry.id)
        )
    )


def revealed_award(award: Award, winners: list[Entry]) -> dict:
    """The protocol's revealed award: ``{id, contest_id, kind, title, rank, entries, revealed_at}``.

    Only the ``reveal_award`` command calls this, at the moment of the reveal.
    """
    return {
        "id": award.id,
        "contest_id": award.contest_id,
        "kind": award.kind,
        "title": translated(award.title),
        "rank": award.rank if award.kind == "place" else None,
        "entries": [entry_json(entry) for entry in winners],
        "revealed_at": iso(award.revealed_at),
    }


def ceremony_awards(event: Event) -> list[Award]:
    """Every award of the event in ceremony order: contest by contest, then ``ceremony_order``."""
    contests = sorted(event.contests, key=lambda c: (c.position, c.id))
    return [
        award
        for contest in contests
        for award in sorted(contest.awards, key=lambda a: (a.ceremony_order, a.id))
    ]


def next_to_reveal(event: Event) -> Award | None:
    """The first award of the ceremony that is still hidden, or None when all are revealed."""
    return next((a for a in ceremony_awards(event) if a.revealed_at is None), None)


def give_audience_award(change, contest: Contest) -> list[int]:
    """At the close of the vote: the audience award(s) go to the entry with the most votes.

    Returns the leading entry ids. With exactly one leader its award(s) get that winner
    (``decided_by="vote"``, replacing any earlier pick) through the one writer of winners; on
    a tie (several leaders) or without votes nothing is set and the ceremony page asks the
    moderator. Runs inside ``change`` (the ``close_vote`` command); does not commit.
    """
    top = leaders(contest)
    if len(top) != 1:
        return top
    for award in contest.awards:
        if award.kind != "audience" or award.revealed_at is not None:
            continue
        winners.set_winners(change, award, top, decided_by="vote")
    return top


def decide_award(award: Award, entry_ids: list[int], decided_by: str, actor=None) -> None:
    """A moderator or admin sets the winners of a director's, mention or audience award.

    Places are the jury's (set on the jury decision page). The audience award is set by hand
    only after its vote has closed (a tie, or nobody voted). Refused once revealed. One change
    of its own, through the one writer of winners.
    """
    with live_change(award.contest.event.slug, actor or SYSTEM) as change:
        if award.kind == "place":
            raise Invalid(_("Places are decided by the jury."), code="jury_decides")
        if award.kind == "audience" and award.contest.vote_status != "closed":
            raise Invalid(
                _("The audience decides this award: close the vote first."),
                code="vote_not_closed",
            )
        if not entry_ids:
            raise Invalid(_("Choose at least one entry."), code="entry_required")
        if award.kind != "mention" and len(entry_ids) > 1:
            raise Invalid(_("Choose one entry for this award."), code="one_entry")
        winners.set_winners(change, award, entry_ids, decided_by=decided_by)


def set_vote_mode(contest: Contest, mode: str, actor=None) -> None:
    """Everyone may vote (``open``), or only holders of a join code; set before the vote opens."""
    with live_change(contest.event.slug, actor or SYSTEM) as change:
        if mode not in VOTE_MODES:
            raise Invalid(_("Choose who may vote."))
        if contest.vote_status != "not_opened":
            raise Invalid(_("Who may vote is set before the vote opens."))
        before = {"vote_mode": contest.vote_mode}
        contest.vote_mode = mode
        title = translate(contest.title, fallback=change.event.default_language)
        change.audit_edit("contest", contest.id, title, before, {"vote_mode": mode})


@dataclass
class AwardLine:
    """One award as the moderator sees it on the ceremony page (secret winners included)."""

    award: Award
    winners: list[Entry]
    revealed: bool
    is_next: bool = False
    tie: list[Entry] = field(default_factory=list)

    @property
    def blocker(self) -> str | None:
        """Why this award cannot be revealed now, in the moderator's language (None: it can)."""
        if self.revealed:
            return None
        if self.award.kind == "audience" and self.award.contest.vote_status != "closed":
            return _("The vote must close first.")
        if not self.winners:
            return _("No winner yet.")
        return None


@dataclass
class ContestVote:
    """A contest's vote for the moderator: status, mode, tally and the tie to decide."""

    contest: Contest
    counts: dict[int, int]
    tie: list[Entry]
    nobody_voted: bool


def ceremony_overview(event: Event) -> tuple[list[AwardLine], list[ContestVote]]:
    """Moderators only: every award with its (secret) winners in order, and every contest's vote."""
    upcoming = next_to_reveal(event)
    votes: list[ContestVote] = []
    undecided: dict[int, list[Entry]] = {}
    for contest in sorted(event.contests, key=lambda c: (c.position, c.id)):
        counts = tally(contest) if contest.vote_status != "not_opened" else {}
        tie: list[Entry] = []
        audience = [a for a in contest.awards if a.kind == "audience"]
        undecided_audience = [a for a in audience if not jury.winners_of(a)]
        if contest.vote_status == "closed" and undecided_audience:
            top = set(leaders(contest))
            tie = [entry for entry in contest.entries if entry.id in top and len(top) > 1]
            for award in undecided_audience:
                undecided[award.id] = tie
        nobody = contest.vote_status != "not_opened" and not any(counts.values())
        votes.append(ContestVote(contest, counts, tie, nobody))
    lines = [
        AwardLine(
            award=award,
            winners=jury.winners_of(award),
            revealed=award.revealed_at is not None,
            is_next=upcoming is not None and award.id == upcoming.id,
            tie=undecided.get(award.id, []),
        )
        for award in ceremony_awards(event)
    ]
    return lines, votes


def authors_text(authors: list[dict]) -> str:
    """``Dmitrijs Ivčeno, Dmitrijs Lukins, Maksims Romanovs (LMT-21)``, as the article writes it.

    Authors in a row who share a group code get it once, after the last of them.
    """
    parts: list[str] = []
    for index, author in enumerate(authors):
        group = author.get("group")
        following = authors[index + 1].get("group") if index + 1 < len(authors) else None
        shares_with_next = group and following == group
        parts.append(
            author["name"] if not group or shares_with_next else f"{author['name']} ({group})"
        )
    return ", ".join(parts)


def winners_text(entries: list[dict]) -> str:
    """Every winning entry's authors: ``Oskars Alehno (ATS-21), Larisa Ostapko (KS-41), …``."""
    return ", ".join(authors_text(entry.get("authors", [])) for entry in entries)


def results_order(awards: list[dict]) -> list[dict]:
    """Revealed awards in the order of the article's results list (places 1-3 first)."""
    return sorted(awards, key=lambda a: (RESULTS_KIND_ORDER.get(a["kind"], 9), a.get("rank") or 0))


def revealed_awards(event: Event) -> list[dict]:
    """The revealed awards of the event, as the live log holds them (public)."""
    from conference.live.log import updates_of_type

    return [row.data for row in updates_of_type(db.session, event.id, "award.revealed")]
