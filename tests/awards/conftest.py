"""A small event with the contest "Mans Erasmus": six entries, the six awards of the ceremony."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from conference.awards.models import Award, Contest, Entry, EntryAuthor
from conference.db import db
from conference.events.models import Event
from conference.users.auth import hash_password
from conference.users.models import User
from tests.conftest import join_team

AUTHORS = [
    [("Dmitrijs Ivčeno", "LMT-21"), ("Dmitrijs Lukins", "LMT-21"), ("Maksims Romanovs", "LMT-21")],
    [("Valerija Greibo", "LD-21")],
    [("Angelika Paškeviča", None)],
    [("Oskars Alehno", "ATS-21")],
    [("Larisa Ostapko", "KS-41")],
    [("Dmitrijs Sirotko", None)],
]
AWARDS = [
    ("mention", None, "Pateicība par dalību", "Thanks for taking part"),
    ("place", 3, "3. vieta", "3rd place"),
    ("place", 2, "2. vieta", "2nd place"),
    ("place", 1, "1. vieta", "1st place"),
    ("director", None, "Direktores simpātija", "Director's favourite"),
    ("audience", None, "Skatītāju simpātija", "Audience favourite"),
]


@pytest.fixture
def contest(app):
    event = Event(
        slug="daugavpils-2021",
        title={"lv": "Erasmus+ projektu rezultātu izvērtēšanas konference", "en": "Erasmus+"},
        timezone="Europe/Riga",
        starts_at=datetime(2021, 6, 15, 11, tzinfo=UTC),
        ends_at=datetime(2021, 6, 15, 13, 30, tzinfo=UTC),
        languages=["lv", "en"],
        default_language="lv",
    )
    contest = Contest(event=event, title={"lv": "Mans Erasmus", "en": "My Erasmus"})
    for position, authors in enumerate(AUTHORS, start=1):
        entry = Entry(contest=contest, position=position, title={"lv": f"Darbs {position}"})
        for order, (name, group) in enumerate(authors):
            entry.authors.append(EntryAuthor(name=name, group=group, position=order))
    for order, (kind, rank, lv, en) in enumerate(AWARDS, start=1):
        contest.awards.append(
            Award(kind=kind, rank=rank, ceremony_order=order, title={"lv": lv, "en": en})
        )
    db.session.add(event)
    db.session.commit()
    return contest


def _the_event(request) -> None:
    """The test's event ("daugavpils-2021"): the demo when the test asks for it, else the small
    contest event."""
    request.getfixturevalue("demo" if "demo" in request.fixturenames else "contest")


@pytest.fixture
def juror_factory(app, request):
    """``make(email)``: a juror of the test's event (the role held in that event)."""
    _the_event(request)

    def make(email):
        user = User(email=email, role="jury", password_hash=hash_password("žūrija-parole"))
        db.session.add(user)
        db.session.commit()
        join_team(email, "jury")
        return db.session.get(User, user.id)

    return make


@pytest.fixture
def moderator(app, request):
    """Bearer headers of a moderator of the test's event, as a script running the ceremony
    would send them."""
    from conference.users.services import create_token_for, create_user

    _the_event(request)
    create_user("moderatore@example.org", "moderator", "moderatores parole")
    join_team("moderatore@example.org", "moderator")
    return {"Authorization": f"Bearer {create_token_for('moderatore@example.org')}"}


@pytest.fixture
def demo(app):
    """The demo event (the reference conference) imported as ``conference serve --demo`` does."""
    from conference.demo import install_demo

    install_demo()
    return db.session.scalar(sa.select(Event).where(Event.slug == "daugavpils-2021"))
