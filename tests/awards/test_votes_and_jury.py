"""The audience vote and the jury, without the live commands around them."""

import threading

import pytest
import sqlalchemy as sa

from conference.awards import jury
from conference.awards.models import AwardWinner, Vote
from conference.awards.votes import cast_vote, leaders, tally
from conference.db import db
from conference.errors import Invalid, NotFound


def test_votes_before_open_and_after_close_are_refused(contest):
    event, entry = contest.event, contest.entries[0]
    with pytest.raises(Invalid) as before:
        cast_vote(event, "attendee-1", entry.id)
    assert before.value.code == "vote_not_open"
    contest.vote_status = "closed"
    db.session.commit()
    with pytest.raises(Invalid) as after:
        cast_vote(event, "attendee-1", entry.id)
    assert after.value.code == "vote_closed"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Vote)) == 0


def test_one_attendee_voting_fifty_times_counts_once_for_the_last_choice(contest):
    contest.vote_status = "open"
    db.session.commit()
    for round_ in range(50):
        cast_vote(contest.event, "same-attendee", contest.entries[round_ % 6].id)
    counts = tally(contest)
    assert sum(counts.values()) == 1
    assert counts[contest.entries[49 % 6].id] == 1


def test_an_entry_of_another_event_or_garbage_is_refused(contest):
    contest.vote_status = "open"
    db.session.commit()
    with pytest.raises(NotFound):
        cast_vote(contest.event, "a", 999_999)
    with pytest.raises(Invalid):
        cast_vote(contest.event, "a", "1")


def test_two_hundred_attendees_voting_at_once_are_counted_exactly(app, contest):
    contest.vote_status = "open"
    db.session.commit()
    event_id, entry_ids = contest.event.id, [entry.id for entry in contest.entries]
    errors = []

    def vote(worker):
        with app.app_context():
            from conference.events.models import Event

            event = db.session.get(Event, event_id)
            for n in range(worker, 200, 8):
                for _attempt in range(20):
                    try:
                        cast_vote(event, f"attendee-{n}", entry_ids[n % 6])
                        break
                    except sa.exc.OperationalError:  # SQLite: database is locked, try again
                        db.session.rollback()
                else:
                    errors.append(n)
            db.session.remove()

    threads = [threading.Thread(target=vote, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    db.session.expire_all()
    counts = tally(contest)
    assert sum(counts.values()) == 200
    assert counts[entry_ids[0]] == len(range(0, 200, 6))


def test_leaders_flag_a_tie(contest):
    contest.vote_status = "open"
    db.session.commit()
    cast_vote(contest.event, "a", contest.entries[0].id)
    cast_vote(contest.event, "b", contest.entries[1].id)
    assert sorted(leaders(contest)) == sorted([contest.entries[0].id, contest.entries[1].id])
    cast_vote(contest.event, "c", contest.entries[1].id)
    assert leaders(contest) == [contest.entries[1].id]


def test_jury_places_follow_the_mean_and_a_tie_is_flagged(contest, juror_factory):
    anna, boris = juror_factory("anna@example.org"), juror_factory("boris@example.org")
    scores = {0: (10, 9), 1: (8, 8), 2: (7, 8), 3: (5, 5), 4: (3, 4), 5: (6, 5)}
    for index, (a, b) in scores.items():
        jury.set_score(anna, contest, contest.entries[index].id, a, None)
        jury.set_score(boris, contest, contest.entries[index].id, b, "Labi! ā č ē")
    assert set(jury.own_scores(anna, contest)) == {e.id for e in contest.entries}
    with pytest.raises(Invalid):
        jury.apply_proposed_places(contest)  # the jury is still open
    jury.close_jury(contest)
    with pytest.raises(Invalid) as refused:
        jury.set_score(anna, contest, contest.entries[0].id, 1, None)
    assert refused.value.code == "jury_closed"
    assert jury.apply_proposed_places(contest) == []
    winners = {
        award.rank: [e.id for e in jury.winners_of(award)] for award in jury.place_awards(contest)
    }
    assert winners == {
        1: [contest.entries[0].id],
        2: [contest.entries[1].id],
        3: [contest.entries[2].id],
    }


def test_scores_are_audited_with_the_juror_and_a_closed_jury_changes_nothing(
    contest, juror_factory
):
    from conference.audit.log import entries_of
    from conference.awards.models import JuryScore

    anna = juror_factory("anna@example.org")
    entry = contest.entries[0]
    jury.set_score(anna, contest, entry.id, 7, "Labi! ā č ē")
    jury.set_score(anna, contest, entry.id, 9, "Labi! ā č ē")
    jury.set_score(anna, contest, entry.id, 9, "Labi! ā č ē")  # the same again: not recorded
    jury.close_jury(contest)
    with pytest.raises(Invalid):
        jury.set_score(anna, contest, entry.id, 2, None)
    db.session.expire_all()
    assert db.session.get(JuryScore, (anna.id, entry.id)).score == 9
    recorded = [
        (e.action, e.actor_label, e.target_id, e.before, e.after)
        for e in entries_of(db.session, contest.event_id)
        if e.target_type == "jury_score"
    ]
    assert recorded == [
        ("jury_score.created", "anna@example.org", entry.id, None,
         {"score": 7, "comment": "Labi! ā č ē"}),
        ("jury_score.changed", "anna@example.org", entry.id, {"score": 7}, {"score": 9}),
    ]  # fmt: skip


def test_a_tie_across_a_place_boundary_is_returned_not_decided(contest, juror_factory):
    anna = juror_factory("anna@example.org")
    for index, score in enumerate([10, 9, 8, 8, 2, 1]):
        jury.set_score(anna, contest, contest.entries[index].id, score, None)
    jury.close_jury(contest)
    ties = jury.apply_proposed_places(contest)
    assert ties == [[contest.entries[2].id, contest.entries[3].id]]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AwardWinner)) == 0


def test_scores_outside_one_to_ten_are_refused(contest, juror_factory):
    anna = juror_factory("anna@example.org")
    for bad in (0, 11, "7", 7.5, True):
        with pytest.raises(Invalid):
            jury.set_score(anna, contest, contest.entries[0].id, bad, None)


def test_locked_places_and_revealed_awards_cannot_change(contest):
    first = next(a for a in contest.awards if a.rank == 1)
    jury.set_winners(first, [contest.entries[0].id])
    jury.lock_decision(contest)
    with pytest.raises(Invalid) as refused:
        jury.set_winners(first, [contest.entries[1].id])
    assert refused.value.code == "decision_locked"
    director = next(a for a in contest.awards if a.kind == "director")
    jury.set_winners(director, [contest.entries[1].id])
    assert [e.id for e in jury.winners_of(director)] == [contest.entries[1].id]
