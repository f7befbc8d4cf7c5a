"""Contests, entries and awards; and the secret part: which entries won which award."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from conference.admin.services.ordering import next_position
from conference.admin.services.programme import require_title
from conference.awards.models import (
    AWARD_KINDS,
    VOTE_MODES,
    Award,
    AwardWinner,
    Contest,
    Entry,
    EntryAuthor,
)
from conference.db import db
from conference.errors import Conflict, Invalid

MEDIA_KINDS = ("image", "video", "pdf", "link")


def save_contest(event, values: dict, contest: Contest | None = None) -> Contest:
    """Add a contest, or change ``contest``; commits. Refuses an unknown vote mode, and a
    change of vote mode while the vote is open."""
    require_title(event, values["title"])
    if values["vote_mode"] not in VOTE_MODES:
        raise Invalid(_("Unknown vote mode."), code="bad_vote_mode", field="vote_mode")
    if contest is not None and contest.vote_status == "open":
        if values["vote_mode"] != contest.vote_mode:
            raise Conflict(
                _("The vote is open; close it before changing who may vote."),
                code="vote_open",
                field="vote_mode",
            )
    if contest is None:
        contest = Contest(position=next_position(event.contests))
        event.contests.append(contest)
    contest.title = values["title"]
    contest.description = values["description"]
    contest.vote_mode = values["vote_mode"]
    db.session.commit()
    return contest


def delete_contest(contest: Contest) -> None:
    """Remove a contest with its entries, awards, votes and scores; not while its vote is open."""
    if contest.vote_status == "open":
        raise Conflict(_("The vote is open; close it first."), code="vote_open")
    db.session.delete(contest)
    db.session.commit()


def save_entry(event, contest: Contest, values: dict, entry: Entry | None = None) -> Entry:
    """Add an entry, or change ``entry``, with its authors in the order given; commits.

    Refuses: no title in the default language, no author, an author row without a name, an
    attachment address without its kind (or the other way round).
    """
    require_title(event, values["title"])
    authors = values["authors"]
    if not authors:
        raise Invalid(_("Give at least one author."), code="no_authors", field="authors")
    if any(not author["name"] for author in authors):
        raise Invalid(_("Every author needs a name."), code="author_without_name", field="authors")
    if (values["media_kind"] is None) != (values["media_url"] is None):
        raise Invalid(
            _("Give both the kind and the address of the attachment, or neither."),
            code="bad_media",
            field="media_url",
        )
    if values["media_kind"] is not None and values["media_kind"] not in MEDIA_KINDS:
        raise Invalid(_("Unknown kind of attachment."), code="bad_media", field="media_kind")
    if entry is None:
        entry = Entry(position=next_position(contest.entries))
        contest.entries.append(entry)
    for name in ("title", "description", "media_kind", "media_url"):
        setattr(entry, name, values[name])
    entry.authors = [
        EntryAuthor(position=position, name=author["name"], group=author["group"])
        for position, author in enumerate(authors)
    ]
    db.session.commit()
    return entry


def delete_entry(entry: Entry) -> None:
    """Remove an entry (its votes, scores and award wins go with it)."""
    if entry.contest.vote_status == "open":
        raise Conflict(_("The vote is open; close it first."), code="vote_open")
    db.session.delete(entry)
    db.session.commit()


def winner_ids(award: Award) -> list[int]:
    """The entries that won ``award`` (secret: for the admin's pages only)."""
    return list(
        db.session.scalars(
            sa.select(AwardWinner.entry_id)
            .where(AwardWinner.award_id == award.id)
            .order_by(AwardWinner.entry_id)
        )
    )


def save_award(event, contest: Contest, values: dict, award: Award | None = None) -> Award:
    """Add an award, or change ``award``, and set its winners; commits.

    Refuses: an unknown kind, a place without a rank 1-3 or a rank on another kind, no title in
    the default language, winners from another contest, new winners for an award already
    revealed (the ceremony has shown the old ones).
    """
    kind, rank = values["kind"], values["rank"]
    if kind not in AWARD_KINDS:
        raise Invalid(_("Unknown kind of award."), code="bad_kind", field="kind")
    if kind == "place" and rank not in (1, 2, 3):
        raise Invalid(_("A place needs its rank: 1, 2 or 3."), code="bad_rank", field="rank")
    if kind != "place" and rank is not None:
        raise Invalid(_("Only places have a rank."), code="bad_rank", field="rank")
    require_title(event, values["title"])
    chosen = set(values["winner_ids"])
    entry_ids = {entry.id for entry in contest.entries}
    if not chosen <= entry_ids:
        raise Invalid(
            _("Choose from this contest's entries."), code="not_of_contest", field="winners"
        )
    if award is not None and award.revealed_at is not None and chosen != set(winner_ids(award)):
        raise Conflict(
            _("This award has been revealed; its winners can no longer change."),
            code="award_revealed",
            field="winners",
        )
    order = values["ceremony_order"]
    if order is None:
        order = next_position(contest.awards, "ceremony_order")
    if award is None:
        award = Award(contest=contest)
        db.session.add(award)
    award.kind, award.rank, award.title = kind, rank, values["title"]
    award.ceremony_order = order
    db.session.flush()
    set_winners(award, chosen)
    db.session.commit()
    return award


def set_winners(award: Award, entry_ids: set[int]) -> None:
    """Make exactly ``entry_ids`` the winners of ``award`` (no commit)."""
    current = set(winner_ids(award))
    if current - entry_ids:
        db.session.execute(
            sa.delete(AwardWinner).where(
                AwardWinner.award_id == award.id, AwardWinner.entry_id.in_(current - entry_ids)
            )
        )
    for entry_id in sorted(entry_ids - current):
        db.session.add(AwardWinner(award_id=award.id, entry_id=entry_id, decided_by="admin"))


def delete_award(award: Award) -> None:
    """Remove an award and its winners; not once it has been revealed."""
    if award.revealed_at is not None:
        raise Conflict(
            _("This award has been revealed; it cannot be deleted."), code="award_revealed"
        )
    db.session.delete(award)
    db.session.commit()
