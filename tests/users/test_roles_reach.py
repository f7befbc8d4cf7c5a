"""What a role in one event shows and opens: the staff header's links and event switcher, the
greetings list, and nothing of another event (PROTOCOL 1.1, "Roles")."""

from __future__ import annotations

import re

from conference.db import db
from conference.greetings.invites import create_invite
from conference.people.models import Organisation
from conference.users.services import create_token_for
from tests.admin.browser import sign_in
from tests.conftest import join_team
from tests.greetings.factories import make_greeting
from tests.live.conftest import make_event

SLUG, SECOND, THIRD = "daugavpils-2021", "otra-konference", "tresa-konference"


def header_links(html: str) -> list[str]:
    nav = html.split('class="staff-header', 1)[1].split("</header>", 1)[0]
    return re.findall(r'<a href="(/(?:moderate|jury|admin)[^"?#]*)"', nav)


def test_the_staff_header_offers_what_the_role_in_this_event_reaches(app, make_user):
    for slug in (SLUG, SECOND, THIRD):
        make_event(slug=slug)
    make_user("moderatore@example.org", "moderator")
    join_team("moderatore@example.org", "moderator", SLUG)
    join_team("moderatore@example.org", "organiser", SECOND)
    browser = app.test_client()
    assert sign_in(browser, "moderatore@example.org").status_code == 302

    console = browser.get(f"/moderate/{SLUG}?lang=en").text
    links = header_links(console)
    assert f"/moderate/{SLUG}" in links and f"/moderate/{SLUG}/greetings" in links
    assert f"/admin/events/{SLUG}/" not in links and f"/jury/{SLUG}" not in links
    assert f"/moderate/{SECOND}" in links  # the switcher: their other event
    assert f"/moderate/{THIRD}" not in links  # not someone else's
    organised = header_links(browser.get(f"/moderate/{SECOND}?lang=en").text)
    assert f"/admin/events/{SECOND}/" in organised
    assert browser.get(f"/moderate/{THIRD}").status_code == 403
    assert browser.get(f"/admin/events/{SLUG}/").status_code == 403  # a moderator there


def test_the_full_greetings_list_is_for_the_moderators_of_that_event(app, make_user):
    event = make_event(slug=SLUG)
    make_event(slug=SECOND)
    partner = Organisation(
        event_id=event.id, position=0, name="Tartu", country="EE", role="partner"
    )
    db.session.add(partner)
    db.session.commit()
    create_invite(event, partner)
    make_greeting(event, partner)  # ready, waiting for review
    for email, slug in (("seit@example.org", SLUG), ("cits@example.org", SECOND)):
        make_user(email, "moderator")
        join_team(email, "moderator", slug)
    url = f"/api/v1/events/{SLUG}/greetings"

    def as_user(email):
        return {"Authorization": f"Bearer {create_token_for(email)}"}

    client = app.test_client()
    own = client.get(url, headers=as_user("seit@example.org")).get_json()
    assert [g["review"] for g in own] == ["pending"]
    assert client.get(url, headers=as_user("cits@example.org")).get_json() == []
    assert client.get(url).get_json() == []
