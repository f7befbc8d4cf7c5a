"""Fixtures of the participants tests: an event taking registrations, its organisers."""

from __future__ import annotations

import pytest

from conference.db import db
from conference.people.models import Organisation
from conference.users.services import create_token_for, create_user
from tests.audience.conftest import attendee  # noqa: F401  (re-exported for the tests)
from tests.conftest import join_team
from tests.live.conftest import make_event

SLUG = "daugavpils-2021"
OTHER_SLUG = "cita-konference"
PASSWORD = "drošā parole ļoti"


@pytest.fixture
def event(app):
    """The live tests' event, registration optional, with an organiser and a partner."""
    event = make_event(SLUG)
    event.registration = "optional"
    event.organisations.append(
        Organisation(key="dvt", name="Daugavpils tehnikums", country="LV", role="organiser")
    )
    event.organisations.append(
        Organisation(key="ikas", name="Istituto Kārlis", country="IT", role="partner", position=1)
    )
    db.session.commit()
    return event


@pytest.fixture
def other_event(app):
    return make_event(OTHER_SLUG, item_count=1)


def _token(email: str, role: str, slug: str) -> dict:
    create_user(email, "moderator", PASSWORD)
    join_team(email, role, slug)
    return {"Authorization": f"Bearer {create_token_for(email)}"}


@pytest.fixture
def organiser(event):
    return _token("organizators@example.org", "organiser", SLUG)


@pytest.fixture
def other_organiser(event, other_event):
    return _token("cits@example.org", "organiser", OTHER_SLUG)


@pytest.fixture
def moderator(event):
    return _token("moderatore@example.org", "moderator", SLUG)
