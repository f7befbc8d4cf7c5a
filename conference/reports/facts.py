"""The organisers' report of an event: its facts gathered once, as plain data (issue 12 part 3).

:func:`gather_report` reads everything the report shows; the page and the PDF render the same
:class:`Report` with the same templates (``templates/reports/``). What it promises:

- the agenda as held: each item's planned times (as planned before the shifts made during the
  event), the minutes the moderator shifted it by, its actual start and end, its speakers;
- participants: only those who consented to the list, and did not erase their data, by name;
  every registration still counted per kind of organisation (organiser, partner, associated
  partner, other: only "other" counts for an Erasmus+ grant) and per country; an erased one
  is counted in the total only, and under no name, organisation or country;
- attendance as measured (:mod:`conference.participants.attendance`);
- greetings shown, questions, poll and award results, all from what happened live (the live
  log for greetings, shifts and revealed awards; an award never revealed shows no winner).

Asker names of questions are left out on purpose: the report is evidence of the event, and a
name typed into the question box carries no consent to be listed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa

from conference.audience.models import Poll
from conference.audience.polls import event_polls, poll_options, results
from conference.audience.questions import ATTENDEE_VISIBLE, event_questions
from conference.awards.ceremony import results_order, revealed_awards
from conference.db import db, utcnow
from conference.events.models import AgendaItem, Event, Project
from conference.greetings.models import Greeting
from conference.live.log import updates_of_type
from conference.live.models import LiveUpdate
from conference.participants.attendance import EventAttendance, event_attendance
from conference.participants.models import Participant
from conference.participants.records import organisation_kinds, participant_json

ORGANISATION_KINDS = ("organiser", "partner", "associated_partner", "other")


@dataclass
class AgendaRow:
    item: AgendaItem
    planned_start: datetime
    planned_end: datetime
    shifted_minutes: int
    actual_start: datetime | None
    actual_end: datetime | None
    speakers: list[str]


@dataclass
class Shift:
    at: datetime
    minutes: int
    items: int


@dataclass
class KindCount:
    kind: str
    registered: int = 0
    attended: int = 0


@dataclass
class ListedParticipant:
    name: str
    organisation: str
    kind: str
    country: str
    minutes: int | None
    first_seen: datetime | None
    last_seen: datetime | None


@dataclass
class GreetingShown:
    partner: str
    title: str
    duration_s: float | None
    started_at: datetime | None


@dataclass
class PollResult:
    poll: Poll
    total: int
    options: list[tuple[dict, int, float]]  # (text per language, answers, share of total)


@dataclass
class QuestionShown:
    text: str
    asked_at: datetime | None
    upvotes: int
    status: str


@dataclass
class Report:
    event: Event
    made_at: datetime
    projects: list[Project]
    agenda: list[AgendaRow]
    shifts: list[Shift]
    attendance: EventAttendance
    kinds: list[KindCount]
    countries: list[tuple[str, int]]
    listed: list[ListedParticipant]
    registered: int
    registered_attended: int
    unnamed: int  # registered, not erased, no consent to be listed by name
    erased: int
    erased_attended: int
    greetings: list[GreetingShown]
    questions: list[QuestionShown]
    question_counts: dict[str, int]
    polls: list[PollResult]
    awards: list[tuple[dict | None, list[dict]]] = field(default_factory=list)
    awards_not_revealed: int = 0

    @property
    def listed_by_kind(self) -> list[tuple[str, list[ListedParticipant]]]:
        """The participants listed by name, grouped by kind of organisation (kinds in order)."""
        return [
            (kind, [row for row in self.listed if row.kind == kind])
            for kind in ORGANISATION_KINDS
            if any(row.kind == kind for row in self.listed)
        ]


def gather_report(event: Event, now: datetime | None = None) -> Report:
    """Every fact of ``event``'s report, read from the database; changes nothing."""
    now = now or utcnow()
    attendance = event_attendance(event, now)
    shifts, shifted = _shifts(event)
    participants = list(
        db.session.scalars(
            sa.select(Participant)
            .where(Participant.event_id == event.id)
            .order_by(Participant.registered_at, Participant.id)
        )
    )
    kinds = {kind: KindCount(kind) for kind in ORGANISATION_KINDS}
    countries: dict[str, int] = {}
    listed = []
    registered_attended = erased = erased_attended = unnamed = 0
    matching = organisation_kinds(event)
    for participant in participants:
        time = attendance.of(participant.attendee_id)
        registered_attended += time is not None
        if participant.erased_at is not None:
            erased += 1
            erased_attended += time is not None
            continue
        kind = participant_json(participant, matching)["organisation_kind"]
        kinds[kind].registered += 1
        kinds[kind].attended += time is not None
        if participant.country:
            countries[participant.country] = countries.get(participant.country, 0) + 1
        if not participant.consent_list:
            unnamed += 1
            continue
        listed.append(
            ListedParticipant(
                name=participant.name or "",
                organisation=participant.organisation or "",
                kind=kind,
                country=participant.country or "",
                minutes=time.minutes if time else None,
                first_seen=time.first_seen if time else None,
                last_seen=time.last_seen if time else None,
            )
        )
    listed.sort(key=lambda row: (row.organisation.casefold(), row.name.casefold()))
    awards, not_revealed = _awards(event)
    questions, question_counts = _questions(event)
    return Report(
        event=event,
        made_at=now,
        projects=list(event.projects),
        agenda=[_agenda_row(item, shifted.get(item.id, 0)) for item in event.items],
        shifts=shifts,
        attendance=attendance,
        kinds=list(kinds.values()),
        countries=sorted(countries.items(), key=lambda pair: (-pair[1], pair[0])),
        listed=listed,
        registered=len(participants),
        registered_attended=registered_attended,
        unnamed=unnamed,
        erased=erased,
        erased_attended=erased_attended,
        greetings=_greetings(event),
        questions=questions,
        question_counts=question_counts,
        polls=[_poll_result(poll) for poll in event_polls(db.session, event)],
        awards=awards,
        awards_not_revealed=not_revealed,
    )


def _shifts(event: Event) -> tuple[list[Shift], dict[int, int]]:
    """The moderator's shifts after the event started, and the minutes each item moved by.

    A ``start_event`` with ``move_to_now`` moves the whole programme before ``event.started``:
    that move makes the plan (the event starts when it starts), so it is not a shift here.
    """
    started_seq = db.session.scalar(
        sa.select(sa.func.min(LiveUpdate.seq)).where(
            LiveUpdate.event_id == event.id, LiveUpdate.type == "event.started"
        )
    )
    shifts: list[Shift] = []
    moved: dict[int, int] = {}
    if started_seq is None:
        return shifts, moved
    for update in updates_of_type(db.session, event.id, "schedule.shifted"):
        if update.seq < started_seq:
            continue
        minutes = int(update.data.get("minutes") or 0)
        items = update.data.get("items") or []
        shifts.append(Shift(at=update.at, minutes=minutes, items=len(items)))
        for item in items:
            moved[item["id"]] = moved.get(item["id"], 0) + minutes
    return shifts, moved


def _agenda_row(item: AgendaItem, shifted_minutes: int) -> AgendaRow:
    back = timedelta(minutes=shifted_minutes)
    return AgendaRow(
        item=item,
        planned_start=item.planned_start - back,
        planned_end=item.planned_end - back,
        shifted_minutes=shifted_minutes,
        actual_start=item.actual_start,
        actual_end=item.actual_end,
        speakers=[
            f"{person.name} ({person.organisation.name})" if person.organisation else person.name
            for person in item.speakers
        ],
    )


def _greetings(event: Event) -> list[GreetingShown]:
    """Each ``greeting.started`` of the live log: the partner, its title, length and when."""
    shown = []
    for update in updates_of_type(db.session, event.id, "greeting.started"):
        greeting = db.session.get(Greeting, update.data.get("id"))
        partner = greeting.organisation.name if greeting is not None else ""
        shown.append(
            GreetingShown(
                partner=partner,
                title=(greeting.title if greeting is not None else None) or "",
                duration_s=update.data.get("duration_s"),
                started_at=_moment(update.data.get("started_at")) or update.at,
            )
        )
    return shown


def _questions(event: Event) -> tuple[list[QuestionShown], dict[str, int]]:
    every = event_questions(db.session, event, statuses=None)
    counts = {status: 0 for status in ("visible", "answered", "pending", "hidden")}
    for row in every:
        counts[row["status"]] = counts.get(row["status"], 0) + 1
    shown = [
        QuestionShown(
            text=row["text"],
            asked_at=_moment(row["asked_at"]),
            upvotes=row["upvotes"],
            status=row["status"],
        )
        for row in every
        if row["status"] in ATTENDEE_VISIBLE
    ]
    return shown, {"total": len(every), **counts}


def _poll_result(poll: Poll) -> PollResult:
    """Answers per option and their share of those who answered (a ``multiple`` poll's shares
    may add up to more than 1)."""
    tally = results(db.session, poll)
    total = tally["total"]
    options = []
    for option in poll_options(db.session, poll):
        count = tally["counts"].get(str(option.id), 0)
        options.append((dict(option.text), count, count / total if total else 0.0))
    return PollResult(poll=poll, total=tally["total"], options=options)


def _awards(event: Event) -> tuple[list[tuple[dict | None, list[dict]]], int]:
    """Revealed awards by contest, in the results' order; and how many were never revealed."""
    by_contest: dict[int | None, list[dict]] = {}
    for award in revealed_awards(event):
        by_contest.setdefault(award.get("contest_id"), []).append(award)
    titles = {contest.id: dict(contest.title) for contest in event.contests}
    groups = [
        ({"title": titles.get(contest_id)} if contest_id in titles else None, results_order(rows))
        for contest_id, rows in by_contest.items()
    ]
    every = sum(len(contest.awards) for contest in event.contests)
    revealed = sum(1 for contest in event.contests for a in contest.awards if a.revealed_at)
    return groups, every - revealed


def _moment(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
