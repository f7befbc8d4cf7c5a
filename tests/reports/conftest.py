"""The demo conference run from start to end by scripts, as the report's evidence.

:func:`held_demo` imports the demo event and runs it through the API as on the day: scripted
participants register (some agree to be listed, one does not, one erases their data later),
the moderator starts it, shifts the schedule, plays a partner's greeting, takes questions,
runs the poll and the vote, reveals the six awards and ends it. The live log then holds what
happened; the clock of the run is moved to the real day afterwards (15 June 2021, 14:02 in
Riga), and the attendance is written as the recorder writes it: ``AttendanceInterval`` rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from conference.audience.models import Poll, PollOption, Question
from conference.awards.ceremony import next_to_reveal
from conference.db import db
from conference.demo import DEMO_SLUG, install_demo
from conference.events.models import Event
from conference.live.models import LiveUpdate
from conference.participants.models import AttendanceInterval
from conference.users.services import create_token_for, create_user
from tests.audience.conftest import attendee
from tests.conftest import join_team
from tests.greetings.factories import make_greeting

SLUG = DEMO_SLUG
COMMANDS = f"/api/v1/events/{SLUG}/commands"
PARTICIPANTS = f"/api/v1/events/{SLUG}/participants"
STARTED = datetime(2021, 6, 15, 11, 2, tzinfo=UTC)  # 14:02 in Riga
ESTONIA = "Partnerorganizācija Igaunijā / Partner organisation in Estonia"

# (attendee id, name, organisation, country, consent, minutes online from the start)
PEOPLE = [
    ("a-janis", "Jānis Bērziņš", "Daugavpils tehnikums", "LV", True, (0, 150)),
    ("a-girts", "Ģirts Ķēniņš", ESTONIA, "EE", True, (3, 120)),
    ("a-dace", "Dace Ozoliņa", "Accenture Latvija", "LV", True, (20, 90)),
    ("a-liga", "Līga Žūriņa", "Rīgas Valsts tehnikums", "LV", True, (0, 148)),
    ("a-maria", "Maria Rossi", "Istituto Tecnico Roma", "IT", True, (10, 60)),
    ("a-nina", "Ņina Čače", "Liepājas Valsts tehnikums", "LV", False, (5, 140)),
    ("a-eriks", "Ēriks Šļakota", "Tallinna Tööstushariduskeskus", "EE", True, (0, 30)),
    ("a-uldis", "Uldis Ūdris", "Daugavpils tehnikums", "LV", True, None),  # never came
]
ERASED = "Ēriks Šļakota"
NOT_CONSENTING = "Ņina Čače"


@dataclass
class Held:
    event: Event
    organiser: dict  # Bearer headers of the event's organiser
    organiser_email: str


def _ok(response):
    assert response.status_code < 300, response.get_data(as_text=True)[:400]
    return response


def run_demo(app) -> Held:
    """The demo event, held as described in the module docstring."""
    install_demo()
    event = db.session.scalar(sa.select(Event).where(Event.slug == SLUG))
    event.registration = "optional"
    db.session.commit()
    email = "organizatore@example.org"
    create_user(email, "moderator", "drošā parole ļoti", name="Inese Kalniņa")
    join_team(email, "organiser", SLUG)
    organiser = {"Authorization": f"Bearer {create_token_for(email)}"}
    client = app.test_client()

    def command(kind, **args):
        return _ok(client.post(COMMANDS, json={"type": kind, **args}, headers=organiser))

    for key, name, organisation, country, consent, _online in PEOPLE:
        body = {
            "name": name,
            "organisation": organisation,
            "country": country,
            "consent_list": consent,
        }
        _ok(attendee(app, key).post(PARTICIPANTS, json=body))

    partner = next(org for org in event.organisations if org.name == ESTONIA)
    greeting = make_greeting(event, partner, review="approved", title="Sveicieni no Tallinas")

    command("start_event")
    command("next_item")
    command("next_item")
    command("shift_schedule", minutes=10)
    command("play_greeting", greeting_id=greeting.id)
    command("stop_greeting")

    asked = []
    for key, text in (
        ("a-janis", "Kā pieteikties mobilitātei Itālijā?"),
        ("a-liga", "Cik ilgi ilga prakse Spānijā?"),
        ("a-maria", "Will the videos be shared?"),
        ("a-dace", "Jautājums, ko neviens neapstiprina"),
    ):
        answer = attendee(app, key).post(
            f"/api/v1/events/{SLUG}/questions", json={"text": text, "name": "Vārds Uzvārds"}
        )
        asked.append(_ok(answer).get_json()["id"])
    command("approve_question", question_id=asked[0])
    command("approve_question", question_id=asked[1])
    command("approve_question", question_id=asked[2])
    command("answer_question", question_id=asked[0])
    command("hide_question", question_id=asked[2])
    for key in ("a-liga", "a-maria", "a-girts"):
        _ok(attendee(app, key).post(f"/api/v1/events/{SLUG}/questions/{asked[0]}/upvote"))

    poll = db.session.scalar(sa.select(Poll).where(Poll.event_id == event.id))
    options = db.session.scalars(
        sa.select(PollOption).where(PollOption.poll_id == poll.id).order_by(PollOption.position)
    ).all()
    command("open_poll", poll_id=poll.id)
    for index, key in enumerate(("a-janis", "a-girts", "a-liga", "a-maria", "a-dace")):
        choice = options[1] if index < 3 else options[2]
        _ok(
            attendee(app, key).post(
                f"/api/v1/events/{SLUG}/polls/{poll.id}/answers", json={"option_ids": [choice.id]}
            )
        )
    command("close_poll", poll_id=poll.id)
    command("show_poll_results", poll_id=poll.id)

    contest = event.contests[0]
    command("open_vote", contest_id=contest.id)
    favourite = next(
        entry
        for entry in contest.entries
        if any(a.name == "Dmitrijs Sirotko" for a in entry.authors)
    )
    for number in range(5):
        browser = attendee(app, f"voter-{number}")
        _ok(browser.post(f"/api/v1/events/{SLUG}/votes", json={"entry_id": favourite.id}))
    command("close_vote", contest_id=contest.id)
    while True:
        db.session.expire_all()
        award = next_to_reveal(event)
        if award is None:
            break
        command("reveal_award", award_id=award.id)
    db.session.expire_all()
    for _item in range(sum(item.status == "upcoming" for item in event.items)):
        command("next_item")
    command("end_event")

    _ok(attendee(app, "a-eriks").delete(f"{PARTICIPANTS}/me"))
    db.session.expire_all()
    event = db.session.get(Event, event.id)
    _move_to_the_day(event)
    return Held(event=event, organiser=organiser, organiser_email=email)


def _move_to_the_day(event: Event) -> None:
    """The run took seconds today; give it the day's times: 14:02 to about 16:35 in Riga,
    each item starting 2 minutes after its (shifted) plan, and the attendance of PEOPLE plus
    anonymous followers, written as intervals."""
    items = event.items
    for index, item in enumerate(items):
        item.actual_start = item.planned_start + timedelta(minutes=2)
        following = items[index + 1] if index + 1 < len(items) else None
        item.actual_end = (
            following.planned_start + timedelta(minutes=2) if following else item.planned_end
        )
    event.started_at = STARTED
    event.ended_at = items[-1].actual_end
    shift = db.session.scalar(
        sa.select(LiveUpdate).where(
            LiveUpdate.event_id == event.id, LiveUpdate.type == "schedule.shifted"
        )
    )
    shift.at = STARTED + timedelta(minutes=38)
    for update in db.session.scalars(
        sa.select(LiveUpdate).where(
            LiveUpdate.event_id == event.id, LiveUpdate.type == "greeting.started"
        )
    ):
        update.data = {**update.data, "started_at": "2021-06-15T12:24:00Z"}
    for question in db.session.scalars(sa.select(Question).where(Question.event_id == event.id)):
        question.asked_at = STARTED + timedelta(minutes=50 + question.id)
    for key, *_rest, online in PEOPLE:
        if online:
            db.session.add(_interval(event, key, *online))
    # Followers without a registration: the curve rises, peaks at the greetings, thins out.
    for number in range(30):
        start = (number * 7) % 40
        end = 150 - (number * 11) % 70
        db.session.add(_interval(event, f"anon-{number}", start, end))
    for number in range(6):
        db.session.add(_interval(event, f"connection:{number}", 75 + number, 100))
    db.session.commit()


def _interval(event: Event, key: str, start: int, end: int) -> AttendanceInterval:
    return AttendanceInterval(
        event_id=event.id,
        attendee_key=key,
        started_at=STARTED + timedelta(minutes=start),
        ended_at=STARTED + timedelta(minutes=end),
    )


@pytest.fixture
def held(app) -> Held:
    return run_demo(app)
