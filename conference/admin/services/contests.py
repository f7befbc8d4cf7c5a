"""Contests, entries and awards; and the secret part: which entries won which award.

Each function is one change of the event (:func:`conference.live.change.live_change`), so
attendees' pages follow (``contest.changed`` …) and the audit log records it. Winners are
written only by :func:`conference.awards.winners.set_winners`, which honours the locks.
"""

from __future__ import annotations

from flask_babel import gettext as _

from conference.admin.services.ordering import next_position
from conference.audit.log import SYSTEM, Actor, audit_values
from conference.awards import winners
from conference.awards.models import AWARD_KINDS, VOTE_MODES, Award, Contest, Entry, EntryAuthor
from conference.db import db
from conference.errors import Conflict, Invalid
from conference.events.agenda import require_title
from conference.i18n import translate
from conference.live.change import live_change

MEDIA_KINDS = ("image", "video", "pdf", "link")
CONTEST_FIELDS = ("title", "description", "vote_mode")
ENTRY_FIELDS = ("title", "description", "media_kind", "media_url")
AWARD_FIELDS = ("kind", "rank", "title", "ceremony_order")


def _label(event, texts: dict) -> str:
    return translate(texts, fallback=event.default_language)


def save_contest(event, values: dict, contest: Contest | None = None, actor: Actor = SYSTEM):
    """Add a contest, or change ``contest``. Refuses an unknown vote mode, and a change of vote
    mode while the vote is open."""
    with live_change(event.slug, actor) as change:
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
        before = None if contest is None else audit_values(contest, CONTEST_FIELDS)
        if contest is None:
            contest = Contest(position=next_position(event.contests))
            event.contests.append(contest)
        for name in CONTEST_FIELDS:
            setattr(contest, name, values[name])
        change.session.flush()
        after = audit_values(contest, CONTEST_FIELDS)
        change.audit_edit("contest", contest.id, _label(event, contest.title), before, after)
    return contest


def delete_contest(contest: Contest, actor: Actor = SYSTEM) -> None:
    """Remove a contest with its entries, awards, votes and scores; not while its vote is open,
    nor once one of its awards has been revealed."""
    with live_change(contest.event.slug, actor) as change:
        winners.check_contest_removal(contest)
        change.audit("contest.deleted", "contest", contest.id, _label(change.event, contest.title))
        change.session.delete(contest)


def _entry_record(entry: Entry) -> dict:
    authors = [{"name": author.name, "group": author.group} for author in entry.authors]
    return {**audit_values(entry, ENTRY_FIELDS), "authors": authors}


def save_entry(event, contest: Contest, values: dict, entry: Entry | None = None, actor=SYSTEM):
    """Add an entry, or change ``entry``, with its authors in the order given.

    Refuses: no title in the default language, no author, an author row without a name, an
    attachment address without its kind (or the other way round).
    """
    with live_change(event.slug, actor) as change:
        _check_entry(event, values)
        before = None if entry is None else _entry_record(entry)
        if entry is None:
            entry = Entry(position=next_position(contest.entries))
            contest.entries.append(entry)
        for name in ENTRY_FIELDS:
            setattr(entry, name, values[name])
        entry.authors = [
            EntryAuthor(position=position, name=author["name"], group=author["group"])
            for position, author in enumerate(values["authors"])
        ]
        change.session.flush()
        label = _label(event, entry.title)
        change.audit_edit("entry", entry.id, label, before, _entry_record(entry))
    return entry


def _check_entry(event, values: dict) -> None:
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


def delete_entry(entry: Entry, actor: Actor = SYSTEM) -> None:
    """Remove an entry (its votes, scores and award wins go with it); not while the vote is
    open, nor when it won an award that has been revealed."""
    with live_change(entry.contest.event.slug, actor) as change:
        winners.check_entry_removal(change.session, entry)
        change.audit("entry.deleted", "entry", entry.id, _label(change.event, entry.title))
        change.session.delete(entry)


def winner_ids(award: Award) -> list[int]:
    """The entries that won ``award`` (secret: for the admin's pages only)."""
    return winners.winner_ids(db.session, award)


def save_award(event, contest: Contest, values: dict, award: Award | None = None, actor=SYSTEM):
    """Add an award, or change ``award``, and set its winners (through the one writer).

    Refuses: an unknown kind, a place without a rank 1-3 or a rank on another kind, no title in
    the default language, winners from another contest; a change of title, kind, rank or
    winners of an award already revealed; new winners of a place once the decision is locked.
    """
    kind, rank = values["kind"], values["rank"]
    with live_change(event.slug, actor) as change:
        if kind not in AWARD_KINDS:
            raise Invalid(_("Unknown kind of award."), code="bad_kind", field="kind")
        if kind == "place" and rank not in (1, 2, 3):
            raise Invalid(_("A place needs its rank: 1, 2 or 3."), code="bad_rank", field="rank")
        if kind != "place" and rank is not None:
            raise Invalid(_("Only places have a rank."), code="bad_rank", field="rank")
        require_title(event, values["title"])
        order = values["ceremony_order"]
        if order is None:
            order = (
                award.ceremony_order if award else next_position(contest.awards, "ceremony_order")
            )
        before = None
        if award is not None:
            # Winners first: for a revealed award that refusal is the one to show.
            winners.set_winners(change, award, values["winner_ids"], decided_by="admin")
            winners.check_award_edit(award, kind, rank, values["title"])
            before = audit_values(award, AWARD_FIELDS)
        else:
            award = Award(contest=contest)
            change.session.add(award)
        award.kind, award.rank, award.title = kind, rank, values["title"]
        award.ceremony_order = order
        change.session.flush()
        after = audit_values(award, AWARD_FIELDS)
        change.audit_edit("award", award.id, _label(event, award.title), before, after)
        if before is None:
            winners.set_winners(change, award, values["winner_ids"], decided_by="admin")
    return award


def delete_award(award: Award, actor: Actor = SYSTEM) -> None:
    """Remove an award and its winners; not once it has been revealed."""
    with live_change(award.contest.event.slug, actor) as change:
        winners.check_award_removal(award)
        change.audit("award.deleted", "award", award.id, _label(change.event, award.title))
        change.session.delete(award)
