"""The demo event with everything a page needs (an upload link, a greeting, an admin), and
browsers signed in through the server-side session table."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from conference.awards.models import Contest
from conference.db import db
from conference.demo import DEMO_SLUG, install_demo
from conference.events.models import Event
from conference.greetings.invites import create_invite
from conference.users.models import User
from conference.users.sessions import SESSION_KEY, open_session
from tests.admin.browser import BrowserClient, make_user  # noqa: F401 (a fixture)


@dataclass
class DemoSite:
    event: Event
    contest: Contest
    admin: User
    invite_token: str


@pytest.fixture
def site(app) -> DemoSite:
    """The demo event, its admin, and a partner's upload link; every test client is a
    :class:`BrowserClient` (a fresh ``g`` per request, as in production)."""
    app.test_client_class = BrowserClient
    install_demo()
    event = db.session.scalar(sa.select(Event).where(Event.slug == DEMO_SLUG))
    contest = db.session.scalar(sa.select(Contest).where(Contest.event_id == event.id))
    admin = db.session.scalar(sa.select(User).where(User.role == "admin"))
    _, token = create_invite(event, event.organisations[1])
    return DemoSite(event=event, contest=contest, admin=admin, invite_token=token)


def signed_in(client, user: User):
    """``client`` signed in as ``user`` (a real server-side session, without the slow form)."""
    with client.session_transaction() as session:
        session[SESSION_KEY] = open_session(user)
    return client
