"""A state machine of the command service (``conference.live.commands.run_command``).

Hypothesis sends any sequence of commands, good and bad, to a fresh event and checks after
each one what the protocol promises:
- ``seq`` grows by exactly the updates the command appended, one each, with no gap; a refused
  command appends nothing;
- at most one item is live;
- revealed awards only grow;
- nothing unrevealed appears in what attendees read: the snapshot (``/state``, this process's
  cache) and a snapshot rebuilt from the database carry exactly the revealed awards, and no
  unrevealed award's title is anywhere in them.
"""

from __future__ import annotations

import json
import uuid

import sqlalchemy as sa
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from conference.awards.models import Award, AwardWinner, Entry, EntryAuthor
from conference.db import db
from conference.errors import ServiceError
from conference.events.models import AgendaItem, Event
from conference.live.commands import run_command
from conference.live.models import LiveUpdate
from conference.live.snapshot import build_snapshot, reading_session
from tests.edge.strategies import json_values, texts, translated
from tests.live.sample_event import make_sample_event

STEPS = {"sqlite": 40, "postgresql": 25}
RUNS = {"sqlite": 50, "postgresql": 12}


def make_event_with_awards() -> Event:
    """The sample event under a fresh slug, with a contest of two entries and three awards:
    two with a winner (revealable), one without; each title is unique, to look for it."""
    from conference.awards.models import Contest

    event = make_sample_event()
    event.slug = "m-" + uuid.uuid4().hex[:10]
    contest = Contest(title={"lv": "Konkurss", "en": "Contest"})
    event.contests.append(contest)
    entries = [
        Entry(title={"lv": f"Darbs {n}"}, authors=[EntryAuthor(name=f"Autors {n}")]) for n in (1, 2)
    ]
    contest.entries.extend(entries)
    for rank in (1, 2, 3):
        secret = f"Noslēpums-{uuid.uuid4().hex[:8]}"
        contest.awards.append(Award(kind="place", rank=rank, title={"lv": secret}))
    db.session.commit()
    for award, entry in zip(contest.awards[:2], entries, strict=True):
        db.session.add(AwardWinner(award_id=award.id, entry_id=entry.id))
    db.session.commit()
    return event


class CommandService(RuleBasedStateMachine):
    """Commands of every kind against one event; the invariants below after each step."""

    client = None

    def __init__(self):
        super().__init__()
        event = make_event_with_awards()
        self.slug, self.event_id = event.slug, event.id
        self.item_ids = [item.id for item in event.items]
        self.award_ids = [award.id for award in event.contests[0].awards]
        self.contest_id = event.contests[0].id
        self.seq = 0
        self.revealed: set[int] = set()

    def send(self, body: dict) -> None:
        before = self.count_updates()
        try:
            answer = run_command(self.slug, body)
        except ServiceError as refusal:
            assert refusal.status in (404, 409, 422), refusal.status
            assert self.count_updates() == before, "a refused command appended updates"
            assert self.last_seq() == self.seq
            return
        appended = self.count_updates() - before
        assert answer["seq"] == self.seq + appended, (answer, self.seq, appended)
        self.seq = answer["seq"]

    def count_updates(self) -> int:
        db.session.rollback()
        return db.session.scalar(
            sa.select(sa.func.count()).where(LiveUpdate.event_id == self.event_id)
        )

    def last_seq(self) -> int:
        db.session.rollback()
        return db.session.scalar(sa.select(Event.last_seq).where(Event.id == self.event_id))

    @rule()
    def start_event(self):
        self.send({"type": "start_event"})

    @rule(move=st.booleans())
    def start_event_now(self, move):
        self.send({"type": "start_event", "move_to_now": move})

    @rule(index=st.integers(0, 5))
    def start_item(self, index):
        self.send({"type": "start_item", "item_id": self.item_ids[index]})

    @rule()
    def next_item(self):
        self.send({"type": "next_item"})

    @rule()
    def previous_item(self):
        self.send({"type": "previous_item"})

    @rule()
    def end_event(self):
        self.send({"type": "end_event"})

    @rule(minutes=st.integers(-200, 300))
    def shift_schedule(self, minutes):
        self.send({"type": "shift_schedule", "minutes": minutes})

    @rule(text=translated)
    def announce(self, text):
        self.send({"type": "announce", "text": text})

    @rule()
    def clear_announcement(self):
        self.send({"type": "clear_announcement"})

    @rule(kind=st.sampled_from(["open_vote", "close_vote"]))
    def vote(self, kind):
        self.send({"type": kind, "contest_id": self.contest_id})

    @rule(index=st.integers(0, 2))
    def reveal_award(self, index):
        self.send({"type": "reveal_award", "award_id": self.award_ids[index]})

    @rule(kind=texts, args=st.dictionaries(texts, json_values, max_size=3))
    def anything(self, kind, args):
        self.send({**args, "type": kind})

    @rule(stale=st.integers(-5, 5))
    def stale_expected_seq(self, stale):
        self.send({"type": "clear_announcement", "expected_seq": self.seq + stale})

    @invariant()
    def seq_counts_the_log(self):
        db.session.rollback()
        seqs = db.session.scalars(
            sa.select(LiveUpdate.seq).where(LiveUpdate.event_id == self.event_id)
        ).all()
        assert sorted(seqs) == list(range(1, self.seq + 1))
        assert self.last_seq() == self.seq

    @invariant()
    def at_most_one_live_item(self):
        live = db.session.scalar(
            sa.select(sa.func.count()).where(
                AgendaItem.event_id == self.event_id, AgendaItem.status == "live"
            )
        )
        assert live <= 1

    @invariant()
    def revealed_awards_only_grow_and_nothing_else_shows(self):
        revealed = set(
            db.session.scalars(
                sa.select(Award.id).where(
                    Award.id.in_(self.award_ids), Award.revealed_at.is_not(None)
                )
            )
        )
        assert revealed >= self.revealed
        self.revealed = revealed
        secrets = [
            award.title["lv"]
            for award in db.session.scalars(sa.select(Award).where(Award.id.in_(self.award_ids)))
            if award.id not in revealed
        ]
        state = self.client.get(f"/api/v1/events/{self.slug}/state")
        assert state.status_code == 200
        with reading_session() as session:
            event = session.get(Event, self.event_id)
            rebuilt = build_snapshot(session, event)
        for snapshot in (state.get_json(), rebuilt):
            assert {award["id"] for award in snapshot["awards"]} == revealed
            assert snapshot["seq"] == self.seq
            words = json.dumps(snapshot, ensure_ascii=False)
            assert not any(secret in words for secret in secrets)


def test_the_command_service_keeps_its_invariants(app, client, db_url):
    engine = "sqlite" if db_url.startswith("sqlite") else "postgresql"
    CommandService.client = client
    run_state_machine_as_test(
        CommandService,
        settings=settings(
            max_examples=RUNS[engine],
            stateful_step_count=STEPS[engine],
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
            database=None,
        ),
    )
